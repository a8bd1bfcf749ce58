package armmm.model.report;

import armmm.model.zone.ZoneSetup;
import armmm.model.zone.ZoneType;

/**
 * The runtime counters /proc/zoneinfo and /proc/meminfo print beside the boot facts; the buddy
 * allocator supplies them once it runs.
 */
public interface ZoneCounters {

    /** {@code NR_FREE_PAGES} of zone {@code t}, as {@code zone_page_state} reads it (lagging the exact count). */
    long nrFree(ZoneType t);

    /** {@code NR_FREE_CMA_PAGES} of zone {@code t}, as {@code zone_page_state} reads it. */
    long nrFreeCma(ZoneType t);

    /** {@code pcp->count} of zone {@code t} on CPU {@code cpu}. */
    int pcpCount(ZoneType t, int cpu);

    /** {@code pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES}: kswapd gave up on node 0. */
    default boolean nodeUnreclaimable() {
        return false;
    }

    /** {@code watermark_boost} of zone {@code t}: 0 where nothing boosts it (before the allocator runs). */
    default long boost(ZoneType t) {
        return 0;
    }

    /**
     * The counters as boot leaves them before anything is allocated: every managed page free, every
     * CMA page free, empty per-CPU lists. The real kernel shows a little less (a just-booted system
     * has allocated some hundred pages).
     */
    static ZoneCounters allManagedFree(ZoneSetup s) {
        return new ZoneCounters() {
            @Override
            public long nrFree(ZoneType t) {
                return s.zone(t).managedPages();
            }

            @Override
            public long nrFreeCma(ZoneType t) {
                return s.cmaPages(t);
            }

            @Override
            public int pcpCount(ZoneType t, int cpu) {
                return 0;
            }
        };
    }
}
