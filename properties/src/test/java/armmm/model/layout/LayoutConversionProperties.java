package armmm.model.layout;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import armmm.model.page.PageChains;
import armmm.pbt.Gens;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.properties.KernelChains;
import armmm.properties.SeededBugHunt;

/**
 * The two layout bugs planted in the conversions the calls run ({@code __pa}/{@code virt_to_page},
 * {@code page_to_pfn}; boot's own conversions stay right) are found by a chain of page calls on
 * virt boards of 64 MiB to 1 GiB, with only the catalogue's invariant checked, after at least one call, and shrunk
 * to at most twice the hand-minimal scenario beside each.
 */
class LayoutConversionProperties {

    private static void hunt(PropertyRunner runner, LayoutBug bug) {
        // small virt boards with and without HighMem: boot dominates the cost of every replay
        SeededBugHunt.assertFoundAndShrunk(runner, bug, catcher -> PageChains.withPageCalls(KernelChains.builder(
                Gens.ints(64, 1024).map(mib -> Kernel.boot(Board.virt((long) mib << 20), Bugs.of(bug))), catcher::equals))
                .tries(30).steps(10));
    }

    @PropertyTest
    void aPaOffByAPageInTheCallsIsFoundAndShrunk(PropertyRunner runner) {
        hunt(runner, LayoutBug.LAYOUT_PA_OFF_BY_PAGE);
    }

    @PropertyTest
    void aPageToPfnWithTheWrongStrideInTheCallsIsFoundAndShrunk(PropertyRunner runner) {
        hunt(runner, LayoutBug.LAYOUT_PAGE_TO_PFN_WRONG_STRIDE);
    }
}
