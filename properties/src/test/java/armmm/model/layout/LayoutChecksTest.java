package armmm.model.layout;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.check.LayoutChecks;
import armmm.model.core.Bugs;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The layout invariants hold on real boards, and each planted layout bug is caught by its invariant. */
class LayoutChecksTest {

    private static List<Violation> layoutViolations(Kernel k) {
        return LayoutChecks.ALL.stream().flatMap(i -> i.check(k).stream()).toList();
    }

    @Test
    void theInvariantsHoldOnTheCapturedBoardsAndOnABareKernel() {
        for (Board b : List.of(Board.virt(256L << 20), Board.virt(1024L << 20), Board.virt(3072L << 20),
                Board.virt(2048L << 20).withArgs("mem=700M"), Board.virt(1024L << 20).withArgs("vmalloc=128M"))) {
            assertThat(layoutViolations(Kernel.boot(b))).isEmpty();
        }
        assertThat(layoutViolations(Kernel.bare())).isEmpty();
    }

    static Stream<Arguments> bugs() {
        return Stream.of(
                Arguments.of(LayoutBug.LAYOUT_PKMAP_OVER_LOWMEM, "INV-LAYOUT-01"),
                Arguments.of(LayoutBug.LAYOUT_NO_VMALLOC_GAP, "INV-LAYOUT-02"),
                Arguments.of(LayoutBug.LAYOUT_NO_VMALLOC_OFFSET_IN_LIMIT, "INV-LAYOUT-03"));
    }

    static Stream<Arguments> runningBugs() {
        return Stream.of(
                Arguments.of(LayoutBug.LAYOUT_PA_OFF_BY_PAGE, "INV-LAYOUT-04"),
                Arguments.of(LayoutBug.LAYOUT_PAGE_TO_PFN_WRONG_STRIDE, "INV-LAYOUT-05"));
    }

    /**
     * The conversions the calls run (__pa, page_to_pfn) carry their bugs from the first call on:
     * boot is clean, the first call's check finds them.
     */
    @ParameterizedTest(name = "{0} is caught by {1} after a call")
    @MethodSource("runningBugs")
    void eachPlantedConversionBugIsCaughtAfterTheFirstCall(LayoutBug bug, String id) {
        Kernel k = Kernel.boot(Board.virt(1024L << 20), Bugs.of(bug));
        assertThat(k.check()).as("boot with %s", bug).isEmpty();
        k.apply(new armmm.model.page.PageOp.AllocPage(armmm.model.core.Gfp.GFP_KERNEL, 0));
        assertThat(k.check()).extracting(Violation::id).contains(id);
    }

    @ParameterizedTest(name = "{0} is caught by {1}")
    @MethodSource("bugs")
    void eachPlantedLayoutBugIsCaughtByItsInvariant(LayoutBug bug, String id) {
        Kernel k = Kernel.boot(Board.virt(1024L << 20), Bugs.of(bug));
        assertThat(layoutViolations(k)).extracting(Violation::id).contains(id);
    }
}
