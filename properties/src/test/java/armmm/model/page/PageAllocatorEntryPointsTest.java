package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Pfn;
import armmm.model.core.Result;
import armmm.model.layout.LayoutBug;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The allocator's public entry points around the kernel calls: the change signals the checks read
 * ({@link PageAllocator#mutations}, the frames a call touched), the reports a call carries
 * ({@code withReports}), the step record, the first and the last frame of mem_map at each entry
 * (pfn 0 is a page, not NULL, where RAM starts at physical 0), {@code split_page}, and the
 * hand-over that turns planted layout bugs on (mm/page_alloc.c, include/linux/gfp.h).
 */
class PageAllocatorEntryPointsTest {
    private final PageAllocator pa = TestBoards.small(2);

    private long page(long pfn) {
        return pa.layout().pfnToPage(pfn);
    }

    private long alloc(long gfp, int ord) {
        Result r = pa.allocPages(gfp, ord, 0);
        assertThat(r.value()).isNotZero();
        return pa.layout().pageToPfn(r.value());
    }

    private boolean dirty(long pfn) {
        for (int f : pa.dirtyFrames()) {
            if (f == pfn - pa.basePfn()) {
                return true;
            }
        }
        return false;
    }

    /** The call counts once in {@link PageAllocator#mutations}. */
    private void countsOnce(Consumer<PageAllocator> call) {
        long before = pa.mutations();
        call.accept(pa);
        assertThat(pa.mutations()).isEqualTo(before + 1);
    }

    @Test
    void everyMutatingCallCountsOnce() {
        long p = alloc(Gfp.GFP_KERNEL, 3);
        countsOnce(a -> a.allocPages(Gfp.GFP_KERNEL, 0, 0));
        countsOnce(a -> a.getFreePages(Gfp.GFP_KERNEL, 0, 0));
        countsOnce(a -> a.allocPagesPfn(Gfp.GFP_KERNEL, 0, 0));
        countsOnce(a -> a.splitPage(page(p), 3));
        countsOnce(a -> a.freePages(page(p), 0, 0));
        countsOnce(a -> a.freePagesPfn(p + 1, 0, 0));
        countsOnce(a -> a.freePagesVirt(a.layout().pageAddress(p + 2), 0, 0));
        countsOnce(a -> a.vmstatUpdate(0));
        countsOnce(a -> a.drainLocalPages(1));
        countsOnce(a -> a.setPageSlab(p + 3, true));
        countsOnce(a -> a.setMobilityGroupingDisabled(false));
        countsOnce(a -> a.setPageblockMigratetype(p, MigrateType.UNMOVABLE));
        countsOnce(a -> a.memblockFreeRange(TestBoards.RAM + 0x200, TestBoards.RAM + 0x201));
        countsOnce(a -> a.freeHighpages(TestBoards.RAM + 0x201, TestBoards.RAM + 0x202));
        countsOnce(a -> a.freeReservedArea(TestBoards.RAM + 0x202, TestBoards.RAM + 0x203));
        countsOnce(a -> a.activateCmaArea(TestBoards.RAM + 0x203, 1));
        countsOnce(PageAllocator::setupPerCpuPagesets);
        countsOnce(PageAllocator::clearDirty);
        // refresh_vm_stats is vmstat_update on each of the 2 CPUs
        long before = pa.mutations();
        pa.refreshVmStats();
        assertThat(pa.mutations()).isEqualTo(before + 2);
        // the step hook sets "handed over" before every call: only a change counts
        before = pa.mutations();
        pa.setHandedOver(true);
        assertThat(pa.mutations()).isEqualTo(before);
        pa.setHandedOver(false);
        assertThat(pa.mutations()).isEqualTo(before + 1);
    }

    @Test
    void eachCallStartsAFreshListOfTouchedFramesAndForgetsTheLastAllocation() {
        long high = alloc(Gfp.GFP_HIGHUSER, 4);
        long low = alloc(Gfp.GFP_KERNEL, 4);
        // a HighMem free touches HighMem frames only; each DMA call after it starts afresh
        pa.freePagesPfn(high, 4, 0);
        pa.beginStep();
        assertThat(pa.freePages(page(high), 0, 0).isRefused()).isFalse();
        assertThat(pa.lastAlloc()).isNull();
        assertThat(dirty(high)).isTrue();
        long k = pa.changeCount();
        assertThat(pa.changeCountAtStepStart()).isLessThan(k);
        pa.allocPages(Gfp.GFP_KERNEL, 0, 0);
        assertThat(dirty(high)).isFalse();
        assertThat(pa.changeCountAtStepStart()).isEqualTo(k);
        assertThat(pa.changeCount()).isGreaterThan(k);
        assertThat(pa.lastAlloc()).isNotNull();
        pa.freePagesPfn(high, 0, 0);
        pa.getFreePages(Gfp.GFP_KERNEL, 0, 0);
        assertThat(dirty(high)).isFalse();
        pa.freePagesPfn(high, 0, 0);
        pa.freePagesVirt(pa.layout().pageAddress(low), 4, 0);
        assertThat(dirty(high)).isFalse();
        assertThat(dirty(low)).isTrue();
        assertThat(pa.lastAlloc()).isNull();
        long q = alloc(Gfp.GFP_KERNEL, 1);
        pa.freePagesPfn(high, 0, 0);
        assertThat(pa.splitPage(page(q), 1)).isEqualTo(Result.VOID);
        assertThat(dirty(high)).isFalse();
        assertThat(dirty(q)).isTrue();
        assertThat(dirty(q + 1)).isTrue();
        assertThat(pa.lastAlloc()).isNull();
        pa.freePagesPfn(high, 0, 0);
        pa.clearDirty();
        assertThat(dirty(high)).isFalse();
        // clearDirty: every invariant scans every frame once
        assertThat(pa.needsFullScan("INV-X")).isTrue();
        assertThat(pa.dirtyOverflow()).isFalse();
    }

    @Test
    void aCallTouchingMoreFramesThanAreTrackedOverflows() {
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, TestBoards.RAM, 16384, 16384, 16384, 128, 160, 192, new long[4], 60, 15);
        PageAllocator big = new PageAllocator(List.of(dma), MemMapLayout.virt(TestBoards.MEM_MAP, TestBoards.RAM + 16384), 1);
        big.beginStep();
        // free_reserved_area page by page: each of the 16384 frees links a page, merges unlink buddies
        big.freeReservedArea(TestBoards.RAM, TestBoards.RAM + 16384);
        assertThat(big.dirtyOverflow()).isTrue();
        assertThat(big.needsFullScan("INV-X")).isTrue();
        big.beginStep();
        assertThat(big.dirtyOverflow()).isFalse();
        assertThat(big.zone(ZoneType.DMA).freePages()).isEqualTo(16384);
    }

    @Test
    void kswapdWokenByOneCallRunsBeforeTheNext() {
        assertThat(pa.kswapdFailures()).isZero();
        // DMA's five order-11 blocks go to movable requests; the first unmovable request then steals from a
        // block below pageblock_order (the largest left is order 9): steal_suitable_fallback boosts DMA's
        // watermark (boost_watermark: managed 11264 >= 4 pageblocks) and, with ALLOC_KSWAPD, rmqueue wakes kswapd
        for (int i = 0; i < 5; i++) {
            alloc(Gfp.GFP_KERNEL | Gfp.MOVABLE, 11);
        }
        assertThat(pa.kswapdFailures()).isZero();
        alloc(Gfp.GFP_KERNEL, 0);
        assertThat(pa.zone(ZoneType.DMA).watermarkBoost()).isPositive();
        long before = pa.mutations();
        // kswapd reclaims nothing in the model: its pass is a failure (pgdat->kswapd_failures++) that
        // takes the boost off; it runs when the next call begins
        pa.freePagesVirt(0, 0, 0);
        assertThat(pa.kswapdFailures()).isEqualTo(1);
        assertThat(pa.zone(ZoneType.DMA).watermarkBoost()).isZero();
        assertThat(pa.mutations()).isEqualTo(before + 2);
        // nothing woke it since: no pass
        pa.freePagesVirt(0, 0, 0);
        assertThat(pa.kswapdFailures()).isEqualTo(1);
        assertThat(pa.mutations()).isEqualTo(before + 3);
    }

    @Test
    void theFirstFrameOfMemMapIsAPageAtEveryEntry() {
        long first = TestBoards.RAM;
        // [RAM, order 9] heads MOVABLE's order-9 list
        long p = alloc(Gfp.GFP_KERNEL | Gfp.MOVABLE, 9);
        assertThat(p).isEqualTo(first);
        assertThat(pa.freePages(page(first), 9, 0)).isEqualTo(Result.VOID);
        assertThat(pa.getFreePages(Gfp.GFP_KERNEL | Gfp.MOVABLE, 9, 0).value()).isEqualTo(0xc0000000L);
        assertThat(pa.freePagesVirt(0xc0000000L, 9, 0)).isEqualTo(Result.VOID);
        assertThat(pa.allocFrames(Gfp.GFP_KERNEL | Gfp.MOVABLE, 9, 0)).isEqualTo(new Pfn(first));
        assertThat(pa.freeFrames(new Pfn(first), 9, 0)).isEqualTo(Result.VOID);
        long q = alloc(Gfp.GFP_KERNEL | Gfp.MOVABLE, 9);
        assertThat(pa.splitPage(page(first), 9)).isEqualTo(Result.VOID);
        // split_page stops at the block's end: RAM + 0x200 is the reserved kernel image
        assertThat(pa.isReserved(first + 0x200)).isTrue();
        assertThat(pa.isAllocated(first + 0x200)).isFalse();
        assertThat(pa.refcount(first + 0x200)).isEqualTo(1);
        assertThat(pa.refcount(first + 0x1ff)).isEqualTo(1);
        assertThat(q).isEqualTo(first);
    }

    @Test
    void pfnZeroIsAPageWhereRamStartsAtZero() {
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, 0, 8192, 8192, 8192, 16, 20, 24, new long[4], 30, 7);
        MemMapLayout layout = new MemMapLayout(0xef000000L, 0, 0xc0000000L, 8192, 32);
        PageAllocator zero = new PageAllocator(List.of(dma), layout, 1);
        zero.memblockFreeRange(0, 8192);
        zero.setupPerCpuPagesets();
        zero.clearDirty();
        // __free_pages_memory from pfn 0: four order-11 blocks, 0 first on the list
        assertThat(zero.freeList(ZoneType.DMA, 11, MigrateType.MOVABLE)).containsExactly(0L, 2048L, 4096L, 6144L);
        long movable = Gfp.GFP_KERNEL | Gfp.MOVABLE;
        assertThat(zero.allocPages(movable, 11, 0).value()).isEqualTo(0xef000000L);
        assertThat(zero.freePagesPfn(0, 11, 0)).isEqualTo(Result.VOID);
        assertThat(zero.getFreePages(movable, 11, 0).value()).isEqualTo(0xc0000000L);
        assertThat(zero.freePagesPfn(0, 11, 0)).isEqualTo(Result.VOID);
        assertThat(zero.allocFrames(movable, 11, 0)).isEqualTo(new Pfn(0));
        assertThat(zero.allocPagesPfn(movable, 11, 0)).isEqualTo(2048);
    }

    @Test
    void aPlantedZoneBugThatHandsHighMemToGetFreePagesIsRefused() {
        PageAllocator bugged = TestBoards.small(2, Bugs.of(PageBug.GFP_KERNEL_FROM_HIGHMEM));
        // HighMem's MOVABLE order-11 list is [RAM + 0x4800, RAM + 0x4000] (each freed to the head when its
        // last page merged): a movable order-11 request takes the first (CMA is not above half the free pages)
        long taken = bugged.layout().pageToPfn(bugged.allocPages(Gfp.GFP_HIGHUSER_MOVABLE, 11, 0).value());
        assertThat(taken).isEqualTo(TestBoards.RAM + 0x4800);
        // the unmovable order-10 request then steals [RAM + 0x4000, order 11] and gets its lower half:
        // max_low_pfn itself, the first pfn without a linear mapping
        Result r = bugged.getFreePages(Gfp.GFP_KERNEL, 10, 0);
        assertThat(r).isInstanceOf(Result.Refused.class);
        assertThat(((Result.Refused) r).reason()).isEqualTo("page_address of a highmem page");
        assertThat(bugged.lastAlloc().pfn()).isEqualTo(TestBoards.RAM + 16384);
    }

    @Test
    void splitPageRefusesPagesTheAllocatorDidNotHandOutAndStopsAtTheBlock() {
        // a free page: no reference; a reserved page: not the allocator's to split (the model's refusal)
        long freeHead = pa.freeListHead(ZoneType.HIGHMEM, 11, MigrateType.MOVABLE);
        assertThat(((Result.Refused) pa.splitPage(page(freeHead), 0)).reason()).isEqualTo("VM_BUG_ON_PAGE(!page_count(page))");
        long reserved = TestBoards.RAM + 0x300;
        assertThat(((Result.Refused) pa.splitPage(page(reserved), 0)).reason()).isEqualTo("VM_BUG_ON_PAGE(!page_count(page))");
        assertThat(pa.isAllocated(reserved)).isFalse();
        long a = alloc(Gfp.GFP_KERNEL, 2);
        long b = alloc(Gfp.GFP_KERNEL, 2);
        assertThat(b).isEqualTo(a + 4);
        pa.beginStep();
        assertThat(pa.splitPage(page(a), 2)).isEqualTo(Result.VOID);
        for (long p = a; p < a + 4; p++) {
            assertThat(dirty(p)).isTrue();
        }
        assertThat(dirty(a - 1)).isFalse();
        assertThat(pa.refcount(b)).isEqualTo(1);
        assertThat(pa.order(b)).isEqualTo(2);
        assertThat(pa.refcount(b + 1)).isZero();
    }

    @Test
    void aSeededBugLeavesSplitPagesWithoutAReference() {
        PageAllocator bugged = TestBoards.small(2, Bugs.of(PageBug.PAGE_SPLIT_NO_REFCOUNT));
        long p = bugged.layout().pageToPfn(bugged.allocPages(Gfp.GFP_KERNEL, 2, 0).value());
        assertThat(bugged.splitPage(bugged.layout().pfnToPage(p), 2)).isEqualTo(Result.VOID);
        assertThat(bugged.refcount(p)).isEqualTo(1);
        assertThat(bugged.refcount(p + 1)).isZero();
        assertThat(bugged.refcount(p + 3)).isZero();
    }

    @Test
    void reportsPrintedDuringACallGoWithItsResultOnce() {
        pa.setDebugVm(true);
        long reserved = TestBoards.RAM + 0x300;
        // a free for another subsystem: its Bad page state report waits for the call's result
        Result bad = pa.freePagesPfn(reserved, 0, 0);
        String line = ((Result.Refused) bad).report();
        assertThat(line).startsWith("BUG: Bad page state");
        Result v = pa.withReports(Result.of(7));
        assertThat(v).isEqualTo(Result.warned(7, line));
        assertThat(pa.withReports(Result.of(7))).isEqualTo(Result.of(7));
        // a warning keeps its origin and gets the lines after its own
        pa.freePagesPfn(reserved + 1, 0, 0);
        String line2 = ((Result.Refused) pa.freePagesPfn(reserved + 2, 0, 0)).report();
        Result w = pa.withReports(Result.finding(3, "w"));
        assertThat(w).isInstanceOf(Result.Warned.class);
        assertThat(((Result.Warned) w).value()).isEqualTo(3);
        assertThat(((Result.Warned) w).warning()).startsWith("w; BUG: Bad page state").endsWith("; " + line2);
        assertThat(((Result.Warned) w).origin()).isEqualTo(Result.Origin.MODEL);
        // a refusal keeps its reason
        pa.freePagesPfn(reserved + 3, 0, 0);
        Result r = pa.withReports(new Result.Refused("why", "said"));
        assertThat(((Result.Refused) r).reason()).isEqualTo("why");
        assertThat(((Result.Refused) r).report()).startsWith("said; BUG: Bad page state");
        // a refusal that is no Bad page state report is not kept
        long p = alloc(Gfp.GFP_KERNEL, 3);
        assertThat(((Result.Refused) pa.freePagesPfn(p, 2, 0)).reason()).isEqualTo("wrong order");
        assertThat(pa.withReports(Result.VOID)).isEqualTo(Result.VOID);
        // forgetReports drops what is pending
        pa.freePagesPfn(reserved + 4, 0, 0);
        pa.forgetReports();
        assertThat(pa.withReports(Result.VOID)).isEqualTo(Result.VOID);
    }

    @Test
    void theSmallReadersAndSettersSayWhatWasSet() {
        assertThatThrownBy(() -> new PageAllocator(List.of(), MemMapLayout.virt(TestBoards.MEM_MAP, TestBoards.RAM), 0))
                .isInstanceOf(IllegalArgumentException.class);
        pa.setStepRecord("call");
        assertThat(pa.stepRecord(String.class)).isEqualTo("call");
        assertThat(pa.stepRecord(Integer.class)).isNull();
        assertThat(pa.watermarkBoostFactor()).isEqualTo(15000);
        assertThat(pa.mobilityGroupingDisabled()).isFalse();
        pa.setMobilityGroupingDisabled(true);
        assertThat(pa.mobilityGroupingDisabled()).isTrue();
        // managed pages per zone as boot gave them: DMA 11264, Normal 0, HighMem 8192
        armmm.model.zone.PerZone managed = pa.zoneHalf().managedPages();
        assertThat(managed.get(ZoneType.DMA)).isEqualTo(16384 - 5120);
        assertThat(managed.get(ZoneType.NORMAL)).isZero();
        assertThat(managed.get(ZoneType.HIGHMEM)).isEqualTo(8192);
        assertThat(managed.get(ZoneType.MOVABLE)).isZero();
        long p = alloc(Gfp.GFP_KERNEL, 0);
        pa.beginStep();
        pa.setPageSlab(p, true);
        assertThat(pa.isPageSlab(p)).isTrue();
        assertThat(dirty(p)).isTrue();
        assertThat(pa.pageFlags(p)).isEqualTo(1L << PageAllocator.PG_SLAB);
        pa.setPageSlab(p, false);
        assertThat(pa.isPageSlab(p)).isFalse();
        assertThat(pa.isAllocated(p)).isTrue();
        // a block taken off its list is no longer linked on it
        long head = pa.freeListHead(ZoneType.HIGHMEM, 11, MigrateType.MOVABLE);
        assertThat(pa.isLinkedOnItsList(head)).isTrue();
        assertThat(pa.layout().pageToPfn(pa.allocPages(Gfp.GFP_HIGHUSER_MOVABLE, 11, 0).value())).isEqualTo(head);
        assertThat(pa.isLinkedOnItsList(head)).isFalse();
    }

    @Test
    void nextOnListReachesTheFirstFrameOfMemMap() {
        long a = alloc(Gfp.GFP_KERNEL | Gfp.MOVABLE, 9);
        long b = alloc(Gfp.GFP_KERNEL | Gfp.MOVABLE, 9);
        assertThat(List.of(a, b)).containsExactly(TestBoards.RAM, TestBoards.RAM + 0x1600);
        pa.freePagesPfn(a, 9, 0);
        // RAM + 0x1600: its buddy RAM + 0x1400 is reserved; the order-10 buddy of RAM + 0x1400 is not free: head
        pa.freePagesPfn(b, 9, 0);
        assertThat(pa.freeList(ZoneType.DMA, 9, MigrateType.MOVABLE)).containsExactly(TestBoards.RAM + 0x1600, TestBoards.RAM);
        assertThat(pa.nextOnList(TestBoards.RAM + 0x1600)).isEqualTo(TestBoards.RAM);
    }

    @Test
    void theHandOverTurnsThePlantedLayoutBugsOn() {
        PageAllocator bugged = TestBoards.small(2, Bugs.of(LayoutBug.LAYOUT_PA_OFF_BY_PAGE));
        assertThat(bugged.layout().bugs().has(LayoutBug.LAYOUT_PA_OFF_BY_PAGE)).isTrue();
        bugged.setHandedOver(false);
        assertThat(bugged.layout().bugs().isEmpty()).isTrue();
        assertThat(bugged.handedOver()).isFalse();
        bugged.setHandedOver(true);
        assertThat(bugged.layout().bugs().has(LayoutBug.LAYOUT_PA_OFF_BY_PAGE)).isTrue();
    }

    @Test
    void aNullFromGetFreePagesIsZeroAndAFreeForgetsTheAllocationBeforeIt() {
        // no order-12 block exists: NULL, address 0
        assertThat(pa.getFreePages(Gfp.GFP_KERNEL, 12, 0).value()).isZero();
        long p = alloc(Gfp.GFP_KERNEL, 4);
        assertThat(pa.lastAlloc()).isNotNull();
        assertThat(pa.freePages(page(p), 4, 0)).isEqualTo(Result.VOID);
        assertThat(pa.lastAlloc()).isNull();
    }

    @Test
    void aLeakedBlockCannotBeSplit() {
        long four = alloc(Gfp.GFP_KERNEL, 4);
        pa.setPageSlab(four, true);
        assertThat(pa.freePagesPfn(four, 4, 0).isRefused()).isTrue();
        assertThat(pa.isLeaked(four)).isTrue();
        // its reference went with the reported free: split_page's VM_BUG_ON_PAGE(!page_count(page))
        assertThat(((Result.Refused) pa.splitPage(page(four), 4)).reason()).isEqualTo("VM_BUG_ON_PAGE(!page_count(page))");
    }

    @Test
    void aRetuneReachesEveryZoneTheAllocatorHas() {
        armmm.model.kernel.Kernel k = armmm.model.kernel.Kernel.boot(armmm.model.board.Board.virt(256L << 20));
        armmm.model.zone.ZoneSetup setup = k.zones().orElseThrow();
        long before = pa.mutations();
        // the small board has no Movable zone: that one is skipped
        pa.zoneHalf().retuned(setup, false);
        assertThat(pa.mutations()).isEqualTo(before + 1);
        assertThat(pa.zone(ZoneType.DMA).config()).isEqualTo(setup.zone(ZoneType.DMA));
        assertThat(pa.zone(ZoneType.DMA).pcp(1).high()).isEqualTo(setup.zone(ZoneType.DMA).pcpHigh());
        assertThat(pa.watermarkBoostFactor()).isEqualTo(setup.tuning().watermarkBoostFactor());
        assertThat(pa.watermarkBoostFactorsSinceBoot()).contains(15000L);
    }
}
