package armmm.model.page;

import armmm.model.kernel.Kernel;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;

/** Small boards booted by hand, the way mem_init and the CMA initcall hand pages over. */
final class TestBoards {
    /** The first pfn of RAM on the virt board (PHYS_OFFSET 0x40000000). */
    static final long RAM = 0x40000;
    /** mem_map's virtual address in these boards. */
    static final long MEM_MAP = 0xef000000L;

    private TestBoards() {
    }

    /**
     * 96 MiB: DMA 64 MiB (kernel image reserved at 2..22 MiB), HighMem 32 MiB with a 2-pageblock
     * CMA area at its top; protection DMA against HighMem 32 pages.
     */
    static PageAllocator small(int cpus) {
        return small(cpus, armmm.model.core.Bugs.NONE);
    }

    /** {@link #small(int)} with the seeded bugs {@code bugs} planted. */
    static PageAllocator small(int cpus, armmm.model.core.Bugs bugs) {
        long dmaPages = 16384;
        long highPages = 8192;
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, RAM, dmaPages, dmaPages, dmaPages - 5120, 128, 160, 192,
                new long[] {0, 0, 32, 32}, 60, 15);
        ZoneConfig normal = new ZoneConfig(ZoneType.NORMAL, 0, 0, 0, 0, 0, 0, 0, new long[4], 0, 1);
        ZoneConfig high = new ZoneConfig(ZoneType.HIGHMEM, RAM + dmaPages, highPages, highPages, highPages, 32, 40, 48,
                new long[4], 30, 7);
        PageAllocator pa = new PageAllocator(List.of(dma, normal, high),
                MemMapLayout.virt(MEM_MAP, RAM + dmaPages), cpus, bugs);
        pa.memblockFreeRange(RAM, RAM + 0x200);
        pa.memblockFreeRange(RAM + 0x1600, RAM + dmaPages);
        long cma = RAM + dmaPages + highPages - 2 * PageAllocator.PAGEBLOCK_NR_PAGES;
        pa.freeHighpages(RAM + dmaPages, cma);
        pa.setupPerCpuPagesets();
        pa.activateCmaArea(cma, 2 * PageAllocator.PAGEBLOCK_NR_PAGES);
        pa.clearDirty();
        return pa;
    }

    /** A kernel whose page allocator is {@code pa}. */
    static Kernel kernel(PageAllocator pa) {
        Kernel k = Kernel.bare();
        k.installPageAllocator(pa);
        return k;
    }

    /**
     * The 1 GiB virt board of the oracle boot armmp-1024M: zones, watermarks and pcp sizes from
     * its zoneinfo, reserved memory from its memblock dump, CMA 16 MiB at 0x7f000000.
     */
    static PageAllocator oracle1024M(long[][] reservedPhys) {
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, 262144, 196608, 196608, 189461, 868, 1085, 1302,
                new long[] {0, 0, 256, 256}, 1085, 63);
        ZoneConfig normal = new ZoneConfig(ZoneType.NORMAL, 0, 0, 0, 0, 0, 0, 0, new long[4], 0, 1);
        ZoneConfig high = new ZoneConfig(ZoneType.HIGHMEM, 458752, 65536, 65536, 65536, 64, 139, 214,
                new long[4], 139, 15);
        ZoneConfig movable = new ZoneConfig(ZoneType.MOVABLE, 0, 0, 0, 0, 32, 32, 32, new long[4], 0, 1);
        long maxLow = 458752;
        PageAllocator pa = new PageAllocator(List.of(dma, normal, high, movable), MemMapLayout.virt(0xef000000L, maxLow), 1);
        // for_each_free_mem_range: memory minus reserved, rounded inwards to pages
        long cursor = 0x40000000L;
        long end = 0x80000000L;
        for (long[] r : reservedPhys) {
            freeRange(pa, cursor, r[0], maxLow);
            cursor = Math.max(cursor, r[1]);
        }
        freeRange(pa, cursor, end, maxLow);
        pa.setupPerCpuPagesets();
        pa.activateCmaArea(0x7f000, 4096);
        pa.clearDirty();
        return pa;
    }

    /** The 2 GiB virt board of armmp-2048M's zoneinfo, 20 MiB image reserved, CMA 16 MiB at the top. */
    static PageAllocator oracle2048M(int cpus) {
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, 262144, 196608, 196608, 187157, 863, 1078, 1293,
                new long[] {0, 0, 1280, 1280}, 1078, 63);
        ZoneConfig high = new ZoneConfig(ZoneType.HIGHMEM, 458752, 327680, 327680, 327680, 128, 507, 886,
                new long[4], 507, 63);
        long maxLow = 458752;
        PageAllocator pa = new PageAllocator(List.of(dma, high), MemMapLayout.virt(0xee000000L, maxLow), cpus);
        pa.memblockFreeRange(RAM + 0x1600, maxLow);
        pa.freeHighpages(maxLow, 786432 - 4096);
        pa.setupPerCpuPagesets();
        pa.activateCmaArea(786432 - 4096, 4096);
        pa.clearDirty();
        return pa;
    }

    /** The 1 GiB virt board with its usual boot reservations (page table, image, initrd, early allocations, CMA). */
    static PageAllocator virt1024M() {
        return oracle1024M(new long[][] {
            {0x40204000L, 0x40208000L}, {0x40300000L, 0x41607588L}, {0x48000000L, 0x481d8000L},
            {0x6f61f000L, 0x70000000L}, {0x7f000000L, 0x80000000L}});
    }

    private static void freeRange(PageAllocator pa, long start, long end, long maxLow) {
        long s = (start + 0xfff) >>> 12;
        long e = end >>> 12;
        if (s >= e) {
            return;
        }
        if (s < maxLow) {
            pa.memblockFreeRange(s, Math.min(e, maxLow));
        }
        if (e > maxLow) {
            pa.freeHighpages(Math.max(s, maxLow), e);
        }
    }
}
