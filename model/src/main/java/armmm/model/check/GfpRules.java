package armmm.model.check;

import armmm.model.core.Gfp;
import armmm.model.page.MigrateType;
import armmm.model.zone.ZoneType;

/**
 * The GFP rules a check needs, restated from include/linux/gfp.h ({@code GFP_ZONE_TABLE},
 * {@code GFP_ZONE_BAD}, {@code gfp_migratetype}) and mm/page_alloc.c
 * ({@code gfp_to_alloc_flags}, {@code __zone_watermark_ok}) for this build (no ZONE_DMA32,
 * ZONE_DMA and HIGHMEM configured), written apart from the allocator's own {@code Gfp} and
 * {@code Watermark} so that a mistake there is not repeated here.
 */
final class GfpRules {
    private GfpRules() {
    }

    /**
     * {@code gfp_zone}: the highest zone index the mask allows (ZoneType ordinals), -1 for a
     * combination in GFP_ZONE_BAD.
     */
    static int highestZone(long gfp) {
        boolean dma = (gfp & Gfp.DMA) != 0;
        boolean highmem = (gfp & Gfp.HIGHMEM) != 0;
        boolean dma32 = (gfp & Gfp.DMA32) != 0;
        boolean movable = (gfp & Gfp.MOVABLE) != 0;
        int zoneBits = (dma ? 1 : 0) + (highmem ? 1 : 0) + (dma32 ? 1 : 0);
        if (zoneBits > 1) {
            return -1;
        }
        if (dma) {
            return ZoneType.DMA.ordinal();
        }
        if (highmem) {
            return movable ? ZoneType.MOVABLE.ordinal() : ZoneType.HIGHMEM.ordinal();
        }
        // __GFP_DMA32 maps to ZONE_NORMAL where ZONE_DMA32 is not configured; __GFP_MOVABLE alone too
        return ZoneType.NORMAL.ordinal();
    }

    /**
     * {@code gfp_migratetype}: __GFP_MOVABLE is Movable, __GFP_RECLAIMABLE Reclaimable, else
     * Unmovable; always Unmovable while {@code page_group_by_mobility_disabled}.
     */
    static MigrateType migratetype(long gfp, boolean mobilityDisabled) {
        if (mobilityDisabled) {
            return MigrateType.UNMOVABLE;
        }
        if ((gfp & Gfp.MOVABLE) != 0) {
            return MigrateType.MOVABLE;
        }
        return (gfp & Gfp.RECLAIMABLE) != 0 ? MigrateType.RECLAIMABLE : MigrateType.UNMOVABLE;
    }

    /**
     * What the most lenient pass of {@code __alloc_pages} without reclaim may do for a mask and
     * order: the slow path's {@code gfp_to_alloc_flags}, and the no-watermark pass of
     * __GFP_MEMALLOC.
     *
     * @param minReserve    __GFP_HIGH: ALLOC_MIN_RESERVE, half of min
     * @param nonBlock      no __GFP_DIRECT_RECLAIM and no __GFP_NOMEMALLOC: a further quarter off
     * @param highatomic    ALLOC_HIGHATOMIC: order above 0 with both of the above
     * @param cma           ALLOC_CMA: Movable requests only
     * @param noWatermarks  __GFP_MEMALLOC without __GFP_NOMEMALLOC
     */
    record Pass(boolean minReserve, boolean nonBlock, boolean highatomic, boolean cma, boolean noWatermarks) {
        /** ALLOC_RESERVES: the pass may go below min and ignores nr_reserved_highatomic. */
        boolean reserves() {
            return minReserve || nonBlock || highatomic;
        }

        /** {@code __zone_watermark_ok}'s lowered min for this pass. */
        long min(long mark) {
            long min = mark;
            if (reserves() && minReserve) {
                min -= min / 2;
                if (nonBlock) {
                    min -= min / 4;
                }
            }
            return min;
        }
    }

    /** The slow pass of {@code gfp} at {@code order}. */
    static Pass slowPass(long gfp, int order, boolean mobilityDisabled) {
        boolean high = (gfp & Gfp.HIGH) != 0;
        boolean nomemalloc = (gfp & Gfp.NOMEMALLOC) != 0;
        boolean nonBlock = (gfp & Gfp.DIRECT_RECLAIM) == 0 && !nomemalloc;
        boolean cma = migratetype(gfp, mobilityDisabled) == MigrateType.MOVABLE;
        boolean memalloc = (gfp & Gfp.MEMALLOC) != 0 && !nomemalloc;
        return new Pass(high, nonBlock, nonBlock && high && order > 0, cma, memalloc);
    }
}
