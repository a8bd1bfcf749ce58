package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Boot's hand-over at its edges: {@code free_reserved_area} skipping frames no zone spans and
 * pages not reserved, {@code cma_activate_area} (mm/cma.c) refusing an area that is empty or not
 * pageblock aligned (it stays reserved), giving an area that leaves its zone or mem_map to the buddy
 * allocator as ordinary pages, and turning a good one into MIGRATE_CMA order-11 blocks
 * ({@code init_cma_reserved_pageblock}, mm/page_alloc.c). pageblock_nr_pages is 2048.
 */
class BootFreeEdgesTest {
    private static final long RAM = TestBoards.RAM;

    /** DMA [RAM, RAM + 16384) and HighMem [RAM + 16384, RAM + 24576), every page still reserved. */
    private static PageAllocator reservedBoard() {
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, RAM, 16384, 16384, 16384, 128, 160, 192, new long[4], 60, 15);
        ZoneConfig high = new ZoneConfig(ZoneType.HIGHMEM, RAM + 16384, 8192, 8192, 8192, 32, 40, 48, new long[4], 30, 7);
        return new PageAllocator(List.of(dma, high), MemMapLayout.virt(TestBoards.MEM_MAP, RAM + 16384), 1);
    }

    @Test
    void anEmptyOrUnalignedCmaAreaStaysReserved() {
        PageAllocator pa = reservedBoard();
        pa.activateCmaArea(RAM, 0);
        pa.activateCmaArea(RAM, -2048);
        pa.activateCmaArea(RAM + 1, 2048);
        pa.activateCmaArea(RAM + 1024, 2048);
        pa.activateCmaArea(RAM, 2047);
        pa.activateCmaArea(RAM, 3072);
        assertThat(pa.zone(ZoneType.DMA).freePages()).isZero();
        assertThat(pa.isReserved(RAM)).isTrue();
        assertThat(pa.isReserved(RAM + 2047)).isTrue();
        assertThat(pa.pageblockMigratetype(RAM)).isEqualTo(MigrateType.MOVABLE);
    }

    @Test
    void aGoodAreaBecomesCmaBlocksUpToTheEndOfMemMap() {
        PageAllocator pa = reservedBoard();
        // the last two pageblocks of mem_map
        pa.activateCmaArea(RAM + 24576 - 4096, 4096);
        BuddyZone high = pa.zone(ZoneType.HIGHMEM);
        assertThat(high.freePages()).isEqualTo(4096);
        assertThat(high.freeCmaPages()).isEqualTo(4096);
        assertThat(high.freeListCount(11, MigrateType.CMA)).isEqualTo(2);
        assertThat(high.allocatedPages()).isZero();
        assertThat(high.reservedPages()).isEqualTo(8192 - 4096);
        assertThat(pa.pageblockMigratetype(RAM + 24576 - 1)).isEqualTo(MigrateType.CMA);
        assertThat(pa.pageblockMigratetype(RAM + 24576 - 4097)).isEqualTo(MigrateType.MOVABLE);
        assertThat(pa.isReserved(RAM + 24576 - 1)).isFalse();
        assertThat(pa.refcount(RAM + 24576 - 1)).isZero();
        assertThat(pa.refcount(RAM + 24576 - 4096)).isZero();
        assertThat(pa.isBuddy(RAM + 24576 - 4096)).isTrue();
        assertThat(pa.order(RAM + 24576 - 2048)).isEqualTo(11);
    }

    @Test
    void anAreaAcrossTwoZonesOrPastMemMapGoesToTheBuddyAllocatorAsOrdinaryPages() {
        PageAllocator pa = reservedBoard();
        // [RAM + 14336, RAM + 18432): the last DMA pageblock and the first HighMem one
        pa.activateCmaArea(RAM + 16384 - 2048, 4096);
        assertThat(pa.zone(ZoneType.DMA).freePages()).isEqualTo(2048);
        assertThat(pa.zone(ZoneType.HIGHMEM).freePages()).isEqualTo(2048);
        assertThat(pa.zone(ZoneType.HIGHMEM).freeCmaPages()).isZero();
        assertThat(pa.pageblockMigratetype(RAM + 16384)).isEqualTo(MigrateType.MOVABLE);
        // [RAM + 22528, RAM + 26624): its second pageblock is past mem_map
        pa.activateCmaArea(RAM + 24576 - 2048, 4096);
        assertThat(pa.zone(ZoneType.HIGHMEM).freePages()).isEqualTo(4096);
        assertThat(pa.zone(ZoneType.HIGHMEM).freeCmaPages()).isZero();
        // wholly past mem_map: nothing
        pa.activateCmaArea(RAM + 24576, 2048);
        assertThat(pa.zone(ZoneType.HIGHMEM).freePages()).isEqualTo(4096);
    }

    @Test
    void freeReservedAreaSkipsTheHoleAndPagesAlreadyFree() {
        PageAllocator gap = FreePagesRefusalsTest.gapBoard();
        long dma = gap.zone(ZoneType.DMA).freePages();
        long high = gap.zone(ZoneType.HIGHMEM).freePages();
        assertThat(dma).isEqualTo(4000);
        assertThat(high).isEqualTo(4095);
        // from below mem_map to past it: DMA's 96 reserved pages, no frame of the hole, HighMem's last page
        // (after setup_per_cpu_pageset each goes through the per-CPU list)
        gap.freeReservedArea(RAM - 16, RAM + 20000);
        assertThat(gap.zone(ZoneType.DMA).freePages() + gap.zone(ZoneType.DMA).pcpListPages()).isEqualTo(4096);
        assertThat(gap.zone(ZoneType.HIGHMEM).freePages() + gap.zone(ZoneType.HIGHMEM).pcpListPages()).isEqualTo(4096);
        assertThat(gap.isReserved(RAM + 5000)).isTrue();
        assertThat(gap.zone(ZoneType.DMA).reservedPages()).isZero();
        // a CMA area starting in the hole: not one zone's, its zone pages (none reserved now) stay as they are
        gap.activateCmaArea(RAM + 4096, 2048);
        assertThat(gap.isReserved(RAM + 4096)).isTrue();
        assertThat(gap.zone(ZoneType.DMA).freeCmaPages()).isZero();
    }

    @Test
    void memblockFreeRangeClampsToMemMapAndTakesTheLargestAlignedBlocks() {
        PageAllocator pa = reservedBoard();
        // [RAM - 8, RAM + 0x300): from RAM, order 9 (0x200 fits, 0x800 does not), then RAM + 0x200 order 8
        pa.memblockFreeRange(RAM - 8, RAM + 0x300);
        assertThat(pa.zone(ZoneType.DMA).freePages()).isEqualTo(0x300);
        assertThat(pa.order(RAM)).isEqualTo(9);
        assertThat(pa.order(RAM + 0x200)).isEqualTo(8);
        // [RAM + 0x301, RAM + 0x308): 0x301 order 0, 0x302 order 1, 0x304 order 2; 0x301 merges with nothing
        pa.memblockFreeRange(RAM + 0x301, RAM + 0x308);
        assertThat(pa.order(RAM + 0x301)).isZero();
        assertThat(pa.order(RAM + 0x302)).isEqualTo(1);
        assertThat(pa.order(RAM + 0x304)).isEqualTo(2);
        assertThat(pa.isReserved(RAM + 0x300)).isTrue();
        // the top of HighMem through free_highpages' lowmem twin clamps at the end of mem_map
        pa.memblockFreeRange(RAM + 24576 - 2048, RAM + 24576 + 100);
        assertThat(pa.zone(ZoneType.HIGHMEM).freePages()).isEqualTo(2048);
        assertThat(pa.order(RAM + 24576 - 2048)).isEqualTo(11);
    }

    @Test
    void anAreaStartingBelowMemMapIsNotOneZonesAndItsPagesGoToTheBuddyAllocator() {
        PageAllocator pa = reservedBoard();
        pa.activateCmaArea(RAM - 2048, 4096);
        assertThat(pa.zone(ZoneType.DMA).freePages()).isEqualTo(2048);
        assertThat(pa.zone(ZoneType.DMA).freeCmaPages()).isZero();
        assertThat(pa.pageblockMigratetype(RAM)).isEqualTo(MigrateType.MOVABLE);
    }
}
