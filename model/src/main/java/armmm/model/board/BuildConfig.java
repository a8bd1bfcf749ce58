package armmm.model.board;

/**
 * The facts of the kernel build that boot depends on. {@link #armmp()} is Debian's 6.1
 * {@code armmp} kernel the ground truth came from (non-LPAE, VMSPLIT_3G, HIGHMEM, FLATMEM,
 * ARCH_FORCE_MAX_ORDER=12), read off its {@code .config} and its boot logs.
 *
 * @param pageOffset        {@code PAGE_OFFSET} (CONFIG_PAGE_OFFSET; VMSPLIT_3G: 0xC0000000)
 * @param textOffset        {@code TEXT_OFFSET}: where the image starts above PHYS_OFFSET (0x208000: the
 *                          multi-platform maximum, arch/arm/Makefile); swapper_pg_dir lies 16 KiB below it
 * @param kernelStartOffset {@code KERNEL_START} (_stext, section aligned) above PHYS_OFFSET: 0x300000
 * @param kernelSize        {@code KERNEL_END - KERNEL_START}: 0x1307588 (reserved 0x40300000..0x41607587)
 * @param textSize          kernel code, bytes ("11264K kernel code")
 * @param rodataSize        "3732K rodata"
 * @param initOffset        {@code __init_begin} above KERNEL_START: text + rodata rounded up to a section
 * @param initSize          {@code __init_end - __init_begin}: "2048K init" (what free_initmem returns)
 * @param dataSize          "1700K rwdata"
 * @param bssSize           "377K bss" (bss ends at KERNEL_END)
 * @param structPageSize    {@code sizeof(struct page)}: 36
 * @param maxOrder          {@code MAX_ORDER}: 12 (ARCH_FORCE_MAX_ORDER); pageblock_order = MAX_ORDER - 1
 * @param cmaSizeMbytes     CONFIG_CMA_SIZE_MBYTES: 16
 * @param smpCacheBytes     {@code SMP_CACHE_BYTES} (L1_CACHE_BYTES): 64
 * @param pcpuStaticSize    per-CPU static size ("s45012")
 * @param pcpuReservedSize  PERCPU_MODULE_RESERVE ("r8192")
 * @param pcpuDynamicSize   dynamic size after rounding the unit up ("d20524")
 * @param console           the console argument every captured boot's command line starts with
 * @param debugVm           CONFIG_DEBUG_VM: off in {@code armmp}, so a misused page is found late or never
 *                          ({@code put_page_testzero}, {@code free_pcp_prepare}, {@code check_new_pcp},
 *                          mm/page_alloc.c, include/linux/mm.h); {@link #withDebugVm} turns it on
 */
public record BuildConfig(long pageOffset, long textOffset, long kernelStartOffset, long kernelSize,
                          long textSize, long rodataSize, long initOffset, long initSize, long dataSize, long bssSize,
                          int structPageSize, int maxOrder, long cmaSizeMbytes, int smpCacheBytes,
                          long pcpuStaticSize, long pcpuReservedSize, long pcpuDynamicSize, String console,
                          boolean debugVm) {
    /** 4 KiB pages. */
    public static final int PAGE_SHIFT = 12;
    /** {@code PAGE_SIZE}. */
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    /**
     * {@code MAX_ORDER} of this build (CONFIG_ARCH_FORCE_MAX_ORDER=12 in the oracle's .config):
     * orders 0..11. The one source of it: the page allocator sizes its free areas by it, and
     * {@link #armmp()} builds with it.
     */
    public static final int MAX_ORDER = 12;

    public BuildConfig {
        if (pageOffset != 0x4000_0000L && pageOffset != 0x8000_0000L && pageOffset != 0xB000_0000L
                && pageOffset != 0xC000_0000L) {
            throw new BoardException("--page-offset", String.format("expected a VMSPLIT PAGE_OFFSET (0x40000000, 0x80000000, 0xb0000000, 0xc0000000), found %#x", pageOffset));
        }
        if (kernelStartOffset < textOffset || kernelSize <= 0) {
            throw new BoardException("--kernel", String.format("the image must start at or above TEXT_OFFSET %#x, found %#x", textOffset, kernelStartOffset));
        }
        if (structPageSize <= 0 || maxOrder < 2) {
            throw new BoardException("--struct-page", "struct page size and MAX_ORDER must be positive, found " + structPageSize + ", " + maxOrder);
        }
    }

    /** The build without CONFIG_DEBUG_VM, as {@code armmp} is. */
    public BuildConfig(long pageOffset, long textOffset, long kernelStartOffset, long kernelSize,
                       long textSize, long rodataSize, long initOffset, long initSize, long dataSize, long bssSize,
                       int structPageSize, int maxOrder, long cmaSizeMbytes, int smpCacheBytes,
                       long pcpuStaticSize, long pcpuReservedSize, long pcpuDynamicSize, String console) {
        this(pageOffset, textOffset, kernelStartOffset, kernelSize, textSize, rodataSize, initOffset, initSize, dataSize,
                bssSize, structPageSize, maxOrder, cmaSizeMbytes, smpCacheBytes, pcpuStaticSize, pcpuReservedSize,
                pcpuDynamicSize, console, false);
    }

    /** Debian 6.1.0-50-armmp, as captured in the oracle. */
    public static BuildConfig armmp() {
        return new BuildConfig(0xC000_0000L, 0x208000L, 0x300000L, 0x1307588L,
                11264L << 10, 3732L << 10, 0xF00000L, 2048L << 10, 1700L << 10, 377L << 10,
                36, MAX_ORDER, 16, 64,
                45012, 8192, 20524, "console=ttyAMA0");
    }

    /** {@code pageblock_order}: MAX_ORDER - 1 without hugetlb. */
    public int pageblockOrder() {
        return maxOrder - 1;
    }

    /** {@code MAX_ORDER_NR_PAGES}. */
    public long maxOrderNrPages() {
        return 1L << (maxOrder - 1);
    }

    /** {@code PG_DIR_SIZE} of the two-level (non-LPAE) tables: the 16 KiB first-level table (arch/arm/kernel/head.S). */
    public static final long PG_DIR_SIZE = 0x4000;

    /**
     * {@code swapper_pg_dir}'s offset from PHYS_OFFSET: {@code KERNEL_RAM_VADDR - PG_DIR_SIZE}
     * (arch/arm/kernel/head.S), the first-level table just below the kernel's text offset.
     */
    public long swapperPgDirOffset() {
        return textOffset - PG_DIR_SIZE;
    }

    /** The same build with another PAGE_OFFSET. */
    public BuildConfig withPageOffset(long po) {
        return new BuildConfig(po, textOffset, kernelStartOffset, kernelSize, textSize, rodataSize, initOffset, initSize,
                dataSize, bssSize, structPageSize, maxOrder, cmaSizeMbytes, smpCacheBytes, pcpuStaticSize,
                pcpuReservedSize, pcpuDynamicSize, console, debugVm);
    }

    /** The same build with another default CMA size in MiB. */
    public BuildConfig withCmaSizeMbytes(long mb) {
        return new BuildConfig(pageOffset, textOffset, kernelStartOffset, kernelSize, textSize, rodataSize, initOffset, initSize,
                dataSize, bssSize, structPageSize, maxOrder, mb, smpCacheBytes, pcpuStaticSize,
                pcpuReservedSize, pcpuDynamicSize, console, debugVm);
    }

    /** The same build with another {@code sizeof(struct page)} (36 in this build; 32 without some debug options). */
    public BuildConfig withStructPageSize(int bytes) {
        if (bytes < 16 || bytes > 128) {
            throw new BoardException("--struct-page-size", "expected 16..128 bytes, found " + bytes);
        }
        return new BuildConfig(pageOffset, textOffset, kernelStartOffset, kernelSize, textSize, rodataSize, initOffset, initSize,
                dataSize, bssSize, bytes, maxOrder, cmaSizeMbytes, smpCacheBytes, pcpuStaticSize,
                pcpuReservedSize, pcpuDynamicSize, console, debugVm);
    }

    /** The same build with CONFIG_DEBUG_VM on ({@code debugVm}) or off. */
    public BuildConfig withDebugVm(boolean on) {
        return new BuildConfig(pageOffset, textOffset, kernelStartOffset, kernelSize, textSize, rodataSize, initOffset, initSize,
                dataSize, bssSize, structPageSize, maxOrder, cmaSizeMbytes, smpCacheBytes, pcpuStaticSize,
                pcpuReservedSize, pcpuDynamicSize, console, on);
    }
}
