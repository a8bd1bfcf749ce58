package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.zone.ZoneType;
import org.junit.jupiter.api.Test;

/**
 * The free-list {@link PageBug}s against the rule each breaks, next to the clean kernel's
 * result: {@code expand} listing every upper half, {@code __free_one_page} merging buddies at
 * {@code pfn & buddy_pfn} and keeping {@code nr_free}, {@code del_page_from_free_list} dropping it,
 * a CMA block back on the CMA list (mm/page_alloc.c). On {@link TestBoards#small}: DMA holds
 * order-11 MIGRATE_MOVABLE blocks from RAM + 0x1800, HighMem two MOVABLE and two CMA ones.
 */
class FreeListsSeededBugsTest {
    private static long alloc(PageAllocator pa, long gfp, int ord) {
        Result r = pa.allocPages(gfp, ord, 0);
        assertThat(r.value()).isNotZero();
        return pa.layout().pageToPfn(r.value());
    }

    private static PageAllocator with(PageBug bug) {
        return TestBoards.small(2, Bugs.of(bug));
    }

    @Test
    void expandLeakLosesTheLastOrderZeroHalfInHighMemOnly() {
        PageAllocator clean = TestBoards.small(2);
        PageAllocator bugged = with(PageBug.BUDDY_EXPAND_LEAK);
        // an unmovable order-0 HighMem request (no CMA) refills the per-CPU list page by page: the first from
        // an order-11 block (x handed out, x + 1 listed at order 0), the next x + 1, then x + 2 from [x + 2, order 1]
        long x = alloc(clean, Gfp.GFP_HIGHUSER, 0);
        assertThat(clean.isOnPcp(x + 1)).isTrue();
        assertThat(clean.isOnPcp(x + 2)).isTrue();
        long y = alloc(bugged, Gfp.GFP_HIGHUSER, 0);
        assertThat(y).isEqualTo(x);
        // the bug drops x + 1 and x + 3 (each split down to order 0 loses its last half)
        assertThat(bugged.isOnPcp(y + 1) || bugged.isBuddy(y + 1) || bugged.isAllocated(y + 1)).isFalse();
        assertThat(bugged.isOnPcp(y + 2)).isTrue();
        // an order-1 request never expands down to order 0: nothing lost
        long z = alloc(bugged, Gfp.GFP_HIGHUSER, 1);
        assertThat(bugged.isBuddy(z + 2) || bugged.isOnPcp(z + 2)).isTrue();
        // DMA is not HighMem: nothing lost
        long d = alloc(bugged, Gfp.GFP_KERNEL, 0);
        assertThat(bugged.isOnPcp(d + 1)).isTrue();
    }

    @Test
    void staleNrFreeKeepsTheCountOfTheListABlockLeft() {
        PageAllocator clean = TestBoards.small(2);
        PageAllocator bugged = with(PageBug.BUDDY_STALE_NR_FREE);
        assertThat(clean.zone(ZoneType.DMA).nrFree(11)).isEqualTo(5);
        alloc(clean, Gfp.GFP_KERNEL | Gfp.MOVABLE, 11);
        alloc(bugged, Gfp.GFP_KERNEL | Gfp.MOVABLE, 11);
        assertThat(clean.zone(ZoneType.DMA).nrFree(11)).isEqualTo(4);
        assertThat(bugged.zone(ZoneType.DMA).nrFree(11)).isEqualTo(5);
        assertThat(bugged.freeList(ZoneType.DMA, 11, MigrateType.MOVABLE)).hasSize(4);
    }

    @Test
    void noMergeListsEachFreedBlockAlone() {
        PageAllocator clean = TestBoards.small(2);
        PageAllocator bugged = with(PageBug.BUDDY_NO_MERGE);
        for (PageAllocator pa : new PageAllocator[] {clean, bugged}) {
            long a = alloc(pa, Gfp.GFP_KERNEL | Gfp.MOVABLE, 8);
            long b = alloc(pa, Gfp.GFP_KERNEL | Gfp.MOVABLE, 8);
            assertThat(b).isEqualTo(a + 256);
            pa.freePagesPfn(a, 8, 0);
            pa.freePagesPfn(b, 8, 0);
        }
        assertThat(clean.order(TestBoards.RAM)).isEqualTo(9);
        assertThat(clean.isBuddy(TestBoards.RAM + 256)).isFalse();
        assertThat(bugged.order(TestBoards.RAM)).isEqualTo(8);
        assertThat(bugged.isBuddy(TestBoards.RAM + 256)).isTrue();
        assertThat(bugged.zone(ZoneType.DMA).nrFree(8)).isEqualTo(2);
    }

    @Test
    void misalignedMergeListsTheMergedBlockAtTheHigherBuddy() {
        PageAllocator bugged = with(PageBug.BUDDY_MISALIGNED_MERGE);
        long a = alloc(bugged, Gfp.GFP_KERNEL | Gfp.MOVABLE, 8);
        long b = alloc(bugged, Gfp.GFP_KERNEL | Gfp.MOVABLE, 8);
        bugged.freePagesPfn(a, 8, 0);
        bugged.freePagesPfn(b, 8, 0);
        // pfn | buddy_pfn = RAM + 256 instead of RAM & (RAM + 256) = RAM
        assertThat(bugged.isBuddy(TestBoards.RAM + 256)).isTrue();
        assertThat(bugged.order(TestBoards.RAM + 256)).isEqualTo(9);
        assertThat(bugged.isBuddy(TestBoards.RAM)).isFalse();
    }

    @Test
    void highmemStaleNrFreeForgetsTheBuddysCountFromOrderFiveOn() {
        PageAllocator clean = TestBoards.small(2);
        PageAllocator bugged = with(PageBug.BUDDY_HIGHMEM_STALE_NR_FREE);
        for (PageAllocator pa : new PageAllocator[] {clean, bugged}) {
            // an order-4 HighMem block from an order-11 one: expand lists buddies at orders 4..10;
            // its free merges them all back
            long p = alloc(pa, Gfp.GFP_HIGHUSER_MOVABLE, 4);
            assertThat(pa.freePagesPfn(p, 4, 0)).isEqualTo(Result.VOID);
            long q = alloc(pa, Gfp.GFP_KERNEL | Gfp.MOVABLE, 4);
            assertThat(pa.freePagesPfn(q, 4, 0)).isEqualTo(Result.VOID);
        }
        BuddyZone high = bugged.zone(ZoneType.HIGHMEM);
        assertThat(clean.zone(ZoneType.HIGHMEM).nrFree(4)).isZero();
        assertThat(clean.zone(ZoneType.HIGHMEM).nrFree(5)).isZero();
        assertThat(high.nrFree(4)).isZero();
        for (int o = 5; o <= 10; o++) {
            assertThat(high.nrFree(o)).as("order %d", o).isEqualTo(1);
        }
        // DMA merged the same way without the stale counts
        for (int o = 4; o <= 10; o++) {
            assertThat(bugged.zone(ZoneType.DMA).nrFree(o)).as("DMA order %d", o)
                    .isEqualTo(clean.zone(ZoneType.DMA).nrFree(o));
        }
    }

    @Test
    void cmaOnMovableListPutsAFreedCmaBlockOnTheMovableList() {
        PageAllocator clean = TestBoards.small(2);
        PageAllocator bugged = with(PageBug.BUDDY_CMA_ON_MOVABLE_LIST);
        for (PageAllocator pa : new PageAllocator[] {clean, bugged}) {
            // HighMem: 4096 free MOVABLE, 4096 free CMA; the first movable order-4 request leaves CMA above half,
            // so the second comes from a CMA block
            alloc(pa, Gfp.GFP_HIGHUSER_MOVABLE, 4);
            long cma = alloc(pa, Gfp.GFP_HIGHUSER_MOVABLE, 4);
            assertThat(pa.pageblockMigratetype(cma)).isEqualTo(MigrateType.CMA);
            assertThat(pa.freePagesPfn(cma, 4, 0)).isEqualTo(Result.VOID);
            assertThat(pa.zone(ZoneType.HIGHMEM).freeCmaPages()).isEqualTo(4096);
        }
        long head = TestBoards.RAM + 16384 + 8192 - 2048;
        assertThat(clean.listMigratetype(head)).isEqualTo(MigrateType.CMA);
        assertThat(bugged.listMigratetype(head)).isEqualTo(MigrateType.MOVABLE);
        // an UNMOVABLE block freed under the bug stays on UNMOVABLE's list (the unmovable request stole a
        // whole pageblock, which merges back to order 11)
        long unmov = alloc(bugged, Gfp.GFP_KERNEL, 4);
        assertThat(bugged.freePagesPfn(unmov, 4, 0)).isEqualTo(Result.VOID);
        long back = bugged.freeListHead(ZoneType.DMA, 11, MigrateType.UNMOVABLE);
        assertThat(back).isNotEqualTo(-1);
        assertThat(bugged.listMigratetype(back)).isEqualTo(MigrateType.UNMOVABLE);
    }

    @Test
    void expandLeakKeepsTheOrderOneHalfOfAnOrderOneRequest() {
        PageAllocator bugged = with(PageBug.BUDDY_EXPAND_LEAK);
        // the first unmovable order-1 HighMem request splits an order-11 block down to order 1, listing
        // z + 2 at order 1 (low is 1, not 0: nothing lost); the per-CPU refill takes it next
        long z = alloc(bugged, Gfp.GFP_HIGHUSER, 1);
        assertThat(bugged.isOnPcp(z + 2)).isTrue();
    }
}
