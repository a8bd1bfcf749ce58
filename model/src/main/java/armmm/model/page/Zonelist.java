package armmm.model.page;

import armmm.model.core.Gfp;
import static armmm.model.page.MemMap.F_ALLOC;
import static armmm.model.page.MemMap.F_BUDDY;
import static armmm.model.page.MemMap.F_HEAD;
import static armmm.model.page.MemMap.F_PCP;
import static armmm.model.page.MemMap.F_TAIL;
import static armmm.model.page.MemMap.MT_CMA;
import static armmm.model.page.MemMap.MT_HIGHATOMIC;
import static armmm.model.page.MemMap.MT_MOVABLE;
import static armmm.model.page.MemMap.NZONES;
import static armmm.model.page.PageAllocator.ALLOC_CMA;
import static armmm.model.page.PageAllocator.ALLOC_CPUSET;
import static armmm.model.page.PageAllocator.ALLOC_HIGHATOMIC;
import static armmm.model.page.PageAllocator.ALLOC_KSWAPD;
import static armmm.model.page.PageAllocator.ALLOC_MIN_RESERVE;
import static armmm.model.page.PageAllocator.ALLOC_NON_BLOCK;
import static armmm.model.page.PageAllocator.ALLOC_NO_WATERMARKS;
import static armmm.model.page.PageAllocator.ALLOC_OOM;
import static armmm.model.page.PageAllocator.ALLOC_WMARK_LOW;
import static armmm.model.page.PageAllocator.ALLOC_WMARK_MASK;
import static armmm.model.page.PageAllocator.ALLOC_WMARK_MIN;
import static armmm.model.page.PageAllocator.COSTLY_ORDER;
import static armmm.model.page.PageAllocator.MAX_ORDER;

import armmm.model.zone.ZoneType;

/**
 * {@code __alloc_pages} of mm/page_alloc.c with its fast and slow passes (no reclaim):
 * {@code gfp_to_alloc_flags}, the zonelist walk of {@code get_page_from_freelist} (zonelist order
 * as {@code build_zonelists} makes it), {@code rmqueue}, {@code rmqueue_buddy} and
 * {@code prep_new_page}, and the snapshot an {@link AllocTrace} records.
 */
final class Zonelist {
    private final MemMap m;
    private final FreeLists lists;
    private final MigrateFallback fallback;
    private final PcpLists pcpLists;
    private final Kswapd kswapd;
    private final BadPage bad;
    /** The trace of the last allocation in the current kernel call, null when there was none. */
    private AllocTrace lastAlloc;
    /** The zone whose lists served {@link #getPageFromFreelist}'s last block. */
    private int servedZone = -1;
    /** The one trace every allocation fills in (an allocation makes no garbage for it). */
    private final AllocTrace trace = new AllocTrace();

    Zonelist(MemMap m, FreeLists lists, MigrateFallback fallback, PcpLists pcpLists, Kswapd kswapd, BadPage bad) {
        this.m = m;
        this.bad = bad;
        this.kswapd = kswapd;
        this.lists = lists;
        this.fallback = fallback;
        this.pcpLists = pcpLists;
    }

    /** {@code __alloc_pages}: the pfn allocated, or -1 for NULL. */
    long allocPfn(long gfp, int ord, int cpu) {
        if (ord < 0 || ord >= MAX_ORDER) {
            return -1;
        }
        m.cpu = cpu;
        int highest = allocZoneIdx(gfp);
        int mt = migratetype(gfp).ordinal();
        int cma = mt == MT_MOVABLE || m.bug(PageBug.GFP_CMA_FOR_EVERY_MASK) ? ALLOC_CMA : 0;
        trace.begin(gfp, ord, highest);
        snapshot(trace, ord, cpu, mt);
        lastAlloc = trace;
        if (m.bug(PageBug.PAGE_COMP_ALLOC_NULL) && ord >= 1 && (gfp & Gfp.COMP) != 0) {
            trace.done(-1, -1, ALLOC_WMARK_LOW);
            return -1;
        }
        int fast = ALLOC_WMARK_LOW | (int) (gfp & Gfp.KSWAPD_RECLAIM) | cma;
        long pfn = getPageFromFreelist(gfp, ord, fast, highest, mt, cpu);
        int used = fast;
        if (pfn < 0) {
            int slow = gfpToAllocFlags(gfp, ord);
            if ((slow & ALLOC_KSWAPD) != 0) {
                // wake_all_kswapds: node 0's kswapd for the request's highest zone
                kswapd.wakeup(ord, highest);
            }
            if ((gfp & Gfp.MEMALLOC) != 0 && (gfp & Gfp.NOMEMALLOC) == 0) {
                slow = (ALLOC_NO_WATERMARKS | cma) | (slow & ALLOC_KSWAPD);
            }
            used = slow;
            pfn = getPageFromFreelist(gfp, ord, slow, highest, mt, cpu);
        }
        // the zone whose lists gave the block: rmqueue's zone, which is not page_zone(page) when boot
        // freed a block across a zone boundary not aligned to MAX_ORDER into the lower zone
        // (__free_pages_memory frees by memblock range, free_one_page(page_zone(head)))
        trace.done(pfn, pfn < 0 ? -1 : servedZone, used);
        return pfn;
    }

    /** {@code gfp_migratetype}: MIGRATE_UNMOVABLE for every mask while grouping by mobility is off. */
    private MigrateType migratetype(long gfp) {
        return m.mobilityDisabled ? MigrateType.UNMOVABLE : GfpZone.gfpMigratetype(gfp);
    }

    /** The last allocation's trace, or null when the current call made none. */
    AllocTrace lastAlloc() {
        return lastAlloc;
    }

    /** A new kernel call starts: no allocation yet. */
    void forgetLastAlloc() {
        lastAlloc = null;
    }

    /** {@code gfp_zone}: the highest zone index the allocation may use. */
    int allocZoneIdx(long gfp) {
        int z = GfpZone.gfpZone(gfp).ordinal();
        if (m.bug(PageBug.GFP_KERNEL_FROM_HIGHMEM) && z == ZoneType.NORMAL.ordinal()) {
            return ZoneType.HIGHMEM.ordinal();
        }
        return z;
    }

    /** {@code gfp_to_alloc_flags} (mm/page_alloc.c). */
    int gfpToAllocFlags(long gfp, int ord) {
        int f = ALLOC_WMARK_MIN | ALLOC_CPUSET;
        f |= (int) (gfp & (Gfp.HIGH | Gfp.KSWAPD_RECLAIM));
        if ((gfp & Gfp.DIRECT_RECLAIM) == 0) {
            if ((gfp & Gfp.NOMEMALLOC) == 0) {
                f |= ALLOC_NON_BLOCK;
                if (ord > 0 && (f & ALLOC_MIN_RESERVE) != 0) {
                    f |= ALLOC_HIGHATOMIC;
                }
            }
            if ((f & ALLOC_MIN_RESERVE) != 0) {
                f &= ~ALLOC_CPUSET;
            }
        }
        if (m.bug(PageBug.GFP_ATOMIC_NO_MIN_RESERVE)) {
            f &= ~(ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC);
        }
        if (migratetype(gfp) == MigrateType.MOVABLE || m.bug(PageBug.GFP_CMA_FOR_EVERY_MASK)) {
            f |= ALLOC_CMA;
        }
        return f;
    }

    /** The zonelist walk order: highest zone downwards, populated zones only ({@code build_zonelists}). */
    private int zonelistAt(int highest, int i) {
        if (m.bug(PageBug.GFP_ZONELIST_ASCENDING)) {
            return i <= highest ? i : -1;
        }
        return highest - i;
    }

    /** {@code get_page_from_freelist}: the zonelist walk with the watermark check. */
    long getPageFromFreelist(long gfp, int ord, int allocFlags, int highest, int mt, int cpu) {
        for (int i = 0; i <= highest; i++) {
            int zi = zonelistAt(highest, i);
            if (zi < 0) {
                break;
            }
            BuddyZone z = m.zones[zi];
            if (z == null || z.config.managedPages() == 0) {
                continue;
            }
            if ((allocFlags & ALLOC_NO_WATERMARKS) == 0) {
                long mark = Watermark.wmark(z, allocFlags & ALLOC_WMARK_MASK);
                if (!Watermark.zoneWatermarkFast(z, ord, mark, highest, allocFlags, gfp)) {
                    continue;
                }
            }
            int f = rmqueue(z, ord, allocFlags, mt, cpu);
            if (z.boostedWatermark) {
                // the end of rmqueue: a boost was set, kswapd is woken for it
                z.boostedWatermark = false;
                kswapd.wakeup(0, z.type.ordinal());
            }
            if (f >= 0) {
                servedZone = zi;
                prepNewPage(z, f, ord, gfp);
                if ((allocFlags & ALLOC_HIGHATOMIC) != 0) {
                    fallback.reserveHighatomicPageblock(z, f);
                }
                return m.basePfn + f;
            }
        }
        return -1;
    }

    /** {@code rmqueue}: per-CPU lists for orders up to PAGE_ALLOC_COSTLY_ORDER, else the buddy lists. */
    private int rmqueue(BuddyZone z, int ord, int allocFlags, int mt, int cpu) {
        if (ord <= COSTLY_ORDER && ((allocFlags & ALLOC_CMA) != 0 || mt != MT_MOVABLE)) {
            int f = pcpLists.rmqueuePcplist(z, ord, mt, allocFlags, z.pcp[cpu]);
            if (f >= 0) {
                return f;
            }
        }
        return rmqueueBuddy(z, ord, allocFlags, mt);
    }

    /**
     * {@code rmqueue_buddy}: the HIGHATOMIC reserve first for ALLOC_HIGHATOMIC, then {@code __rmqueue}, then
     * the reserve again.
     */
    private int rmqueueBuddy(BuddyZone z, int ord, int allocFlags, int mt) {
        int f = -1;
        if ((allocFlags & ALLOC_HIGHATOMIC) != 0) {
            f = lists.rmqueueSmallest(z, ord, MT_HIGHATOMIC);
        }
        if (f < 0) {
            f = fallback.rmqueueOne(z, ord, mt, allocFlags);
            if (f < 0 && (allocFlags & (ALLOC_OOM | ALLOC_NON_BLOCK)) != 0) {
                f = lists.rmqueueSmallest(z, ord, MT_HIGHATOMIC);
            }
            if (f < 0) {
                return -1;
            }
        }
        lists.modFreepageState(z, -(1L << ord), m.pcpMt[f]);
        if (bad.checkNewPages(f, ord)) {
            // check_new_pages on the way out (every build): reported, the block leaks, the loop takes another
            bad.leak(z, f, ord);
            return rmqueueBuddy(z, ord, allocFlags, mt);
        }
        return f;
    }

    /** {@code prep_new_page}: one reference on the head, compound head and tails with __GFP_COMP. */
    private void prepNewPage(BuddyZone z, int f, int ord, long gfp) {
        m.flags[f] = (byte) (m.flags[f] & ~(F_BUDDY | F_PCP) | F_ALLOC);
        m.order[f] = (byte) ord;
        m.refcount[f] = m.bug(PageBug.PAGE_REFCOUNT_NOT_SET) ? 0
                : m.bug(PageBug.PAGE_REFCOUNT_TWO) && ord > 0 && (gfp & Gfp.COMP) == 0 ? 2 : 1;
        if (ord > 0 && (gfp & Gfp.COMP) != 0) {
            m.flags[f] |= F_HEAD;
            for (int i = 1; i < 1 << ord && !(m.bug(PageBug.PAGE_COMP_TAILS_NOT_MARKED) && ord >= 2); i++) {
                m.flags[f + i] |= F_TAIL;
                m.order[f + i] = (byte) ord;
            }
        }
        z.allocatedPages += 1L << ord;
        m.markDirty(f);
    }

    /** The zones' state before an allocation, into its {@link AllocTrace}. */
    void snapshot(AllocTrace trace, int ord, int cpu, int mt) {
        for (BuddyZone z : m.zones) {
            if (z != null && z.config.managedPages() > 0) {
                PerCpuPages pcp = z.pcp[cpu];
                boolean pcpHas = ord <= COSTLY_ORDER && pcp.head[ord * MigrateType.PCPTYPES + mt] >= 0;
                trace.zone(z.type.ordinal(), z.freePages, z.freeCma, z.vmstat.read(ZoneVmstat.NR_FREE_PAGES),
                        z.vmstat.read(ZoneVmstat.NR_FREE_CMA_PAGES), z.nrReservedHighatomic,
                        pcpHas, maxFreeOrder(z, false), maxFreeOrder(z, true), z.watermarkBoost);
            }
        }
    }

    /**
     * The highest order with a block on a MIGRATE_PCPTYPES list (or, with {@code cma}, on the CMA
     * list), -1 for none: the top bit of the lists' non-empty orders.
     */
    private static int maxFreeOrder(BuddyZone z, boolean cma) {
        int orders = cma ? z.nonEmptyOrders[MT_CMA] : pcpTypesOrders(z);
        return 31 - Integer.numberOfLeadingZeros(orders);
    }

    private static int pcpTypesOrders(BuddyZone z) {
        int orders = 0;
        for (int mt = 0; mt < MigrateType.PCPTYPES; mt++) {
            orders |= z.nonEmptyOrders[mt];
        }
        return orders;
    }
}
