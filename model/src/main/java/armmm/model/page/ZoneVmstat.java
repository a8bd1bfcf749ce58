package armmm.model.page;

/**
 * A zone's free-page counters as mm/vmstat.c keeps them ({@code zone->vm_stat[]} and
 * {@code zone->per_cpu_zonestats}, include/linux/mmzone.h): a global counter per item, and per
 * CPU a signed difference not yet folded into it. {@code __mod_zone_page_state} adds to the
 * calling CPU's difference and folds it into the global counter only when its magnitude passes
 * the CPU's {@code stat_threshold}; {@code refresh_cpu_vm_stats} (the periodic
 * {@code vmstat_update} work, or {@code refresh_vm_stats}) folds what is left. Readers of
 * {@code zone_page_state} therefore see a count that lags the exact one by up to threshold x
 * online CPUs; {@code zone_page_state_snapshot} adds the differences back.
 *
 * <p>The threshold is 0 until {@code refresh_zone_stat_thresholds} runs ({@code setup_vmstat}
 * from {@code init_mm_internals}, after {@code mem_init}), so boot's hand-over folds every change
 * at once and the counters start exact. The model's kswapd never reclaims and always goes back to
 * sleep within the call that ran it, so {@code calculate_pressure_threshold}
 * ({@code set_pgdat_percpu_threshold} while kswapd is awake) is never in force: every CPU keeps
 * {@code calculate_normal_threshold}.
 */
public final class ZoneVmstat {
    /** {@code NR_FREE_PAGES}. */
    public static final int NR_FREE_PAGES = 0;
    /** {@code NR_FREE_CMA_PAGES}. */
    public static final int NR_FREE_CMA_PAGES = 1;
    private static final int ITEMS = 2;

    private final long[] global = new long[ITEMS];
    /** {@code vm_stat_diff[item]} of each CPU ({@code s8} in the kernel: |diff| <= 125 fits). */
    private final int[][] diff;
    private int threshold;
    private long percpuDriftMark;
    private final MemMap m;

    ZoneVmstat(int nrCpus, MemMap m) {
        diff = new int[nrCpus][ITEMS];
        this.m = m;
    }

    /** {@code __mod_zone_page_state(zone, item, delta)} on {@code cpu}. */
    void mod(int cpu, int item, long delta) {
        long x = delta + diff[cpu][item];
        if (Math.abs(x) > threshold) {
            // PAGE_VMSTAT_FOLD_DROPS_DIFF: folds only this call's delta and forgets the CPU's earlier diff
            global[item] += m.bug(PageBug.PAGE_VMSTAT_FOLD_DROPS_DIFF) ? delta : x;
            x = 0;
        }
        diff[cpu][item] = (int) x;
    }

    /**
     * {@code refresh_zone_stat_thresholds} for this zone: every online CPU's {@code stat_threshold}
     * becomes {@code calculate_normal_threshold}, and {@code percpu_drift_mark} is set to high +
     * the largest drift when that drift exceeds low - min (the margin a lagging count could eat).
     * A negative {@code managedPages} stands for boot, before it ran: threshold 0, no drift mark.
     */
    void refreshThresholds(long managedPages, long min, long low, long high) {
        threshold = managedPages < 0 ? 0 : normalThreshold(managedPages, diff.length);
        long maxDrift = (long) diff.length * threshold;
        percpuDriftMark = maxDrift > low - min ? high + maxDrift : 0;
    }

    /**
     * {@code calculate_normal_threshold} (mm/vmstat.c): 2 x fls(online CPUs) x (1 + fls(managed
     * pages in 128 MiB units)), at most 125.
     */
    static int normalThreshold(long managedPages, int cpus) {
        long mem = managedPages >> (27 - 12);
        return (int) Math.min(125, 2L * fls(cpus) * (1 + fls(mem)));
    }

    private static int fls(long x) {
        return 64 - Long.numberOfLeadingZeros(x);
    }

    /** {@code refresh_cpu_vm_stats} for {@code cpu}'s zone stats: folds its differences into the global counters. */
    void fold(int cpu) {
        for (int item = 0; item < ITEMS; item++) {
            global[item] += diff[cpu][item];
            diff[cpu][item] = 0;
        }
    }

    /** {@code zone_page_state}: the global counter, read as 0 when the lag makes it negative (CONFIG_SMP). */
    public long read(int item) {
        return Math.max(0, global[item]);
    }

    /** {@code zone_page_state_snapshot}: the global counter plus every CPU's difference, at least 0. */
    public long snapshot(int item) {
        long x = global[item];
        for (int[] d : diff) {
            x += d[item];
        }
        return Math.max(0, x);
    }

    /** {@code zone->vm_stat[item]} as stored, possibly negative. */
    public long global(int item) {
        return global[item];
    }

    /** {@code cpu}'s {@code vm_stat_diff[item]}. */
    public int diff(int cpu, int item) {
        return diff[cpu][item];
    }

    /** The CPUs' {@code stat_threshold} (all equal here). */
    public int threshold() {
        return threshold;
    }

    /** {@code zone->percpu_drift_mark}; 0 when the drift cannot matter. */
    public long percpuDriftMark() {
        return percpuDriftMark;
    }

    /** The number of CPUs with a difference. */
    public int cpus() {
        return diff.length;
    }
}
