package armmm.model.page;

import static armmm.model.page.MemMap.F_ALLOC;
import static armmm.model.page.MemMap.F_BUDDY;
import static armmm.model.page.MemMap.F_HEAD;
import static armmm.model.page.MemMap.F_LEAKED;
import static armmm.model.page.MemMap.F_RESERVED;
import static armmm.model.page.MemMap.F_TAIL;
import static armmm.model.page.PageAllocator.COSTLY_ORDER;
import static armmm.model.page.PageAllocator.MAX_ORDER;

import armmm.model.core.Result;

/**
 * The free path of mm/page_alloc.c: {@code __free_pages} with {@code put_page_testzero},
 * {@code free_pages_prepare}, then {@code free_unref_page} for small orders or
 * {@code __free_pages_ok} for the others.
 */
final class FreePages {
    private final MemMap m;
    private final int nrCpus;
    private final FreeLists lists;
    private final PcpLists pcpLists;
    private final BadPage bad;

    FreePages(MemMap m, int nrCpus, FreeLists lists, PcpLists pcpLists, BadPage bad) {
        this.m = m;
        this.nrCpus = nrCpus;
        this.lists = lists;
        this.pcpLists = pcpLists;
        this.bad = bad;
    }

    /**
     * {@code __free_pages} on a pfn with a struct page: the order and reference checks, then the free when the
     * last reference goes.
     */
    Result freePfn(long pfn, int ord, int cpu) {
        if (cpu < 0 || cpu >= nrCpus) {
            return Result.refused("cpu " + cpu + " is not possible (nr_cpu_ids " + nrCpus + ")");
        }
        if (ord < 0 || ord >= MAX_ORDER) {
            return Result.refused("order " + ord + " >= MAX_ORDER");
        }
        m.cpu = cpu;
        int f = m.frame(pfn);
        if (m.zoneOf[f] < 0) {
            return Result.refused("pfn 0x" + Long.toHexString(pfn) + " is in no zone");
        }
        if (m.refcount[f] == 0) {
            if (m.bug(PageBug.PAGE_FREE_ZERO_REFCOUNT_ACCEPTED)) {
                return Result.VOID;
            }
            // put_page_testzero would underflow; the kernel's checks find a buddy page by its type
            return (m.flags[f] & F_BUDDY) != 0 ? bad.badPage(f, "nonzero mapcount")
                    : bad.badPage(f, "VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
        }
        if ((m.flags[f] & F_ALLOC) != 0 && m.order[f] != ord && !m.bug(PageBug.PAGE_FREE_WRONG_ORDER_ACCEPTED)) {
            return new Result.Refused("wrong order", "freeing pfn 0x" + Long.toHexString(pfn) + " with order " + ord
                    + ", allocated with order " + m.order[f]);
        }
        if ((m.flags[f] & F_ALLOC) == 0 && (m.flags[f] & F_RESERVED) == 0) {
            return bad.badPage(f, "VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
        }
        if (m.refcount[f] > 1) {
            m.refcount[f]--;
            m.markDirty(f);
            return Result.VOID;
        }
        if (f + (1 << ord) > m.nFrames) {
            return Result.refused("block of order " + ord + " at pfn 0x" + Long.toHexString(pfn)
                    + " ends outside mem_map");
        }
        return freePagesInternal(f, ord, cpu);
    }

    /** The reference dropped to zero: {@code free_pages_prepare} checks, then the pcp or buddy free. */
    Result freePagesInternal(int f, int ord, int cpu) {
        String reason = bad.freePrepareBadReason(f, ord);
        if (reason != null) {
            // as bad_page leaves it: the reference is dropped and the block is never freed
            m.refcount[f] = 0;
            if ((m.flags[f] & F_ALLOC) != 0) {
                m.flags[f] |= F_LEAKED;
            }
            m.markDirty(f);
            return bad.badPage(f, reason);
        }
        BuddyZone z = m.zoneOfFrame(f);
        m.refcount[f] = 0;
        if ((m.flags[f] & F_HEAD) != 0 && !(m.bug(PageBug.PAGE_TAIL_FLAGS_LEFT))) {
            for (int i = 1; i < 1 << ord; i++) {
                m.flags[f + i] &= ~F_TAIL;
                m.order[f + i] = 0;
            }
        }
        m.flags[f] &= ~(F_ALLOC | F_HEAD);
        m.order[f] = 0;
        z.allocatedPages -= 1L << ord;
        if (ord <= COSTLY_ORDER) {
            pcpLists.freeUnrefPage(z, f, ord, cpu);
        } else {
            lists.freeOnePage(z, f, ord, m.blockMt(f), false);
        }
        return Result.VOID;
    }
}
