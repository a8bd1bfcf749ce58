package armmm.model.check;

import armmm.model.board.Board;
import armmm.model.core.Pfn;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.page.PageAllocator;
import java.util.List;

/**
 * The 24 MiB virt board the page-call check tests judge their calls on (one CPU, one zone,
 * ZONE_DMA, no CONFIG_DEBUG_VM unless a test sets it), with the conversions they share.
 */
abstract class OnVirt24 {
    final Kernel k = Kernel.boot(Board.virt(24L << 20));
    final PageAllocator pa = k.pages();

    static List<String> reasons(List<Violation> vs) {
        return vs.stream().map(Violation::reason).toList();
    }

    /** The {@code struct page} address of {@code pfn}. */
    long page(long pfn) {
        return pa.layout().pfnToPage(new Pfn(pfn)).value();
    }

    /** The pfn of the {@code struct page} at {@code page}. */
    long pfnOf(long page) {
        return pa.layout().pageToPfn(page);
    }
}
