package armmm.model.zone;

/**
 * The zone sysctls of {@code vm_table} (kernel/sysctl.c) besides {@code min_free_kbytes}, and the
 * managed counts each part of the zone set-up was last computed from.
 *
 * <p>6.1 computes the watermarks, {@code lowmem_reserve} and the per-CPU list sizes from
 * {@code zone_managed_pages} at the moment they run: postcore time at boot, the moment of the write
 * for a sysctl write. Each part is recomputed by different writes, so each keeps its own basis; the
 * bases are what the sysctl call read from the zones, recorded before it computed anything, so the
 * checks can redo the arithmetic apart from the code that did it.
 *
 * @param userMinFreeKbytes          {@code user_min_free_kbytes}: the last value written to
 *                                   {@code vm.min_free_kbytes}, -1 before any write (mm/page_alloc.c)
 * @param watermarkScaleFactor       {@code watermark_scale_factor}
 * @param lowmemReserveRatio         {@code sysctl_lowmem_reserve_ratio}, one per zone type
 * @param percpuPagelistHighFraction {@code percpu_pagelist_high_fraction}, 0 for the default sizing
 * @param wmarkManaged               the managed counts of the last {@code __setup_per_zone_wmarks}
 * @param reserveManaged             the managed counts of the last {@code setup_per_zone_lowmem_reserve}
 * @param pcpManaged                 the managed counts of the last {@code zone_pcp_update}
 * @param watermarkBoostFactor       {@code watermark_boost_factor} (mm/page_alloc.c, 15000 at boot): how far
 *                                   {@code boost_watermark} may raise a zone's watermarks, in 1/10000 of
 *                                   its high watermark; 0 turns boosting off
 */
public record ZoneTuning(long userMinFreeKbytes, int watermarkScaleFactor, int[] lowmemReserveRatio,
                         int percpuPagelistHighFraction, PerZone wmarkManaged, PerZone reserveManaged,
                         PerZone pcpManaged, long watermarkBoostFactor) {
    public ZoneTuning {
        lowmemReserveRatio = lowmemReserveRatio.clone();
    }

    /** What boot leaves: no write yet, every part computed from the managed counts of postcore time. */
    public static ZoneTuning atBoot(ZoneInputs in, PerZone postcore) {
        return new ZoneTuning(-1, in.watermarkScaleFactor(), in.lowmemReserveRatio(), 0, postcore, postcore, postcore,
                WatermarkBoost.WATERMARK_BOOST_FACTOR);
    }

    @Override
    public int[] lowmemReserveRatio() {
        return lowmemReserveRatio.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZoneTuning t && userMinFreeKbytes == t.userMinFreeKbytes
                && watermarkScaleFactor == t.watermarkScaleFactor
                && java.util.Arrays.equals(lowmemReserveRatio, t.lowmemReserveRatio)
                && percpuPagelistHighFraction == t.percpuPagelistHighFraction && wmarkManaged.equals(t.wmarkManaged)
                && reserveManaged.equals(t.reserveManaged) && pcpManaged.equals(t.pcpManaged)
                && watermarkBoostFactor == t.watermarkBoostFactor;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(userMinFreeKbytes, watermarkScaleFactor,
                java.util.Arrays.hashCode(lowmemReserveRatio), percpuPagelistHighFraction, wmarkManaged);
    }

    ZoneTuning withUserMinFreeKbytes(long v) {
        return new ZoneTuning(v, watermarkScaleFactor, lowmemReserveRatio, percpuPagelistHighFraction, wmarkManaged,
                reserveManaged, pcpManaged, watermarkBoostFactor);
    }

    ZoneTuning withWatermarkScaleFactor(int v) {
        return new ZoneTuning(userMinFreeKbytes, v, lowmemReserveRatio, percpuPagelistHighFraction, wmarkManaged,
                reserveManaged, pcpManaged, watermarkBoostFactor);
    }

    ZoneTuning withLowmemReserveRatio(int[] v) {
        return new ZoneTuning(userMinFreeKbytes, watermarkScaleFactor, v, percpuPagelistHighFraction, wmarkManaged,
                reserveManaged, pcpManaged, watermarkBoostFactor);
    }

    ZoneTuning withPercpuPagelistHighFraction(int v) {
        return new ZoneTuning(userMinFreeKbytes, watermarkScaleFactor, lowmemReserveRatio, v, wmarkManaged,
                reserveManaged, pcpManaged, watermarkBoostFactor);
    }

    ZoneTuning withWmarkManaged(PerZone m) {
        return new ZoneTuning(userMinFreeKbytes, watermarkScaleFactor, lowmemReserveRatio, percpuPagelistHighFraction, m,
                reserveManaged, pcpManaged, watermarkBoostFactor);
    }

    ZoneTuning withReserveManaged(PerZone m) {
        return new ZoneTuning(userMinFreeKbytes, watermarkScaleFactor, lowmemReserveRatio, percpuPagelistHighFraction,
                wmarkManaged, m, pcpManaged, watermarkBoostFactor);
    }

    ZoneTuning withPcpManaged(PerZone m) {
        return new ZoneTuning(userMinFreeKbytes, watermarkScaleFactor, lowmemReserveRatio, percpuPagelistHighFraction,
                wmarkManaged, reserveManaged, m, watermarkBoostFactor);
    }

    ZoneTuning withWatermarkBoostFactor(long v) {
        return new ZoneTuning(userMinFreeKbytes, watermarkScaleFactor, lowmemReserveRatio, percpuPagelistHighFraction,
                wmarkManaged, reserveManaged, pcpManaged, v);
    }
}
