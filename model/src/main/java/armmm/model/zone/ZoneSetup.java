package armmm.model.zone;

import armmm.model.board.BuildConfig;
import armmm.model.core.Bugs;
import java.util.ArrayList;
import java.util.List;

/**
 * The zones of node 0 as boot leaves them: a pure function of {@link ZoneInputs}. It follows the
 * kernel's order: the geometry ({@code free_area_init}), the pages freed to the buddy allocator
 * ({@code memblock_free_all}, {@code free_highpages}), the CMA pageblocks given back at
 * core_initcall, then {@code init_per_zone_wmark_min} at postcore_initcall (min_free_kbytes,
 * watermarks, lowmem_reserve, per-CPU list sizes, vmstat thresholds), then the late frees of the
 * initrd and the init sections, which raise {@code managed} but recompute nothing.
 *
 * @param inputs        what boot gave
 * @param spans         the zone geometry
 * @param managed       the managed counts at each moment
 * @param minFreeKbytes {@code min_free_kbytes}
 * @param zones         one {@link ZoneConfig} per zone type, in kernel order, managed as after boot
 * @param statThreshold the vmstat threshold per zone ({@code refresh_zone_stat_thresholds}), 0 when unpopulated
 * @param tuning        the sysctls and the managed counts each part of the set-up was computed from
 *                      ({@link ZoneSysctl} writes change them after boot)
 */
public record ZoneSetup(ZoneInputs inputs, ZoneSpans spans, ManagedPages managed, long minFreeKbytes,
                        List<ZoneConfig> zones, PerZone statThreshold, ZoneTuning tuning) {

    /** {@code PAGE_SHIFT}: 4 KiB pages. */
    public static final int PAGE_SHIFT = BuildConfig.PAGE_SHIFT;
    /** {@code PAGE_SIZE}. */
    public static final long PAGE_SIZE = BuildConfig.PAGE_SIZE;

    public ZoneSetup {
        zones = List.copyOf(zones);
        if (zones.size() != ZoneType.values().length) {
            throw new IllegalArgumentException("one zone per zone type, found " + zones.size());
        }
    }

    /** Computes the zones boot would set up from {@code in}. */
    public static ZoneSetup compute(ZoneInputs in) {
        return compute(in, Bugs.NONE);
    }

    /**
     * Computes the zones boot would set up from {@code in}, running the {@link ZoneBug}s in
     * {@code bugs} that act at boot. The watermark, protection and per-CPU list bugs act only on a
     * recompute after boot ({@link ZoneSysctl}), so boot's own figures stay the kernel's.
     */
    public static ZoneSetup compute(ZoneInputs in, Bugs bugs) {
        ZoneSpans spans = ZoneSpans.compute(in, bugs);
        ManagedPages managed = ManagedPages.compute(in, spans, bugs);
        long[] atWm = managed.atWatermarks().toArray();
        PerZone forMinFree = bugs.has(ZoneBug.ZONE_MIN_FREE_FROM_FINAL) ? managed.afterBoot() : managed.atWatermarks();
        long minFree = Watermarks.minFreeKbytes(bufferPages(forMinFree));
        long lowmemPages = 0;
        for (ZoneType z : ZoneType.values()) {
            if (!spans.isHighmem(z)) {
                lowmemPages += atWm[z.ordinal()];
            }
        }
        long[][] reserve = Watermarks.lowmemReserve(atWm, in.lowmemReserveRatio());
        List<ZoneConfig> zones = new ArrayList<>();
        long[] thresholds = new long[ZoneType.values().length];
        long[] startPfn = spans.startPfn().toArray();
        long[] spanned = spans.spanned().toArray();
        long[] present = spans.present().toArray();
        long[] after = managed.afterBoot().toArray();
        for (ZoneType z : ZoneType.values()) {
            int i = z.ordinal();
            long[] wm = Watermarks.zoneWatermarks(minFree, atWm[i], lowmemPages, spans.isHighmem(z),
                    in.watermarkScaleFactor());
            int batch = Watermarks.batch(atWm[i]);
            int high = Watermarks.high(wm[1], batch, in.cpus());
            if (present[i] > 0) {
                thresholds[i] = Watermarks.statThreshold(managed.atWatermarks().get(z), in.cpus());
            }
            zones.add(new ZoneConfig(z, startPfn[i], spanned[i], present[i], after[i],
                    wm[0], wm[1], wm[2], reserve[i], high, batch));
        }
        return new ZoneSetup(in, spans, managed, minFree, zones, PerZone.of(thresholds),
                ZoneTuning.atBoot(in, managed.atWatermarks()));
    }

    /** This set-up after a sysctl write: {@code min_free_kbytes}, the sysctls and the zones as it left them. */
    ZoneSetup retuned(long minFree, ZoneTuning t, List<ZoneConfig> now) {
        return new ZoneSetup(inputs, spans, managed, minFree, now, statThreshold, t);
    }

    /**
     * These zones as they stand before {@code init_per_zone_wmark_min} (the postcore_initcall of
     * mm/page_alloc.c) has run, on a kernel booting stage by stage: {@code min_free_kbytes} is its
     * initializer ({@link Watermarks#MIN_FREE_KBYTES_INITIAL}), and every zone's {@code _watermark[]}
     * and {@code lowmem_reserve[]} are still the zeros of the static {@code contig_page_data}, which
     * {@code free_area_init} does not set. The spans and managed pages are as computed. The per-CPU
     * list sizes stay the postcore ones: the model does not track {@code boot_pageset} and
     * {@code setup_per_cpu_pageset}'s sizes before it.
     */
    public ZoneSetup beforeInitPerZoneWmarkMin() {
        List<ZoneConfig> now = new ArrayList<>();
        for (ZoneConfig z : zones) {
            now.add(z.withWatermarks(0, 0, 0).withLowmemReserve(new long[ZoneType.values().length]));
        }
        return retuned(Watermarks.MIN_FREE_KBYTES_INITIAL, tuning, now);
    }

    /** This set-up with the managed counts {@code now} (a boot stage's, {@code BootZones.setUpBefore}). */
    public ZoneSetup withManaged(ManagedPages now) {
        return new ZoneSetup(inputs, spans, now, minFreeKbytes, zones, statThreshold, tuning);
    }

    /** {@code nr_free_buffer_pages} at postcore time: managed pages of the zones up to ZONE_NORMAL. */
    static long bufferPages(PerZone managed) {
        return managed.get(ZoneType.DMA) + managed.get(ZoneType.NORMAL);
    }

    /** The zone of type {@code t}. */
    public ZoneConfig zone(ZoneType t) {
        return zones.get(t.ordinal());
    }

    /** {@code populated_zone}: the zone has present pages. */
    public boolean populated(ZoneType t) {
        return zone(t).presentPages() > 0;
    }

    /** {@code totalram_pages}: every zone's managed pages. */
    public long totalramPages() {
        return zones.stream().mapToLong(ZoneConfig::managedPages).sum();
    }

    /** {@code totalhigh_pages}: the managed pages of the highmem zones. */
    public long totalhighPages() {
        long sum = 0;
        for (ZoneConfig z : zones) {
            if (spans.isHighmem(z.type())) {
                sum += z.managedPages();
            }
        }
        return sum;
    }

    /** {@code zone_cma_pages}: pages of {@code t} that belong to a CMA area. */
    public long cmaPages(ZoneType t) {
        return managed.cma().get(t);
    }
}
