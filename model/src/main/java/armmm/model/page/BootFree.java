package armmm.model.page;

import static armmm.model.page.MemMap.F_ALLOC;
import static armmm.model.page.MemMap.F_RESERVED;
import static armmm.model.page.MemMap.MT_CMA;
import static armmm.model.page.PageAllocator.MAX_ORDER;
import static armmm.model.page.PageAllocator.PAGEBLOCK_NR_PAGES;
import static armmm.model.page.PageAllocator.PAGEBLOCK_ORDER;

/**
 * Boot's hand-over of pages to the buddy allocator: {@code __free_pages_memory} (mm/memblock.c),
 * {@code __free_pages_core}, {@code free_reserved_area} with {@code free_reserved_page}, and
 * {@code init_cma_reserved_pageblock} (mm/page_alloc.c) for {@code cma_activate_area} (mm/cma.c).
 */
final class BootFree {
    private final MemMap m;
    private final FreeLists lists;
    private final FreePages freeing;

    BootFree(MemMap m, FreeLists lists, FreePages freeing) {
        this.m = m;
        this.lists = lists;
        this.freeing = freeing;
    }

    /**
     * {@code __free_pages_memory} for lowmem range [start, end) (mm/memblock.c): the largest
     * naturally aligned blocks, each through {@code __free_pages_core} to the tail of its list.
     */
    void memblockFreeRange(long startPfn, long endPfn) {
        long start = Math.max(startPfn, m.basePfn);
        endPfn = Math.min(endPfn, m.basePfn + m.nFrames);
        while (start < endPfn) {
            int o = start == 0 ? MAX_ORDER - 1 : Math.min(MAX_ORDER - 1, Long.numberOfTrailingZeros(start));
            while (start + (1L << o) > endPfn) {
                o--;
            }
            freePagesCore(start, o);
            start += 1L << o;
        }
    }

    /** {@code __free_pages_core}: clears PG_reserved and the references, frees to the list tail. */
    private void freePagesCore(long pfn, int o) {
        int f = m.frame(pfn);
        BuddyZone z = m.zoneOfFrame(f);
        for (int i = 0; i < (1 << o); i++) {
            m.clearReserved(z, f + i);
            m.refcount[f + i] = 0;
        }
        lists.freeOnePage(z, f, o, m.blockMt(f), true);
    }

    /**
     * {@code free_reserved_area} over [start, end): {@code free_reserved_page} for each page that
     * is still PG_reserved and in a zone (the others are not the kernel's to give back twice).
     */
    void freeReservedArea(long startPfn, long endPfn) {
        for (long pfn = Math.max(startPfn, m.basePfn); pfn < Math.min(endPfn, m.basePfn + m.nFrames); pfn++) {
            int f = m.frame(pfn);
            if (m.zoneOf[f] >= 0 && (m.flags[f] & F_RESERVED) != 0) {
                freeReservedPage(pfn);
            }
        }
    }

    /** {@code free_reserved_page}: ClearPageReserved, init_page_count, {@code __free_page}. */
    private void freeReservedPage(long pfn) {
        int f = m.frame(pfn);
        BuddyZone z = m.zoneOfFrame(f);
        if ((m.flags[f] & F_RESERVED) == 0) {
            throw new IllegalStateException("pfn 0x" + Long.toHexString(pfn) + " is not reserved");
        }
        m.clearReserved(z, f);
        // init_page_count: the page is an order-0 allocation with one reference, then __free_page
        m.flags[f] |= F_ALLOC;
        m.order[f] = 0;
        z.allocatedPages++;
        m.refcount[f] = 1;
        freeing.freePagesInternal(f, 0, 0);
    }

    /**
     * {@code cma_activate_area} (mm/cma.c) for the CMA area [start, start + count): each pageblock
     * through {@code init_cma_reserved_pageblock} (mm/page_alloc.c) becomes MIGRATE_CMA and is freed
     * as one order-11 block. An area the kernel would have refused when reserving it (not pageblock
     * aligned) stays reserved; one that is not wholly inside one zone "could not be activated" and
     * its pages go to the buddy allocator as ordinary pages.
     */
    void activateCmaArea(long startPfn, long count) {
        if (count <= 0 || (startPfn & (PAGEBLOCK_NR_PAGES - 1)) != 0 || (count & (PAGEBLOCK_NR_PAGES - 1)) != 0) {
            return;
        }
        if (!m.hasPfn(startPfn) || !m.hasPfn(startPfn + count - 1) || m.zoneOf[m.frame(startPfn)] < 0) {
            freeReservedArea(startPfn, startPfn + count);
            return;
        }
        int zi = m.zoneOf[m.frame(startPfn)];
        for (long pfn = startPfn; pfn < startPfn + count; pfn++) {
            if (m.zoneOf[m.frame(pfn)] != zi) {
                freeReservedArea(startPfn, startPfn + count);
                return;
            }
        }
        for (long pfn = startPfn; pfn < startPfn + count; pfn += PAGEBLOCK_NR_PAGES) {
            int f = m.frame(pfn);
            BuddyZone z = m.zoneOfFrame(f);
            for (int i = 0; i < PAGEBLOCK_NR_PAGES; i++) {
                m.clearReserved(z, f + i);
                m.refcount[f + i] = 0;
            }
            m.blockMt[m.blockIndex(f)] = (byte) MT_CMA;
            m.flags[f] |= F_ALLOC;
            m.order[f] = PAGEBLOCK_ORDER;
            z.allocatedPages += PAGEBLOCK_NR_PAGES;
            m.refcount[f] = 1;
            freeing.freePagesInternal(f, PAGEBLOCK_ORDER, 0);
        }
    }
}
