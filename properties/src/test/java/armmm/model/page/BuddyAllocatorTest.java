package armmm.model.page;

import armmm.model.core.Gfp;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.check.BuddyChecks;
import armmm.model.kernel.Kernel;
import armmm.model.core.ObservablePath;
import armmm.model.page.PageOp;
import armmm.model.core.Result;
import armmm.model.zone.ZoneType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The buddy allocator's behaviour on small boards, call by call, with every invariant checked. */
class BuddyAllocatorTest {
    private final PageAllocator pa = TestBoards.small(2);
    private final Kernel kernel = TestBoards.kernel(pa);

    private long apply(PageOp op) {
        Result r = kernel.apply(op);
        assertThat(r.isRefused()).as("%s refused: %s", op, r).isFalse();
        assertThat(kernel.check()).as("invariants after %s", op).isEmpty();
        return r.value();
    }

    private Result.Refused refused(PageOp op) {
        Result r = kernel.apply(op);
        assertThat(r).as("%s", op).isInstanceOf(Result.Refused.class);
        assertThat(kernel.check()).as("invariants after %s", op).isEmpty();
        return (Result.Refused) r;
    }

    private long pfn(long page) {
        return pa.layout().pageToPfn(page);
    }

    private long observe(String path) {
        List<ObservablePath.Segment> segs = new ArrayList<>();
        for (String part : path.split("\\.")) {
            int b = part.indexOf('[');
            segs.add(b < 0 ? new ObservablePath.Segment(part, null)
                    : new ObservablePath.Segment(part.substring(0, b), part.substring(b + 1, part.length() - 1)));
        }
        return kernel.observe(new ObservablePath(segs)).orElseThrow();
    }

    @Test
    void bootLeavesTheFreeMemoryInTheHighestOrderAndEveryFrameAccountedFor() {
        assertThat(BuddyChecks.fullScan(pa)).isEmpty();
        BuddyZone dma = pa.zone(ZoneType.DMA);
        // 64 MiB minus the 20 MiB image: 0x200 pages below it, then 0x1600..0x4000
        assertThat(dma.freePages()).isEqualTo(16384 - 0x1400);
        assertThat(dma.nrFree(11)).isEqualTo(5);
        assertThat(dma.reservedPages()).isEqualTo(0x1400);
        BuddyZone high = pa.zone(ZoneType.HIGHMEM);
        assertThat(high.freePages()).isEqualTo(8192);
        assertThat(high.freeCmaPages()).isEqualTo(4096);
        assertThat(high.freeListCount(11, MigrateType.CMA)).isEqualTo(2);
        assertThat(high.freeListCount(11, MigrateType.MOVABLE)).isEqualTo(2);
    }

    @Test
    void freeingBothBuddiesRestoresTheHigherOrder() {
        long before3 = pa.zone(ZoneType.DMA).nrFree(11);
        long a = apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 4, 0));
        long b = apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 4, 0));
        assertThat(pfn(a) ^ pfn(b)).isEqualTo(16);
        apply(new PageOp.FreePages(a, 4, 0));
        apply(new PageOp.FreePages(b, 4, 0));
        assertThat(pa.isBuddy(Math.min(pfn(a), pfn(b)))).isTrue();
        assertThat(pa.zone(ZoneType.DMA).nrFree(11)).isEqualTo(before3);
    }

    @Test
    void orderZeroPagesComeFromTheCpusListInLastInFirstOutOrder() {
        long a = apply(new PageOp.AllocPage(Gfp.GFP_KERNEL, 0));
        assertThat(observe("zone[DMA].pcp[0].count")).isEqualTo(14); // batch 15 refilled, one taken
        apply(new PageOp.FreePages(a, 0, 0));
        long b = apply(new PageOp.AllocPage(Gfp.GFP_KERNEL, 0));
        assertThat(b).isEqualTo(a);
        long c = apply(new PageOp.AllocPage(Gfp.GFP_KERNEL, 1));
        assertThat(observe("pcp[1].count")).isEqualTo(14);
        assertThat(pfn(c)).isNotEqualTo(pfn(a));
    }

    @Test
    void theCpusListDrainsABatchWhenItReachesHigh() {
        List<Long> pages = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            pages.add(apply(new PageOp.AllocPage(Gfp.GFP_KERNEL, 0)));
        }
        for (long p : pages) {
            apply(new PageOp.FreePages(p, 0, 0));
            assertThat(pa.zone(ZoneType.DMA).pcp(0).count()).isLessThan(60);
        }
    }

    @Test
    void consecutiveFreesDrainDoublingBatchesUntilHighMinusBatch() {
        List<Long> pages = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            pages.add(apply(new PageOp.AllocPage(Gfp.GFP_KERNEL, 0)));
        }
        PerCpuPages pcp = pa.zone(ZoneType.DMA).pcp(0);
        List<Integer> afterDrain = new ArrayList<>();
        int before = pcp.count();
        for (long p : pages) {
            apply(new PageOp.FreePages(p, 0, 0));
            if (pcp.count() < before) {
                afterDrain.add(pcp.count());
            }
            before = pcp.count();
        }
        // high 60, batch 15: nr_pcp_free frees 15, 30, then 45 = high - batch each time (free_factor)
        assertThat(afterDrain.subList(0, 5)).containsExactly(45, 30, 15, 15, 15);
    }

    @Test
    void highuserPrefersHighMemAndKernelNeverGetsIt() {
        long h = apply(new PageOp.AllocPages(Gfp.GFP_HIGHUSER, 0, 0));
        assertThat(observe("page[" + h + "].zone")).isEqualTo(ZoneType.HIGHMEM.ordinal());
        long k = apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0));
        assertThat(observe("page[" + k + "].zone")).isEqualTo(ZoneType.DMA.ordinal());
        long addr = apply(new PageOp.GetFreePages(Gfp.GFP_HIGHUSER, 2, 0));
        assertThat(addr).isBetween(0xc0000000L, 0xc4000000L);
        apply(new PageOp.FreePagesVirt(addr, 2, 0));
    }

    @Test
    void movableAllocationsUseCmaWhenMoreThanHalfOfTheFreePagesAreCma() {
        // HighMem: 4096 movable + 4096 CMA free; take movable pages until CMA is more than half
        long first = apply(new PageOp.AllocPages(Gfp.GFP_HIGHUSER_MOVABLE, 11, 0));
        assertThat(pa.pageblockMigratetype(pfn(first))).isEqualTo(MigrateType.MOVABLE);
        long second = apply(new PageOp.AllocPages(Gfp.GFP_HIGHUSER_MOVABLE, 3, 0));
        assertThat(pa.pageblockMigratetype(pfn(second))).isEqualTo(MigrateType.CMA);
        long unmovable = apply(new PageOp.AllocPages(Gfp.GFP_HIGHUSER, 3, 0));
        assertThat(pa.pageblockMigratetype(pfn(unmovable))).isNotEqualTo(MigrateType.CMA);
    }

    @Test
    void anUnmovableRequestStealsAMovablePageblock() {
        long p = apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0));
        assertThat(pa.pageblockMigratetype(pfn(p))).isEqualTo(MigrateType.UNMOVABLE);
        assertThat(pa.pageblockCounts(ZoneType.DMA)[MigrateType.UNMOVABLE.ordinal()]).isEqualTo(1);
    }

    @Test
    void compoundPagesMarkHeadAndTailsAndFreeAsOne() {
        pa.setDebugVm(true);
        long p = apply(new PageOp.AllocPages(Gfp.GFP_KERNEL | Gfp.COMP, 2, 0));
        assertThat(observe("page[" + p + "].flags")).isEqualTo(1L << PageAllocator.PG_HEAD);
        assertThat(pa.isTail(pfn(p) + 3)).isTrue();
        Result.Refused tail = refused(new PageOp.FreePages(p + 36, 0, 0));
        assertThat(tail.reason()).isEqualTo("VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
        apply(new PageOp.FreePages(p, 2, 0));
        assertThat(pa.isTail(pfn(p) + 3)).isFalse();
    }

    @Test
    void splitPageGivesEachSubpageItsOwnReference() {
        long p = apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 2, 0));
        apply(new PageOp.SplitPage(p, 2));
        for (int i = 0; i < 4; i++) {
            assertThat(observe("page[" + (p + 36L * i) + "].refcount")).isEqualTo(1);
        }
        for (int i = 3; i >= 0; i--) {
            apply(new PageOp.FreePages(p + 36L * i, 0, 0));
        }
        assertThat(refused(new PageOp.SplitPage(p, 2)).reason()).isEqualTo("VM_BUG_ON_PAGE(!page_count(page))");
    }

    /** The model's finding of a call 6.1 (no CONFIG_DEBUG_VM) goes on with silently: a value, or a refusal. */
    private Result finding(PageOp op) {
        Result r = kernel.apply(op);
        assertThat(r.isModelFinding()).as("%s: %s", op, r).isTrue();
        assertThat(kernel.check()).as("invariants after %s", op).isEmpty();
        return r;
    }

    @Test
    void withoutDebugVmATailFreedAsAPageGoesBelowZeroAndTheBlockFreeReportsIt() {
        long p = apply(new PageOp.AllocPages(Gfp.GFP_KERNEL | Gfp.COMP, 2, 0));
        Result tail = finding(new PageOp.FreePages(p + 36, 0, 0));
        assertThat(tail).isInstanceOf(Result.Warned.class);
        assertThat(observe("page[" + (p + 36) + "].refcount")).isEqualTo(-1);
        long free = pa.zone(ZoneType.DMA).freePages() + pa.zone(ZoneType.DMA).pcpListPages();
        // free_pages_prepare checks each tail page in every build: the block is reported and leaks
        Result.Refused r = refused(new PageOp.FreePages(p, 2, 0));
        assertThat(r.reason()).isEqualTo("nonzero _refcount");
        assertThat(r.report()).contains(String.format("pfn:%05x", pfn(p) + 1), "refcount:-1");
        assertThat(pa.zone(ZoneType.DMA).freePages() + pa.zone(ZoneType.DMA).pcpListPages()).isEqualTo(free);
        assertThat(BuddyChecks.fullScan(pa)).isEmpty();
    }

    @Test
    void withoutDebugVmADoubleFreeOfAPageIsSilentUntilTheDrainReportsIt() {
        long p = apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0));
        apply(new PageOp.FreePages(p, 0, 0));
        long cached = pa.zone(ZoneType.DMA).pcpListPages();
        Result twice = finding(new PageOp.FreePages(p, 0, 0));
        assertThat(((Result.Warned) twice).warning()).contains("from 0 to -1", "drain");
        assertThat(pa.zone(ZoneType.DMA).pcpListPages()).isEqualTo(cached);
        Result drain = kernel.apply(new PageOp.DrainLocalPages(0));
        assertThat(drain).isInstanceOf(Result.Warned.class);
        assertThat(((Result.Warned) drain).origin()).isEqualTo(Result.Origin.KERNEL);
        assertThat(((Result.Warned) drain).warning()).startsWith("BUG: Bad page state in process swapper/0  pfn:")
                .contains(String.format("pfn:%05x", pfn(p)), "nonzero _refcount");
        assertThat(kernel.check()).isEmpty();
        assertThat(pa.zone(ZoneType.DMA).pcpListPages()).isZero();
        assertThat(pa.isLeaked(pfn(p))).isTrue();
        assertThat(BuddyChecks.fullScan(pa)).isEmpty();
    }

    @Test
    void withoutDebugVmASecondFreeOfABlockIsRefusedAsTheModelsFinding() {
        long p = apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 5, 0));
        apply(new PageOp.FreePages(p, 5, 0));
        long free = pa.zone(ZoneType.DMA).freePages();
        Result r = finding(new PageOp.FreePages(p, 5, 0));
        assertThat(((Result.Refused) r).report()).startsWith("armmm model: ").contains("tail blocks again",
                String.format("pfn:%05x order 4", pfn(p) + 16));
        assertThat(pa.zone(ZoneType.DMA).freePages()).isEqualTo(free);
        assertThat(observe("page[" + p + "].refcount")).isZero();
    }

    @Test
    void withoutDebugVmAReservedPageOrAWrongOrderIsTheModelsFinding() {
        long page = pa.layout().pfnToPage(TestBoards.RAM + 0x300);
        assertThat(((Result.Refused) finding(new PageOp.FreePages(page, 0, 0))).report()).contains("PG_reserved");
        assertThat(observe("page[" + page + "].refcount")).isEqualTo(1);
        long larger = apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 2, 0));
        assertThat(((Result.Refused) finding(new PageOp.FreePages(larger, 3, 0))).report()).contains("does not check the order");
        assertThat(observe("page[" + larger + "].refcount")).isEqualTo(1);
        apply(new PageOp.FreePages(larger, 2, 0));
        // a smaller order: the first half is freed, the other half leaks, and 6.1 says nothing
        long p = apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 3, 0));
        long cached = pa.zone(ZoneType.DMA).freePages() + pa.zone(ZoneType.DMA).pcpListPages();
        assertThat(((Result.Warned) finding(new PageOp.FreePages(p, 2, 0))).warning()).contains("does not check the order",
                "the 4 pages after them leak");
        assertThat(observe("page[" + p + "].refcount")).isZero();
        assertThat(pa.zone(ZoneType.DMA).freePages() + pa.zone(ZoneType.DMA).pcpListPages()).isEqualTo(cached + 4);
        assertThat(pa.isLeaked(pfn(p) + 4)).isTrue();
        assertThat(BuddyChecks.fullScan(pa)).isEmpty();
    }

    @Test
    void aDoubleFreeIsReportedAsABadPageAndChangesNothing() {
        pa.setDebugVm(true);
        long p = apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 5, 0));
        apply(new PageOp.FreePages(p, 5, 0));
        long free = pa.zone(ZoneType.DMA).freePages();
        Result.Refused r = refused(new PageOp.FreePages(p, 5, 0));
        assertThat(r.reason()).isEqualTo("nonzero mapcount");
        assertThat(r.report()).startsWith("BUG: Bad page state in process swapper/0  pfn:");
        assertThat(pa.zone(ZoneType.DMA).freePages()).isEqualTo(free);
    }

    @Test
    void freeingAReservedPageIsReportedAndTheKernelLeaksIt() {
        pa.setDebugVm(true);
        long page = pa.layout().pfnToPage(TestBoards.RAM + 0x300);
        Result.Refused r = refused(new PageOp.FreePages(page, 0, 0));
        assertThat(r.reason()).isEqualTo("PAGE_FLAGS_CHECK_AT_FREE flag(s) set");
        assertThat(observe("page[" + page + "].refcount")).isZero();
        assertThat(refused(new PageOp.FreePages(page, 0, 0)).reason())
                .isEqualTo("VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
    }

    @Test
    void freeingWithAnotherOrderThanAllocatedIsRefused() {
        pa.setDebugVm(true);
        long p = apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 3, 0));
        assertThat(refused(new PageOp.FreePages(p, 2, 0)).reason()).isEqualTo("wrong order");
        assertThat(observe("page[" + p + "].refcount")).isEqualTo(1);
        apply(new PageOp.FreePages(p, 3, 0));
    }

    @Test
    void kernelAllocationsStopAtTheMinWatermarkWhileAtomicOnesDigDeeper() {
        int got = 0;
        while (apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0)) != 0) {
            got++;
        }
        BuddyZone dma = pa.zone(ZoneType.DMA);
        long free = dma.freePages() + dma.pcpListPages();
        assertThat(free).isGreaterThanOrEqualTo(128);
        assertThat(got).isGreaterThan(10000);
        long atomic = apply(new PageOp.AllocPages(Gfp.GFP_ATOMIC, 0, 0));
        assertThat(atomic).isNotZero();
        assertThat(apply(new PageOp.AllocPages(Gfp.GFP_NOWAIT, 0, 0))).isZero();
    }

    @Test
    void aHighOrderAtomicAllocationInTheSlowPathReservesAHighAtomicPageblock() {
        while (apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0)) != 0) {
            // down to the min watermark
        }
        assertThat(pa.zone(ZoneType.DMA).nrReservedHighatomic()).isZero();
        long p = apply(new PageOp.AllocPages(Gfp.GFP_ATOMIC, 2, 0));
        assertThat(p).isNotZero();
        assertThat(pa.zone(ZoneType.DMA).nrReservedHighatomic()).isEqualTo(PageAllocator.PAGEBLOCK_NR_PAGES);
        assertThat(pa.pageblockMigratetype(pfn(p))).isEqualTo(MigrateType.HIGHATOMIC);
        apply(new PageOp.FreePages(p, 2, 0));
        assertThat(pa.zone(ZoneType.DMA).pcp(0).listLength(2 * MigrateType.PCPTYPES + MigrateType.MOVABLE.ordinal()))
                .as("a HighAtomic page is cached on the Movable per-CPU list").isPositive();
    }

    @Test
    void highuserFallsBackToDmaButLeavesItsProtection() {
        while (true) {
            long p = apply(new PageOp.AllocPages(Gfp.GFP_HIGHUSER, 0, 0));
            if (p == 0) {
                break;
            }
        }
        BuddyZone dma = pa.zone(ZoneType.DMA);
        assertThat(dma.freePages() + dma.pcpListPages()).isGreaterThanOrEqualTo(128 + 32);
    }

    @Test
    void anOrderAtOrAboveMaxOrderReturnsNull() {
        assertThat(apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 12, 0))).isZero();
    }

    @Test
    void theObservablesReadZonesFreeAreasAndPages() {
        assertThat(observe("zone[DMA].nr_free")).isEqualTo(16384 - 0x1400);
        assertThat(observe("zone[HighMem].nr_free_cma")).isEqualTo(4096);
        assertThat(observe("zone[HighMem].free_area[11].nr_free")).isEqualTo(4);
        assertThat(observe("zone[HighMem].free_area[11].free_list[CMA].count")).isEqualTo(2);
        long p = apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 1, 1));
        assertThat(observe("page[" + p + "].order")).isEqualTo(1);
        assertThat(observe("page[" + p + "].mapcount")).isZero();
        assertThat(observe("page[" + p + "].pfn")).isEqualTo(pfn(p));
    }
}
