package armmm.model.page;

import static armmm.model.page.MemMap.F_PCP;
import static armmm.model.page.MemMap.MT_CMA;
import static armmm.model.page.MemMap.MT_ISOLATE;
import static armmm.model.page.MemMap.MT_MOVABLE;
import static armmm.model.page.PageAllocator.COSTLY_ORDER;
import static armmm.model.page.PageAllocator.NR_PCP_LISTS;


/**
 * The per-CPU page list operations of mm/page_alloc.c over each zone's {@link PerCpuPages}:
 * {@code rmqueue_pcplist} with {@code rmqueue_bulk}, {@code free_unref_page} with
 * {@code nr_pcp_free} and {@code free_pcppages_bulk}, and the list primitives.
 */
final class PcpLists {
    private final MemMap m;
    private final FreeLists lists;
    private final MigrateFallback fallback;
    private final BadPage bad;
    /** Whether {@code setup_per_cpu_pageset} has run; before it the boot pageset frees straight back. */
    private boolean pcpReady;

    PcpLists(MemMap m, FreeLists lists, MigrateFallback fallback, BadPage bad) {
        this.m = m;
        this.lists = lists;
        this.fallback = fallback;
        this.bad = bad;
    }

    /** {@code setup_per_cpu_pageset}: from now on frees of orders up to 3 go through the per-CPU lists. */
    void setUp() {
        pcpReady = true;
    }

    /** {@code rmqueue_pcplist} and {@code __rmqueue_pcplist}. */
    int rmqueuePcplist(BuddyZone z, int ord, int mt, int allocFlags, PerCpuPages pcp) {
        pcp.freeFactor >>= 1;
        pcp.lastWasFree = false;
        int pindex = ord * MigrateType.PCPTYPES + mt;
        if (pcp.head[pindex] < 0) {
            int batch = pcp.batch;
            if (batch > 1) {
                batch = Math.max(batch >> ord, 2);
            }
            int alloced = rmqueueBulk(z, ord, batch, pcp, pindex, mt, allocFlags);
            pcp.count += alloced << ord;
            if (pcp.head[pindex] < 0) {
                return -1;
            }
        }
        int f = pcp.head[pindex];
        if (!m.bug(PageBug.PAGE_PCP_NOT_UNLINKED)) {
            pcpUnlink(z, pcp, pindex, f);
        } else {
            // a page in use left on its list: from now on the drain and the refill must look, as 6.1's always do
            m.underflowSeen = true;
        }
        pcp.count -= 1 << ord;
        return f;
    }

    /** {@code rmqueue_bulk}: up to {@code count} blocks from the buddy lists onto a per-CPU list tail. */
    private int rmqueueBulk(BuddyZone z, int ord, int count, PerCpuPages pcp, int pindex, int mt, int allocFlags) {
        int i = 0;
        int allocated = 0;
        for (; i < count; i++) {
            int f = fallback.rmqueueOne(z, ord, mt, allocFlags);
            if (f < 0) {
                break;
            }
            if (!m.debugVm && bad.checkNewPages(f, ord)) {
                // check_pcp_refill (without CONFIG_DEBUG_VM): reported and left off the list, but
                // counted as taken from NR_FREE_PAGES. 6.1 leaves NR_FREE_CMA_PAGES as it was for a
                // leaked CMA block; the model takes it off too, so that the counter stays the lists' sum
                bad.leak(z, f, ord);
                if (m.pcpMt[f] == MT_CMA) {
                    z.modCma(-(1L << ord));
                }
                continue;
            }
            pcpLink(z, pcp, pindex, f, ord, true);
            allocated++;
            if (m.pcpMt[f] == MT_CMA) {
                z.modCma(-(1L << ord));
            }
        }
        z.modFree(-((long) i << ord), false);
        return allocated;
    }

    /** {@code free_unref_page}: to this CPU's list, draining a batch when {@code count >= high}. */
    void freeUnrefPage(BuddyZone z, int f, int ord, int cpu) {
        int mt = m.blockMt(f);
        m.pcpMt[f] = (byte) mt;
        int listType = mt;
        if (mt >= MigrateType.PCPTYPES) {
            if (mt == MT_ISOLATE || !pcpReady) {
                lists.freeOnePage(z, f, ord, mt, false);
                return;
            }
            listType = MT_MOVABLE;
        }
        if (!pcpReady) {
            // the boot pageset (high 0, batch 1) frees each page straight back
            lists.freeOnePage(z, f, ord, mt, false);
            return;
        }
        PerCpuPages pcp = z.pcp[cpu];
        int pindex = ord * MigrateType.PCPTYPES + listType;
        pcp.countBeforeFree = pcp.count;
        pcpLink(z, pcp, pindex, f, ord, false);
        pcp.count += 1 << ord;
        pcp.lastWasFree = true;
        boolean freeHigh = pcp.freeFactor != 0 && ord > 0 && ord <= COSTLY_ORDER;
        int high = freeHigh ? 0 : pcp.high;
        if (pcp.count >= high && !(m.bug(PageBug.BUDDY_PCP_NO_DRAIN))) {
            freePcppagesBulk(z, nrPcpFree(pcp, high, pcp.batch, freeHigh), pcp, pindex);
        }
    }

    /**
     * {@code drain_pages_zone}: the CPU's pageset of the zone emptied to the buddy lists, in
     * chunks of {@code batch << CONFIG_PCP_BATCH_SCALE_MAX} pages from list 0 on.
     */
    void drainPagesZone(BuddyZone z, int cpu) {
        PerCpuPages pcp = z.pcp[cpu];
        while (pcp.count > 0) {
            freePcppagesBulk(z, Math.min(pcp.count, Math.max(1, pcp.batch << 5)), pcp, 0);
        }
    }

    /** {@code nr_pcp_free}, CONFIG_PCP_BATCH_SCALE_MAX = 5. */
    private static int nrPcpFree(PerCpuPages pcp, int high, int batch, boolean freeHigh) {
        if (freeHigh) {
            return pcp.count;
        }
        if (high < batch) {
            return 1;
        }
        int minNr = batch;
        int maxNr = high - batch;
        batch <<= pcp.freeFactor;
        if (batch < maxNr && pcp.freeFactor < 5) {
            pcp.freeFactor++;
        }
        return Math.min(Math.max(batch, minNr), maxNr);
    }

    /** {@code free_pcppages_bulk}: round-robin over the lists from {@code pindex}, each from its tail. */
    private void freePcppagesBulk(BuddyZone z, int count, PerCpuPages pcp, int pindex) {
        count = Math.min(pcp.count, count);
        int minP = 0;
        int maxP = NR_PCP_LISTS - 1;
        pindex = pindex - 1;
        while (count > 0) {
            while (true) {
                if (++pindex > maxP) {
                    pindex = minP;
                }
                if (pcp.head[pindex] >= 0) {
                    break;
                }
                if (pindex == maxP) {
                    maxP--;
                }
                if (pindex == minP) {
                    minP++;
                }
            }
            int ord = pindex / MigrateType.PCPTYPES;
            int nr = 1 << ord;
            do {
                int f = pcp.tail[pindex];
                pcpUnlink(z, pcp, pindex, f);
                count -= nr;
                pcp.count -= nr;
                if (m.bug(PageBug.BUDDY_DRAIN_LOSES_BLOCK) && (count <= 0 || pcp.head[pindex] < 0)) {
                    m.order[f] = 0;
                    continue;
                }
                if (bad.bulkfreePcpPrepare(f)) {
                    // reported at the drain: off the list, never freed
                    bad.leak(z, f, ord);
                    continue;
                }
                lists.freeOnePage(z, f, ord, m.pcpMt[f], false);
            } while (count > 0 && pcp.head[pindex] >= 0);
        }
    }

    /** Puts a block on a per-CPU list ({@code list_add} on {@code pcp->lists[pindex]}), marking it as a pcp page. */
    private void pcpLink(BuddyZone z, PerCpuPages pcp, int pindex, int f, int ord, boolean toTail) {
        m.flags[f] |= F_PCP;
        m.order[f] = (byte) ord;
        m.linkInto(pcp.head, pcp.tail, pindex, f, toTail);
        pcp.listLen[pindex]++;
        z.pcpListPages += 1L << ord;
    }

    /** Takes a block off a per-CPU list. */
    private void pcpUnlink(BuddyZone z, PerCpuPages pcp, int pindex, int f) {
        m.unlinkFrom(pcp.head, pcp.tail, pindex, f);
        m.flags[f] &= ~F_PCP;
        pcp.listLen[pindex]--;
        z.pcpListPages -= 1L << (pindex / MigrateType.PCPTYPES);
    }
}
