package armmm.model.zone;

import armmm.model.core.Bugs;
import java.util.ArrayList;
import java.util.List;

/**
 * The zone sysctls a running kernel takes (kernel/sysctl.c {@code vm_table}) and what a write of
 * each re-runs (mm/page_alloc.c): {@code min_free_kbytes_sysctl_handler} and
 * {@code watermark_scale_factor_sysctl_handler} ({@code setup_per_zone_wmarks}, which ends in
 * {@code zone_pcp_update} for every zone), {@code lowmem_reserve_ratio_sysctl_handler}
 * ({@code setup_per_zone_lowmem_reserve}) and {@code percpu_pagelist_high_fraction_sysctl_handler}
 * ({@code zone_set_pageset_high_and_batch} for every populated zone); {@code watermark_boost_factor}
 * has no handler of its own and re-runs nothing.
 *
 * <p>After boot these read {@code zone_managed_pages} as it is at the write, not the postcore
 * counts boot used. The watermark, protection and per-CPU list {@link ZoneBug}s act here only.
 */
public enum ZoneSysctl {
    /** {@code vm.min_free_kbytes}: {@code extra1 = SYSCTL_ZERO}, no upper bound. */
    MIN_FREE_KBYTES("vm.min_free_kbytes", 1, 0L, null),
    /** {@code vm.watermark_scale_factor}: {@code SYSCTL_ONE} to {@code SYSCTL_THREE_THOUSAND}. */
    WATERMARK_SCALE_FACTOR("vm.watermark_scale_factor", 1, 1L, 3000L),
    /** {@code vm.lowmem_reserve_ratio}: one int per zone type, no bounds (the handler zeroes those below 1). */
    LOWMEM_RESERVE_RATIO("vm.lowmem_reserve_ratio", ZoneType.values().length, null, null),
    /** {@code vm.percpu_pagelist_high_fraction}: {@code extra1 = SYSCTL_ZERO}; the handler wants 0 or at least 8. */
    PERCPU_PAGELIST_HIGH_FRACTION("vm.percpu_pagelist_high_fraction", 1, 0L, null),
    /**
     * {@code vm.watermark_boost_factor}: plain {@code proc_dointvec_minmax}, {@code extra1 = SYSCTL_ZERO};
     * nothing is recomputed, the next {@code boost_watermark} reads the new factor.
     */
    WATERMARK_BOOST_FACTOR("vm.watermark_boost_factor", 1, 0L, null);

    /** {@code MIN_PERCPU_PAGELIST_HIGH_FRACTION} (mm/page_alloc.c). */
    public static final int MIN_PERCPU_PAGELIST_HIGH_FRACTION = 8;

    private final String path;
    private final int maxlen;
    private final Long min;
    private final Long max;

    ZoneSysctl(String path, int maxlen, Long min, Long max) {
        this.path = path;
        this.maxlen = maxlen;
        this.min = min;
        this.max = max;
    }

    /** The name as sysctl(8) spells it, such as {@code vm.min_free_kbytes}. */
    public String path() {
        return path;
    }

    /** The sysctl called {@code path}, or null when the model has none of that name. */
    public static ZoneSysctl byPath(String path) {
        for (ZoneSysctl s : values()) {
            if (s.path.equals(path)) {
                return s;
            }
        }
        return null;
    }

    /**
     * What a write of {@code text} leaves: the new set-up (the old one when nothing changed) and
     * the handler's return value, 0 or -22 (-EINVAL).
     *
     * @param s     the zones before the write
     * @param text  what was written
     * @param live  {@code zone_managed_pages} of each zone at the write
     * @param bugs  the seeded bugs of this kernel
     */
    public Outcome write(ZoneSetup s, String text, PerZone live, Bugs bugs) {
        ProcDointvec.Write w = ProcDointvec.parse(text, maxlen, min, max);
        ZoneTuning t = s.tuning();
        switch (this) {
            case MIN_FREE_KBYTES -> {
                if (w.einval()) {
                    return new Outcome(s, EINVAL);
                }
                long value = w.values()[0];
                long minFree = bugs.has(ZoneBug.ZONE_MIN_FREE_WRITE_CLAMPED)
                        ? Math.max(Watermarks.MIN_FREE_KBYTES_FLOOR, Math.min(Watermarks.MIN_FREE_KBYTES_CAP, value))
                        : value;
                return new Outcome(setupPerZoneWmarks(s, minFree, t.withUserMinFreeKbytes(value), live, bugs), 0);
            }
            case WATERMARK_SCALE_FACTOR -> {
                if (w.einval()) {
                    return new Outcome(s, EINVAL);
                }
                return new Outcome(setupPerZoneWmarks(s, s.minFreeKbytes(),
                        t.withWatermarkScaleFactor((int) w.values()[0]), live, bugs), 0);
            }
            case LOWMEM_RESERVE_RATIO -> {
                // the handler ignores what proc_dointvec_minmax returned: what was stored stays, and
                // the protection is recomputed either way
                int[] ratio = t.lowmemReserveRatio();
                for (int i = 0; i < w.stored(); i++) {
                    ratio[i] = (int) w.values()[i];
                }
                for (int i = 0; i < ratio.length; i++) {
                    ratio[i] = ratio[i] < 1 ? 0 : ratio[i];
                }
                return new Outcome(setupPerZoneLowmemReserve(s, t.withLowmemReserveRatio(ratio), live, bugs), 0);
            }
            case PERCPU_PAGELIST_HIGH_FRACTION -> {
                if (w.einval()) {
                    return new Outcome(s, EINVAL);
                }
                int fraction = (int) w.values()[0];
                if (fraction != 0 && fraction < MIN_PERCPU_PAGELIST_HIGH_FRACTION) {
                    if (bugs.has(ZoneBug.ZONE_FRACTION_EINVAL_KEEPS_VALUE)) {
                        // the planted handler leaves what proc_dointvec_minmax stored
                        return new Outcome(s.retuned(s.minFreeKbytes(), t.withPercpuPagelistHighFraction(fraction),
                                s.zones()), EINVAL);
                    }
                    return new Outcome(s, EINVAL);
                }
                if (fraction == t.percpuPagelistHighFraction()) {
                    return new Outcome(s, 0);
                }
                ZoneTuning now = t.withPercpuPagelistHighFraction(fraction).withPcpManaged(live);
                return new Outcome(s.retuned(s.minFreeKbytes(), now, pcpUpdate(s, s.zones(), now, live, true, bugs)), 0);
            }
            case WATERMARK_BOOST_FACTOR -> {
                if (w.einval()) {
                    return new Outcome(s, EINVAL);
                }
                return new Outcome(s.retuned(s.minFreeKbytes(), t.withWatermarkBoostFactor(w.values()[0]), s.zones()), 0);
            }
            default -> throw new IllegalStateException(name());
        }
    }

    /** {@code -EINVAL}. */
    public static final int EINVAL = -22;

    /** A write's result: the zones after it and the handler's return value. */
    public record Outcome(ZoneSetup setup, int ret) {
    }

    /**
     * {@code setup_per_zone_wmarks}: {@code __setup_per_zone_wmarks} from {@code live}, then
     * {@code zone_pcp_update} for every zone.
     */
    private static ZoneSetup setupPerZoneWmarks(ZoneSetup s, long minFree, ZoneTuning t, PerZone live, Bugs bugs) {
        // the planted stale count: the postcore counts boot used instead of the zones' counts now
        long[] managed = (bugs.has(ZoneBug.ZONE_WMARK_FROM_FINAL_MANAGED) ? s.managed().atWatermarks() : live).toArray();
        long lowmemPages = 0;
        for (ZoneType z : ZoneType.values()) {
            lowmemPages += s.spans().isHighmem(z) ? 0 : managed[z.ordinal()];
        }
        List<ZoneConfig> zones = new ArrayList<>();
        for (ZoneConfig c : s.zones()) {
            int i = c.type().ordinal();
            long[] wm = Watermarks.zoneWatermarks(minFree, managed[i], lowmemPages, s.spans().isHighmem(c.type()),
                    t.watermarkScaleFactor(), bugs);
            zones.add(c.withWatermarks(wm[0], wm[1], wm[2]));
        }
        ZoneTuning now = t.withWmarkManaged(live).withPcpManaged(live);
        return s.retuned(minFree, now, pcpUpdate(s, zones, now, live, false, bugs));
    }

    /** {@code setup_per_zone_lowmem_reserve} from {@code live}. */
    private static ZoneSetup setupPerZoneLowmemReserve(ZoneSetup s, ZoneTuning t, PerZone live, Bugs bugs) {
        long[][] reserve = Watermarks.lowmemReserve(live.toArray(), t.lowmemReserveRatio(), bugs);
        List<ZoneConfig> zones = new ArrayList<>();
        for (ZoneConfig c : s.zones()) {
            zones.add(c.withLowmemReserve(reserve[c.type().ordinal()]));
        }
        return s.retuned(s.minFreeKbytes(), t.withReserveManaged(live), zones);
    }

    /**
     * {@code zone_set_pageset_high_and_batch}: batch from {@code zone_batchsize}, high from
     * {@code zone_highsize} (the low watermark, or the managed pages over the fraction when one is
     * set, split across the online CPUs, at least 4 x batch); every zone, or only the populated
     * ones as the fraction's handler walks them.
     */
    private static List<ZoneConfig> pcpUpdate(ZoneSetup s, List<ZoneConfig> zones, ZoneTuning t, PerZone live,
                                              boolean populatedOnly, Bugs bugs) {
        List<ZoneConfig> out = new ArrayList<>();
        for (ZoneConfig c : zones) {
            if (populatedOnly && c.presentPages() == 0) {
                out.add(c);
                continue;
            }
            long managed = live.get(c.type());
            int batch = Watermarks.batch(managed);
            long total = t.percpuPagelistHighFraction() == 0 ? c.low() : managed / t.percpuPagelistHighFraction();
            int high = Watermarks.high(total, batch, s.inputs().cpus(), bugs);
            out.add(c.withPcp(high, batch));
        }
        return out;
    }
}
