package armmm.model.page;

import static armmm.model.page.MemMap.F_BUDDY;
import static armmm.model.page.MemMap.MT_CMA;
import static armmm.model.page.MemMap.MT_ISOLATE;
import static armmm.model.page.MemMap.MT_MOVABLE;
import static armmm.model.page.PageAllocator.MAX_ORDER;
import static armmm.model.page.PageAllocator.PAGEBLOCK_ORDER;

import armmm.model.zone.ZoneType;

/**
 * The {@code free_area} lists of mm/page_alloc.c: {@code add_to_free_list},
 * {@code del_page_from_free_list}, {@code move_to_free_list}, {@code __free_one_page} with
 * {@code page_is_buddy} and {@code buddy_merge_likely}, {@code __rmqueue_smallest} with
 * {@code expand}, and {@code __mod_zone_freepage_state}. Lists are threaded through
 * {@link MemMap}'s frame arrays.
 */
final class FreeLists {
    private final MemMap m;

    FreeLists(MemMap m) {
        this.m = m;
    }

    /** {@code __mod_zone_freepage_state}: NR_FREE_PAGES, and NR_FREE_CMA_PAGES for a CMA block. */
    void modFreepageState(BuddyZone z, long n, int mt) {
        z.modFree(n, mt == MT_CMA);
    }

    /** {@code __rmqueue_smallest} with {@code expand}. */
    int rmqueueSmallest(BuddyZone z, int ord, int mt) {
        for (int o = ord; o < MAX_ORDER; o++) {
            int f = z.head[o * MigrateType.COUNT + mt];
            if (f < 0) {
                continue;
            }
            delFromFreeList(z, f, o);
            expand(z, f, ord, o, mt);
            m.pcpMt[f] = (byte) mt;
            return f;
        }
        return -1;
    }

    /** {@code expand}: returns the upper halves, largest first, to the head of the {@code mt} lists. */
    private void expand(BuddyZone z, int f, int low, int high, int mt) {
        int size = 1 << high;
        while (high > low) {
            high--;
            size >>= 1;
            if (m.bug(PageBug.BUDDY_EXPAND_LEAK) && high == low && low == 0 && z.type == ZoneType.HIGHMEM) {
                continue;
            }
            addToFreeList(z, f + size, high, mt, false);
        }
    }

    /** {@code __free_one_page}: merges with free buddies up the orders, then lists the block. */
    void freeOnePage(BuddyZone z, int f, int ord, int mt, boolean toTail) {
        long pfn = m.basePfn + f;
        if (mt != MT_ISOLATE) {
            modFreepageState(z, 1L << ord, mt);
        }
        long buddyPfn = 0;
        while (ord < MAX_ORDER - 1) {
            if (m.bug(PageBug.BUDDY_NO_MERGE)) {
                break;
            }
            buddyPfn = pfn ^ (1L << ord);
            int bf = isBuddy(z, buddyPfn, ord);
            if (bf < 0) {
                break;
            }
            if (ord >= PAGEBLOCK_ORDER) {
                int bmt = m.blockMt[m.blockIndex(bf)];
                if (mt != bmt && (!MigrateType.of(mt).isMergeable() || !MigrateType.of(bmt).isMergeable())) {
                    break;
                }
            }
            delFromFreeList(z, bf, ord);
            if (m.bug(PageBug.BUDDY_HIGHMEM_STALE_NR_FREE) && z.type == ZoneType.HIGHMEM && ord >= 5) {
                z.nrFree[ord]++;
            }
            pfn = m.bug(PageBug.BUDDY_MISALIGNED_MERGE) ? pfn | buddyPfn : pfn & buddyPfn;
            ord++;
        }
        if (!toTail) {
            toTail = buddyMergeLikely(z, pfn, buddyPfn, ord);
        }
        int listType = mt;
        if (m.bug(PageBug.BUDDY_CMA_ON_MOVABLE_LIST) && mt == MT_CMA) {
            listType = MT_MOVABLE;
        }
        addToFreeList(z, m.frame(pfn), ord, listType, toTail);
    }

    /** {@code page_is_buddy}: the frame of the free buddy of that order in the same zone, or -1. */
    private int isBuddy(BuddyZone z, long buddyPfn, int ord) {
        if (buddyPfn < m.basePfn || buddyPfn >= m.basePfn + m.nFrames) {
            return -1;
        }
        int bf = (int) (buddyPfn - m.basePfn);
        if ((m.flags[bf] & F_BUDDY) == 0 || m.order[bf] != ord || m.zoneOf[bf] != z.type.ordinal()) {
            return -1;
        }
        return bf;
    }

    /** {@code buddy_merge_likely}: list at the tail when the next-higher buddy is free. */
    private boolean buddyMergeLikely(BuddyZone z, long pfn, long buddyPfn, int ord) {
        if (ord >= MAX_ORDER - 2) {
            return false;
        }
        long higher = buddyPfn & pfn;
        return isBuddy(z, higher ^ (1L << (ord + 1)), ord + 1) >= 0;
    }

    /** {@code add_to_free_list} / {@code add_to_free_list_tail}: PageBuddy, the order, and {@code nr_free}. */
    private void addToFreeList(BuddyZone z, int f, int ord, int mt, boolean toTail) {
        m.flags[f] |= F_BUDDY;
        m.order[f] = (byte) ord;
        link(z, f, ord, mt, toTail);
        z.nrFree[ord]++;
    }

    /** {@code del_page_from_free_list}: off its list, PageBuddy cleared, {@code nr_free} dropped. */
    private void delFromFreeList(BuddyZone z, int f, int ord) {
        unlink(z, f, ord);
        m.flags[f] &= ~F_BUDDY;
        m.order[f] = 0;
        if (!m.bug(PageBug.BUDDY_STALE_NR_FREE)) {
            z.nrFree[ord]--;
        }
    }

    /** {@code move_to_free_list}: to the tail of another migratetype's list of the same order. */
    void moveToFreeList(BuddyZone z, int f, int ord, int mt) {
        unlink(z, f, ord);
        link(z, f, ord, mt, true);
    }

    /**
     * Threads a free block onto list {@code [ord][mt]}, keeping the list-primitive counters the checks compare
     * with.
     */
    private void link(BuddyZone z, int f, int ord, int mt, boolean toTail) {
        int id = ord * MigrateType.COUNT + mt;
        m.listMt[f] = (byte) mt;
        m.linkInto(z.head, z.tail, id, f, toTail);
        z.listLen[id]++;
        z.listPages += 1L << ord;
        noteLen(z, ord, mt);
    }

    /** Takes a free block off its list, keeping the list-primitive counters. */
    private void unlink(BuddyZone z, int f, int ord) {
        int mt = m.listMt[f];
        int id = ord * MigrateType.COUNT + mt;
        m.unlinkFrom(z.head, z.tail, id, f);
        z.listLen[id]--;
        z.listPages -= 1L << ord;
        noteLen(z, ord, mt);
    }

    /** Keeps {@link BuddyZone#nonEmptyOrders} equal to "list [ord][mt] has a block" after a count change. */
    private static void noteLen(BuddyZone z, int ord, int mt) {
        if (z.listLen[ord * MigrateType.COUNT + mt] > 0) {
            z.nonEmptyOrders[mt] |= 1 << ord;
        } else {
            z.nonEmptyOrders[mt] &= ~(1 << ord);
        }
    }
}
