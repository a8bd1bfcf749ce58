package armmm.model.page;

import static armmm.model.page.MemMap.MT_CMA;
import static armmm.model.page.MemMap.MT_HIGHATOMIC;
import static armmm.model.page.PageAllocator.ALLOC_CMA;
import static armmm.model.page.PageAllocator.ALLOC_HIGHATOMIC;
import static armmm.model.page.PageAllocator.ALLOC_MIN_RESERVE;
import static armmm.model.page.PageAllocator.ALLOC_NON_BLOCK;
import static armmm.model.page.PageAllocator.ALLOC_OOM;
import static armmm.model.page.PageAllocator.ALLOC_RESERVES;
import static armmm.model.page.PageAllocator.MAX_ORDER;

import armmm.model.zone.ZoneConfig;

/**
 * The watermark checks of mm/page_alloc.c: {@code wmark_pages}, {@code zone_watermark_fast},
 * {@code __zone_watermark_ok} and {@code __zone_watermark_unusable_free}.
 */
final class Watermark {
    private Watermark() {
    }

    /** {@code wmark_pages}: the watermark plus the zone's {@code watermark_boost}. */
    static long wmark(BuddyZone z, int which) {
        ZoneConfig c = z.config;
        return (which == 0 ? c.min() : which == 1 ? c.low() : c.high()) + z.watermarkBoost;
    }

    /** {@code z->lowmem_reserve[highest_zoneidx]}. */
    private static long lowmemReserve(BuddyZone z, int highest) {
        if (z.bugs.has(PageBug.GFP_IGNORE_LOWMEM_RESERVE)) {
            return 0;
        }
        return z.config.lowmemReserve(highest);
    }

    /** {@code __zone_watermark_unusable_free}. */
    static long unusableFree(BuddyZone z, int ord, int allocFlags) {
        long u = (1L << ord) - 1;
        if ((allocFlags & ALLOC_RESERVES) == 0) {
            u += z.nrReservedHighatomic;
        }
        if ((allocFlags & ALLOC_CMA) == 0 && !z.bugs.has(PageBug.GFP_WMARK_COUNTS_CMA)) {
            u += z.vmstat.read(ZoneVmstat.NR_FREE_CMA_PAGES);
        }
        return u;
    }

    /**
     * {@code zone_watermark_fast}: an order-0 __GFP_ATOMIC request checked against min gets a
     * second look at the min watermark without the boost.
     */
    static boolean zoneWatermarkFast(BuddyZone z, int ord, long mark, int highest, int allocFlags, long gfp) {
        long reserve = lowmemReserve(z, highest);
        // zone_page_state: the global counter, behind this and the other CPUs' vmstat differences
        long free = z.vmstat.read(ZoneVmstat.NR_FREE_PAGES);
        if (ord == 0 && fastPathPasses(z, free, mark + reserve, allocFlags)) {
            return true;
        }
        if (watermarkOk(z, ord, mark, reserve, allocFlags, free)) {
            return true;
        }
        if (ord == 0 && (gfp & armmm.model.core.Gfp.ATOMIC) != 0 && z.watermarkBoost > 0
                && !z.bugs.has(PageBug.GFP_ATOMIC_BOOSTED_WMARK)
                && (allocFlags & PageAllocator.ALLOC_WMARK_MASK) == PageAllocator.ALLOC_WMARK_MIN) {
            return watermarkOk(z, ord, z.config.min(), reserve, allocFlags, free);
        }
        return false;
    }

    /**
     * {@code zone_watermark_ok_safe}: the lagging {@code zone_page_state}, or, below
     * {@code percpu_drift_mark}, {@code zone_page_state_snapshot} with every CPU's difference.
     */
    static boolean watermarkOkSafe(BuddyZone z, int ord, long mark, long reserve) {
        long free = z.vmstat.read(ZoneVmstat.NR_FREE_PAGES);
        long drift = z.vmstat.percpuDriftMark();
        if (drift != 0 && free < drift) {
            free = z.vmstat.snapshot(ZoneVmstat.NR_FREE_PAGES);
        }
        return watermarkOk(z, ord, mark, reserve, 0, free);
    }

    /**
     * The order-0 shortcut of {@code zone_watermark_fast}: the free count less the unusable pages,
     * held at 0 (9282012fc0aa), above the mark plus the protection. The two seeded bugs are the
     * shortcut before f27ce0e14088 (only the CMA pages taken off) and between that commit and
     * 9282012fc0aa (a negative count, a {@code long} set against the {@code unsigned long} sum on
     * 32-bit ARM, wraps to a huge one).
     */
    private static boolean fastPathPasses(BuddyZone z, long free, long markPlusReserve, int allocFlags) {
        if (z.bugs.has(PageBug.GFP_WMARK_FAST_IGNORES_HIGHATOMIC)) {
            long fast = free - ((allocFlags & ALLOC_CMA) == 0 ? z.vmstat.read(ZoneVmstat.NR_FREE_CMA_PAGES) : 0);
            return fast > markPlusReserve;
        }
        if (z.bugs.has(PageBug.GFP_WMARK_FAST_NEGATIVE)) {
            long fast = free - unusableFree(z, 0, allocFlags);
            return Integer.toUnsignedLong((int) fast) > markPlusReserve;
        }
        long usable = free;
        usable -= Math.min(usable, unusableFree(z, 0, allocFlags));
        return usable > markPlusReserve;
    }

    /** {@code __zone_watermark_ok} with {@code lowmem_reserve[highest_zoneidx]} already looked up. */
    static boolean watermarkOk(BuddyZone z, int ord, long mark, long reserve, int allocFlags, long free) {
        long min = mark;
        long counted = free;
        free -= unusableFree(z, ord, allocFlags);
        if ((allocFlags & ALLOC_RESERVES) != 0) {
            if ((allocFlags & ALLOC_MIN_RESERVE) != 0) {
                min -= min / 2;
                if ((allocFlags & ALLOC_NON_BLOCK) != 0) {
                    min -= min / 4;
                }
            }
            if ((allocFlags & ALLOC_OOM) != 0) {
                min -= min / 2;
            }
        }
        if (free <= min + reserve) {
            return false;
        }
        if (ord == 0) {
            return true;
        }
        if (z.bugs.has(PageBug.GFP_WMARK_ORDER_LOOP)) {
            // before 97a16fc82a7c the CMA pages left out of the order-0 test stayed in the count
            // the order loop took the lower orders off (d95ea5d18e69's free_cma), and there was no
            // highatomic reserve yet
            return lowerOrdersLeaveEnough(z, ord, counted - ((1L << ord) - 1), min);
        }
        return hasSuitableBlock(z, ord, allocFlags);
    }

    /**
     * The high-order test before 97a16fc82a7c ("mm, page_alloc: only enforce watermarks for
     * order-0 allocations", Linux 4.4), the seeded bug {@link PageBug#GFP_WMARK_ORDER_LOOP}: the
     * pages of every order below {@code ord} are unusable for the request, so they come off the
     * count, and each order up needs only half the min of the one below.
     */
    private static boolean lowerOrdersLeaveEnough(BuddyZone z, int ord, long free, long min) {
        long left = free;
        long need = min;
        for (int o = 0; o < ord; o++) {
            left -= z.nrFree[o] << o;
            need >>= 1;
            if (left <= need) {
                return false;
            }
        }
        return true;
    }

    /**
     * The order loop of {@code __zone_watermark_ok}: a free block of at least {@code ord} on a list the
     * allocation may use.
     */
    static boolean hasSuitableBlock(BuddyZone z, int ord, int allocFlags) {
        for (int o = ord; o < MAX_ORDER; o++) {
            if (z.nrFree[o] == 0) {
                continue;
            }
            int base = o * MigrateType.COUNT;
            for (int mt = 0; mt < MigrateType.PCPTYPES; mt++) {
                if (z.head[base + mt] >= 0) {
                    return true;
                }
            }
            if ((allocFlags & ALLOC_CMA) != 0 && z.head[base + MT_CMA] >= 0) {
                return true;
            }
            if ((allocFlags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) != 0 && z.head[base + MT_HIGHATOMIC] >= 0) {
                return true;
            }
        }
        return false;
    }
}
