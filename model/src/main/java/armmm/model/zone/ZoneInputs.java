package armmm.model.zone;

import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import java.util.Arrays;
import java.util.List;

/**
 * Everything zone setup needs from the boot before it: plain values, so that zones can be computed
 * from a real boot ({@code BootResult}) or from a kernel's own memblock dump alike.
 *
 * @param memory               {@code memblock.memory} (with {@link Memblock#NOMAP} flags)
 * @param reserved             {@code memblock.reserved} at {@code memblock_free_all}
 * @param maxLowPfn            {@code max_low_pfn}: PFN_DOWN of {@code arm_lowmem_limit}
 *                             ({@code find_limits}, arch/arm/mm/init.c)
 * @param maxPfn               {@code max_pfn}: PFN_DOWN({@code memblock_end_of_DRAM()})
 * @param dmaPfnLimit          {@code arm_dma_pfn_limit}: 0xfffff when the machine sets no
 *                             {@code dma_zone_size} (the virt board), so ZONE_DMA is all of lowmem
 * @param movablecorePages     {@code movablecore=} in pages (0: not given)
 * @param cma                  the CMA areas reserved at boot
 * @param cpus                 online CPUs when {@code init_per_zone_wmark_min} runs
 * @param watermarkScaleFactor {@code vm.watermark_scale_factor} (10)
 * @param lowmemReserveRatio   {@code vm.lowmem_reserve_ratio}, one entry per zone (256 32 0 0)
 * @param lateFrees            reserved ranges freed after the watermarks were set (initrd, init sections)
 * @param maxOrderNrPages      {@code MAX_ORDER_NR_PAGES}: 1 << (MAX_ORDER - 1); this build has
 *                             CONFIG_ARCH_FORCE_MAX_ORDER=12, so 2048 (ZONE_MOVABLE starts on such a boundary)
 */
public record ZoneInputs(List<Region> memory, List<Region> reserved, long maxLowPfn, long maxPfn, long dmaPfnLimit,
                         long movablecorePages, List<CmaArea> cma, int cpus, int watermarkScaleFactor,
                         int[] lowmemReserveRatio, List<LateFree> lateFrees, long maxOrderNrPages) {

    /** {@code arm_dma_pfn_limit} without a machine DMA zone size: {@code 0xffffffff >> PAGE_SHIFT}. */
    public static final long NO_DMA_LIMIT = 0xffff_ffffL >>> ZoneSetup.PAGE_SHIFT;
    /** {@code sysctl_lowmem_reserve_ratio} of this build (oracle lowmem_reserve_ratio.txt: 256 32 0 0). */
    public static final int[] DEFAULT_LOWMEM_RESERVE_RATIO = {256, 32, 0, 0};
    /** {@code watermark_scale_factor}'s default (oracle watermark_scale_factor.txt: 10). */
    public static final int DEFAULT_WATERMARK_SCALE_FACTOR = 10;
    /** {@code MAX_ORDER_NR_PAGES} of this build (CONFIG_ARCH_FORCE_MAX_ORDER=12 in the oracle's .config). */
    public static final long DEFAULT_MAX_ORDER_NR_PAGES = 1L << (armmm.model.board.BuildConfig.MAX_ORDER - 1);

    public ZoneInputs {
        memory = List.copyOf(memory);
        reserved = List.copyOf(reserved);
        cma = List.copyOf(cma);
        lateFrees = List.copyOf(lateFrees);
        if (memory.isEmpty()) {
            throw new IllegalArgumentException("zone setup needs memory, found no memblock.memory region");
        }
        if (maxLowPfn > maxPfn) {
            throw new IllegalArgumentException("max_low_pfn " + maxLowPfn + " exceeds max_pfn " + maxPfn);
        }
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be at least 1, found " + cpus);
        }
        if (watermarkScaleFactor < 1 || watermarkScaleFactor > 3000) {
            throw new IllegalArgumentException("watermark_scale_factor must be in [1, 3000], found " + watermarkScaleFactor);
        }
        if (lowmemReserveRatio.length != ZoneType.values().length) {
            throw new IllegalArgumentException("lowmem_reserve_ratio has one entry per zone, found "
                    + lowmemReserveRatio.length + ", expected " + ZoneType.values().length);
        }
        if (movablecorePages < 0) {
            throw new IllegalArgumentException("movablecore must not be negative, found " + movablecorePages);
        }
        if (Long.bitCount(maxOrderNrPages) != 1) {
            throw new IllegalArgumentException("MAX_ORDER_NR_PAGES must be a power of two, found " + maxOrderNrPages);
        }
        lowmemReserveRatio = lowmemReserveRatio.clone();
    }

    /** Inputs with this build's defaults: no DMA limit, no movablecore, wsf 10, ratios 256 32 0 0. */
    public static ZoneInputs of(List<Region> memory, List<Region> reserved, long maxLowPfn, long maxPfn,
                                List<CmaArea> cma, int cpus, List<LateFree> lateFrees) {
        return new ZoneInputs(memory, reserved, maxLowPfn, maxPfn, NO_DMA_LIMIT, 0, cma, cpus,
                DEFAULT_WATERMARK_SCALE_FACTOR, DEFAULT_LOWMEM_RESERVE_RATIO, lateFrees, DEFAULT_MAX_ORDER_NR_PAGES);
    }

    /** The same inputs with {@code movablecore=} set to {@code pages}. */
    public ZoneInputs withMovablecore(long pages) {
        return new ZoneInputs(memory, reserved, maxLowPfn, maxPfn, dmaPfnLimit, pages, cma, cpus,
                watermarkScaleFactor, lowmemReserveRatio, lateFrees, maxOrderNrPages);
    }

    /** The same inputs with {@code n} online CPUs. */
    public ZoneInputs withCpus(int n) {
        return new ZoneInputs(memory, reserved, maxLowPfn, maxPfn, dmaPfnLimit, movablecorePages, cma, n,
                watermarkScaleFactor, lowmemReserveRatio, lateFrees, maxOrderNrPages);
    }

    @Override
    public int[] lowmemReserveRatio() {
        return lowmemReserveRatio.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZoneInputs z && memory.equals(z.memory) && reserved.equals(z.reserved)
                && maxLowPfn == z.maxLowPfn && maxPfn == z.maxPfn && dmaPfnLimit == z.dmaPfnLimit
                && movablecorePages == z.movablecorePages && cma.equals(z.cma) && cpus == z.cpus
                && watermarkScaleFactor == z.watermarkScaleFactor
                && Arrays.equals(lowmemReserveRatio, z.lowmemReserveRatio) && lateFrees.equals(z.lateFrees)
                && maxOrderNrPages == z.maxOrderNrPages;
    }

    @Override
    public int hashCode() {
        return memory.hashCode() * 31 + reserved.hashCode() + Arrays.hashCode(lowmemReserveRatio);
    }
}
