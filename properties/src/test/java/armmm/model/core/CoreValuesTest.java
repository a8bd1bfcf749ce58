package armmm.model.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The small value types every subsystem shares: the 32-bit address types (phys_addr_t and
 * unsigned long of this non-LPAE build, include/linux/types.h), the linear map's typed
 * {@code __va}/{@code __pa} (arch/arm/include/asm/memory.h: PAGE_OFFSET 0xc0000000 over
 * PHYS_OFFSET 0x40000000 on virt), {@link Result}, {@link Violation}, {@link Values} and {@link Xml}.
 */
class CoreValuesTest {

    @Test
    void addressTypesHoldExactlyThirtyTwoBits() {
        long top = (1L << 32) - 1;
        assertThat(new PhysAddr(0).value()).isZero();
        assertThat(new PhysAddr(top)).hasToString("0xffffffff");
        assertThat(new KernelAddr(0xc000_0000L)).hasToString("0xc0000000");
        assertThat(new UserAddr(top).value()).isEqualTo(top);
        assertThat(new Pfn(0x40000)).hasToString("0x40000");
        assertThat(new Pfn(top).value()).isEqualTo(top);
        assertThat(new KernelAddr(0).value()).isZero();
        assertThat(new UserAddr(0)).hasToString("0x0");
        assertThatThrownBy(() -> new PhysAddr(1L << 32)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("physical address 0x100000000, expected a 32-bit physical address");
        assertThatThrownBy(() -> new PhysAddr(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KernelAddr(1L << 32)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kernel virtual address 0x100000000, expected a 32-bit virtual address");
        assertThatThrownBy(() -> new KernelAddr(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UserAddr(1L << 32)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("user virtual address 0x100000000, expected a 32-bit virtual address");
        assertThatThrownBy(() -> new UserAddr(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pfn(1L << 32)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pfn 0x100000000, expected a page frame number of this 32-bit build");
        assertThatThrownBy(() -> new Pfn(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** virt's linear map: {@code __va(p) = p + 0x80000000}, wrapping in 32 bits as the C value does. */
    @Test
    void theTypedLinearMapConvertsAndWrapsInThirtyTwoBits() {
        LinearMap virt = new LinearMap() {
            @Override
            public long linearVirt(long phys) {
                return phys + 0x8000_0000L;
            }

            @Override
            public long linearPhys(long virt) {
                return virt - 0x8000_0000L;
            }
        };
        assertThat(virt.va(new PhysAddr(0x4000_0000L))).isEqualTo(new KernelAddr(0xc000_0000L));
        assertThat(virt.pa(new KernelAddr(0xefff_f000L))).isEqualTo(new PhysAddr(0x6fff_f000L));
        assertThat(virt.va(new PhysAddr(0x9000_0000L))).isEqualTo(new KernelAddr(0x1000_0000L));
        assertThat(virt.pa(new KernelAddr(0x1000_0000L))).isEqualTo(new PhysAddr(0x9000_0000L));
        assertThat(LinearMap.IDENTITY.linearVirt(0x1234)).isEqualTo(0x1234);
        assertThat(LinearMap.IDENTITY.linearPhys(0x5678)).isEqualTo(0x5678);
        assertThat(LinearMap.IDENTITY.va(new PhysAddr(0x4000_0000L))).isEqualTo(new KernelAddr(0x4000_0000L));
    }

    @Test
    void resultsSayWhatKindTheyAreAndWhatTheyReturn() {
        Result v = Result.of(42);
        assertThat(v).isEqualTo(new Result.Value(42));
        assertThat(v.value()).isEqualTo(42);
        assertThat(v.isRefused()).isFalse();
        assertThat(v.isWarned()).isFalse();
        assertThat(v.isModelFinding()).isFalse();
        assertThat(Result.VOID.value()).isZero();

        Result r = Result.refused("-EINVAL");
        assertThat(r).isEqualTo(new Result.Refused("-EINVAL", "-EINVAL"));
        assertThat(r.isRefused()).isTrue();
        assertThat(r.isWarned()).isFalse();
        assertThat(r.isModelFinding()).isFalse();
        assertThat(r.value()).isZero();
        assertThat(new Result.Refused("bad page", null).report()).isEqualTo("bad page");
        assertThat(new Result.Refused("bad page", "BUG: Bad page state").report()).isEqualTo("BUG: Bad page state");
        assertThatThrownBy(() -> new Result.Refused(" ", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Result.Refused(null, "x")).isInstanceOf(IllegalArgumentException.class);

        Result w = Result.warned(7, "WARN_ON(flags != rgn->flags)");
        assertThat(w).isEqualTo(new Result.Warned(7, "WARN_ON(flags != rgn->flags)", Result.Origin.KERNEL));
        assertThat(w.value()).isEqualTo(7);
        assertThat(w.isWarned()).isTrue();
        assertThat(w.isRefused()).isFalse();
        assertThat(w.isModelFinding()).isFalse();

        Result f = Result.finding(9, "a page on two lists");
        assertThat(f).isEqualTo(new Result.Warned(9, "a page on two lists", Result.Origin.MODEL));
        assertThat(f.isModelFinding()).isTrue();
        assertThat(f.value()).isEqualTo(9);
        assertThatThrownBy(() -> new Result.Warned(1, "", Result.Origin.MODEL)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Result.Warned(1, null, Result.Origin.MODEL)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Result.Warned(1, "w", null)).isInstanceOf(NullPointerException.class);

        Result m = Result.modelRefusal("double free");
        assertThat(m).isEqualTo(new Result.Refused("model: misuse", "armmm model: double free"));
        assertThat(m.isModelFinding()).isTrue();
        assertThat(m.isRefused()).isTrue();
    }

    @Test
    void aViolationPrintsItsIdReasonAndDetails() {
        assertThat(new Violation("INV-PAGE-01", "buddy not merged", "pfn 0x40000")).hasToString(
                "INV-PAGE-01 buddy not merged: pfn 0x40000");
        assertThatThrownBy(() -> new Violation(null, "r", "d")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Violation("i", null, "d")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Violation("i", "r", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void sizesPrintAsSzNamesFromOneKibToFourGib() {
        assertThat(Values.hex(255)).isEqualTo("0xff");
        assertThat(Values.hex(-1)).isEqualTo("0xffffffffffffffff");
        assertThat(Values.sizeName(0)).isEqualTo("0");
        assertThat(Values.sizeName(512)).isEqualTo("512");
        assertThat(Values.sizeName(1023)).isEqualTo("1023");
        assertThat(Values.sizeName(1024)).isEqualTo("SZ_1K");
        assertThat(Values.sizeName(1025)).isEqualTo("0x401");
        assertThat(Values.sizeName(0x600)).isEqualTo("0x600");
        assertThat(Values.sizeName(512L << 10)).isEqualTo("SZ_512K");
        assertThat(Values.sizeName(1L << 20)).isEqualTo("SZ_1M");
        assertThat(Values.sizeName(512L << 20)).isEqualTo("SZ_512M");
        assertThat(Values.sizeName(1L << 30)).isEqualTo("SZ_1G");
        assertThat(Values.sizeName(1L << 32)).isEqualTo("SZ_4G");
        assertThat(Values.sizeName(1L << 33)).isEqualTo("0x200000000");
    }

    @Test
    void xmlEscapesTheMarkupCharactersAndBlanksControlCharacters() {
        assertThat(Xml.escape("<a href=\"x\">&'</a>")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&amp;'&lt;/a&gt;");
        assertThat(Xml.escape("a\u0000b\u001fc\nd\te\rf\u007f")).isEqualTo("a b c\nd\te f\u007f");
        assertThat(Xml.escape("")).isEmpty();
    }

    @Test
    void bugsAreAValueOfThePlantedOnes() {
        assertThat(Bugs.NONE.isEmpty()).isTrue();
        assertThat(Bugs.NONE).hasToString("no seeded bug");
        Bugs two = Bugs.of(TestBug.ONE_BUG, TestBug.OTHER_BUG);
        assertThat(two.isEmpty()).isFalse();
        assertThat(two.has(TestBug.ONE_BUG)).isTrue();
        assertThat(Bugs.of(TestBug.ONE_BUG).has(TestBug.OTHER_BUG)).isFalse();
        assertThat(two).hasToString("one-bug,other-bug");
        List<SeededBug> list = new java.util.ArrayList<>(List.of(TestBug.ONE_BUG));
        Bugs copy = new Bugs(list);
        list.clear();
        assertThat(copy.planted()).containsExactly(TestBug.ONE_BUG);
    }

    @Test
    void aSeededBugsNamesAndCatalogueLineFollowFromItsFacts() {
        SeededBug own = TestBug.ONE_BUG;
        assertThat(own.cliName()).isEqualTo("one-bug");
        assertThat(own.isNamed("one-bug")).isTrue();
        assertThat(own.isNamed(" ONE_BUG ")).isTrue();
        assertThat(own.isNamed("One-Bug")).isTrue();
        assertThat(own.isNamed("one-bu")).isFalse();
        assertThat(own.isNamed(null)).isFalse();
        assertThat(own.invariant()).isEqualTo("INV-TEST-01");
        assertThat(own.kernelCommit()).isNull();
        assertThat(own.summary()).isEqualTo("frees twice");
        assertThat(own.reenacts()).isEqualTo("own planted mistake: frees twice");
        assertThat(own.scenario()).isEqualTo("seeded-bugs/one-bug.scn");
        assertThat(own.catalogueLine()).isEqualTo("one-bug\town planted mistake: frees twice\tINV-TEST-01");
        SeededBug undone = TestBug.OTHER_BUG;
        assertThat(undone.kernelCommit()).isEqualTo("abc123 (\"fix\")");
        assertThat(undone.reenacts()).isEqualTo("kernel commit abc123 (\"fix\") undone: merges nothing");
        assertThat(undone.catalogueLine()).isEqualTo("other-bug\tkernel commit abc123 (\"fix\") undone: merges nothing\tINV-TEST-02");
    }

    private enum TestBug implements SeededBug {
        ONE_BUG(new BugFacts("INV-TEST-01", null, "frees twice")),
        OTHER_BUG(new BugFacts("INV-TEST-02", "abc123 (\"fix\")", "merges nothing"));

        private final BugFacts facts;

        TestBug(BugFacts facts) {
            this.facts = facts;
        }

        @Override
        public BugFacts facts() {
            return facts;
        }
    }
}
