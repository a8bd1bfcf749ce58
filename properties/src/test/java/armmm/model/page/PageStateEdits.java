package armmm.model.page;

import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;

/**
 * Hand edits of a page allocator's kernel state, for the tests of the checks in
 * {@code armmm.model.check}: each writes one field of a {@code struct page}, a
 * {@code free_area}, a {@code per_cpu_pages} or a {@code struct zone} as a stray store would,
 * so that a test can build a state that breaks exactly one invariant (as
 * {@code armmm.model.asid.AsidChecksStatesTest} restores ASID states). Nothing here runs the
 * allocator's own code paths; the few composite edits ({@link #addFree}, {@link #delFree})
 * keep the list-primitive counters as {@code add_to_free_list} and {@code del_page_from_free_list}
 * (mm/page_alloc.c) keep them, so that only what a test means to break is broken.
 */
public final class PageStateEdits {
    /** The state bits of a frame ({@link MemMap}'s F_* bits). */
    public enum Bit {
        RESERVED(MemMap.F_RESERVED), BUDDY(MemMap.F_BUDDY), HEAD(MemMap.F_HEAD), TAIL(MemMap.F_TAIL), PCP(MemMap.F_PCP),
        ALLOC(MemMap.F_ALLOC), LEAKED(MemMap.F_LEAKED);

        final int mask;

        Bit(int mask) {
            this.mask = mask;
        }
    }

    private PageStateEdits() {
    }

    private static MemMap m(PageAllocator pa) {
        try {
            java.lang.reflect.Field f = PageAllocator.class.getDeclaredField("m");
            f.setAccessible(true);
            return (MemMap) f.get(pa);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BuddyZone z(PageAllocator pa, ZoneType t) {
        return pa.zone(t);
    }

    /** {@code page->_refcount} of {@code pfn}. */
    public static void refcount(PageAllocator pa, long pfn, int v) {
        MemMap m = m(pa);
        m.refcount[m.frame(pfn)] = v;
    }

    /** The order kept with {@code pfn} ({@code page_private} of a free block, the allocation's or compound order). */
    public static void order(PageAllocator pa, long pfn, int o) {
        MemMap m = m(pa);
        m.order[m.frame(pfn)] = (byte) o;
    }

    /** Sets or clears one state bit of {@code pfn}. */
    public static void bit(PageAllocator pa, long pfn, Bit b, boolean on) {
        MemMap m = m(pa);
        int f = m.frame(pfn);
        m.flags[f] = (byte) (on ? m.flags[f] | b.mask : m.flags[f] & ~b.mask);
    }

    /** {@code page->lru.next} of {@code pfn}: the pfn after it on its list, -1 for the end. */
    public static void next(PageAllocator pa, long pfn, long nextPfn) {
        MemMap m = m(pa);
        m.next[m.frame(pfn)] = nextPfn < 0 ? -1 : m.frame(nextPfn);
    }

    /** The zone index {@code page_zone} gives for {@code pfn}. */
    public static void zoneOf(PageAllocator pa, long pfn, int zone) {
        MemMap m = m(pa);
        m.zoneOf[m.frame(pfn)] = (byte) zone;
    }

    /** {@code free_area[order].nr_free} of a zone. */
    public static void nrFree(PageAllocator pa, ZoneType t, int order, long v) {
        z(pa, t).nrFree[order] = v;
    }

    /** The exact {@code NR_FREE_PAGES} of a zone (the vmstat counters untouched). */
    public static void freePages(PageAllocator pa, ZoneType t, long v) {
        z(pa, t).freePages = v;
    }

    /** The exact {@code NR_FREE_CMA_PAGES} of a zone (the vmstat counters untouched). */
    public static void freeCma(PageAllocator pa, ZoneType t, long v) {
        z(pa, t).freeCma = v;
    }

    /** The pages on a zone's free lists as the list primitives counted them. */
    public static void listPages(PageAllocator pa, ZoneType t, long v) {
        z(pa, t).listPages = v;
    }

    /** A zone's count of pages in allocations. */
    public static void allocatedPages(PageAllocator pa, ZoneType t, long v) {
        z(pa, t).allocatedPages = v;
    }

    /** A zone's count of PG_reserved frames. */
    public static void reservedPages(PageAllocator pa, ZoneType t, long v) {
        z(pa, t).reservedPages = v;
    }

    /** A zone's count of pages on every CPU's lists, as the pcp list primitives counted them. */
    public static void pcpListPages(PageAllocator pa, ZoneType t, long v) {
        z(pa, t).pcpListPages = v;
    }

    /** {@code pcp->count} of one CPU's pageset of a zone. */
    public static void pcpCount(PageAllocator pa, ZoneType t, int cpu, int v) {
        z(pa, t).pcp[cpu].count = v;
    }

    /** Entries on one of a CPU's lists, as the pcp list primitives counted them. */
    public static void pcpListLength(PageAllocator pa, ZoneType t, int cpu, int pindex, int v) {
        z(pa, t).pcp[cpu].listLen[pindex] = v;
    }

    /** The first pfn of one of a CPU's per-CPU lists (-1 empty); its last stays as it was. */
    public static void pcpHead(PageAllocator pa, ZoneType t, int cpu, int pindex, long pfn) {
        z(pa, t).pcp[cpu].head[pindex] = pfn < 0 ? -1 : m(pa).frame(pfn);
    }

    /** {@code pcp->high} and what the last operation on the pageset was. */
    public static void pcpLastFree(PageAllocator pa, ZoneType t, int cpu, int high, boolean lastWasFree, int countBeforeFree) {
        PerCpuPages p = z(pa, t).pcp[cpu];
        p.high = high;
        p.lastWasFree = lastWasFree;
        p.countBeforeFree = countBeforeFree;
    }

    /** The first pfn of {@code free_area[order].free_list[mt]} (-1 empty); its last stays as it was. */
    public static void freeHead(PageAllocator pa, ZoneType t, int order, MigrateType mt, long pfn) {
        z(pa, t).head[order * MigrateType.COUNT + mt.ordinal()] = pfn < 0 ? -1 : m(pa).frame(pfn);
    }

    /** {@code zone->watermark_boost}. */
    public static void watermarkBoost(PageAllocator pa, ZoneType t, long v) {
        z(pa, t).watermarkBoost = v;
    }

    /** {@code nr_reserved_highatomic}. */
    public static void reservedHighatomic(PageAllocator pa, ZoneType t, long v) {
        z(pa, t).nrReservedHighatomic = v;
    }

    /** The zone's sizes and limits (watermarks, managed pages, {@code lowmem_reserve}). */
    public static void config(PageAllocator pa, ZoneType t, ZoneConfig c) {
        z(pa, t).config = c;
    }

    /** {@code __mod_zone_page_state(zone, item, delta)} on {@code cpu}, with the zone's exact counters unchanged. */
    public static void modVmstat(PageAllocator pa, ZoneType t, int cpu, int item, long delta) {
        z(pa, t).vmstat.mod(cpu, item, delta);
    }

    /** {@code refresh_zone_stat_thresholds} of one zone as if it managed {@code managed} pages. */
    public static void statThreshold(PageAllocator pa, ZoneType t, long managed) {
        ZoneConfig c = z(pa, t).config;
        z(pa, t).vmstat.refreshThresholds(managed, c.min(), c.low(), c.high());
    }

    /** Marks {@code pfn} as touched by the last call, so that the per-step checks look at it. */
    public static void touched(PageAllocator pa, long pfn) {
        MemMap m = m(pa);
        m.markDirty(m.frame(pfn));
    }

    /** A {@code watermark_boost_factor} in force since boot, as a vm.watermark_boost_factor write leaves it. */
    public static void boostFactorSinceBoot(PageAllocator pa, long factor) {
        m(pa).watermarkBoostFactors.add(factor);
    }

    /**
     * Rewrites the last allocation's trace as the INV-GFP checks read it: the request (mask,
     * order, {@code gfp_zone}), every zone snapshot dropped, and its outcome (pfn, zone, ALLOC_* flags).
     */
    public static void lastAlloc(PageAllocator pa, long gfp, int order, int highestZone, long pfn, int zone, int allocFlags) {
        AllocTrace t = pa.lastAlloc();
        t.begin(gfp, order, highestZone);
        t.done(pfn, zone, allocFlags);
    }

    /** The last allocation's snapshot of zone {@code i} before the call. */
    public static void lastAllocZone(PageAllocator pa, int i, ZoneSnapshot s) {
        pa.lastAlloc().zone(i, s.freePages(), s.freeCma(), s.statFree(), s.statCma(), s.reservedHighatomic(), s.pcpHasPage(),
                s.maxFreeOrder(), s.maxCmaOrder(), s.watermarkBoost());
    }

    /**
     * {@code add_to_free_list_tail}: {@code pfn} becomes a free block of {@code order} on the
     * zone's {@code mt} list, PageBuddy set, {@code nr_free} and NR_FREE_PAGES (and
     * NR_FREE_CMA_PAGES on the CMA list) up; nothing is merged and no other frame is touched.
     */
    public static void addFree(PageAllocator pa, ZoneType t, long pfn, int order, MigrateType mt) {
        MemMap m = m(pa);
        BuddyZone z = z(pa, t);
        int f = m.frame(pfn);
        int id = order * MigrateType.COUNT + mt.ordinal();
        m.flags[f] |= MemMap.F_BUDDY;
        m.order[f] = (byte) order;
        m.listMt[f] = (byte) mt.ordinal();
        m.linkInto(z.head, z.tail, id, f, true);
        z.listLen[id]++;
        z.listPages += 1L << order;
        z.nonEmptyOrders[mt.ordinal()] |= 1 << order;
        z.nrFree[order]++;
        z.modFree(1L << order, mt == MigrateType.CMA);
    }

    /**
     * {@code del_page_from_free_list} of the free block at {@code pfn} with NR_FREE_PAGES (and
     * NR_FREE_CMA_PAGES for a block on the CMA list) down by its size; its frames are left as
     * they are (PageBuddy and the order cleared on the head, refcount 0 everywhere).
     */
    public static void delFree(PageAllocator pa, ZoneType t, long pfn) {
        MemMap m = m(pa);
        BuddyZone z = z(pa, t);
        int f = m.frame(pfn);
        int order = m.order[f];
        int mt = m.listMt[f];
        int id = order * MigrateType.COUNT + mt;
        m.unlinkFrom(z.head, z.tail, id, f);
        z.listLen[id]--;
        z.listPages -= 1L << order;
        if (z.listLen[id] == 0) {
            z.nonEmptyOrders[mt] &= ~(1 << order);
        }
        z.nrFree[order]--;
        z.modFree(-(1L << order), mt == MigrateType.CMA.ordinal());
        m.flags[f] &= ~MemMap.F_BUDDY;
        m.order[f] = 0;
    }
}
