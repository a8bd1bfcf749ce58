package armmm.model.subsystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * How a kernel call is written as a scenario line ({@code spec/scenario-language.md}): each
 * {@link ArgKind}'s spelling of a value, {@link Arg}'s own text, and {@link Op#render}'s line
 * (name, non-empty words, {@code cpu=N} off CPU 0), and the {@link OpSpec} factories.
 */
class ScenarioSpellingTest {

    @Test
    void eachKindSpellsAValueItsOwnWay() {
        HandleNames names = v -> v == 0xc0001000L ? Optional.of("$p1") : Optional.empty();
        assertThat(ArgKind.SIZE.render(4096, names)).isEqualTo("SZ_4K");
        assertThat(ArgKind.SIZE.render(0x1800, names)).isEqualTo("0x1800");
        assertThat(ArgKind.ADDR.render(0x4000_0000L, names)).isEqualTo("0x40000000");
        assertThat(ArgKind.NUMBER.render(-1, names)).isEqualTo("18446744073709551615");
        assertThat(ArgKind.WIDTH.render(2, names)).isEqualTo("2");
        assertThat(ArgKind.BOOL.render(0, names)).isEqualTo("0");
        assertThat(ArgKind.BOOL.render(1, names)).isEqualTo("1");
        assertThat(ArgKind.BOOL.render(5, names)).isEqualTo("1");
        assertThat(ArgKind.HANDLE.render(0xc0001000L, names)).isEqualTo("$p1");
        assertThat(ArgKind.HANDLE.render(0xc0002000L, names)).isEqualTo("0xc0002000");
        assertThat(ArgKind.GFP.render(Gfp.GFP_KERNEL | Gfp.ZERO, names)).isEqualTo("GFP_KERNEL|__GFP_ZERO");
        assertThat(ArgKind.ACCESS.render(0, names)).isEqualTo("read");
        assertThat(ArgKind.ACCESS.render(2, names)).isEqualTo("exec");
        assertThat(ArgKind.MODE.render(1, names)).isEqualTo("user");
        assertThat(ArgKind.CTOR.render(0, names)).isEmpty();
        assertThat(ArgKind.CTOR.render(1, names)).isEqualTo("ctor");
        assertThat(ArgKind.CONTEXT.render(1, names)).isEqualTo("irq");
        assertThat(ArgKind.NAME.render(0, names)).isEqualTo("\"\"");
        assertThat(ArgKind.FLAGS.render(0x2000, names)).isEqualTo("0x2000");
    }

    @Test
    void onlyTheWidthMayBeLeftOutAndOnlyKeywordKindsHaveWords() {
        for (ArgKind k : ArgKind.values()) {
            assertThat(k.omitted()).as("%s", k).isEqualTo(k == ArgKind.WIDTH ? OptionalLong.of(4) : OptionalLong.empty());
        }
        assertThat(ArgKind.ACCESS.keywords()).containsExactly("read", "write", "exec");
        assertThat(ArgKind.MODE.keywords()).containsExactly("kernel", "user");
        assertThat(ArgKind.CTOR.keywords()).containsExactly("", "ctor");
        assertThat(ArgKind.CONTEXT.keywords()).containsExactly("task", "irq");
        assertThat(ArgKind.SIZE.keywords()).isEmpty();
    }

    @Test
    void aWordIsQuotedWhenItIsEmptyOrHoldsSpaceHashOrBrackets() {
        assertThat(ArgKind.quoted("kmalloc-64")).isEqualTo("kmalloc-64");
        assertThat(ArgKind.quoted("")).isEqualTo("\"\"");
        assertThat(ArgKind.quoted("my cache")).isEqualTo("\"my cache\"");
        assertThat(ArgKind.quoted("a\tb")).isEqualTo("\"a\tb\"");
        assertThat(ArgKind.quoted("a#b")).isEqualTo("\"a#b\"");
        assertThat(ArgKind.quoted("a[")).isEqualTo("\"a[\"");
        assertThat(ArgKind.quoted("]")).isEqualTo("\"]\"");
        assertThat(ArgKind.quoted("x")).isEqualTo("x");
    }

    @Test
    void anArgPrintsItsOwnTextOrItsKindsSpelling() {
        assertThat(Arg.name("my cache").render(HandleNames.NONE)).isEqualTo("\"my cache\"");
        assertThat(Arg.name("dentry").render(HandleNames.NONE)).isEqualTo("dentry");
        assertThat(new Arg(0, ArgKind.NAME).render(HandleNames.NONE)).isEqualTo("\"\"");
        assertThat(Arg.flags(0x2000, "SLAB_HWCACHE_ALIGN").render(HandleNames.NONE)).isEqualTo("SLAB_HWCACHE_ALIGN");
        assertThat(Arg.flags(0x2000, "SLAB_HWCACHE_ALIGN").value()).isEqualTo(0x2000);
        assertThat(new Arg(0x2000, ArgKind.FLAGS).render(HandleNames.NONE)).isEqualTo("0x2000");
        assertThat(Arg.size(1L << 20)).isEqualTo(new Arg(1L << 20, ArgKind.SIZE, null));
        assertThat(Arg.addr(0x10).render(HandleNames.NONE)).isEqualTo("0x10");
        assertThat(Arg.number(11).render(HandleNames.NONE)).isEqualTo("11");
        assertThat(Arg.bool(true)).isEqualTo(new Arg(1, ArgKind.BOOL));
        assertThat(Arg.bool(false)).isEqualTo(new Arg(0, ArgKind.BOOL));
        assertThat(Arg.handle(0x5000).render(v -> Optional.of("$a3"))).isEqualTo("$a3");
        assertThat(Arg.gfp(Gfp.GFP_ATOMIC).render(HandleNames.NONE)).isEqualTo("GFP_ATOMIC");
        assertThat(HandleNames.NONE.nameOf(0)).isEmpty();
    }

    /** A call of test's own: its line is its name, then every non-empty word, then cpu=N off CPU 0. */
    private record Call(String name, List<Arg> args, int cpu) implements Op {
        @Override
        public Result applyTo(KernelState kernel) {
            return Op.onState(kernel, String.class, Result.refused("no string"), s -> Result.of(s.length()));
        }
    }

    @Test
    void aCallPrintsAsItsScenarioLine() {
        Op plain = new Call("alloc_pages", List.of(Arg.gfp(Gfp.GFP_KERNEL), Arg.number(3)), 0);
        assertThat(plain.render(HandleNames.NONE)).isEqualTo("alloc_pages GFP_KERNEL 3");
        Op onCpu = new Call("kmem_cache_alloc", List.of(Arg.handle(0x10), new Arg(0, ArgKind.CTOR)), 1);
        assertThat(onCpu.render(HandleNames.NONE)).isEqualTo("kmem_cache_alloc 0x10 cpu=1");
        assertThat(new Call("noop", List.of(), 0).render(HandleNames.NONE)).isEqualTo("noop");
        Op defaults = new Op() {
            @Override
            public String name() {
                return "x";
            }

            @Override
            public List<Arg> args() {
                return List.of();
            }

            @Override
            public Result applyTo(KernelState kernel) {
                return Result.VOID;
            }
        };
        assertThat(defaults.cpu()).isZero();
        assertThat(defaults.resultStem()).isNull();
    }

    @Test
    void aCallOnAnAbsentStateGetsTheAbsentAnswer() {
        KernelState without = new KernelState() {
            @Override
            public <S> S state(Class<S> type) {
                return null;
            }

            @Override
            public armmm.model.core.Bugs bugs() {
                return armmm.model.core.Bugs.NONE;
            }
        };
        KernelState with = new KernelState() {
            @Override
            public <S> S state(Class<S> type) {
                return type == String.class ? type.cast("four") : null;
            }

            @Override
            public armmm.model.core.Bugs bugs() {
                return armmm.model.core.Bugs.NONE;
            }
        };
        Op call = new Call("strlen", List.of(), 0);
        assertThat(call.applyTo(without)).isEqualTo(Result.refused("no string"));
        assertThat(call.applyTo(with)).isEqualTo(Result.of(4));
        assertThat(without.has(String.class)).isFalse();
        assertThat(with.has(String.class)).isTrue();
        assertThat(with.has(Integer.class)).isFalse();
    }

    @Test
    void theSpecFactoriesBuildCallsFromValuesAndTexts() {
        OpSpec plain = OpSpec.of("memblock_add", (a, cpu) -> new Call("memblock_add",
                List.of(Arg.addr(a[0]), Arg.size(a[1])), cpu), ArgKind.ADDR, ArgKind.SIZE);
        assertThat(plain.perCpu()).isFalse();
        assertThat(plain.args()).containsExactly(ArgKind.ADDR, ArgKind.SIZE);
        // a call without names ignores the texts
        assertThat(plain.factory().make(new long[] {0x4000_0000L, 4096}, new String[2], 0).render(HandleNames.NONE))
                .isEqualTo("memblock_add 0x40000000 SZ_4K");
        OpSpec perCpu = OpSpec.perCpu("drain_local_pages", (a, cpu) -> new Call("drain_local_pages", List.of(), cpu));
        assertThat(perCpu.perCpu()).isTrue();
        assertThat(perCpu.factory().make(new long[0], 3).render(HandleNames.NONE)).isEqualTo("drain_local_pages cpu=3");
        OpSpec text = OpSpec.withText("kmem_cache_create", (a, t, cpu) -> new Call("kmem_cache_create",
                List.of(Arg.name(t[0]), Arg.size(a[1])), cpu), ArgKind.NAME, ArgKind.SIZE);
        assertThat(text.perCpu()).isFalse();
        assertThat(text.factory().make(new long[] {0, 64}, new String[] {"my cache", null}, 0).render(HandleNames.NONE))
                .isEqualTo("kmem_cache_create \"my cache\" 64");
        // made without texts, every text is null: the name prints as the empty word
        assertThat(text.factory().make(new long[] {0, 64}, 0).render(HandleNames.NONE))
                .isEqualTo("kmem_cache_create \"\" 64");
        java.util.ArrayList<ArgKind> kinds = new java.util.ArrayList<>(List.of(ArgKind.ADDR));
        OpSpec copied = new OpSpec("x", kinds, false, (a, cpu) -> null);
        kinds.clear();
        assertThat(copied.args()).containsExactly(ArgKind.ADDR);
        assertThatThrownBy(() -> new OpSpec(null, List.of(), false, (a, cpu) -> null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new OpSpec("x", List.of(), false, null)).isInstanceOf(NullPointerException.class);
    }
}
