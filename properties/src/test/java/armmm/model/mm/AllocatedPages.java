package armmm.model.mm;

import armmm.model.kernel.Kernel;
import armmm.model.page.PageAllocator;
import armmm.model.zone.ZoneType;

/** Pages the buddy allocator has handed out, over every populated zone: what a test holds a call's page-table and page accounting against. */
final class AllocatedPages {
    private AllocatedPages() {
    }

    static long of(Kernel k) {
        PageAllocator pages = k.state(PageAllocator.class);
        long n = 0;
        for (ZoneType z : ZoneType.values()) {
            if (pages.zone(z) != null) {
                n += pages.zone(z).allocatedPages();
            }
        }
        return n;
    }
}
