package armmm.model.page;

import static armmm.model.page.MemMap.F_ALLOC;
import static armmm.model.page.MemMap.F_BUDDY;
import static armmm.model.page.MemMap.F_HEAD;
import static armmm.model.page.MemMap.F_LEAKED;
import static armmm.model.page.MemMap.F_PCP;
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
        if (m.refcount[f] <= 0) {
            if (m.bug(PageBug.PAGE_FREE_ZERO_REFCOUNT_ACCEPTED)) {
                return Result.VOID;
            }
            if (!m.debugVm) {
                return underflow(f, ord);
            }
            // put_page_testzero's VM_BUG_ON_PAGE; the kernel's checks find a buddy page by its type
            return (m.flags[f] & F_BUDDY) != 0 ? bad.badPage(f, "nonzero mapcount")
                    : bad.badPage(f, "VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
        }
        if ((m.flags[f] & F_ALLOC) != 0 && m.order[f] != ord && !m.bug(PageBug.PAGE_FREE_WRONG_ORDER_ACCEPTED)) {
            if (!m.debugVm) {
                if (ord < m.order[f] && (m.flags[f] & F_HEAD) == 0 && m.refcount[f] == 1) {
                    return smallerOrder(f, ord, cpu);
                }
                return Result.modelRefusal(String.format("__free_pages(pfn:%05x, %d) of an order-%d %sallocation: 6.1 does"
                        + " not check the order and %s; the model stops before it", pfn, ord, m.order[f],
                        (m.flags[f] & F_HEAD) != 0 ? "compound " : "",
                        ord > m.order[f] ? "frees pages beyond the allocation with it, which are free or someone else's"
                                : (m.flags[f] & F_HEAD) != 0 ? "leaves the pages it does not free as tails of a freed head"
                                : "does not drop the last reference, then frees the blocks after the head (page + 2^k at order k),"
                                + " which the allocation still holds"));
            }
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

    /**
     * A non-compound allocation freed with a smaller order than allocated, without CONFIG_DEBUG_VM
     * (DEBUG_VM's {@code VM_BUG_ON_PAGE} in {@code free_pages_prepare} looks at compound pages only;
     * on that build the model keeps its "wrong order" rule): the last reference goes, the first 2^ord pages are freed
     * as a block of that order, and the rest is never freed by anyone: leaked, as blocks of orders
     * ord .. order - 1. Silent in 6.1, so the model's finding.
     */
    private Result smallerOrder(int f, int ord, int cpu) {
        int allocated = m.order[f];
        Result freed = freePagesInternal(f, ord, cpu);
        if (freed.isRefused()) {
            // free_pages_prepare reported a page of the first part: nothing freed, the whole block leaks
            return freed;
        }
        for (int i = ord; i < allocated; i++) {
            int g = f + (1 << i);
            m.flags[g] |= F_ALLOC | F_LEAKED;
            m.order[g] = (byte) i;
            m.markDirty(g);
        }
        long pfn = m.basePfn + f;
        return Result.finding(0, String.format("__free_pages(pfn:%05x, %d) of an order-%d allocation: 6.1 does not check"
                + " the order; it frees pfn:%05x..%05x and the %d pages after them leak, silently", pfn, ord, allocated, pfn,
                pfn + (1L << ord) - 1, (1 << allocated) - (1 << ord)));
    }

    /**
     * A free of a page whose {@code _refcount} is 0 or below, without CONFIG_DEBUG_VM:
     * {@code put_page_testzero} takes it one lower and says nothing, nothing is freed. For a
     * block of order above 0 that is not a compound head, {@code __free_pages} then frees its
     * tail blocks ({@code page + 2^k} at order k, k = order - 1 .. 0) although they are free
     * already or someone else's: the model stops before that, with its finding, the state unchanged.
     */
    private Result underflow(int f, int ord) {
        long pfn = m.basePfn + f;
        int before = m.refcount[f];
        if (ord > 0 && (m.flags[f] & F_HEAD) == 0) {
            StringBuilder tails = new StringBuilder();
            for (int k = ord - 1; k >= 0; k--) {
                tails.append(tails.length() == 0 ? "" : ", ").append(String.format("pfn:%05x order %d", pfn + (1L << k), k));
            }
            return Result.modelRefusal(String.format("__free_pages(pfn:%05x, %d) with _refcount %d: put_page_testzero does"
                    + " not reach 0 and the page is no compound head, so 6.1 (no CONFIG_DEBUG_VM) frees the tail blocks"
                    + " again (%s), which are free or in use already; the model stops before a block is on two lists",
                    pfn, ord, before, tails));
        }
        m.refcount[f] = before - 1;
        m.underflowSeen = true;
        m.markDirty(f);
        String later = (m.flags[f] & F_PCP) != 0
                ? "the drain of its per-CPU list reports it (nothing does if the list hands it out first: check_new_pcp is off)"
                : (m.flags[f] & F_LEAKED) != 0 ? "nothing reports it (a leaked page)"
                : (m.flags[f] & F_BUDDY) != 0 || insideBlock(f, F_BUDDY, MAX_ORDER - 1)
                ? "the allocation that takes its block off the free lists reports it"
                : insideBlock(f, F_PCP, COSTLY_ORDER)
                ? "its per-CPU block is drained unchecked and the allocation that takes it off the free lists reports it"
                : "the free of the block it is part of reports it";
        return Result.finding(0, String.format("double free: put_page_testzero took the _refcount of pfn:%05x from %d to %d;"
                + " 6.1 (no CONFIG_DEBUG_VM) says nothing and frees nothing; %s (nonzero _refcount)", pfn, before, before - 1,
                later));
    }

    /** True when frame {@code f} is inside a block of order up to {@code maxOrder} whose first page has state bit {@code bit}. */
    private boolean insideBlock(int f, int bit, int maxOrder) {
        for (int o = 1; o <= maxOrder; o++) {
            int head = m.frame((m.basePfn + f) & -(1L << o));
            if (head >= 0 && head != f && (m.flags[head] & bit) != 0 && m.order[head] >= o) {
                return true;
            }
        }
        return false;
    }

    /** The reference dropped to zero: {@code free_pages_prepare} checks, then the pcp or buddy free. */
    Result freePagesInternal(int f, int ord, int cpu) {
        BadPage.Bad found = bad.freePrepareBad(f, ord, ord > COSTLY_ORDER);
        if (found == null && !m.debugVm && ord <= COSTLY_ORDER && (m.flags[f] & (F_RESERVED | MemMap.F_SLAB)) != 0) {
            return Result.modelRefusal(String.format("__free_pages(pfn:%05x, %d) of a %s page: free_pcp_prepare does not"
                    + " check the head (check_free false without CONFIG_DEBUG_VM), clears its flags and puts it on a per-CPU"
                    + " list, where it is free memory and still %s; the model stops before it", m.basePfn + f, ord,
                    (m.flags[f] & F_RESERVED) != 0 ? "PG_reserved" : "PG_slab",
                    (m.flags[f] & F_RESERVED) != 0 ? "the kernel's own" : "a slab in use"));
        }
        if (found != null) {
            // as bad_page leaves it: the reference is dropped and the block is never freed
            m.refcount[f] = 0;
            if ((m.flags[f] & F_ALLOC) != 0) {
                m.flags[f] |= F_LEAKED;
            }
            m.markDirty(f);
            return bad.badPages(found);
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
