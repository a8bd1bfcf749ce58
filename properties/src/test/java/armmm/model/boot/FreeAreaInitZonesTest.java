package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code find_limits}, {@code zone_sizes_init} (arch/arm/mm/init.c), {@code alloc_node_mem_map},
 * {@code free_area_init_core} and {@code setup_usemap} (mm/page_alloc.c) on boards whose numbers
 * the common virt board does not move: RAM not at PHYS_OFFSET, a machine DMA zone (of one page, or
 * of 256 MiB), a hole between banks, ZONE_MOVABLE out of ZONE_DMA or ZONE_HIGHMEM, and highmem so
 * large that its memmap is not taken from {@code nr_kernel_pages}.
 *
 * <p>The rules every expected value is worked from: zone bounds DMA [node start,
 * min(arm_dma_pfn_limit, max_low_pfn)), Normal up to max_low_pfn, HighMem up to max_pfn;
 * {@code calc_memmap_size} on FLATMEM is PAGE_ALIGN(spanned x 36) pages; a lowmem zone's freesize
 * is present - memmap (when present &gt;= memmap) and is added to {@code nr_kernel_pages}; a
 * highmem zone (ZONE_MOVABLE too when it comes out of HighMem) adds present pages to
 * {@code nr_all_pages} only and takes its memmap off {@code nr_kernel_pages} while that is more than
 * twice it; {@code usemap_size} is roundup(size + (start % 2048), 2048) / 2048 x 4 bits rounded up
 * to 32, in bytes.
 */
class FreeAreaInitZonesTest {
    private static final long M = 1L << 20;

    private static List<Long> usemaps(BootedSystem b) {
        return b.allocations().stream().filter(a -> a.caller().equals("setup_usemap")).map(EarlyAllocation::size).toList();
    }

    @Test
    void ramOneMegabyteAbovePhysOffsetMovesTheMemmapBackToArchPfnOffset() {
        // memory [0x40100000, 0x60100000), its first MiB no-map (adjust_lowmem_bounds); node start pfn
        // 0x40100, PHYS_OFFSET 0x40000000: the memmap covers [0x40000, 0x60800) and mem_map is moved
        // back by the offset 0x100, so it is the allocation's own linear address
        BootedSystem b = Boot.boot(Board.of(List.of(new Bank(0x4010_0000L, 512 * M)), List.of(), "", 1));
        assertThat(b.minLowPfn()).isEqualTo(0x40100);
        assertThat(b.maxLowPfn()).isEqualTo(0x60100);
        assertThat(b.maxPfn()).isEqualTo(0x60100);
        assertThat(b.nodeStartPfn()).isEqualTo(0x40100);
        assertThat(b.maxZonePfn()).containsExactly(0x60100L, 0x60100L, 0x60100L, 0L);
        assertThat(b.memMapSize()).isEqualTo(0x20800L * 36);
        assertThat(b.layout().memMap()).isEqualTo(b.memMapPhys() - 0x4000_0000L + 0xc000_0000L);
        // one zone of 0x20000 pages, all present (no-map counts): memmap 1152 pages
        assertThat(b.nrKernelPages()).isEqualTo(131072 - 1152);
        assertThat(b.nrAllPages()).isEqualTo(131072 - 1152);
        // (131072 + 0x100) rounded up to 2048 is 65 pageblocks: 260 bits, 288, 36 bytes
        assertThat(usemaps(b)).containsExactly(36L);
    }

    @Test
    void aOnePageDmaZoneIsAllMemmapAndTheNormalZoneStartsOffAPageblock() {
        // arm_dma_limit 0x40001fff: DMA [0x40000, 0x40001), Normal [0x40001, 0x70000), HighMem [0x70000, 0x80000)
        BootedSystem b = Boot.boot(Board.virt(1024 * M).withDmaZoneSize(8192));
        assertThat(b.maxZonePfn()).containsExactly(0x40001L, 0x70000L, 0x80000L, 0L);
        // DMA: present 1, memmap 1, freesize 0. Normal: 196607 - 1728. HighMem: 65536, memmap 576
        assertThat(b.nrKernelPages()).isEqualTo(0 + (196607 - 1728) - 576);
        assertThat(b.nrAllPages()).isEqualTo(0 + (196607 - 1728) + 65536);
        assertThat(usemaps(b)).containsExactly(4L, 48L, 16L);
    }

    @Test
    void a256MiBDmaZoneEndsOnePageShortOfItsSize() {
        // arm_dma_pfn_limit = (0x40000000 + 256M - 1) >> 12 = 0x4ffff
        BootedSystem b = Boot.boot(Board.virt(1024 * M).withDmaZoneSize(256 * M));
        assertThat(b.maxZonePfn()).containsExactly(0x4ffffL, 0x70000L, 0x80000L, 0L);
        // DMA 65535 pages, memmap 576; Normal 131073, memmap 1153; HighMem 65536, memmap 576
        assertThat(b.nrKernelPages()).isEqualTo((65535 - 576) + (131073 - 1153) - 576);
        assertThat(b.nrAllPages()).isEqualTo((65535 - 576) + (131073 - 1153) + 65536);
        // Normal starts at 0x4ffff, 2047 pages into its pageblock
        assertThat(usemaps(b)).containsExactly(16L, 36L, 16L);
    }

    @Test
    void aHoleBetweenBanksIsSpannedButNotPresent() {
        BootedSystem b = Boot.boot(Board.of(List.of(new Bank(0x4000_0000L, 256 * M), new Bank(0x6000_0000L, 256 * M)),
                List.of(), "", 1));
        assertThat(b.nodeStartPfn()).isEqualTo(0x40000);
        assertThat(b.maxLowPfn()).isEqualTo(0x70000);
        assertThat(b.memMapSize()).isEqualTo(0x30000L * 36);
        // one lowmem zone spanning 196608 pages (memmap 1728), 131072 of them present
        assertThat(b.nrKernelPages()).isEqualTo(131072 - 1728);
        assertThat(b.nrAllPages()).isEqualTo(131072 - 1728);
        assertThat(usemaps(b)).containsExactly(48L);
    }

    @Test
    void zoneMovableOutOfHighmemIsHighmemForTheCounts() {
        // movablecore=128M on 1 GiB: ZONE_MOVABLE [0x78000, 0x80000) out of HighMem [0x70000, 0x80000)
        BootedSystem b = Boot.boot(Board.virt(1024 * M).withArgs("movablecore=128M"));
        assertThat(b.zoneMovablePfn()).isEqualTo(0x78000);
        // DMA 196608 - 1728; HighMem 32768 (memmap 288) and Movable 32768 (memmap 288) both highmem
        assertThat(b.nrKernelPages()).isEqualTo(196608 - 1728 - 288 - 288);
        assertThat(b.nrAllPages()).isEqualTo(196608 - 1728 + 32768 + 32768);
    }

    @Test
    void zoneMovableOutOfTheDmaZoneIsLowmemForTheCounts() {
        // 512 MiB, all lowmem: ZONE_MOVABLE [0x5c000, 0x60000) out of DMA, which keeps [0x40000, 0x5c000)
        BootedSystem b = Boot.boot(Board.virt(512 * M).withArgs("movablecore=64M"));
        assertThat(b.zoneMovablePfn()).isEqualTo(0x5c000);
        // DMA 114688 pages, memmap 1008; Movable 16384, memmap 144, not highmem (movable_zone is DMA)
        assertThat(b.nrKernelPages()).isEqualTo((114688 - 1008) + (16384 - 144));
        assertThat(b.nrAllPages()).isEqualTo((114688 - 1008) + (16384 - 144));
        assertThat(usemaps(b)).containsExactly(28L, 4L);
    }

    @Test
    void movablecoreInPercentCountsPresentPages() {
        // two 256 MiB banks: 131072 present pages, 10 % = 13107 pages, rounded by the zone setup
        BootedSystem b = Boot.boot(Board.of(List.of(new Bank(0x4000_0000L, 256 * M), new Bank(0x6000_0000L, 256 * M)),
                List.of(), "movablecore=10%", 1));
        BootedSystem bytes = Boot.boot(Board.of(List.of(new Bank(0x4000_0000L, 256 * M), new Bank(0x6000_0000L, 256 * M)),
                List.of(), "movablecore=" + (13107L * 4096), 1));
        assertThat(b.zoneMovablePfn()).isNotZero().isEqualTo(bytes.zoneMovablePfn());
    }

    @Test
    void highmemWhoseMemmapIsMoreThanHalfOfNrKernelPagesIsNotTakenOffIt() {
        // RAM [0, 0xf0000000), PHYS_OFFSET 0; vmalloc=944M leaves 1008M - 944M = 64 MiB of lowmem:
        // DMA [0, 0x4000) 16384 pages, memmap 144: nr_kernel_pages 16240. HighMem [0x4000, 0xf0000)
        // 966656 pages, memmap 8496: 16240 <= 2 x 8496, so nr_kernel_pages stays
        BootedSystem b = Boot.boot(Board.of(List.of(new Bank(0, 0xf000_0000L)), List.of(), "vmalloc=944M", 1));
        assertThat(b.lowmemLimit()).isEqualTo(0x0400_0000L);
        assertThat(b.nrKernelPages()).isEqualTo(16240);
        assertThat(b.nrAllPages()).isEqualTo(16240 + 966656);
        // alloc_large_system_hash: roundup(16240, 256) = 16384 pages; dentry >> 1, inode >> 2, powers of two
        assertThat(b.dentryHashEntries()).isEqualTo(8192);
        assertThat(b.inodeHashEntries()).isEqualTo(4096);
    }

    @Test
    void onAnAlignedBoardMemMapIsTheAllocationsLinearAddress() {
        BootedSystem b = Boot.boot(Board.virt(256 * M));
        assertThat(b.layout().memMap()).isEqualTo(b.memMapPhys() - 0x4000_0000L + 0xc000_0000L);
        assertThat(b.memMapSize()).isEqualTo(0x10000L * 36);
    }

    @Test
    void aNormalZoneMostlyHoleKeepsItsPresentPagesWhenTheMemmapIsLarger() {
        // DMA [0x40000, 0x41fff): 8191 pages, memmap 72. Normal [0x41fff, 0x70000): spans 188417
        // (memmap 1657 pages) but only 257 are present (pfn 0x41fff and the 1 MiB bank): the memmap
        // exceeds freesize, which stays 257
        BootedSystem b = Boot.boot(Board.of(List.of(new Bank(0x4000_0000L, 32 * M), new Bank(0x6ff0_0000L, M)), List.of(),
                "", 1).withDmaZoneSize(32 * M));
        assertThat(b.maxZonePfn()).containsExactly(0x41fffL, 0x70000L, 0x70000L, 0L);
        assertThat(b.nrKernelPages()).isEqualTo((8191 - 72) + 257);
        assertThat(b.nrAllPages()).isEqualTo((8191 - 72) + 257);
        assertThat(usemaps(b)).containsExactly(4L, 48L);
    }
}
