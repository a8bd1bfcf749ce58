package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code __free_one_page} (mm/page_alloc.c) with {@code page_is_buddy} (same zone, PageBuddy, the
 * same order) and {@code buddy_merge_likely} (list at the tail when the next-higher buddy is free,
 * never at orders from MAX_ORDER - 2 on), {@code expand}, and the MIGRATE_ISOLATE free that leaves
 * NR_FREE_PAGES alone. Expected pfns are worked from the boot of {@link TestBoards#small} (DMA free:
 * [RAM, order 9], [RAM + 0x1600, order 9], then order-11 blocks from RAM + 0x1800 to RAM + 0x4000,
 * all MIGRATE_MOVABLE, each freed to its list's tail) and from {@code expand}, which hands out the
 * lower half and lists the upper halves.
 */
class FreeListsMergeTest {
    private static final long RAM = TestBoards.RAM;
    private static final long MOVABLE_DMA = Gfp.GFP_KERNEL | Gfp.MOVABLE;
    private final PageAllocator pa = TestBoards.small(2);

    private long alloc(long gfp, int ord) {
        Result r = pa.allocPages(gfp, ord, 0);
        assertThat(r.value()).isNotZero();
        return pa.layout().pageToPfn(r.value());
    }

    private void free(long pfn, int ord) {
        assertThat(pa.freePagesPfn(pfn, ord, 0)).isEqualTo(Result.VOID);
    }

    @Test
    void bootListsItsBlocksInTheOrderItFreedThem() {
        // __free_pages_core frees with FPI_TO_TAIL: the lowest block first on the list
        assertThat(pa.freeList(ZoneType.DMA, 11, MigrateType.MOVABLE)).containsExactly(
                RAM + 0x1800, RAM + 0x2000, RAM + 0x2800, RAM + 0x3000, RAM + 0x3800);
        assertThat(pa.freeList(ZoneType.DMA, 9, MigrateType.MOVABLE)).containsExactly(RAM, RAM + 0x1600);
        assertThat(pa.freeListHead(ZoneType.DMA, 9, MigrateType.MOVABLE)).isEqualTo(RAM);
        assertThat(pa.nextOnList(RAM)).isEqualTo(RAM + 0x1600);
        assertThat(pa.nextOnList(RAM + 0x1600)).isEqualTo(-1);
        assertThat(pa.freeListHead(ZoneType.DMA, 9, MigrateType.UNMOVABLE)).isEqualTo(-1);
        assertThat(pa.freeListHead(ZoneType.DMA, 10, MigrateType.MOVABLE)).isEqualTo(-1);
    }

    @Test
    void aBlockMergesWithItsBuddyAtTheFirstFrameOfMemMap() {
        // two order-8 requests split [RAM, order 9]: RAM, then RAM + 0x100
        long a = alloc(MOVABLE_DMA, 8);
        long b = alloc(MOVABLE_DMA, 8);
        assertThat(a).isEqualTo(RAM);
        assertThat(b).isEqualTo(RAM + 0x100);
        free(a, 8);
        assertThat(pa.isBuddy(RAM)).isTrue();
        free(b, 8);
        // the buddy of RAM + 0x100 at order 8 is RAM, frame 0 of mem_map: merged to order 9; RAM + 0x200 is reserved
        assertThat(pa.isBuddy(RAM)).isTrue();
        assertThat(pa.order(RAM)).isEqualTo(9);
        assertThat(pa.isBuddy(RAM + 0x100)).isFalse();
    }

    @Test
    void aFreeListsAtTheTailWhenTheNextHigherBuddyIsFree() {
        // order-4 unmovable requests: the first steals a movable pageblock, then expand hands out
        // consecutive order-4 blocks X, X + 16, ...
        long x = alloc(Gfp.GFP_KERNEL, 4);
        for (int i = 1; i < 4; i++) {
            assertThat(alloc(Gfp.GFP_KERNEL, 4)).isEqualTo(x + 16L * i);
        }
        // X + 64 comes off [X + 64, order 6]: X + 80 at order 4 and X + 96 at order 5 are listed
        assertThat(alloc(Gfp.GFP_KERNEL, 4)).isEqualTo(x + 64);
        assertThat(alloc(Gfp.GFP_KERNEL, 4)).isEqualTo(x + 80);
        assertThat(pa.isBuddy(x + 96)).isTrue();
        assertThat(pa.order(x + 96)).isEqualTo(5);
        // X + 32: its buddy X + 48 is held; the order-5 buddy of [X + 32, X + 64) is X, not free at order 5: head
        free(x + 32, 4);
        assertThat(pa.freeList(ZoneType.DMA, 4, MigrateType.UNMOVABLE)).containsExactly(x + 32);
        // X + 64: its buddy X + 80 is held; the order-5 buddy of [X + 64, X + 96) is X + 96, free at order 5: tail
        free(x + 64, 4);
        assertThat(pa.freeList(ZoneType.DMA, 4, MigrateType.UNMOVABLE)).containsExactly(x + 32, x + 64);
        // X: its buddy X + 16 is held; the order-5 buddy X + 32 is free, but at order 4 only: head
        free(x, 4);
        assertThat(pa.freeList(ZoneType.DMA, 4, MigrateType.UNMOVABLE)).containsExactly(x, x + 32, x + 64);
    }

    @Test
    void fromOrderTenOnAFreeListsAtTheHead() {
        // movable order-10 requests split DMA's order-11 blocks in list order
        long a = alloc(MOVABLE_DMA, 10);
        long b = alloc(MOVABLE_DMA, 10);
        long c = alloc(MOVABLE_DMA, 10);
        long d = alloc(MOVABLE_DMA, 10);
        assertThat(List.of(a, b, c, d)).containsExactly(RAM + 0x1800, RAM + 0x1c00, RAM + 0x2000, RAM + 0x2400);
        free(b, 10);
        assertThat(pa.freeList(ZoneType.DMA, 10, MigrateType.MOVABLE)).containsExactly(RAM + 0x1c00);
        // c's order-11 buddy-of-the-higher, RAM + 0x2800, is a free order-11 block; at order 10
        // (MAX_ORDER - 2) buddy_merge_likely is not asked: head
        assertThat(pa.isBuddy(RAM + 0x2800)).isTrue();
        free(c, 10);
        assertThat(pa.freeList(ZoneType.DMA, 10, MigrateType.MOVABLE)).containsExactly(RAM + 0x2000, RAM + 0x1c00);
        free(a, 10);
        free(d, 10);
        assertThat(pa.order(RAM + 0x1800)).isEqualTo(11);
        assertThat(pa.order(RAM + 0x2000)).isEqualTo(11);
    }

    @Test
    void buddiesInTwoZonesDoNotMerge() {
        // DMA [RAM, RAM + 3072) and HighMem [RAM + 3072, RAM + 4096): the zone end is not aligned to order 11
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, RAM, 3072, 3072, 3072, 16, 20, 24, new long[4], 30, 7);
        ZoneConfig high = new ZoneConfig(ZoneType.HIGHMEM, RAM + 3072, 1024, 1024, 1024, 16, 20, 24, new long[4], 30, 7);
        PageAllocator two = new PageAllocator(List.of(dma, high), MemMapLayout.virt(TestBoards.MEM_MAP, RAM + 3072), 1);
        two.memblockFreeRange(RAM, RAM + 3072);
        two.freeHighpages(RAM + 3072, RAM + 4096);
        // HighMem's pages merge up to [RAM + 3072, order 10]; its order-10 buddy RAM + 2048 is free but in DMA
        assertThat(two.isBuddy(RAM + 2048)).isTrue();
        assertThat(two.order(RAM + 2048)).isEqualTo(10);
        assertThat(two.isBuddy(RAM + 3072)).isTrue();
        assertThat(two.order(RAM + 3072)).isEqualTo(10);
        assertThat(two.zone(ZoneType.HIGHMEM).nrFree(10)).isEqualTo(1);
        assertThat(two.zone(ZoneType.DMA).nrFree(11)).isEqualTo(1);
        assertThat(two.zone(ZoneType.DMA).nrFree(10)).isEqualTo(1);
    }

    @Test
    void aFreeIntoAnIsolatedPageblockLeavesTheFreeCountAlone() {
        long x = alloc(Gfp.GFP_KERNEL, 4);
        long free = pa.zone(ZoneType.DMA).freePages();
        pa.setPageblockMigratetype(x, MigrateType.ISOLATE);
        // __free_one_page does not count pages freed into a MIGRATE_ISOLATE block (__mod_zone_freepage_state skipped)
        free(x, 4);
        assertThat(pa.zone(ZoneType.DMA).freePages()).isEqualTo(free);
        assertThat(pa.isBuddy(x)).isTrue();
        assertThat(pa.listMigratetype(x)).isEqualTo(MigrateType.ISOLATE);
        // an order-0 page of that block skips the per-CPU list (free_unref_page) and is not counted either
        pa.setPageblockMigratetype(x, MigrateType.UNMOVABLE);
        long p = alloc(Gfp.GFP_KERNEL, 0);
        pa.setPageblockMigratetype(p, MigrateType.ISOLATE);
        long cached = pa.zone(ZoneType.DMA).pcpListPages();
        long before = pa.zone(ZoneType.DMA).freePages();
        free(p, 0);
        assertThat(pa.zone(ZoneType.DMA).pcpListPages()).isEqualTo(cached);
        assertThat(pa.zone(ZoneType.DMA).freePages()).isEqualTo(before);
        assertThat(pa.isOnPcp(p)).isFalse();
        assertThat(pa.isBuddy(p)).isTrue();
    }

    @Test
    void aBlockAtTheEndOfMemMapHasNoBuddyPastIt() {
        // DMA [RAM, RAM + 3000): __free_pages_memory takes orders 11, 9, 8, 7, 5, 4, 3 (2048 + 512 + 256 + 128
        // + 32 + 16 + 8); the last, [RAM + 2992, order 3], has its buddy at RAM + 3000, past mem_map
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, RAM, 3000, 3000, 3000, 16, 20, 24, new long[4], 30, 7);
        PageAllocator end = new PageAllocator(List.of(dma), MemMapLayout.virt(TestBoards.MEM_MAP, RAM + 3000), 1);
        end.memblockFreeRange(RAM, RAM + 3000);
        assertThat(end.zone(ZoneType.DMA).freePages()).isEqualTo(3000);
        for (int o : new int[] {11, 9, 8, 7, 5, 4, 3}) {
            assertThat(end.zone(ZoneType.DMA).nrFree(o)).as("order %d", o).isEqualTo(1);
        }
        assertThat(end.isBuddy(RAM + 2992)).isTrue();
        assertThat(end.order(RAM + 2992)).isEqualTo(3);
    }

    @Test
    void belowPageblockOrderBuddiesMergeWhateverTheirPageblockHasBecome() {
        // an order-3 request refills two order-3 blocks (max(15 >> 3, 2)) of one split: X and its buddy X + 8
        long x = alloc(Gfp.GFP_KERNEL, 3);
        assertThat(pa.isOnPcp(x + 8)).isTrue();
        free(x, 3);
        // both wait on the per-CPU list as MIGRATE_UNMOVABLE pages; their pageblock turns MIGRATE_HIGHATOMIC
        pa.setPageblockMigratetype(x, MigrateType.HIGHATOMIC);
        assertThat(pa.drainLocalPages(0)).isEqualTo(Result.VOID);
        // __free_one_page compares pageblock types only from pageblock_order on: they merge
        assertThat(pa.isBuddy(x + 8)).isFalse();
        assertThat(pa.isBuddy(x)).isTrue();
        assertThat(pa.order(x)).isGreaterThan(3);
    }

    @Test
    void theNextHigherBuddyCanBeTheFirstFrameOfMemMap() {
        long movable = Gfp.GFP_KERNEL | Gfp.MOVABLE;
        // order-7 requests split [RAM, order 9]: RAM, RAM + 0x80, RAM + 0x100, RAM + 0x180; then RAM + 0x1600
        long[] got = new long[5];
        for (int i = 0; i < 5; i++) {
            got[i] = alloc(movable, 7);
        }
        assertThat(got).containsExactly(RAM, RAM + 0x80, RAM + 0x100, RAM + 0x180, RAM + 0x1600);
        // expand listed RAM + 0x1680 at order 7
        assertThat(pa.freeList(ZoneType.DMA, 7, MigrateType.MOVABLE)).containsExactly(RAM + 0x1680);
        free(RAM, 7);
        free(RAM + 0x80, 7);
        // merged into [RAM, order 8]; RAM + 0x100 is held
        assertThat(pa.order(RAM)).isEqualTo(8);
        // RAM + 0x180: its buddy RAM + 0x100 is held; the order-8 buddy of [RAM + 0x100, RAM + 0x200) is RAM,
        // frame 0, free at order 8: tail
        free(RAM + 0x180, 7);
        assertThat(pa.freeList(ZoneType.DMA, 7, MigrateType.MOVABLE)).containsExactly(RAM + 0x1680, RAM + 0x180);
    }
}
