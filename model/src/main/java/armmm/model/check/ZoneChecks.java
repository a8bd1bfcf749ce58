package armmm.model.check;

import armmm.model.core.Violation;
import armmm.model.subsystem.Invariant;
import armmm.model.memblock.Region;
import armmm.model.zone.CmaArea;
import armmm.model.zone.LateFree;
import armmm.model.zone.NodeZones;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneSetup;
import armmm.model.zone.ZoneStage;
import armmm.model.zone.ZoneType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The zone invariants (mm/page_alloc.c, include/linux/mmzone.h): each restates a kernel rule
 * independently of {@link ZoneSetup}'s code and checks the computed zones against it. They read the
 * zone setup only (a few dozen numbers), so they are cheap enough to run after every step.
 */
public final class ZoneChecks {
    /** One zone invariant: its id and its check. */
    public record ZoneInvariant(String id, Function<ZoneSetup, List<Violation>> check) {
    }

    /** Every zone invariant, in catalogue order. */
    public static final List<ZoneInvariant> ALL = List.of(
            new ZoneInvariant("INV-ZONE-01", ZoneChecks::spansOrderedInsideTheNode),
            new ZoneInvariant("INV-ZONE-02", ZoneChecks::presentIsSpannedMinusHoles),
            new ZoneInvariant("INV-ZONE-03", ZoneChecks::managedIsWhatWasFreed),
            new ZoneInvariant("INV-ZONE-04", ZoneChecks::watermarksOrdered),
            new ZoneInvariant("INV-ZONE-05", ZoneChecks::watermarksFollowTheFormula),
            new ZoneInvariant("INV-ZONE-06", ZoneChecks::protectionFollowsTheRatios),
            new ZoneInvariant("INV-ZONE-07", ZoneChecks::minFreeKbytesFromLowmem),
            new ZoneInvariant("INV-ZONE-08", ZoneChecks::pcpSizesFollowTheFormula));

    private ZoneChecks() {
    }

    /** Every zone invariant's violations for {@code s}. */
    public static List<Violation> check(ZoneSetup s) {
        List<Violation> out = new ArrayList<>();
        for (ZoneInvariant inv : ALL) {
            out.addAll(inv.check().apply(s));
        }
        return out;
    }

    /**
     * The zone invariants as kernel invariants, applicable to a kernel that has zones. Each
     * {@link ZoneSetup} is an immutable value, replaced by a sysctl write that recomputes part of
     * it; the stamp counts those writes, so the per-step check runs after boot and after each write,
     * and the complete check at every chain's end again.
     */
    public static List<Invariant> invariants() {
        return ALL.stream().map(inv -> inv.id().equals("INV-ZONE-03") ? MANAGED_WITH_BALLOON
                : Invariant.on(inv.id(), NodeZones.class, (NodeZones z) -> z.stage().reached(from(inv.id())),
                        NodeZones::stamp, (NodeZones z) -> inv.check().apply(z.setup())))
                .toList();
    }

    /**
     * The boot stage from which the zone invariant {@code id} applies: the one that sets what it
     * reads. The spans and present pages are free_area_init's (INV-ZONE-01, 02); managed pages
     * exist from memblock_free_all (INV-ZONE-03); min_free_kbytes, the watermarks, lowmem_reserve
     * and the per-CPU list sizes from init_per_zone_wmark_min (INV-ZONE-04 to 08).
     */
    public static ZoneStage from(String id) {
        return switch (id) {
            case "INV-ZONE-01", "INV-ZONE-02" -> ZoneStage.FREE_AREA_INIT;
            case "INV-ZONE-03" -> ZoneStage.MEMBLOCK_FREE_ALL;
            default -> ZoneStage.WATERMARKS;
        };
    }

    /**
     * INV-ZONE-03 in a running kernel: the pages the virtio balloon holds are off their zones'
     * managed counts ({@code adjust_managed_page_count}), counted here from the balloon's page list
     * and each page's zone as the page allocator's frames record it.
     */
    private static final Invariant MANAGED_WITH_BALLOON = new Invariant() {
        @Override
        public String id() {
            return "INV-ZONE-03";
        }

        @Override
        public boolean appliesTo(armmm.model.subsystem.KernelState k) {
            NodeZones z = k.state(NodeZones.class);
            return z != null && z.stage().reached(ZoneStage.MEMBLOCK_FREE_ALL);
        }

        @Override
        public long stamp(armmm.model.subsystem.KernelState k) {
            armmm.model.balloon.Balloon b = k.state(armmm.model.balloon.Balloon.class);
            // both counters only grow: their sum moves whenever either does
            return k.state(NodeZones.class).stamp() + (b == null ? 0 : b.stamp());
        }

        @Override
        public List<Violation> check(armmm.model.subsystem.KernelState k) {
            NodeZones z = k.state(NodeZones.class);
            if (z == null || !z.stage().reached(ZoneStage.MEMBLOCK_FREE_ALL)) {
                return List.of();
            }
            long[] ballooned = new long[ZoneType.values().length];
            armmm.model.balloon.Balloon b = k.state(armmm.model.balloon.Balloon.class);
            armmm.model.page.PageAllocator pa = k.state(armmm.model.page.PageAllocator.class);
            if (b != null && pa != null) {
                for (long pfn : new java.util.HashSet<>(b.pfns())) {
                    if (pa.hasPfn(pfn)) {
                        ballooned[pa.zoneIndex(pfn)]++;
                    }
                }
            }
            return managedIsWhatWasFreed(z.setup(), ballooned);
        }

        @Override
        public String toString() {
            return id();
        }
    };

    /**
     * INV-ZONE-01: the populated zones lie in kernel order, disjoint, inside the node's pfn range;
     * an empty zone has start_pfn 0 ({@code calculate_node_totalpages}).
     */
    static List<Violation> spansOrderedInsideTheNode(ZoneSetup s) {
        List<Violation> out = new ArrayList<>();
        long previousEnd = s.spans().nodeStartPfn();
        String previous = "node start";
        for (ZoneConfig z : s.zones()) {
            if (z.isEmpty()) {
                if (z.startPfn() != 0) {
                    out.add(new Violation("INV-ZONE-01", "empty zone with a start", z.type().kernelName()
                            + " spans nothing but starts at pfn " + z.startPfn()));
                }
                continue;
            }
            if (z.startPfn() < previousEnd) {
                out.add(new Violation("INV-ZONE-01", "zones overlap", z.type().kernelName() + " starts at pfn "
                        + z.startPfn() + ", below the end of " + previous + " at " + previousEnd));
            }
            if (z.endPfn() > s.spans().nodeEndPfn()) {
                out.add(new Violation("INV-ZONE-01", "zone beyond RAM", z.type().kernelName() + " ends at pfn "
                        + z.endPfn() + ", past the node's end " + s.spans().nodeEndPfn()));
            }
            previousEnd = z.endPfn();
            previous = z.type().kernelName();
        }
        return out;
    }

    /**
     * INV-ZONE-02: present_pages is spanned_pages minus the pfns no memblock.memory region covers;
     * NOMAP memory is present ({@code zone_absent_pages_in_node}).
     */
    static List<Violation> presentIsSpannedMinusHoles(ZoneSetup s) {
        List<Violation> out = new ArrayList<>();
        for (ZoneConfig z : s.zones()) {
            long covered = 0;
            for (Region r : s.inputs().memory()) {
                long first = (r.base() + ZoneSetup.PAGE_SIZE - 1) >>> ZoneSetup.PAGE_SHIFT;
                long last = r.end() >>> ZoneSetup.PAGE_SHIFT;
                covered += overlap(first, last, z.startPfn(), z.endPfn());
            }
            if (z.presentPages() != covered || z.presentPages() > z.spannedPages()) {
                out.add(new Violation("INV-ZONE-02", "present pages miscounted", z.type().kernelName() + " present "
                        + z.presentPages() + ", memblock.memory covers " + covered + " of its " + z.spannedPages()
                        + " spanned pages"));
            }
        }
        return out;
    }

    /**
     * INV-ZONE-03: managed_pages is the whole free pages of mapped memory in the zone at
     * memblock_free_all, plus its CMA pages, plus the late frees, and never exceeds present.
     */
    static List<Violation> managedIsWhatWasFreed(ZoneSetup s) {
        return managedIsWhatWasFreed(s, new long[ZoneType.values().length]);
    }

    /** INV-ZONE-03 with {@code ballooned[z]} pages of each zone held by the balloon, off its managed count. */
    static List<Violation> managedIsWhatWasFreed(ZoneSetup s, long[] ballooned) {
        List<Violation> out = new ArrayList<>();
        List<long[]> touched = reservedPages(s.inputs().reserved());
        long[] spill = new long[ZoneType.values().length];
        for (ZoneConfig z : s.zones()) {
            long k = spilledPast(s, z, touched);
            if (k > 0) {
                spill[z.type().ordinal()] += k;
                ZoneConfig next = zoneHolding(s, z.endPfn());
                spill[next.type().ordinal()] -= k;
            }
        }
        for (ZoneConfig z : s.zones()) {
            long expected = spill[z.type().ordinal()];
            for (Region m : s.inputs().memory()) {
                if ((m.flags() & armmm.model.memblock.Memblock.NOMAP) != 0) {
                    continue;
                }
                // whole pages of this memory region in the zone, less those any reservation touches
                long first = Math.max((m.base() + ZoneSetup.PAGE_SIZE - 1) >>> ZoneSetup.PAGE_SHIFT, z.startPfn());
                long end = Math.min(m.end() >>> ZoneSetup.PAGE_SHIFT, z.endPfn());
                if (first >= end) {
                    continue;
                }
                expected += end - first;
                for (long[] r : touched) {
                    expected -= overlap(r[0], r[1], first, end);
                }
            }
            for (CmaArea a : s.inputs().cma()) {
                expected += overlap(a.startPfn(), a.endPfn(), z.startPfn(), z.endPfn());
            }
            for (LateFree f : s.inputs().lateFrees()) {
                expected += overlap(f.startPfn(), f.endPfn(), z.startPfn(), z.endPfn());
            }
            long held = ballooned[z.type().ordinal()];
            if (z.managedPages() + held != expected || z.managedPages() > z.presentPages() + Math.max(0, spill[z.type().ordinal()])) {
                out.add(new Violation("INV-ZONE-03", "managed pages miscounted", z.type().kernelName() + " managed "
                        + z.managedPages() + ", expected " + expected + " freed pages" + (held == 0 ? "" : " less " + held
                        + " in the balloon") + " (present " + z.presentPages() + ")"));
            }
        }
        return out;
    }

    /**
     * The pages past zone {@code z}'s end that {@code __free_pages_memory} (mm/memblock.c) counts as
     * z's: its blocks are naturally aligned runs of free lowmem of at most MAX_ORDER_NR_PAGES, and
     * {@code __free_pages_core} adds each to the managed pages of its first page's zone. Only a zone
     * end off a MAX_ORDER_NR_PAGES boundary can lie inside a block; this walks the one aligned
     * window that holds it, page by page.
     */
    private static long spilledPast(ZoneSetup s, ZoneConfig z, List<long[]> touched) {
        long end = z.endPfn();
        long window = s.inputs().maxOrderNrPages();
        if (z.spannedPages() == 0 || end % window == 0 || end >= s.inputs().maxLowPfn() || zoneHolding(s, end) == null
                || !freeLowmemPage(s, touched, end - 1) || !freeLowmemPage(s, touched, end)) {
            return 0;
        }
        long windowStart = end - end % window;
        long runStart = end - 1;
        while (runStart > windowStart && freeLowmemPage(s, touched, runStart - 1)) {
            runStart--;
        }
        long runEnd = end + 1;
        while (runEnd < windowStart + window && freeLowmemPage(s, touched, runEnd)) {
            runEnd++;
        }
        // the greedy split of [runStart, runEnd): each block as large as its start's alignment and the run allow
        long pfn = runStart;
        while (pfn < end) {
            long size = pfn == 0 ? window : Math.min(window, pfn & -pfn);
            while (pfn + size > runEnd) {
                size /= 2;
            }
            if (pfn + size > end) {
                return pfn + size - end;
            }
            pfn += size;
        }
        return 0;
    }

    /** True when page {@code pfn} is below max_low_pfn, in mapped memory, and touched by no reservation. */
    private static boolean freeLowmemPage(ZoneSetup s, List<long[]> touched, long pfn) {
        if (pfn >= s.inputs().maxLowPfn()) {
            return false;
        }
        boolean mapped = false;
        for (Region m : s.inputs().memory()) {
            if ((m.flags() & armmm.model.memblock.Memblock.NOMAP) == 0
                    && pfn >= (m.base() + ZoneSetup.PAGE_SIZE - 1) >>> ZoneSetup.PAGE_SHIFT && pfn < m.end() >>> ZoneSetup.PAGE_SHIFT) {
                mapped = true;
            }
        }
        for (long[] r : touched) {
            if (pfn >= r[0] && pfn < r[1]) {
                return false;
            }
        }
        return mapped;
    }

    /** The populated zone whose span holds {@code pfn}, Movable first; null when none. */
    private static ZoneConfig zoneHolding(ZoneSetup s, long pfn) {
        ZoneConfig found = null;
        for (ZoneConfig z : s.zones()) {
            if (z.spannedPages() > 0 && pfn >= z.startPfn() && pfn < z.endPfn() && (found == null || z.type() == ZoneType.MOVABLE)) {
                found = z;
            }
        }
        return found;
    }

    /** INV-ZONE-04: min <= low <= high in every zone. */
    static List<Violation> watermarksOrdered(ZoneSetup s) {
        List<Violation> out = new ArrayList<>();
        for (ZoneConfig z : s.zones()) {
            if (z.min() > z.low() || z.low() > z.high()) {
                out.add(new Violation("INV-ZONE-04", "watermarks out of order", z.type().kernelName() + " min "
                        + z.min() + " low " + z.low() + " high " + z.high()));
            }
        }
        return out;
    }

    /**
     * INV-ZONE-05: the watermarks are those of {@code __setup_per_zone_wmarks} applied to the managed
     * counts of its last run (postcore time at boot, the moment of the last vm.min_free_kbytes or
     * vm.watermark_scale_factor write after it) and the sysctls now: lowmem min = pages_min x managed
     * / lowmem pages, highmem min = clamp(managed / 1024, 32, 128), each step = max(tmp / 4,
     * managed x wsf / 10000).
     */
    static List<Violation> watermarksFollowTheFormula(ZoneSetup s) {
        List<Violation> out = new ArrayList<>();
        long[] managed = s.tuning().wmarkManaged().toArray();
        long lowmemPages = 0;
        for (ZoneType t : ZoneType.values()) {
            lowmemPages += s.spans().isHighmem(t) ? 0 : managed[t.ordinal()];
        }
        long pagesMin = s.minFreeKbytes() / (ZoneSetup.PAGE_SIZE / 1024);
        for (ZoneConfig z : s.zones()) {
            long m = managed[z.type().ordinal()];
            long tmp = lowmemPages == 0 ? 0 : pagesMin * m / lowmemPages;
            long min = s.spans().isHighmem(z.type()) ? Math.min(128, Math.max(32, m / 1024)) : tmp;
            long step = Math.max(tmp / 4, m * s.tuning().watermarkScaleFactor() / 10000);
            if (z.min() != min || z.low() != min + step || z.high() != min + 2 * step) {
                out.add(new Violation("INV-ZONE-05", "watermark formula broken", String.format(
                        "%s min/low/high %d/%d/%d, expected %d/%d/%d from managed %d of %d lowmem pages",
                        z.type().kernelName(), z.min(), z.low(), z.high(), min, min + step, min + 2 * step, m,
                        lowmemPages)));
            }
        }
        return out;
    }

    /**
     * INV-ZONE-06: zone i's protection against zone j is 0 for j <= i, grows with j, and equals the
     * managed pages of zones i+1..j over lowmem_reserve_ratio[i] (0 when the ratio is 0 or zone i
     * manages nothing), from the ratios now and the managed counts of the last
     * {@code setup_per_zone_lowmem_reserve} (postcore time, or the last vm.lowmem_reserve_ratio write);
     * no ratio is below 0 (the handler makes those 0).
     */
    static List<Violation> protectionFollowsTheRatios(ZoneSetup s) {
        List<Violation> out = new ArrayList<>();
        long[] managed = s.tuning().reserveManaged().toArray();
        int[] ratio = s.tuning().lowmemReserveRatio();
        for (int i = 0; i < ratio.length; i++) {
            if (ratio[i] < 0) {
                out.add(new Violation("INV-ZONE-06", "negative lowmem_reserve_ratio",
                        "lowmem_reserve_ratio[" + i + "] = " + ratio[i]));
                ratio[i] = 0;
            }
        }
        for (ZoneConfig z : s.zones()) {
            int i = z.type().ordinal();
            long[] prot = z.lowmemReserve();
            long sum = 0;
            for (int j = 0; j < prot.length; j++) {
                long expected = 0;
                if (j > i) {
                    sum += managed[j];
                    expected = ratio[i] == 0 || managed[i] == 0 ? 0 : sum / ratio[i];
                }
                boolean shrinks = j > 0 && prot[j] < prot[j - 1];
                if (prot[j] != expected || shrinks) {
                    out.add(new Violation("INV-ZONE-06", "lowmem_reserve broken", String.format(
                            "%s protection[%d] = %d, expected %d (ratio %d)", z.type().kernelName(), j, prot[j],
                            expected, ratio[i])));
                }
            }
        }
        return out;
    }

    /**
     * INV-ZONE-07: once vm.min_free_kbytes was written, min_free_kbytes is the value written
     * ({@code user_min_free_kbytes}), unclamped; before, clamp(int_sqrt(16 x lowmem kB), 128, 262144),
     * the lowmem kB being ZONE_DMA and ZONE_NORMAL's managed pages at postcore time.
     */
    static List<Violation> minFreeKbytesFromLowmem(ZoneSetup s) {
        long user = s.tuning().userMinFreeKbytes();
        if (user >= 0) {
            return s.minFreeKbytes() == user ? List.of() : List.of(new Violation("INV-ZONE-07",
                    "min_free_kbytes is not the value written", "min_free_kbytes " + s.minFreeKbytes()
                    + ", user_min_free_kbytes " + user));
        }
        long[] managed = s.managed().atWatermarks().toArray();
        long kb = (managed[ZoneType.DMA.ordinal()] + managed[ZoneType.NORMAL.ordinal()]) * (ZoneSetup.PAGE_SIZE / 1024);
        long root = (long) Math.floor(Math.sqrt((double) (kb * 16)));
        long expected = Math.min(262144, Math.max(128, root));
        if (s.minFreeKbytes() != expected) {
            return List.of(new Violation("INV-ZONE-07", "min_free_kbytes miscomputed", "min_free_kbytes "
                    + s.minFreeKbytes() + ", expected " + expected + " from " + kb + " kB of lowmem"));
        }
        return List.of();
    }

    /**
     * INV-ZONE-08: pcp batch is {@code zone_batchsize} of the managed pages of the last
     * {@code zone_pcp_update} (2^n - 1, at least 1), and pcp high is the low watermark (or, with
     * vm.percpu_pagelist_high_fraction set, those managed pages over the fraction) over the CPUs, at
     * least 4 x batch ({@code zone_highsize}). An empty zone's high is one of the two its last
     * {@code zone_pcp_update} can leave (from the low watermark, or 4 x batch with a fraction set),
     * as the fraction's handler resizes populated zones only.
     */
    static List<Violation> pcpSizesFollowTheFormula(ZoneSetup s) {
        List<Violation> out = new ArrayList<>();
        long[] managed = s.tuning().pcpManaged().toArray();
        int fraction = s.tuning().percpuPagelistHighFraction();
        for (ZoneConfig z : s.zones()) {
            long m = managed[z.type().ordinal()];
            long quarter = Math.max(1, Math.min(m / 1024, 256) / 4);
            long batch = Math.max(1, Long.highestOneBit(quarter * 3 / 2) - 1);
            long total = fraction == 0 ? z.low() : m / fraction;
            // an empty zone keeps the high of its last zone_pcp_update: from the low watermark, or 4 x batch
            // when a fraction was set then (managed 0 over the fraction); the fraction's handler skips it
            long fromLow = Math.max(z.low() / s.inputs().cpus(), 4 * batch);
            long high = z.presentPages() != 0 ? Math.max(total / s.inputs().cpus(), 4 * batch)
                    : z.pcpHigh() == 4 * batch ? 4 * batch : fromLow;
            if (z.pcpBatch() != batch || z.pcpHigh() != high) {
                out.add(new Violation("INV-ZONE-08", "per-cpu list sizes broken", String.format(
                        "%s pcp high/batch %d/%d, expected %d/%d", z.type().kernelName(), z.pcpHigh(), z.pcpBatch(),
                        high, batch)));
            }
        }
        return out;
    }

    /**
     * The pages any reserved region touches (PFN_DOWN of its base to PFN_UP of its end), merged
     * into disjoint pfn ranges: the page-set view of what {@code memblock_free_all} keeps back,
     * computed apart from {@code ManagedPages.freePfnRanges}, which walks the gaps instead.
     */
    private static List<long[]> reservedPages(List<Region> reserved) {
        List<long[]> ranges = new ArrayList<>();
        for (Region r : reserved) {
            ranges.add(new long[] {r.base() >>> ZoneSetup.PAGE_SHIFT, (r.end() + ZoneSetup.PAGE_SIZE - 1) >>> ZoneSetup.PAGE_SHIFT});
        }
        ranges.sort((x, y) -> Long.compare(x[0], y[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : ranges) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1]) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(r.clone());
            }
        }
        return merged;
    }

    private static long overlap(long s1, long e1, long s2, long e2) {
        return Math.max(0, Math.min(e1, e2) - Math.max(s1, s2));
    }
}
