package armmm.model.page;

import static armmm.model.page.MemMap.F_BUDDY;
import static armmm.model.page.MemMap.MT_CMA;
import static armmm.model.page.MemMap.MT_HIGHATOMIC;
import static armmm.model.page.MemMap.MT_MOVABLE;
import static armmm.model.page.PageAllocator.ALLOC_CMA;
import static armmm.model.page.PageAllocator.MAX_ORDER;
import static armmm.model.page.PageAllocator.PAGEBLOCK_NR_PAGES;
import static armmm.model.page.PageAllocator.PAGEBLOCK_ORDER;

import armmm.model.zone.WatermarkBoost;


/**
 * {@code __rmqueue} and the migratetype fallback of mm/page_alloc.c: the {@code fallbacks[]}
 * table, {@code __rmqueue_fallback}, {@code find_suitable_fallback}, {@code can_steal_fallback},
 * {@code steal_suitable_fallback}, {@code move_freepages_block} and
 * {@code reserve_highatomic_pageblock}.
 */
final class MigrateFallback {
    private static final int[][] FALLBACKS = {
        {MigrateType.RECLAIMABLE.ordinal(), MigrateType.MOVABLE.ordinal()},
        {MigrateType.RECLAIMABLE.ordinal(), MigrateType.UNMOVABLE.ordinal()},
        {MigrateType.UNMOVABLE.ordinal(), MigrateType.MOVABLE.ordinal()},
    };

    private final MemMap m;
    private final FreeLists lists;

    MigrateFallback(MemMap m, FreeLists lists) {
        this.m = m;
        this.lists = lists;
    }

    /** {@code __rmqueue}: CMA first when more than half the free pages are CMA, then fallbacks. */
    int rmqueueOne(BuddyZone z, int ord, int mt, int allocFlags) {
        if ((allocFlags & ALLOC_CMA) != 0 && z.vmstat.read(ZoneVmstat.NR_FREE_CMA_PAGES) > z.vmstat.read(ZoneVmstat.NR_FREE_PAGES) / 2) {
            int f = lists.rmqueueSmallest(z, ord, MT_CMA);
            if (f >= 0) {
                return f;
            }
        }
        while (true) {
            int f = lists.rmqueueSmallest(z, ord, mt);
            if (f >= 0) {
                return f;
            }
            if ((allocFlags & ALLOC_CMA) != 0) {
                f = lists.rmqueueSmallest(z, ord, MT_CMA);
                if (f >= 0) {
                    return f;
                }
            }
            if (!rmqueueFallback(z, ord, mt, allocFlags)) {
                return -1;
            }
        }
    }

    /** {@code __rmqueue_fallback} with {@code find_suitable_fallback} and {@code steal_suitable_fallback}. */
    private boolean rmqueueFallback(BuddyZone z, int ord, int startMt, int allocFlags) {
        if (startMt >= MigrateType.PCPTYPES || m.bug(PageBug.GFP_NO_MIGRATETYPE_FALLBACK)) {
            return false;
        }
        int found = -1;
        int foundOrder = -1;
        boolean canSteal = false;
        for (int o = MAX_ORDER - 1; o >= ord; o--) {
            int fb = findSuitableFallback(z, o, startMt);
            if (fb < 0) {
                continue;
            }
            canSteal = canStealFallback(o, startMt);
            if (!canSteal && startMt == MT_MOVABLE && o > ord) {
                for (int s = ord; s < MAX_ORDER; s++) {
                    fb = findSuitableFallback(z, s, startMt);
                    if (fb >= 0) {
                        found = fb;
                        foundOrder = s;
                        canSteal = canStealFallback(s, startMt);
                        break;
                    }
                }
            } else {
                found = fb;
                foundOrder = o;
            }
            break;
        }
        if (found < 0) {
            return false;
        }
        int f = z.head[foundOrder * MigrateType.COUNT + found];
        stealSuitableFallback(z, f, startMt, canSteal, allocFlags);
        return true;
    }

    /** {@code find_suitable_fallback}: the first fallback migratetype with a block of order {@code o}, or -1. */
    private int findSuitableFallback(BuddyZone z, int o, int mt) {
        if (z.nrFree[o] == 0) {
            return -1;
        }
        for (int fb : FALLBACKS[mt]) {
            if (z.head[o * MigrateType.COUNT + fb] >= 0) {
                return fb;
            }
        }
        return -1;
    }

    /** {@code can_steal_fallback}. */
    private boolean canStealFallback(int o, int startMt) {
        return m.mobilityDisabled || o >= PAGEBLOCK_ORDER || o >= PAGEBLOCK_ORDER / 2 || startMt == MigrateType.RECLAIMABLE.ordinal()
                || startMt == MigrateType.UNMOVABLE.ordinal();
    }

    /**
     * {@code steal_suitable_fallback}. The model has no LRU or movable pages, so
     * {@code move_freepages_block} counts no movable pages.
     */
    private void stealSuitableFallback(BuddyZone z, int f, int startMt, boolean wholeBlock, int allocFlags) {
        int current = m.order[f];
        int oldType = m.blockMt[m.blockIndex(f)];
        if (oldType != MT_HIGHATOMIC) {
            if (current >= PAGEBLOCK_ORDER) {
                for (int b = 0; b < 1 << (current - PAGEBLOCK_ORDER); b++) {
                    m.blockMt[m.blockIndex(f) + b] = (byte) startMt;
                }
            } else if (boostWatermark(z) && (allocFlags & PageAllocator.ALLOC_KSWAPD) != 0) {
                z.boostedWatermark = true;
            }
            if (current < PAGEBLOCK_ORDER && wholeBlock) {
                int freePages = moveFreepagesBlock(z, f, startMt);
                int alike = startMt == MT_MOVABLE ? 0
                        : oldType == MT_MOVABLE ? PAGEBLOCK_NR_PAGES - freePages : 0;
                if (freePages > 0) {
                    if (freePages + alike >= PAGEBLOCK_NR_PAGES / 2 || m.mobilityDisabled) {
                        m.blockMt[m.blockIndex(f)] = (byte) startMt;
                    }
                    return;
                }
            }
        }
        lists.moveToFreeList(z, f, current, startMt);
    }

    /**
     * {@code boost_watermark}: a fallback that takes a block smaller than a pageblock raises the
     * zone's watermarks ({@link WatermarkBoost}); true when it did.
     */
    private boolean boostWatermark(BuddyZone z) {
        // a seeded bug waits for the first call, as every page bug does (MemMap#bug)
        long b = WatermarkBoost.boosted(z.config.managedPages(), z.config.high(), z.watermarkBoost, PAGEBLOCK_NR_PAGES,
                m.watermarkBoostFactor,
                m.handedOver ? z.bugs : armmm.model.core.Bugs.NONE);
        if (b < 0) {
            return false;
        }
        z.watermarkBoost = b;
        return true;
    }

    /** {@code move_freepages_block}: every free block of the pageblock to the tail of {@code mt}'s lists. */
    private int moveFreepagesBlock(BuddyZone z, int f, int mt) {
        long pfn = m.basePfn + f;
        long start = pfn & ~(long) (PAGEBLOCK_NR_PAGES - 1);
        long end = start + PAGEBLOCK_NR_PAGES - 1;
        if (start < z.config.startPfn()) {
            start = pfn;
        }
        if (end >= z.config.endPfn()) {
            return 0;
        }
        int moved = 0;
        for (long p = start; p <= end;) {
            int g = m.frame(p);
            if ((m.flags[g] & F_BUDDY) == 0) {
                p++;
                continue;
            }
            int o = m.order[g];
            lists.moveToFreeList(z, g, o, mt);
            p += 1L << o;
            moved += 1 << o;
        }
        return moved;
    }

    /** {@code reserve_highatomic_pageblock}. */
    void reserveHighatomicPageblock(BuddyZone z, int f) {
        long maxManaged = z.config.managedPages() / 100 + PAGEBLOCK_NR_PAGES;
        if (z.nrReservedHighatomic >= maxManaged) {
            return;
        }
        int b = m.blockIndex(f);
        if (MigrateType.of(m.blockMt[b]).isMergeable()) {
            z.nrReservedHighatomic += PAGEBLOCK_NR_PAGES;
            m.blockMt[b] = (byte) MT_HIGHATOMIC;
            moveFreepagesBlock(z, f, MT_HIGHATOMIC);
        }
    }
}
