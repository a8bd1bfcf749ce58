package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.pbt.ChainResult;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Random chains of mmap, munmap, mprotect and brk, with bad arguments among them, on top-down and
 * legacy layouts: every VMA invariant holds after every call, every page is what a page-by-page
 * reference says, and each planted defect is caught by its invariant and shrunk.
 */
class VmaProperties {
    @PropertyTest
    void callsKeepEveryInvariantAndAgreeWithThePageReference(PropertyRunner runner) {
        ChainResult result = runner.run(VmaChains.spec(Set.of(), id -> true, true).tries(200).steps(60).seed(31).build());
        assertThat(result.passed()).as("%s", result.counterexample() == null ? "" : result.counterexample().message()).isTrue();
        Map<String, Integer> labels = result.stats().labels();
        assertThat(labels).containsKeys("mmap ok", "mmap EEXIST", "mmap EINVAL", "mmap ENOMEM", "munmap ok",
                "munmap EINVAL", "mprotect merged", "mprotect split", "mprotect ENOMEM", "mprotect EINVAL",
                "brk grew", "brk refused");
    }

    @PropertyTest
    void anMprotectThatDoesNotMergeIsCaughtByInvVma04(PropertyRunner runner) {
        ChainResult result = runner.run(VmaChains.spec(Set.of(VmaDefect.MPROTECT_NO_MERGE), VmaChecks.MERGED::equals, false)
                .tries(300).seed(32).build());
        assertThat(result.passed()).isFalse();
        assertThat(result.counterexample().failure().id()).isEqualTo(VmaChecks.MERGED);
        // hand-minimal: mmap, mprotect a page, mprotect it back (3 calls)
        assertThat(result.counterexample().steps()).hasSizeLessThanOrEqualTo(6);
        System.out.printf("[armmm] VmaProperties MPROTECT_NO_MERGE: %d steps (from %d): %s%n",
                result.counterexample().steps().size(), result.counterexample().originalSteps(),
                result.counterexample().steps());
    }

    @PropertyTest
    void aSplitThatLosesAPageIsCaughtByInvVma05(PropertyRunner runner) {
        ChainResult result = runner.run(VmaChains.spec(Set.of(VmaDefect.SPLIT_LOSES_PAGE), VmaChecks.COUNTED::equals, false)
                .tries(300).seed(33).build());
        assertThat(result.passed()).isFalse();
        assertThat(result.counterexample().failure().id()).isEqualTo(VmaChecks.COUNTED);
        // hand-minimal: one call splitting the stack or a mapping (munmap or mprotect inside it): 1 call
        assertThat(result.counterexample().steps()).hasSizeLessThanOrEqualTo(2);
        System.out.printf("[armmm] VmaProperties SPLIT_LOSES_PAGE: %d steps (from %d): %s%n",
                result.counterexample().steps().size(), result.counterexample().originalSteps(),
                result.counterexample().steps());
    }

    @Test
    void aBrkThatStretchesAnUnadjacentVmaIsCaughtByInvVma05() {
        // named defect_* as the other planted defects' runs, so the verification report lists it
        PropertyRunner runner = new PropertyRunner("VmaProperties", "defect_BRK_EXPANDS_UNADJACENT_VMA", (k, v) -> { }).derandomized();
        ChainResult result = runner.run(VmaChains.spec(Set.of(VmaDefect.BRK_EXPANDS_UNADJACENT_VMA),
                VmaChecks.COUNTED::equals, false).tries(300).build());
        assertThat(result.passed()).isFalse();
        assertThat(result.counterexample().failure().id()).isEqualTo(VmaChecks.COUNTED);
        // hand-minimal (seeded-bugs/brk-expands-unadjacent-vma.scn): brk up two pages, munmap the
        // heap's top page, brk up again (3 calls)
        assertThat(result.counterexample().steps()).hasSizeLessThanOrEqualTo(6);
        System.out.printf("[armmm] VmaProperties BRK_EXPANDS_UNADJACENT_VMA: %d steps (from %d): %s%n",
                result.counterexample().steps().size(), result.counterexample().originalSteps(),
                result.counterexample().steps());
    }

    @Test
    void anMprotectThatSeesItsMergeAsAGapIsCaughtByInvVma06() {
        // named defect_* as the other planted defects' runs, so the verification report lists it
        PropertyRunner runner = new PropertyRunner("VmaProperties", "defect_MPROTECT_MERGED_NEXT_SEEN_AS_GAP", (k, v) -> { }).derandomized();
        ChainResult result = runner.run(VmaChains.spec(Set.of(VmaDefect.MPROTECT_MERGED_NEXT_SEEN_AS_GAP),
                VmaChecks.MPROTECT_RESULT::equals, false).tries(300).build());
        assertThat(result.passed()).isFalse();
        assertThat(result.counterexample().failure().id()).isEqualTo(VmaChecks.MPROTECT_RESULT);
        // hand-minimal (seeded-bugs/mprotect-merged-next-seen-as-gap.scn): mmap two pages,
        // mprotect the upper one, mprotect both alike (3 calls)
        assertThat(result.counterexample().steps()).hasSizeLessThanOrEqualTo(6);
        System.out.printf("[armmm] VmaProperties MPROTECT_MERGED_NEXT_SEEN_AS_GAP: %d steps (from %d): %s%n",
                result.counterexample().steps().size(), result.counterexample().originalSteps(),
                result.counterexample().steps());
    }

    @Test
    void anMmapIntoTheStackGuardGapIsCaughtByInvVma07() {
        // named defect_* as the other planted defects' runs, so the verification report lists it
        PropertyRunner runner = new PropertyRunner("VmaProperties", "defect_UNMAPPED_AREA_IGNORES_STACK_GAP", (k, v) -> { }).derandomized();
        ChainResult result = runner.run(VmaChains.spec(Set.of(VmaDefect.UNMAPPED_AREA_IGNORES_STACK_GAP),
                VmaChecks.STACK_GAP::equals, false).tries(300).build());
        assertThat(result.passed()).isFalse();
        assertThat(result.counterexample().failure().id()).isEqualTo(VmaChecks.STACK_GAP);
        // hand-minimal (seeded-bugs/unmapped-area-ignores-stack-gap.scn): on a legacy layout, one
        // mmap of nearly all the space between mmap_base and the stack (1 call)
        assertThat(result.counterexample().steps()).hasSizeLessThanOrEqualTo(2);
        System.out.printf("[armmm] VmaProperties UNMAPPED_AREA_IGNORES_STACK_GAP: %d steps (from %d): %s%n",
                result.counterexample().steps().size(), result.counterexample().originalSteps(),
                result.counterexample().steps());
    }

    @PropertyTest
    void theReferenceAloneAlsoSeesTheLostPage(PropertyRunner runner) {
        ChainResult result = runner.run(VmaChains.spec(Set.of(VmaDefect.SPLIT_LOSES_PAGE), id -> false, true)
                .tries(300).seed(34).build());
        assertThat(result.passed()).isFalse();
        assertThat(result.counterexample().failure().id()).isEqualTo("reference");
    }

    @TestFactory
    Stream<DynamicTest> everyOtherPlantedDefectIsCaughtByItsInvariant() {
        Map<VmaDefect, String> catcher = Map.of(
                VmaDefect.MAP_FIXED_KEEPS_OLD, VmaChecks.SORTED,
                VmaDefect.BRK_NOT_PAGE_ALIGNED, VmaChecks.ALIGNED,
                VmaDefect.NO_MMAP_MIN_ADDR_CHECK, VmaChecks.IN_USER_RANGE);
        return catcher.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> DynamicTest.dynamicTest(
                e.getKey().name(), () -> {
                    PropertyRunner runner = new PropertyRunner("VmaProperties", "defect_" + e.getKey().name(), (k, v) -> { }).derandomized();
                    ChainResult result = runner.run(VmaChains.spec(Set.of(e.getKey()), e.getValue()::equals, false)
                            .tries(300).seed(35).build());
                    assertThat(result.passed()).as("%s planted", e.getKey()).isFalse();
                    assertThat(result.counterexample().failure().id()).isEqualTo(e.getValue());
                    // each needs one call by hand (a MAP_FIXED over a VMA, a brk to an odd byte, a MAP_FIXED at 0)
                    assertThat(result.counterexample().steps()).hasSizeLessThanOrEqualTo(2);
                    System.out.printf("[armmm] VmaProperties %s: %d steps (from %d): %s%n", e.getKey(),
                            result.counterexample().steps().size(), result.counterexample().originalSteps(),
                            result.counterexample().steps());
                }));
    }
}
