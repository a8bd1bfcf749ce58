package armmm.model.subsystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * The parts a subsystem declares to the registry ({@code spec/subsystems.md}): handle kinds,
 * reports and their argument counts, invariants with their applicability and change signal, and
 * the defaults of {@link Subsystem}.
 */
class RegistryPartsTest {

    /** A kernel holding at most one state, a {@link StringBuilder}. */
    private static KernelState kernelWith(StringBuilder state) {
        return new KernelState() {
            @Override
            public <S> S state(Class<S> type) {
                return type == StringBuilder.class ? type.cast(state) : null;
            }

            @Override
            public Bugs bugs() {
                return Bugs.NONE;
            }
        };
    }

    @Test
    void aHandleKindNamesTheCallsThatMakeAndTakeIt() {
        HandleKind page = new HandleKind("page", "p", List.of("alloc_pages", "alloc_page"),
                List.of(new HandleKind.Use("__free_pages", 0, true), new HandleKind.Use("split_page", 0, false)));
        assertThat(page.isProducedBy("alloc_page")).isTrue();
        assertThat(page.isProducedBy("__free_pages")).isFalse();
        assertThat(page.useBy("split_page")).isEqualTo(new HandleKind.Use("split_page", 0, false));
        assertThat(page.useBy("__free_pages").consumes()).isTrue();
        assertThat(page.useBy("kfree")).isNull();
        assertThat(new HandleKind.Use("kfree", 0, true).arg()).isZero();
        assertThatThrownBy(() -> new HandleKind.Use("kfree", -1, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("argument index -1, expected >= 0");
        assertThatThrownBy(() -> new HandleKind.Use(null, 0, true)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new HandleKind(null, "p", List.of(), List.of())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new HandleKind("page", null, List.of(), List.of())).isInstanceOf(NullPointerException.class);
        List<String> makers = new ArrayList<>(List.of("alloc_pages"));
        HandleKind copied = new HandleKind("page", "p", makers, List.of());
        makers.clear();
        assertThat(copied.isProducedBy("alloc_pages")).isTrue();
    }

    @Test
    void aReportTakesNoArgumentOrOneOrTwoWithARangedRendering() {
        Report.Ranged ranged = (k, from, to) -> Optional.of(from + ".." + to);
        assertThat(new Report("buddyinfo", k -> Optional.of("x")).maxArgs()).isZero();
        assertThat(new Report("buddyinfo", k -> Optional.of("x")).ranged()).isNull();
        assertThat(new Report("pagetables", k -> Optional.empty(), ranged).maxArgs()).isEqualTo(2);
        assertThat(new Report("pagetables", k -> Optional.empty(), null).maxArgs()).isZero();
        assertThat(new Report("tlb", k -> Optional.empty(), ranged, 1).maxArgs()).isEqualTo(1);
        assertThat(new Report("tlb", k -> Optional.empty(), ranged, 2).maxArgs()).isEqualTo(2);
        assertThatThrownBy(() -> new Report("tlb", k -> Optional.empty(), ranged, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("report tlb: 3 arguments with a ranged rendering");
        assertThatThrownBy(() -> new Report("tlb", k -> Optional.empty(), ranged, -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Report("tlb", k -> Optional.empty(), ranged, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("report tlb: 0 arguments with a ranged rendering");
        assertThatThrownBy(() -> new Report("tlb", k -> Optional.empty(), null, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("report tlb: 1 arguments without a ranged rendering");
        assertThatThrownBy(() -> new Report(" ", k -> Optional.empty())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a report needs a name, found  ");
        assertThatThrownBy(() -> new Report(null, k -> Optional.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Report("x", null)).isInstanceOf(NullPointerException.class);
        assertThat(new Report.BadArgument("no CPU 9")).hasMessage("no CPU 9");
    }

    @Test
    void anInvariantOnAStateAppliesOnlyWhereTheStateIs() {
        StringBuilder state = new StringBuilder("ab");
        KernelState with = kernelWith(state);
        KernelState without = kernelWith(null);
        Invariant inv = Invariant.on("INV-TEST-01", StringBuilder.class,
                s -> s.length() > 2 ? List.of(new Violation("INV-TEST-01", "too long", s.toString())) : List.of());
        assertThat(inv.id()).isEqualTo("INV-TEST-01");
        assertThat(inv).hasToString("INV-TEST-01");
        assertThat(inv.appliesTo(with)).isTrue();
        assertThat(inv.appliesTo(without)).isFalse();
        assertThat(inv.check(with)).isEmpty();
        assertThat(inv.check(without)).isEmpty();
        state.append('c');
        assertThat(inv.check(with)).containsExactly(new Violation("INV-TEST-01", "too long", "abc"));
        // no change signal: it runs after every step
        assertThat(inv.stamp(with)).isEqualTo(Invariant.ALWAYS);
        assertThat(inv.signal()).isEqualTo(new Invariant.Signal(StringBuilder.class, Invariant.Signal.NONE));
    }

    @Test
    void invariantsMadeWithOneStampFunctionShareTheirSignal() {
        StringBuilder state = new StringBuilder("abcd");
        ToLongFunction<StringBuilder> length = StringBuilder::length;
        Invariant a = Invariant.on("INV-TEST-02", StringBuilder.class, length, s -> List.of());
        Invariant b = Invariant.on("INV-TEST-03", StringBuilder.class, length, s -> List.of());
        Invariant c = Invariant.on("INV-TEST-04", StringBuilder.class, s -> (long) s.length(), s -> List.of());
        assertThat(a.stamp(kernelWith(state))).isEqualTo(4);
        assertThat(a.stamp(kernelWith(null))).isEqualTo(Invariant.ALWAYS);
        assertThat(a.signal()).isEqualTo(b.signal()).isNotEqualTo(c.signal());
        assertThat(a.appliesTo(kernelWith(null))).isFalse();
        assertThat(a.check(kernelWith(null))).isEmpty();
        assertThat(a).hasToString("INV-TEST-02");
    }

    @Test
    void anInvariantOverTheWholeKernelAppliesEverywhereWithoutASignal() {
        AtomicInteger runs = new AtomicInteger();
        Invariant whole = Invariant.of("INV-TEST-05", k -> {
            runs.incrementAndGet();
            return k.has(StringBuilder.class) ? List.of() : List.of(new Violation("INV-TEST-05", "no state", "-"));
        });
        assertThat(whole.id()).isEqualTo("INV-TEST-05");
        assertThat(whole).hasToString("INV-TEST-05");
        assertThat(whole.appliesTo(kernelWith(null))).isTrue();
        assertThat(whole.check(kernelWith(null))).extracting(Violation::reason).containsExactly("no state");
        assertThat(whole.check(kernelWith(new StringBuilder()))).isEmpty();
        assertThat(runs).hasValue(2);
        assertThat(whole.stamp(kernelWith(null))).isEqualTo(Invariant.ALWAYS);
        assertThat(whole.signal()).isNull();
    }

    /** A subsystem that declares only what it must: everything else is the interface's default. */
    private static final class Minimal implements Subsystem<StringBuilder> {
        private final List<Invariant> invariants;

        Minimal(List<Invariant> invariants) {
            this.invariants = invariants;
        }

        @Override
        public String name() {
            return "minimal";
        }

        @Override
        public Class<StringBuilder> stateType() {
            return StringBuilder.class;
        }

        @Override
        public StringBuilder create(KernelState earlier, Board board, Bugs bugs) {
            return new StringBuilder();
        }

        @Override
        public List<Invariant> invariants() {
            return invariants == null ? Subsystem.super.invariants() : invariants;
        }

        @Override
        public void beforeStep(StringBuilder state) {
            state.append("before;");
        }
    }

    @Test
    void theDefaultsDeclareNothingAndTheCompleteCheckRunsTheApplicableInvariants() {
        Minimal bare = new Minimal(null);
        StringBuilder s = new StringBuilder();
        assertThat(bare.calls()).isEmpty();
        assertThat(bare.invariants()).isEmpty();
        assertThat(bare.reports()).isEmpty();
        assertThat(bare.handleKinds()).isEmpty();
        assertThat(bare.bugs()).isEmpty();
        assertThat(bare.observe(s, kernelWith(s), ObservablePath.of("minimal"))).isEmpty();
        // the per-call hook with the call goes to the one without it
        bare.beforeStep(s, null);
        assertThat(s).hasToString("before;");
        Result r = Result.of(3);
        assertThat(bare.finishStep(s, null, r)).isSameAs(r);
        bare.afterStep(s, null, r);
        assertThat(s).hasToString("before;");

        Violation v = new Violation("INV-TEST-06", "always", "x");
        Invariant onState = Invariant.on("INV-TEST-06", StringBuilder.class, st -> List.of(v));
        Invariant onOther = Invariant.on("INV-TEST-07", Integer.class, st -> List.of(new Violation("INV-TEST-07", "never", "y")));
        Invariant whole = Invariant.of("INV-TEST-08", k -> List.of(new Violation("INV-TEST-08", "whole", "z")));
        Minimal checked = new Minimal(List.of(onState, onOther, whole));
        assertThat(checked.completeCheck(s, kernelWith(s))).extracting(Violation::id)
                .containsExactly("INV-TEST-06", "INV-TEST-08");
        assertThat(checked.completeCheck(s, kernelWith(null))).extracting(Violation::id).containsExactly("INV-TEST-08");
        // an invariant that does not apply is not run at all (its check may assume its state)
        AtomicInteger runs = new AtomicInteger();
        Invariant never = new Invariant() {
            @Override
            public String id() {
                return "INV-TEST-09";
            }

            @Override
            public boolean appliesTo(KernelState kernel) {
                return false;
            }

            @Override
            public List<Violation> check(KernelState kernel) {
                runs.incrementAndGet();
                return List.of();
            }
        };
        assertThat(new Minimal(List.of(never)).completeCheck(s, kernelWith(s))).isEmpty();
        assertThat(runs).hasValue(0);
        assertThat(never.stamp(kernelWith(s))).isEqualTo(Invariant.ALWAYS);
        assertThat(never.signal()).isNull();
    }
}
