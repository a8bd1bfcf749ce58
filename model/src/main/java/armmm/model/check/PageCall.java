package armmm.model.check;

import armmm.model.subsystem.Op;
import armmm.model.page.PageOp;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.page.BuddyZone;
import armmm.model.page.MigrateType;
import armmm.model.page.PageAllocator;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;

/**
 * One page allocator call as the INV-CALL checks see it: the call, the kernel-visible state it
 * started from (each zone's {@code NR_FREE_PAGES}, {@code NR_FREE_CMA_PAGES},
 * {@code nr_reserved_highatomic}, per-CPU counts, which {@code free_area} lists were empty, and
 * the struct page a free names), and its result. The buddy subsystem's step hooks record it
 * around every call ({@link #before}, {@link #after}) and keep it with the allocator
 * ({@link PageAllocator#stepRecord}), so that each kernel has its own; nothing here runs the
 * allocator's own code.
 */
public final class PageCall {
    /** A zone before the call; null in {@link #zones} for an unpopulated zone. */
    record ZoneBefore(ZoneConfig config, long freePages, long freeCma, long statFree, long statCma, long highatomic, long pcpPages,
                      int[] nonEmptyLists, boolean pcpHasPage, long watermarkBoost) {
        /** Pages the zone holds free: on the buddy lists and on every CPU's lists. */
        long freeAndCached() {
            return freePages + pcpPages;
        }
    }

    /** A block on the draining CPU's per-CPU list before a drain, with its first page's reference count. */
    record PcpBlock(int zone, long pfn, int order, int refcount) {
    }

    /** The struct page a free names, before the call; null when the pfn has none. */
    record FrameBefore(long pfn, int zone, int refcount, boolean reserved, boolean head, int order, boolean slab) {
    }

    final Op op;
    final long gfp;
    final int order;
    final int cpu;
    final ZoneBefore[] zones;
    final FrameBefore frame;
    /** {@code page_group_by_mobility_disabled}, a boot-time global the call runs under. */
    final boolean mobilityDisabled;
    /** For {@code drain_local_pages}: every block of that CPU's per-CPU lists, walked through the lists; else null. */
    List<PcpBlock> drained;
    private Result result;

    private PageCall(Op op, long gfp, int order, int cpu, ZoneBefore[] zones, FrameBefore frame, boolean mobilityDisabled) {
        this.op = op;
        this.gfp = gfp;
        this.order = order;
        this.cpu = cpu;
        this.zones = zones;
        this.frame = frame;
        this.mobilityDisabled = mobilityDisabled;
    }

    /** The state before {@code op} on {@code pa}, or null when {@code op} is not a page call. */
    public static PageCall before(PageAllocator pa, Op op) {
        if (pa == null || !(op instanceof PageOp)) {
            return null;
        }
        if (op instanceof PageOp.AllocPages a) {
            return alloc(pa, op, a.gfp(), a.order(), a.cpu());
        }
        if (op instanceof PageOp.AllocPage a) {
            return alloc(pa, op, a.gfp(), 0, a.cpu());
        }
        if (op instanceof PageOp.GetFreePages g) {
            // __get_free_pages clears __GFP_HIGHMEM before it calls alloc_pages
            return alloc(pa, op, g.gfp() & ~Gfp.HIGHMEM, g.order(), g.cpu());
        }
        if (op instanceof PageOp.DrainLocalPages d) {
            PageCall c = new PageCall(op, 0, 0, d.cpu(), zones(pa, 0, -1, MigrateType.UNMOVABLE, -1), null,
                    pa.mobilityGroupingDisabled());
            c.drained = d.cpu() >= 0 && d.cpu() < pa.nrCpus() ? pcpBlocks(pa, d.cpu()) : null;
            return c;
        }
        long pfn;
        int ord;
        int cpu;
        if (op instanceof PageOp.FreePages f) {
            pfn = pa.layout().pageToPfn(f.page());
            ord = f.order();
            cpu = f.cpu();
        } else if (op instanceof PageOp.FreePagesVirt f) {
            pfn = f.addr() == 0 ? -1 : pa.layout().virtToPfn(f.addr());
            ord = f.order();
            cpu = f.cpu();
        } else if (op instanceof PageOp.SplitPage s) {
            pfn = pa.layout().pageToPfn(s.page());
            ord = s.order();
            cpu = 0;
        } else {
            return null;
        }
        return new PageCall(op, 0, ord, cpu, zones(pa, 0, -1, MigrateType.UNMOVABLE, -1), frame(pa, pfn),
                pa.mobilityGroupingDisabled());
    }

    private static PageCall alloc(PageAllocator pa, Op op, long gfp, int ord, int cpu) {
        boolean disabled = pa.mobilityGroupingDisabled();
        return new PageCall(op, gfp, ord, cpu, zones(pa, ord, cpu, GfpRules.migratetype(gfp, disabled),
                GfpRules.highestZone(gfp)), null, disabled);
    }

    /**
     * The zones as {@link #before} reads them for this allocation, but now: after a call that
     * reported blocks unfit ({@code check_new_pages}) and leaked them, the lists it left.
     */
    ZoneBefore[] zonesNow(PageAllocator pa) {
        return zones(pa, order, cpu, GfpRules.migratetype(gfp, mobilityDisabled), GfpRules.highestZone(gfp));
    }

    /** Each zone's counters; its lists and this CPU's list only for zones up to {@code highest} (the zonelist). */
    private static ZoneBefore[] zones(PageAllocator pa, int ord, int cpu, MigrateType mt, int highest) {
        ZoneBefore[] out = new ZoneBefore[ZoneType.values().length];
        for (ZoneType t : ZoneType.values()) {
            BuddyZone z = pa.zone(t);
            if (z == null || z.config().managedPages() == 0) {
                continue;
            }
            long pcp = 0;
            for (int c = 0; c < pa.nrCpus(); c++) {
                pcp += z.pcp(c).count();
            }
            int[] lists = new int[PageAllocator.MAX_ORDER];
            if (cpu >= 0 && t.ordinal() <= highest) {
                for (int o = Math.max(0, Math.min(ord, PageAllocator.MAX_ORDER)); o < PageAllocator.MAX_ORDER; o++) {
                    if (z.nrFree(o) == 0) {
                        continue;
                    }
                    for (MigrateType m : MigrateType.values()) {
                        if (pa.freeListHead(t, o, m) >= 0) {
                            lists[o] |= 1 << m.ordinal();
                        }
                    }
                }
            }
            boolean pcpHas = cpu >= 0 && t.ordinal() <= highest && cpu < pa.nrCpus() && ord >= 0 && ord <= PageAllocator.COSTLY_ORDER
                    && mt.ordinal() < MigrateType.PCPTYPES
                    && pa.pcpListHead(t, cpu, ord * MigrateType.PCPTYPES + mt.ordinal()) >= 0;
            out[t.ordinal()] = new ZoneBefore(z.config(), z.freePages(), z.freeCmaPages(),
                    z.vmstat().read(armmm.model.page.ZoneVmstat.NR_FREE_PAGES),
                    z.vmstat().read(armmm.model.page.ZoneVmstat.NR_FREE_CMA_PAGES), z.nrReservedHighatomic(), pcp,
                    lists, pcpHas, z.watermarkBoost());
        }
        return out;
    }

    /** Every block of {@code cpu}'s per-CPU lists in every populated zone, walked through {@code pcp->lists}. */
    private static List<PcpBlock> pcpBlocks(PageAllocator pa, int cpu) {
        List<PcpBlock> out = new java.util.ArrayList<>();
        for (ZoneType t : ZoneType.values()) {
            BuddyZone z = pa.zone(t);
            if (z == null || z.config().managedPages() == 0) {
                continue;
            }
            for (int pindex = 0; pindex < PageAllocator.NR_PCP_LISTS; pindex++) {
                long steps = 0;
                for (long p = pa.pcpListHead(t, cpu, pindex); p >= 0 && steps++ < pa.frameCount(); p = pa.nextOnList(p)) {
                    out.add(new PcpBlock(t.ordinal(), p, pindex / MigrateType.PCPTYPES, pa.refcount(p)));
                }
            }
        }
        return out;
    }

    private static FrameBefore frame(PageAllocator pa, long pfn) {
        if (pfn < 0 || !pa.hasPfn(pfn)) {
            return null;
        }
        return new FrameBefore(pfn, zoneOfPfn(pa, pfn), pa.refcount(pfn), pa.isReserved(pfn),
                (pa.pageFlags(pfn) & (1L << PageAllocator.PG_HEAD)) != 0, pa.order(pfn),
                (pa.pageFlags(pfn) & (1L << PageAllocator.PG_SLAB)) != 0);
    }

    /** The zone whose span holds {@code pfn}, from the zones' geometry; -1 for none. */
    static int zoneOfPfn(PageAllocator pa, long pfn) {
        for (ZoneType t : ZoneType.values()) {
            BuddyZone z = pa.zone(t);
            if (z != null && !z.config().isEmpty() && pfn >= z.config().startPfn() && pfn < z.config().endPfn()) {
                return t.ordinal();
            }
        }
        return -1;
    }

    /** The last call on {@code pa} if it was a page call, with its result; null otherwise. */
    static PageCall last(PageAllocator pa) {
        return pa.stepRecord(PageCall.class);
    }

    /** Records the call's result. */
    public PageCall after(Result r) {
        this.result = r;
        return this;
    }

    /** The call's result. */
    Result result() {
        return result;
    }
}
