package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Board;
import armmm.model.board.BuildConfig;
import armmm.model.core.Bugs;
import armmm.model.memblock.Region;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The early memblock wrapper ({@code memblock_alloc_try_nid[_raw]}, {@code memblock_phys_alloc_range},
 * {@code memblock_reserve}, {@code memblock_phys_free} and their {@code memblock=debug} lines,
 * mm/memblock.c; {@code memblock_start_of_DRAM}, {@code memblock_end_of_DRAM},
 * {@code memblock_is_region_memory}, {@code memblock_overlaps_region}) and the first per-CPU chunk
 * ({@code pcpu_embed_first_chunk}, {@code pcpu_setup_first_chunk}, {@code pcpu_alloc_first_chunk},
 * mm/percpu.c), with sizes worked from those functions.
 */
class EarlyMemblockAndPercpuTest {
    private static final long M = 1L << 20;

    private static EarlyMemblock withRam(long base, long size) {
        EarlyMemblock em = new EarlyMemblock("--ram", Bugs.NONE);
        em.memblock().add(base, size);
        return em;
    }

    @Test
    void aFailedAllocationThatTheKernelCannotDoWithoutPanics() {
        EarlyMemblock em = withRam(0x4000_0000L, 256 * M);
        assertThatThrownBy(() -> em.alloc("early_alloc", 512 * M, 4096, 0, 0, EarlyAllocation.Kind.TRY_NID))
                .isInstanceOf(BootException.class).hasMessage("--ram: early_alloc: Failed to allocate 536870912 bytes align=0x1000");
        assertThatThrownBy(() -> em.alloc("free_area_init", 512 * M, 64, 0, 0, EarlyAllocation.Kind.TRY_NID_RAW))
                .isInstanceOf(BootException.class);
        // a CMA range allocation may fail: 0, no panic, and no debug line for it
        assertThat(em.alloc("memblock_alloc_range_nid", 512 * M, 8 * M, 0, 0x5000_0000L, EarlyAllocation.Kind.PHYS_RANGE))
                .isZero();
        assertThat(em.allocations()).extracting(EarlyAllocation::address).containsExactly(0L, 0L, 0L);
    }

    @Test
    void placementsAreLoggedAsMemblockDebugPrintsThem() {
        EarlyMemblock em = withRam(0x4000_0000L, 256 * M);
        long a = em.place("free_area_init", 4096, 64, 0, 0, EarlyAllocation.Kind.TRY_NID_RAW);
        long b = em.place("request_standard_resources", 32, 64, 0, 0, EarlyAllocation.Kind.TRY_NID);
        long c = em.place("memblock_alloc_range_nid", 16 * M, 8 * M, 0x4000_0000L, 0x4800_0000L, EarlyAllocation.Kind.PHYS_RANGE);
        assertThat(a).isEqualTo(0x4fff_f000L);
        assertThat(b).isEqualTo(0x4fff_efc0L);
        assertThat(c).isEqualTo(0x4700_0000L);
        assertThat(em.debugLog()).containsExactly(
                "memblock_alloc_try_nid_raw: 4096 bytes align=0x40 nid=0 from=0x00000000 max_addr=0x00000000 free_area_init",
                "memblock_reserve: [0x4ffff000-0x4fffffff] memblock_alloc_range_nid",
                "memblock_alloc_try_nid: 32 bytes align=0x40 nid=-1 from=0x00000000 max_addr=0x00000000 setup_arch",
                "memblock_reserve: [0x4fffefc0-0x4fffefdf] memblock_alloc_range_nid",
                "memblock_reserve: [0x47000000-0x47ffffff] memblock_alloc_range_nid");
        // a failed try is logged, with no reserve line after it
        assertThat(em.place("setup_usemap", 512 * M, 64, 0, 0, EarlyAllocation.Kind.TRY_NID)).isZero();
        assertThat(em.debugLog()).hasSize(6).last().isEqualTo(
                "memblock_alloc_try_nid: 536870912 bytes align=0x40 nid=0 from=0x00000000 max_addr=0x00000000 setup_usemap");
        assertThat(EarlyMemblock.symbol("early_alloc")).isEqualTo("early_alloc");
    }

    @Test
    void reservationsAndFreesAreLoggedWithTheirLastByte() {
        EarlyMemblock em = withRam(0x4000_0000L, 256 * M);
        assertThat(em.reserve(0x4000_0000L, 0x1000, "arm_memblock_init").isRefused()).isFalse();
        em.physFree(0x4000_0000L, 0x1000, "pcpu_embed_first_chunk");
        assertThat(em.debugLog()).containsExactly("memblock_reserve: [0x40000000-0x40000fff] arm_memblock_init",
                "memblock_phys_free: [0x40000000-0x40000fff] pcpu_embed_first_chunk");
        assertThat(em.memblock().reserved()).noneMatch(r -> r.size() > 0);
        assertThat(EarlyMemblock.rangeLine("f", 0xffff_f000L, 0x1000, "c")).isEqualTo("f: [0xfffff000-0xffffffff] c");
    }

    @Test
    void dramBoundsAndRegionQueries() {
        EarlyMemblock empty = new EarlyMemblock("--ram", Bugs.NONE);
        assertThat(empty.startOfDram()).isZero();
        assertThat(empty.endOfDram()).isZero();
        EarlyMemblock em = withRam(0x4000_0000L, 256 * M);
        em.memblock().add(0x6000_0000L, 16 * M);
        assertThat(em.startOfDram()).isEqualTo(0x4000_0000L);
        assertThat(em.endOfDram()).isEqualTo(0x6100_0000L);
        assertThat(em.isRegionMemory(0x4000_0000L, 256 * M)).isTrue();
        assertThat(em.isRegionMemory(0x4000_0000L, 256 * M + 1)).isFalse();
        assertThat(em.isRegionMemory(0x4fff_ffffL, 1)).isTrue();
        // from the first byte past a region: the next region, or none
        assertThat(em.isRegionMemory(0x5000_0000L, 1)).isFalse();
        assertThat(em.isRegionMemory(0x6000_0000L, 16 * M)).isTrue();
        assertThat(em.isRegionMemory(0x3fff_f000L, 0x2000)).isFalse();
        assertThat(em.isRegionMemory(0x7000_0000L, 1)).isFalse();
        List<Region> regions = List.of(new Region(0x4000_0000L, 0x1000, 0));
        assertThat(EarlyMemblock.overlaps(regions, 0x4000_1000L, 0x1000)).isFalse();
        assertThat(EarlyMemblock.overlaps(regions, 0x3fff_f000L, 0x1000)).isFalse();
        assertThat(EarlyMemblock.overlaps(regions, 0x3fff_f000L, 0x1001)).isTrue();
        assertThat(EarlyMemblock.overlaps(regions, 0x4000_0fffL, 1)).isTrue();
        assertThat(em.mappedMemory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0), new Region(0x6000_0000L, 16 * M, 0));
    }

    private static List<Long> sizes(BootedSystem b, String caller) {
        return b.allocations().stream().filter(a -> a.caller().equals(caller)).map(EarlyAllocation::size).toList();
    }

    @Test
    void theFirstChunkOfOneAndOfTwoCpus() {
        // size_sum 45012 + 8192 + 20524 = 73728 = 18 pages = the unit; ai: PFN_ALIGN(44 + 4 x cpus)
        BootedSystem one = Boot.boot(Board.virt(1024 * M));
        assertThat(sizes(one, "pcpu_embed_first_chunk")).containsExactly(4096L, 4096L, 73728L);
        // group offsets, group sizes, unit map, unit offsets, then the chunk lists: slots =
        // __pcpu_size_to_slot(73728) = fls - 5 + 2 = 14, + 4 = 18 list heads of 8 bytes
        assertThat(sizes(one, "pcpu_setup_first_chunk")).containsExactly(4L, 4L, 4L, 4L, 144L);
        // the static chunk: (45012 % 4096) + 8192 -> 3 pages, 3072 bits; the dynamic: 4052 + 20524 -> 6 pages
        assertThat(sizes(one, "pcpu_alloc_first_chunk")).containsExactly(96L, 384L, 388L, 96L, 96L, 768L, 772L, 192L);
        assertThat(one.log()).contains("percpu: Embedded 18 pages/cpu s45012 r8192 d20524 u73728");
        // __pa(MAX_DMA_ADDRESS): 0xffffffff without a DMA zone, PAGE_OFFSET + 256M with one
        assertThat(one.allocations()).filteredOn(a -> a.caller().equals("pcpu_embed_first_chunk"))
                .extracting(EarlyAllocation::minAddr).containsExactly(0L, 0L, 0x7fff_ffffL);
        BootedSystem dma = Boot.boot(Board.virt(1024 * M).withDmaZoneSize(256 * M));
        assertThat(dma.allocations()).filteredOn(a -> a.caller().equals("pcpu_embed_first_chunk"))
                .extracting(EarlyAllocation::minAddr).containsExactly(0L, 0L, 0x5000_0000L);
        BootedSystem two = Boot.boot(Board.virt(1024 * M).withCpus(2));
        assertThat(sizes(two, "pcpu_embed_first_chunk")).containsExactly(4096L, 4096L, 2 * 73728L);
        assertThat(sizes(two, "pcpu_setup_first_chunk")).containsExactly(4L, 4L, 8L, 8L, 144L);
    }

    @Test
    void aUnitLargerThanItsSizesGivesBackEachCpusTail() {
        // dynamic 20000: size_sum 73204, the unit stays 73728; each CPU's last 524 bytes are freed
        BuildConfig a = BuildConfig.armmp();
        BuildConfig build = new BuildConfig(a.pageOffset(), a.textOffset(), a.kernelStartOffset(), a.kernelSize(),
                a.textSize(), a.rodataSize(), a.initOffset(), a.initSize(), a.dataSize(), a.bssSize(), a.structPageSize(),
                a.maxOrder(), a.cmaSizeMbytes(), a.smpCacheBytes(), 45012, 8192, 20000, a.console(), false);
        BootedSystem b = Boot.boot(Board.virt(1024 * M).withCpus(2).withBuild(build));
        long base = b.allocations().stream().filter(x -> x.caller().equals("pcpu_embed_first_chunk") && x.size() == 2 * 73728)
                .findFirst().orElseThrow().address();
        String line = "memblock_phys_free: [0x%08x-0x%08x] pcpu_embed_first_chunk";
        assertThat(b.debugLog()).contains(String.format(line, base + 73204, base + 73727),
                String.format(line, base + 73728 + 73204, base + 2 * 73728 - 1));
        assertThat(b.log()).contains("percpu: Embedded 17 pages/cpu s45012 r8192 d20000 u73728");
    }

    @Test
    void aRangeStartingWhereANoMapRegionEndsIsInTheNextRegion() {
        EarlyMemblock em = withRam(0x4000_0000L, 256 * M);
        em.memblock().markNomap(0x4000_0000L, M);
        assertThat(em.memblock().memory()).hasSize(2);
        assertThat(em.isRegionMemory(0x4010_0000L, 4096)).isTrue();
        assertThat(em.mappedMemory()).containsExactly(new Region(0x4010_0000L, 255 * M, 0));
    }
}
