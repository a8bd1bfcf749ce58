package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * mem_map as {@code memmap_init} lays it out (mm/page_alloc.c): it spans the populated zones only,
 * every pageblock starts MIGRATE_MOVABLE, {@code page->flags}' PG_reserved and PG_head, the list
 * links a free block is found by ({@code list_add}, {@code list_add_tail}, {@code list_del}),
 * {@code pagetypeinfo_showblockcount}'s counts, and seeded bugs that act only once boot is over.
 */
class MemMapFramesTest {
    private static final long RAM = TestBoards.RAM;
    private final PageAllocator pa = TestBoards.small(2);

    private long alloc(long gfp, int ord) {
        return pa.layout().pageToPfn(pa.allocPages(gfp, ord, 0).value());
    }

    @Test
    void memMapSpansThePopulatedZonesOnly() {
        // DMA from RAM, an empty Normal zone (start 0), HighMem to RAM + 24576
        assertThat(pa.basePfn()).isEqualTo(RAM);
        assertThat(pa.frameCount()).isEqualTo(24576);
        ZoneConfig empty = new ZoneConfig(ZoneType.NORMAL, 0, 0, 0, 0, 0, 0, 0, new long[4], 0, 1);
        PageAllocator none = new PageAllocator(List.of(empty), MemMapLayout.virt(TestBoards.MEM_MAP, RAM), 1);
        assertThat(none.basePfn()).isZero();
        assertThat(none.frameCount()).isZero();
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, RAM, 4096, 4096, 4096, 16, 20, 24, new long[4], 30, 7);
        assertThatThrownBy(() -> new PageAllocator(List.of(dma, dma), MemMapLayout.virt(TestBoards.MEM_MAP, RAM), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given twice");
    }

    @Test
    void pageblocksStartMovableAndAreCountedByTheirFirstPage() {
        // a zone starting off a pageblock boundary: [RAM + 0x100, RAM + 0x1100) touches three pageblocks
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, RAM + 0x100, 4096, 4096, 4096, 16, 20, 24, new long[4], 30, 7);
        PageAllocator odd = new PageAllocator(List.of(dma), MemMapLayout.virt(TestBoards.MEM_MAP, RAM + 0x1100), 1);
        assertThat(odd.pageblockMigratetype(RAM + 0x100)).isEqualTo(MigrateType.MOVABLE);
        assertThat(odd.pageblockMigratetype(RAM + 0x10ff)).isEqualTo(MigrateType.MOVABLE);
        odd.setPageblockMigratetype(RAM + 0x10ff, MigrateType.UNMOVABLE);
        assertThat(odd.pageblockMigratetype(RAM + 0x1000)).isEqualTo(MigrateType.UNMOVABLE);
        assertThat(odd.pageblockMigratetype(RAM + 0xfff)).isEqualTo(MigrateType.MOVABLE);
        // pagetypeinfo steps from zone_start_pfn by pageblock_nr_pages: RAM + 0x100 and RAM + 0x900
        long[] counts = odd.pageblockCounts(ZoneType.DMA);
        assertThat(counts[MigrateType.MOVABLE.ordinal()]).isEqualTo(2);
        assertThat(counts[MigrateType.UNMOVABLE.ordinal()]).isZero();
        // the small board: DMA 8 movable pageblocks, HighMem 2 movable and 2 CMA, Normal empty, no Movable zone
        assertThat(pa.pageblockCounts(ZoneType.DMA)[MigrateType.MOVABLE.ordinal()]).isEqualTo(8);
        assertThat(pa.pageblockCounts(ZoneType.HIGHMEM)[MigrateType.CMA.ordinal()]).isEqualTo(2);
        assertThat(pa.pageblockCounts(ZoneType.HIGHMEM)[MigrateType.MOVABLE.ordinal()]).isEqualTo(2);
        assertThat(pa.pageblockCounts(ZoneType.NORMAL)).containsOnly(0L);
        assertThat(pa.pageblockCounts(ZoneType.MOVABLE)).containsOnly(0L);
    }

    @Test
    void pageFlagsShowReservedAndHead() {
        assertThat(pa.pageFlags(RAM + 0x300)).isEqualTo(1L << PageAllocator.PG_RESERVED);
        long comp = alloc(Gfp.GFP_KERNEL | Gfp.COMP, 2);
        assertThat(pa.pageFlags(comp)).isEqualTo(1L << PageAllocator.PG_HEAD);
        assertThat(pa.pageFlags(comp + 1)).isZero();
    }

    @Test
    void aBlockIsLinkedOnItsListWhereverItSitsAndNotOnceTakenOff() {
        // DMA's order-11 MOVABLE list: RAM + 0x1800, 0x2000, 0x2800, 0x3000, 0x3800
        assertThat(pa.isLinkedOnItsList(RAM + 0x1800)).isTrue();
        assertThat(pa.isLinkedOnItsList(RAM + 0x2800)).isTrue();
        assertThat(pa.isLinkedOnItsList(RAM + 0x3800)).isTrue();
        // order 9: [RAM, RAM + 0x1600]; both taken by movable order-9 requests, the second the only one left
        long a = alloc(Gfp.GFP_KERNEL | Gfp.MOVABLE, 9);
        long b = alloc(Gfp.GFP_KERNEL | Gfp.MOVABLE, 9);
        assertThat(List.of(a, b)).containsExactly(RAM, RAM + 0x1600);
        assertThat(pa.isLinkedOnItsList(RAM + 0x1600)).isFalse();
        assertThat(pa.isLinkedOnItsList(RAM)).isFalse();
        // freed back: RAM first, then RAM + 0x1600 at the head, so the list's last block is frame 0
        pa.freePagesPfn(a, 9, 0);
        pa.freePagesPfn(b, 9, 0);
        assertThat(pa.isLinkedOnItsList(RAM + 0x1600)).isTrue();
        assertThat(pa.isLinkedOnItsList(RAM)).isTrue();
    }

    @Test
    void aPlantedBugWaitsForTheEndOfBoot() {
        PageAllocator bugged = TestBoards.small(2, Bugs.of(PageBug.BUDDY_STALE_NR_FREE));
        bugged.setHandedOver(false);
        bugged.allocPages(Gfp.GFP_KERNEL | Gfp.MOVABLE, 11, 0);
        // still booting: del_page_from_free_list as 6.1 has it
        assertThat(bugged.zone(ZoneType.DMA).nrFree(11)).isEqualTo(4);
        bugged.setHandedOver(true);
        bugged.allocPages(Gfp.GFP_KERNEL | Gfp.MOVABLE, 11, 0);
        assertThat(bugged.zone(ZoneType.DMA).nrFree(11)).isEqualTo(4);
    }

    @Test
    void aBlockTheListHeadOrTailDoesNotPointAtIsNotLinked() {
        // the check's primitive on a list whose ends were overwritten (what a corrupting bug leaves):
        // DMA's order-11 MOVABLE list RAM + 0x1800 .. RAM + 0x3800
        BuddyZone dma = pa.zone(ZoneType.DMA);
        int id = 11 * MigrateType.COUNT + MigrateType.MOVABLE.ordinal();
        int first = dma.head[id];
        int last = dma.tail[id];
        assertThat(first).isEqualTo(0x1800);
        assertThat(last).isEqualTo(0x3800);
        dma.head[id] = 0x2000;
        assertThat(pa.isLinkedOnItsList(RAM + 0x1800)).isFalse();
        assertThat(pa.isLinkedOnItsList(RAM + 0x2800)).isTrue();
        dma.head[id] = first;
        dma.tail[id] = 0x3000;
        assertThat(pa.isLinkedOnItsList(RAM + 0x3800)).isFalse();
        dma.tail[id] = last;
        assertThat(pa.isLinkedOnItsList(RAM + 0x3800)).isTrue();
    }

    @Test
    void unlinkingTheBlockBeforeFrameZeroLeavesFrameZeroTheTail() {
        long a = alloc(Gfp.GFP_KERNEL | Gfp.MOVABLE, 9);
        long b = alloc(Gfp.GFP_KERNEL | Gfp.MOVABLE, 9);
        pa.freePagesPfn(a, 9, 0);
        pa.freePagesPfn(b, 9, 0);
        assertThat(pa.freeList(ZoneType.DMA, 9, MigrateType.MOVABLE)).containsExactly(RAM + 0x1600, RAM);
        // the head goes: RAM, frame 0, is head and tail of the list
        assertThat(alloc(Gfp.GFP_KERNEL | Gfp.MOVABLE, 9)).isEqualTo(RAM + 0x1600);
        assertThat(pa.freeList(ZoneType.DMA, 9, MigrateType.MOVABLE)).containsExactly(RAM);
        assertThat(pa.isLinkedOnItsList(RAM)).isTrue();
    }

    @Test
    void aDrainUnlinksThePageAfterFrameZeroAndThenFrameZero() {
        // a movable order-0 request refills 15 pages from [RAM, order 9] in pfn order and gets RAM;
        // freed back, RAM heads the list with RAM + 1 .. RAM + 14 after it
        long p = alloc(Gfp.GFP_KERNEL | Gfp.MOVABLE, 0);
        assertThat(p).isEqualTo(RAM);
        long free = pa.zone(ZoneType.DMA).freePages();
        assertThat(pa.freePagesPfn(p, 0, 0).isRefused()).isFalse();
        int movable0 = MigrateType.MOVABLE.ordinal();
        long[] list = pa.pcpList(ZoneType.DMA, 0, movable0);
        assertThat(list).hasSize(15);
        assertThat(list[0]).isEqualTo(RAM);
        assertThat(list[1]).isEqualTo(RAM + 1);
        // free_pcppages_bulk takes from the tail: RAM + 1 goes while RAM is before it, then RAM
        pa.drainLocalPages(0);
        assertThat(pa.pcpCount(0)).isZero();
        assertThat(pa.isOnPcp(RAM)).isFalse();
        assertThat(pa.pcpListHead(ZoneType.DMA, 0, movable0)).isEqualTo(-1);
        assertThat(pa.zone(ZoneType.DMA).freePages()).isEqualTo(free + 15);
        assertThat(pa.order(RAM)).isEqualTo(9);
    }
}
