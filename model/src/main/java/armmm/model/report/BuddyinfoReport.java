package armmm.model.report;

import armmm.model.page.BuddyZone;
import armmm.model.page.PageAllocator;
import armmm.model.page.ZoneVmstat;
import armmm.model.zone.ZoneType;

/** {@code /proc/buddyinfo} ({@code frag_show_print}, mm/vmstat.c): free blocks per order of each populated zone. */
public final class BuddyinfoReport {
    private BuddyinfoReport() {
    }

    /** The file's text, one line per populated zone, each with the kernel's trailing space. */
    public static String render(PageAllocator pa) {
        StringBuilder s = new StringBuilder();
        for (ZoneType t : ZoneType.values()) {
            BuddyZone z = pa.zone(t);
            if (z == null || z.config().presentPages() == 0) {
                continue;
            }
            s.append(String.format("Node %d, zone %8s ", 0, t.kernelName()));
            for (int o = 0; o < PageAllocator.MAX_ORDER; o++) {
                s.append(String.format("%6d ", z.nrFree(o)));
            }
            s.append('\n');
        }
        return s.toString();
    }

    /**
     * {@code pages free} of /proc/zoneinfo: {@code zone_page_state(zone, NR_FREE_PAGES)}
     * (mm/vmstat.c {@code zoneinfo_show_print}), the global counter that lags the exact count by
     * the per-CPU vmstat differences; 0 when boot gave no such zone.
     */
    public static long pagesFree(PageAllocator pa, ZoneType t) {
        BuddyZone z = pa.zone(t);
        return z == null ? 0 : z.vmstat().read(ZoneVmstat.NR_FREE_PAGES);
    }

    /** The allocator's live counters for /proc/zoneinfo and /proc/meminfo. */
    public static ZoneCounters counters(PageAllocator pa) {
        return new ZoneCounters() {
            @Override
            public long nrFree(ZoneType t) {
                return pagesFree(pa, t);
            }

            @Override
            public long nrFreeCma(ZoneType t) {
                BuddyZone z = pa.zone(t);
                return z == null ? 0 : z.vmstat().read(ZoneVmstat.NR_FREE_CMA_PAGES);
            }

            @Override
            public int pcpCount(ZoneType t, int cpu) {
                BuddyZone z = pa.zone(t);
                return z == null || cpu >= pa.nrCpus() ? 0 : z.pcp(cpu).count();
            }

            @Override
            public boolean nodeUnreclaimable() {
                return pa.kswapdFailures() >= 16;
            }

            @Override
            public long boost(ZoneType t) {
                BuddyZone z = pa.zone(t);
                return z == null ? 0 : z.watermarkBoost();
            }
        };
    }
}
