package armmm.model.zone;

import armmm.model.core.Bugs;

/**
 * The formulas of {@code init_per_zone_wmark_min} (postcore_initcall, mm/page_alloc.c), as plain
 * functions of the managed counts of that moment: {@code calculate_min_free_kbytes},
 * {@code __setup_per_zone_wmarks}, {@code setup_per_zone_lowmem_reserve}, and the per-CPU list
 * sizes {@code zone_batchsize}/{@code zone_highsize} that {@code setup_per_zone_wmarks} refreshes
 * through {@code zone_pcp_update}, plus {@code calculate_normal_threshold} (mm/vmstat.c).
 */
public final class Watermarks {
    /** {@code SWAP_CLUSTER_MAX} (include/linux/swap.h): the smallest highmem min watermark. */
    public static final long SWAP_CLUSTER_MAX = 32;
    /** The largest highmem min watermark ({@code __setup_per_zone_wmarks}). */
    public static final long HIGHMEM_MIN_CAP = 128;
    /** {@code min_free_kbytes} bounds ({@code calculate_min_free_kbytes}). */
    public static final long MIN_FREE_KBYTES_FLOOR = 128;
    /** {@code min_free_kbytes} upper bound. */
    public static final long MIN_FREE_KBYTES_CAP = 262144;
    /**
     * The initializer of {@code min_free_kbytes} (mm/page_alloc.c): its value until
     * {@code init_per_zone_wmark_min} runs {@code calculate_min_free_kbytes} at postcore_initcall.
     */
    public static final long MIN_FREE_KBYTES_INITIAL = 1024;

    private Watermarks() {
    }

    /**
     * {@code calculate_min_free_kbytes}: int_sqrt(16 x the kB of ZONE_DMA and ZONE_NORMAL beyond
     * their high watermark) clamped to [128, 262144]. At postcore time no watermark is set yet, so
     * the high watermarks are 0 and the count is the lowmem managed pages of that moment.
     */
    public static long minFreeKbytes(long bufferPages) {
        long kb = bufferPages * (ZoneSetup.PAGE_SIZE >> 10);
        return Math.max(MIN_FREE_KBYTES_FLOOR, Math.min(MIN_FREE_KBYTES_CAP, intSqrt(kb * 16)));
    }

    /** {@code int_sqrt} (lib/math/int_sqrt.c): the floor of the square root. */
    public static long intSqrt(long x) {
        long r = (long) Math.sqrt((double) x);
        while (r * r > x) {
            r--;
        }
        while ((r + 1) * (r + 1) <= x) {
            r++;
        }
        return r;
    }

    /** {@code mult_frac(x, n, d)} (include/linux/math.h): x * n / d without overflowing. */
    public static long multFrac(long x, long n, long d) {
        return (x / d) * n + ((x % d) * n) / d;
    }

    /**
     * {@code __setup_per_zone_wmarks} for one zone: {min, low, high}. Lowmem zones share
     * {@code min_free_kbytes/4} pages in proportion to their managed pages; highmem zones get
     * clamp(managed/1024, 32, 128); both step by max(tmp/4, managed x wsf / 10000).
     */
    public static long[] zoneWatermarks(long minFreeKbytes, long managed, long lowmemPages, boolean highmem, int wsf) {
        return zoneWatermarks(minFreeKbytes, managed, lowmemPages, highmem, wsf, Bugs.NONE);
    }

    /** {@link #zoneWatermarks(long, long, long, boolean, int)} running the {@link ZoneBug}s in {@code bugs}. */
    public static long[] zoneWatermarks(long minFreeKbytes, long managed, long lowmemPages, boolean highmem, int wsf,
                                        Bugs bugs) {
        long pagesMin = minFreeKbytes >> (ZoneSetup.PAGE_SHIFT - 10);
        long tmp = lowmemPages == 0 ? 0 : pagesMin * managed / lowmemPages;
        long min = highmem ? Math.max(SWAP_CLUSTER_MAX, Math.min(managed / 1024, HIGHMEM_MIN_CAP)) : tmp;
        long step = Math.max(tmp >> 2, multFrac(managed, wsf, 10000));
        long low = min + step;
        long high = low + step;
        if (bugs.has(ZoneBug.ZONE_WMARK_SWAPPED) && step > 0) {
            return new long[] {min, high, low};
        }
        return new long[] {min, low, high};
    }

    /**
     * {@code setup_per_zone_lowmem_reserve}: zone i's protection against an allocation that may
     * use zone j (j > i) is the managed pages of zones i+1..j over ratio[i]; 0 when the ratio is
     * 0 or zone i manages nothing. The last zone protects nothing.
     */
    public static long[][] lowmemReserve(long[] managed, int[] ratio) {
        return lowmemReserve(managed, ratio, Bugs.NONE);
    }

    /** {@link #lowmemReserve(long[], int[])} running the {@link ZoneBug}s in {@code bugs}. */
    public static long[][] lowmemReserve(long[] managed, int[] ratio, Bugs bugs) {
        int n = managed.length;
        long[][] reserve = new long[n][n];
        for (int i = 0; i < n - 1; i++) {
            boolean clear = ratio[i] == 0 || managed[i] == 0;
            long sum = 0;
            for (int j = i + 1; j < n; j++) {
                sum = bugs.has(ZoneBug.ZONE_RESERVE_NOT_CUMULATIVE) ? managed[j] : sum + managed[j];
                reserve[i][j] = clear ? 0 : sum / ratio[i];
            }
        }
        return reserve;
    }

    /** {@code zone_batchsize}: about 0.1% of the zone or 1 MiB, a quarter of it, as 2^n - 1; at least 1. */
    public static int batch(long managed) {
        long b = Math.min(managed >> 10, (1L << 20) / ZoneSetup.PAGE_SIZE) / 4;
        if (b < 1) {
            b = 1;
        }
        long v = Long.highestOneBit(b + b / 2) - 1;
        return (int) Math.max(1, v);
    }

    /** {@code zone_highsize}: the low watermark split across the online CPUs, at least 4 x batch. */
    public static int high(long lowWatermark, int batch, int cpus) {
        return high(lowWatermark, batch, cpus, Bugs.NONE);
    }

    /** {@link #high(long, int, int)} running the {@link ZoneBug}s in {@code bugs}. */
    public static int high(long lowWatermark, int batch, int cpus, Bugs bugs) {
        long h = lowWatermark / cpus;
        return (int) (bugs.has(ZoneBug.ZONE_PCP_HIGH_NO_FLOOR) ? h : Math.max(h, (long) batch << 2));
    }

    /** {@code calculate_normal_threshold} (mm/vmstat.c): the per-CPU vmstat drift threshold. */
    public static int statThreshold(long managed, int cpus) {
        long mem = managed >> (27 - ZoneSetup.PAGE_SHIFT);
        int t = 2 * fls(cpus) * (1 + fls(mem));
        return Math.min(125, t);
    }

    private static int fls(long x) {
        return 64 - Long.numberOfLeadingZeros(x);
    }
}
