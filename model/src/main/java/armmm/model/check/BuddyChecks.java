package armmm.model.check;

import armmm.model.core.Violation;
import armmm.model.subsystem.Invariant;
import armmm.model.page.GfpZone;
import armmm.model.page.AllocTrace;
import armmm.model.page.BuddyZone;
import armmm.model.core.Gfp;
import armmm.model.page.MigrateType;
import armmm.model.page.PageAllocator;
import armmm.model.page.PerCpuPages;
import armmm.model.page.ZoneSnapshot;
import armmm.model.page.ZoneVmstat;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The buddy allocator's invariants (mm/page_alloc.c, include/linux/mmzone.h): INV-BUDDY-*, the
 * page descriptor's INV-PAGE-* and the GFP zone rules INV-GFP-*. Per step they read the frames
 * the last call touched and per-zone counters; {@link #fullScan} checks every frame.
 */
public final class BuddyChecks {
    /** ALLOC_* bits of mm/internal.h, as {@link AllocTrace#allocFlags()} carries them. */
    private static final int ALLOC_OOM = 0x08;
    private static final int ALLOC_NON_BLOCK = 0x10;
    private static final int ALLOC_MIN_RESERVE = 0x20;
    private static final int ALLOC_HIGHATOMIC = 0x200;
    private static final int ALLOC_RESERVES = ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM;

    private BuddyChecks() {
    }

    /** Every buddy, page and GFP invariant. */
    public static final List<Invariant> ALL = List.of(
            inv("INV-BUDDY-01", BuddyChecks::conservation),
            inv("INV-BUDDY-02", BuddyChecks::nrFreeMatchesLists),
            inv("INV-BUDDY-03", BuddyChecks::freeBlocksWellFormed),
            inv("INV-BUDDY-04", BuddyChecks::listTypeMatchesPageblock),
            inv("INV-BUDDY-05", BuddyChecks::buddiesMerged),
            inv("INV-BUDDY-06", BuddyChecks::pcpWithinHigh),
            inv("INV-BUDDY-07", (pa, full) -> boostBounded(pa)),
            inv("INV-BUDDY-08", (pa, full) -> vmstatLagBounded(pa)),
            inv("INV-PAGE-01", BuddyChecks::refcounts),
            inv("INV-PAGE-02", BuddyChecks::exclusiveState),
            inv("INV-GFP-01", (pa, full) -> zoneAllowed(pa)),
            inv("INV-GFP-02", (pa, full) -> zonelistOrder(pa)),
            inv("INV-GFP-03", (pa, full) -> watermarkKept(pa)));

    private static Invariant inv(String id, BiFunction<PageAllocator, Boolean, List<Violation>> check) {
        return Invariant.on(id, PageAllocator.class, PageAllocator::mutations, pa -> check.apply(pa, pa.needsFullScan(id)));
    }

    /**
     * The allocator's complete check at the end of a scenario or chain: {@link BuddyFullScan}, which
     * walks every list and visits every frame without trusting the allocator's counters, and
     * {@link #fullScan}.
     */
    public static List<Violation> complete(PageAllocator pa) {
        List<Violation> out = new ArrayList<>(BuddyFullScan.scan(pa));
        out.addAll(fullScan(pa));
        return out;
    }

    /** Every buddy invariant over every frame: for tests and the end of a chain. */
    public static List<Violation> fullScan(PageAllocator pa) {
        List<Violation> out = new ArrayList<>();
        out.addAll(conservation(pa, true));
        out.addAll(nrFreeMatchesLists(pa, true));
        out.addAll(freeBlocksWellFormed(pa, true));
        out.addAll(listTypeMatchesPageblock(pa, true));
        out.addAll(buddiesMerged(pa, true));
        out.addAll(pcpWithinHigh(pa, true));
        out.addAll(boostBounded(pa));
        out.addAll(refcounts(pa, true));
        out.addAll(exclusiveState(pa, true));
        return out;
    }

    /** Runs {@code check} on the pfns to look at: the touched frames, or all of them. */
    private interface PfnCheck {
        void at(long pfn, List<Violation> out);
    }

    private static List<Violation> eachPfn(PageAllocator pa, boolean full, PfnCheck check) {
        List<Violation> out = new ArrayList<>();
        long base = pa.basePfn();
        if (full) {
            for (int f = 0; f < pa.frameCount() && out.size() < 20; f++) {
                check.at(base + f, out);
            }
        } else {
            for (int f : pa.dirtyFrames()) {
                check.at(base + f, out);
            }
        }
        return out;
    }

    private static String pfn(long pfn) {
        return String.format("pfn:%05x", pfn);
    }

    /** The zone types in order, once ({@code values()} copies its array at every call). */
    private static final ZoneType[] ZONE_TYPES = ZoneType.values();

    private static List<BuddyZone> zones(PageAllocator pa) {
        List<BuddyZone> zs = new ArrayList<>(ZONE_TYPES.length);
        for (ZoneType t : ZONE_TYPES) {
            BuddyZone z = pa.zone(t);
            if (z != null) {
                zs.add(z);
            }
        }
        return zs;
    }

    /** INV-BUDDY-01: free + per-CPU + allocated + reserved = spanned; NR_FREE_PAGES = listed pages. */
    static List<Violation> conservation(PageAllocator pa, boolean full) {
        List<Violation> out = new ArrayList<>();
        for (BuddyZone z : zones(pa)) {
            ZoneConfig c = z.config();
            long sum = z.listPages() + z.pcpListPages() + z.allocatedPages() + z.reservedPages();
            if (sum != c.spannedPages()) {
                out.add(new Violation("INV-BUDDY-01", "pages not conserved", String.format(
                        "zone %s: free %d + pcp %d + allocated %d + reserved %d = %d, spanned %d", c.type().kernelName(),
                        z.listPages(), z.pcpListPages(), z.allocatedPages(), z.reservedPages(), sum, c.spannedPages())));
            }
            if (z.freePages() != z.listPages()) {
                out.add(new Violation("INV-BUDDY-01", "NR_FREE_PAGES wrong", String.format(
                        "zone %s: NR_FREE_PAGES %d, pages on the free lists %d", c.type().kernelName(), z.freePages(),
                        z.listPages())));
            }
        }
        return out;
    }

    /**
     * INV-BUDDY-08: in every populated zone, for NR_FREE_PAGES (against the pages the list
     * primitives counted) and NR_FREE_CMA_PAGES, the global counter plus every CPU's difference is
     * the exact count, no difference exceeds the CPUs' {@code stat_threshold} in magnitude, so the
     * lag of {@code zone_page_state} stays within threshold x CPUs; the threshold is
     * {@code calculate_normal_threshold} of the managed pages boot left (no later call refreshes
     * it), recomputed here (mm/vmstat.c).
     */
    static List<Violation> vmstatLagBounded(PageAllocator pa) {
        List<Violation> out = new ArrayList<>();
        for (BuddyZone z : zones(pa)) {
            ZoneVmstat v = z.vmstat();
            String name = z.config().type().kernelName();
            // refresh_zone_stat_thresholds ran once, at boot's end: its managed count, not today's
            long managed128M = z.bootManagedPages() >> 15;
            int fls = 64 - Long.numberOfLeadingZeros(managed128M);
            int flsCpus = 32 - Integer.numberOfLeadingZeros(pa.nrCpus());
            // for_each_populated_zone: present pages; 0 until boot is over (init_per_zone_wmark_min)
            long expectedThreshold = pa.handedOver() && z.config().presentPages() > 0 ? Math.min(125, 2L * flsCpus * (1 + fls)) : 0;
            if (v.threshold() != expectedThreshold) {
                out.add(new Violation("INV-BUDDY-08", "stat_threshold wrong", String.format(
                        "zone %s: stat_threshold %d, calculate_normal_threshold %d", name, v.threshold(), expectedThreshold)));
            }
            long[] exact = {z.listPages(), z.freeCmaPages()};
            String[] item = {"NR_FREE_PAGES", "NR_FREE_CMA_PAGES"};
            for (int i = 0; i < 2; i++) {
                long sum = v.global(i);
                for (int cpu = 0; cpu < pa.nrCpus(); cpu++) {
                    int d = v.diff(cpu, i);
                    sum += d;
                    if (Math.abs(d) > v.threshold()) {
                        out.add(new Violation("INV-BUDDY-08", "vmstat difference above the threshold", String.format(
                                "zone %s %s: cpu %d vm_stat_diff %d, stat_threshold %d", name, item[i], cpu, d, v.threshold())));
                    }
                }
                if (sum != exact[i]) {
                    out.add(new Violation("INV-BUDDY-08", "vmstat counter lost a change", String.format(
                            "zone %s %s: vm_stat %d + per-CPU diffs = %d, exact %d (lag %d, bound %d x %d CPUs)", name,
                            item[i], v.global(i), sum, exact[i], exact[i] - v.global(i), v.threshold(), pa.nrCpus())));
                }
            }
        }
        return out;
    }

    /** INV-BUDDY-02: {@code free_area[order].nr_free} equals the blocks on that order's lists. */
    static List<Violation> nrFreeMatchesLists(PageAllocator pa, boolean full) {
        List<Violation> out = new ArrayList<>();
        for (BuddyZone z : zones(pa)) {
            for (int o = 0; o < PageAllocator.MAX_ORDER; o++) {
                if (z.nrFree(o) != z.listLenOfOrder(o)) {
                    out.add(new Violation("INV-BUDDY-02", "nr_free does not match the free lists", String.format(
                            "zone %s order %d: nr_free %d, blocks listed %d", z.config().type().kernelName(), o,
                            z.nrFree(o), z.listLenOfOrder(o))));
                }
            }
        }
        return out;
    }

    /**
     * True when a zone ends off a MAX_ORDER_NR_PAGES boundary with a page of ZONE_NORMAL right
     * after it (ZONE_DMA under a machine's dma_zone_size; lowmem ends where the hand-over stops, at
     * max_low_pfn, so HighMem never takes part): there 6.1's boot hand-over
     * ({@code __free_pages_memory}, mm/memblock.c, which chunks by alignment and not by zone) frees
     * the block holding the end into the lower zone, and splitting it keeps its pieces there, so a
     * free block whose head is in the zone may run into the next one. Merging checks zone ids
     * ({@code page_is_buddy}), so no block crosses a MAX_ORDER-aligned zone end.
     */
    static boolean bootSpill(PageAllocator pa, long zoneEndPfn) {
        return (zoneEndPfn & ((1L << (PageAllocator.MAX_ORDER - 1)) - 1)) != 0 && pa.hasPfn(zoneEndPfn)
                && pa.zoneIndex(zoneEndPfn) == ZoneType.NORMAL.ordinal();
    }

    /**
     * True when block [p, p + n) lies in the MAX_ORDER_NR_PAGES window holding the end of a zone
     * the mask allows, where that end is off the window's boundary: 6.1's boot hand-over put that
     * window whole on the lower zone's free lists ({@code __free_pages_memory}, mm/memblock.c), so
     * its pieces, pages of the next zone among them, are that zone's to give.
     */
    static boolean inSpillWindow(PageAllocator pa, long p, long n, int allowed) {
        int lower = spillLower(pa, p, n);
        return lower >= 0 && lower <= allowed;
    }

    /** The zone whose off-boundary end lies in the MAX_ORDER_NR_PAGES window holding [p, p + n); -1 when none. */
    static int spillLower(PageAllocator pa, long p, long n) {
        long window = 1L << (PageAllocator.MAX_ORDER - 1);
        for (ZoneType t : ZoneType.values()) {
            BuddyZone z = pa.zone(t);
            if (z == null || z.config().isEmpty() || !bootSpill(pa, z.config().endPfn())) {
                continue;
            }
            long start = (z.config().endPfn() - 1) & -window;
            if (p >= start && p + n <= start + window) {
                return t.ordinal();
            }
        }
        return -1;
    }

    /** INV-BUDDY-03: a free block is aligned to its order, inside its zone, on its list, and overlaps nothing. */
    static List<Violation> freeBlocksWellFormed(PageAllocator pa, boolean full) {
        return eachPfn(pa, full, (pfn, out) -> {
            if (!pa.isBuddy(pfn)) {
                return;
            }
            int o = pa.order(pfn);
            long n = 1L << o;
            BuddyZone z = pa.zone(ZoneType.values()[pa.zoneIndex(pfn)]);
            if ((pfn & (n - 1)) != 0) {
                out.add(new Violation("INV-BUDDY-03", "free block misaligned", pfn(pfn) + " order " + o));
                return;
            }
            if (pfn < z.config().startPfn() || pfn + n > z.config().endPfn() && !bootSpill(pa, z.config().endPfn())) {
                out.add(new Violation("INV-BUDDY-03", "free block outside its zone", pfn(pfn) + " order " + o
                        + " zone " + z.config().type().kernelName()));
                return;
            }
            if (!pa.isLinkedOnItsList(pfn)) {
                out.add(new Violation("INV-BUDDY-03", "free block not on its list", pfn(pfn) + " order " + o
                        + " is PageBuddy but not linked on free_area[" + o + "].free_list["
                        + pa.listMigratetype(pfn).kernelName() + "]"));
            }
            if (!freeRefcount(pa, pfn)) {
                out.add(new Violation("INV-BUDDY-03", "nonzero _refcount", pfn(pfn) + " is PageBuddy with refcount "
                        + pa.refcount(pfn)));
            }
            for (long p = pfn + 1; p < pfn + n; p++) {
                if (pa.isBuddy(p) || pa.isOnPcp(p) || pa.isAllocated(p) || pa.isReserved(p)) {
                    out.add(new Violation("INV-BUDDY-03", "free block overlaps a page in use",
                            pfn(pfn) + " order " + o + " contains " + pfn(p)));
                    return;
                }
            }
        });
    }

    /** INV-BUDDY-04: a free block is on the CMA (Isolate) list exactly when its pageblock is CMA (Isolate). */
    static List<Violation> listTypeMatchesPageblock(PageAllocator pa, boolean full) {
        return eachPfn(pa, full, (pfn, out) -> {
            if (!pa.isBuddy(pfn)) {
                return;
            }
            MigrateType list = pa.listMigratetype(pfn);
            MigrateType block = pa.pageblockMigratetype(pfn);
            for (MigrateType special : new MigrateType[] {MigrateType.CMA, MigrateType.ISOLATE}) {
                if ((list == special) != (block == special)) {
                    out.add(new Violation("INV-BUDDY-04", "free page on the wrong migratetype list", pfn(pfn)
                            + " order " + pa.order(pfn) + " on the " + list.kernelName() + " list, pageblock "
                            + block.kernelName()));
                }
            }
        });
    }

    /** INV-BUDDY-05: no free block has a free buddy of the same order that it could merge with. */
    static List<Violation> buddiesMerged(PageAllocator pa, boolean full) {
        return eachPfn(pa, full, (pfn, out) -> {
            if (!pa.isBuddy(pfn)) {
                return;
            }
            int o = pa.order(pfn);
            if (o >= PageAllocator.MAX_ORDER - 1) {
                return;
            }
            long buddy = pfn ^ (1L << o);
            if (!pa.hasPfn(buddy) || !pa.isBuddy(buddy) || pa.order(buddy) != o
                    || pa.zoneIndex(buddy) != pa.zoneIndex(pfn)) {
                return;
            }
            if (o >= PageAllocator.PAGEBLOCK_ORDER) {
                MigrateType a = pa.pageblockMigratetype(pfn);
                MigrateType b = pa.pageblockMigratetype(buddy);
                if (a != b && (!a.isMergeable() || !b.isMergeable())) {
                    return;
                }
            }
            out.add(new Violation("INV-BUDDY-05", "buddy not merged", pfn(pfn) + " and " + pfn(buddy)
                    + " are both free at order " + o));
        });
    }

    /**
     * INV-BUDDY-06: a per-CPU count equals its lists, and a free that takes it to {@code high} or
     * above drains at least what it added.
     */
    static List<Violation> pcpWithinHigh(PageAllocator pa, boolean full) {
        List<Violation> out = new ArrayList<>();
        for (BuddyZone z : zones(pa)) {
            long total = 0;
            for (int cpu = 0; cpu < pa.nrCpus(); cpu++) {
                PerCpuPages pcp = z.pcp(cpu);
                long listed = 0;
                for (int p = 0; p < PageAllocator.NR_PCP_LISTS; p++) {
                    listed += (long) pcp.listLength(p) << (p / MigrateType.PCPTYPES);
                }
                total += pcp.count();
                if (listed != pcp.count()) {
                    out.add(new Violation("INV-BUDDY-06", "pcp count does not match its lists",
                            pcpName(z, cpu) + ": count " + pcp.count() + ", listed " + listed));
                }
                if (pcp.lastWasFree() && pcp.count() >= pcp.high() && pcp.count() > pcp.countBeforeFree()) {
                    out.add(new Violation("INV-BUDDY-06", "pcp not drained at high", pcpName(z, cpu) + ": count "
                            + pcp.countBeforeFree() + " -> " + pcp.count() + " after a free, high " + pcp.high()));
                }
            }
            if (total != z.pcpListPages()) {
                out.add(new Violation("INV-BUDDY-06", "pcp count does not match its lists", "zone "
                        + z.config().type().kernelName() + ": counts " + total + ", pages listed " + z.pcpListPages()));
            }
        }
        return out;
    }

    /** How INV-BUDDY-06 names a per-CPU list set; built only for a violation. */
    private static String pcpName(BuddyZone z, int cpu) {
        return "zone " + z.config().type().kernelName() + " cpu " + cpu;
    }

    /**
     * {@code mult_frac(high, factor, 10000)} as ARM32 computes it, in a 32-bit {@code unsigned long}:
     * high split at 10000, each part times the factor, wrapped to 32 bits.
     */
    static long boostCap(long high, long factor) {
        long wrap = 1L << 32;
        long whole = Math.floorMod((high / 10000) * factor, wrap);
        long part = Math.floorMod((high % 10000) * factor, wrap) / 10000;
        return (whole + part) % wrap;
    }

    /**
     * INV-BUDDY-07: a zone's {@code watermark_boost} is 0 in a zone managing fewer than four
     * pageblocks (commit ab70cdb0d416), and never above max(pageblock_nr_pages, high x factor /
     * 10000) ({@code watermark_boost_factor}: 15000 at boot; a vm.watermark_boost_factor write does
     * not take back a boost made under an earlier factor, so the largest such cap of the factors in
     * force since boot bounds it, and when every one of them is 0 the zone has no boost); read from
     * the zone's own fields, the arithmetic done here.
     */
    static List<Violation> boostBounded(PageAllocator pa) {
        List<Violation> out = new ArrayList<>();
        long pageblock = 1L << (PageAllocator.MAX_ORDER - 1);
        for (BuddyZone z : zones(pa)) {
            ZoneConfig c = z.config();
            long boost = z.watermarkBoost();
            long cap = 0;
            long factor = 0;
            for (long f : pa.watermarkBoostFactorsSinceBoot()) {
                long fc = boostCap(c.high(), f);
                if (fc > cap) {
                    cap = fc;
                    factor = f;
                }
            }
            if (boost >= 0 && (boost == 0 || c.managedPages() >= 4 * pageblock && cap != 0
                    && boost <= Math.max(pageblock, cap))) {
                continue; // holds: the message below is built only for a violation
            }
            String what = "zone " + c.type().kernelName() + ": boost " + boost;
            if (boost < 0) {
                out.add(new Violation("INV-BUDDY-07", "negative watermark boost", what));
            } else if (boost > 0 && c.managedPages() < 4 * pageblock) {
                out.add(new Violation("INV-BUDDY-07", "small zone boosted", what + " with " + c.managedPages()
                        + " managed pages, fewer than four pageblocks (" + 4 * pageblock + ")"));
            } else if (boost > 0 && cap == 0) {
                out.add(new Violation("INV-BUDDY-07", "zone boosted without a high watermark or factor", what
                        + ", factors since boot " + pa.watermarkBoostFactorsSinceBoot()));
            } else if (boost > Math.max(pageblock, cap)) {
                out.add(new Violation("INV-BUDDY-07", "watermark boost above its cap", what + " > max(" + pageblock
                        + ", high " + c.high() + " x " + factor + " / 10000 = " + cap + ")"));
            }
        }
        return out;
    }

    /**
     * A free or per-CPU page's {@code _refcount} as 6.1 can leave it: 0, or below 0 in a build
     * without CONFIG_DEBUG_VM, where a double free's {@code put_page_testzero} takes 0 to -1
     * unchecked; such a page is reported when it leaves the lists ({@code check_new_pages},
     * {@code bulkfree_pcp_prepare}). With CONFIG_DEBUG_VM the count can never go below 0.
     */
    static boolean freeRefcount(PageAllocator pa, long pfn) {
        int ref = pa.refcount(pfn);
        return ref == 0 || ref < 0 && !pa.debugVm();
    }

    /** INV-PAGE-01: an allocation holds a reference; a free or per-CPU page holds none (below 0 only after a double free, without DEBUG_VM). */
    static List<Violation> refcounts(PageAllocator pa, boolean full) {
        return eachPfn(pa, full, (pfn, out) -> {
            int ref = pa.refcount(pfn);
            if (pa.isAllocated(pfn) && !pa.isLeaked(pfn) && ref < 1) {
                out.add(new Violation("INV-PAGE-01", "allocated page without a reference", pfn(pfn) + " refcount " + ref));
            }
            if ((pa.isBuddy(pfn) || pa.isOnPcp(pfn)) && !freeRefcount(pa, pfn)) {
                out.add(new Violation("INV-PAGE-01", "nonzero _refcount", pfn(pfn) + " is free with refcount " + ref));
            }
        });
    }

    /** INV-PAGE-02: a frame is in one state only, live allocations do not overlap, list heads are free. */
    static List<Violation> exclusiveState(PageAllocator pa, boolean full) {
        List<Violation> out = eachPfn(pa, full, (pfn, o) -> {
            int states = (pa.isBuddy(pfn) ? 1 : 0) + (pa.isOnPcp(pfn) ? 1 : 0) + (pa.isAllocated(pfn) ? 1 : 0)
                    + (pa.isReserved(pfn) ? 1 : 0);
            if (states > 1) {
                o.add(new Violation("INV-PAGE-02", "page both free and in use", pfn(pfn) + " buddy " + pa.isBuddy(pfn)
                        + " pcp " + pa.isOnPcp(pfn) + " allocated " + pa.isAllocated(pfn) + " reserved " + pa.isReserved(pfn)));
                return;
            }
            if (pa.isAllocated(pfn)) {
                int ord = pa.order(pfn);
                for (long p = pfn + 1; p < pfn + (1L << ord) && p < pa.basePfn() + pa.frameCount(); p++) {
                    if (pa.isBuddy(p) || pa.isOnPcp(p) || pa.isAllocated(p) || pa.isReserved(p)) {
                        o.add(new Violation("INV-PAGE-02", "allocations overlap", pfn(pfn) + " order " + ord
                                + " contains " + pfn(p)));
                        return;
                    }
                }
            }
        });
        for (BuddyZone z : zones(pa)) {
            ZoneType t = z.config().type();
            for (int cpu = 0; cpu < pa.nrCpus(); cpu++) {
                for (int p = 0; p < PageAllocator.NR_PCP_LISTS; p++) {
                    long head = pa.pcpListHead(t, cpu, p);
                    if (head >= 0) {
                        if (!pa.isOnPcp(head) || pa.isAllocated(head)) {
                            out.add(new Violation("INV-PAGE-02", "allocated page still on a per-CPU list",
                                    "zone " + t.kernelName() + " cpu " + cpu + " list " + p + " head " + pfn(head)));
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * INV-GFP-01: an allocation comes from a zone no higher than {@code gfp_zone} of its mask, by
     * {@link GfpRules}' own reading of GFP_ZONE_TABLE and the zone spans, not the allocator's.
     */
    static List<Violation> zoneAllowed(PageAllocator pa) {
        AllocTrace t = pa.lastAlloc();
        if (t == null || t.pfn() < 0) {
            return List.of();
        }
        int allowed = GfpRules.highestZone(t.gfp());
        int zone = PageCall.zoneOfPfn(pa, t.pfn());
        if ((allowed < 0 || zone < 0 || zone > allowed) && !inSpillWindow(pa, t.pfn(), 1, allowed)) {
            return List.of(new Violation("INV-GFP-01", "page from a zone the GFP mask does not allow",
                    pfn(t.pfn()) + " in zone " + (zone < 0 ? "none" : ZoneType.values()[zone].kernelName()) + " for "
                    + Gfp.format(t.gfp())));
        }
        return List.of();
    }

    /** INV-GFP-02: every zone before the one used, in zonelist order, could not have served the request. */
    static List<Violation> zonelistOrder(PageAllocator pa) {
        AllocTrace t = pa.lastAlloc();
        if (t == null || t.pfn() < 0 || GfpZone.gfpZone(t.gfp()) == null) {
            return List.of();
        }
        int highest = GfpZone.gfpZone(t.gfp()).ordinal();
        PageCall call = PageCall.last(pa);
        // blocks 6.1 took and found unfit on the way (reported, leaked) served nobody: the lists the call left
        boolean leaked = call != null && call.result() != null && PageCallChecks.reportedBadPage(call.result());
        for (int zi = highest; zi > t.zone(); zi--) {
            ZoneSnapshot s = t.before(zi);
            if (s == null) {
                continue;
            }
            BuddyZone z = pa.zone(ZoneType.values()[zi]);
            boolean hasPage = leaked ? usableBlockNow(pa, ZoneType.values()[zi], t)
                    : s.pcpHasPage() || s.maxFreeOrder() >= t.order() || t.allowsCma() && s.maxCmaOrder() >= t.order();
            if (hasPage && (t.allocFlags() & 0x04) != 0 || hasPage && watermarkOk(z.config(), s, t, highest)) {
                return List.of(new Violation("INV-GFP-02", "zonelist not walked in order", "zone "
                        + z.config().type().kernelName() + " could serve " + Gfp.format(t.gfp()) + " order " + t.order()
                        + " (zone_page_state free " + s.statFree() + ") but the page came from "
                        + ZoneType.values()[t.zone()].kernelName()));
            }
        }
        return List.of();
    }

    /** A block of the request's order or above on a list of the zone it may take from, walking the lists now. */
    private static boolean usableBlockNow(PageAllocator pa, ZoneType zone, AllocTrace t) {
        for (int o = t.order(); o < PageAllocator.MAX_ORDER; o++) {
            for (MigrateType mt : MigrateType.values()) {
                boolean usable = mt.ordinal() < MigrateType.PCPTYPES || mt == MigrateType.CMA && t.allowsCma();
                if (usable && pa.freeListHead(zone, o, mt) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code __zone_watermark_ok}'s order-0 test, recomputed from a snapshot. */
    private static boolean watermarkOk(ZoneConfig c, ZoneSnapshot s, AllocTrace t, int highest) {
        int flags = t.allocFlags();
        long mark = (t.watermark() == 0 ? c.min() : t.watermark() == 1 ? c.low() : c.high()) + s.watermarkBoost();
        if (t.order() == 0 && t.watermark() == 0 && s.watermarkBoost() > 0 && (t.gfp() & Gfp.ATOMIC) != 0) {
            // zone_watermark_fast looks again without the boost for order-0 __GFP_ATOMIC at min
            mark = c.min();
        }
        // the kernel decides on zone_page_state, which lags the exact count by the per-CPU vmstat diffs
        long free = s.statFree() - ((1L << t.order()) - 1);
        if ((flags & ALLOC_RESERVES) == 0) {
            free -= s.reservedHighatomic();
        }
        if (!t.allowsCma()) {
            free -= s.statCma();
        }
        long min = mark;
        if ((flags & ALLOC_MIN_RESERVE) != 0) {
            min -= min / 2;
            if ((flags & ALLOC_NON_BLOCK) != 0) {
                min -= min / 4;
            }
        }
        return free > min + c.lowmemReserve()[highest];
    }

    /**
     * INV-GFP-03: an allocation that may not use reserves found its zone with at least min plus
     * the protection it owes, plus its own size, in {@code zone_page_state(NR_FREE_PAGES)} (the
     * global counter the kernel reads, not the exact count) less the pages such a pass may not
     * count (the highatomic reserve; free CMA pages unless Movable): the kernel's
     * {@code free - unusable - (2^order - 1) > mark + lowmem_reserve} with mark at least min.
     */
    static List<Violation> watermarkKept(PageAllocator pa) {
        AllocTrace t = pa.lastAlloc();
        if (t == null || t.pfn() < 0 || t.usedReserves() || GfpZone.gfpZone(t.gfp()) == null) {
            return List.of();
        }
        BuddyZone z = pa.zone(ZoneType.values()[t.zone()]);
        ZoneConfig c = z.config();
        long protection = c.lowmemReserve()[GfpZone.gfpZone(t.gfp()).ordinal()];
        ZoneSnapshot before = t.before(t.zone());
        // zone_page_state: the lagging global counters the kernel reads (INV-BUDDY-08)
        long free = before.statFree();
        // __zone_watermark_unusable_free for a pass without reserves: the highatomic reserve always,
        // the free CMA pages unless the request is Movable (gfp_to_alloc_flags_cma)
        long unusable = before.reservedHighatomic();
        if (GfpRules.migratetype(t.gfp(), pa.mobilityGroupingDisabled()) != MigrateType.MOVABLE) {
            unusable += before.statCma();
        }
        if (free - unusable - (1L << t.order()) < c.min() + protection) {
            return List.of(new Violation("INV-GFP-03", "zone below its min watermark", "zone " + c.type().kernelName()
                    + ": zone_page_state(NR_FREE_PAGES) " + free + " - unusable " + unusable + " - " + (1L << t.order()) + " < min "
                    + c.min() + " + protection " + protection + " for " + Gfp.format(t.gfp()) + " order " + t.order()));
        }
        return List.of();
    }

    /** True when {@code pa} is absent (no page allocator) or has no violation in a full scan. */
    public static boolean fullScanClean(PageAllocator pa) {
        return pa == null || fullScan(pa).isEmpty();
    }
}
