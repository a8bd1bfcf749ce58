package armmm.model.report;

import armmm.model.page.BuddyZone;
import armmm.model.page.MigrateType;
import armmm.model.page.PageAllocator;
import armmm.model.zone.ZoneType;

/**
 * {@code /proc/pagetypeinfo} ({@code pagetypeinfo_show}, mm/vmstat.c): the pageblock size, free
 * blocks per migratetype and order, and pageblocks per migratetype, for each populated zone.
 * The mixed-block table needs CONFIG_PAGE_OWNER, which this build lacks.
 */
public final class PagetypeinfoReport {
    /** {@code pagetypeinfo_showfree_print} stops counting a list here and prints {@code >}. */
    private static final long COUNT_LIMIT = 100000;

    private PagetypeinfoReport() {
    }

    /** The file's text. */
    public static String render(PageAllocator pa) {
        StringBuilder s = new StringBuilder();
        s.append("Page block order: ").append(PageAllocator.PAGEBLOCK_ORDER).append('\n');
        s.append("Pages per block:  ").append(PageAllocator.PAGEBLOCK_NR_PAGES).append('\n');
        s.append('\n');
        s.append(String.format("%-43s ", "Free pages count per migrate type at order"));
        for (int o = 0; o < PageAllocator.MAX_ORDER; o++) {
            s.append(String.format("%6d ", o));
        }
        s.append('\n');
        for (ZoneType t : ZoneType.values()) {
            BuddyZone z = populated(pa, t);
            if (z == null) {
                continue;
            }
            for (MigrateType mt : MigrateType.values()) {
                s.append(String.format("Node %4d, zone %8s, type %12s ", 0, t.kernelName(), mt.kernelName()));
                for (int o = 0; o < PageAllocator.MAX_ORDER; o++) {
                    long n = z.freeListCount(o, mt);
                    s.append(n >= COUNT_LIMIT ? String.format(">%6d ", COUNT_LIMIT) : String.format("%6d ", n));
                }
                s.append('\n');
            }
        }
        s.append(String.format("%n%-23s", "Number of blocks type "));
        for (MigrateType mt : MigrateType.values()) {
            s.append(String.format("%12s ", mt.kernelName()));
        }
        s.append('\n');
        for (ZoneType t : ZoneType.values()) {
            if (populated(pa, t) == null) {
                continue;
            }
            s.append(String.format("Node %d, zone %8s ", 0, t.kernelName()));
            for (long n : pa.pageblockCounts(t)) {
                s.append(String.format("%12d ", n));
            }
            s.append('\n');
        }
        return s.toString();
    }

    private static BuddyZone populated(PageAllocator pa, ZoneType t) {
        BuddyZone z = pa.zone(t);
        return z == null || z.config().presentPages() == 0 ? null : z;
    }
}
