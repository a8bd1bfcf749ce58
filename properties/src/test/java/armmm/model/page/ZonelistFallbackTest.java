package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code __alloc_pages} of mm/page_alloc.c (Linux 6.1) through {@link PageAllocator#allocPages}:
 * the fast pass at WMARK_LOW with ALLOC_KSWAPD taken from __GFP_KSWAPD_RECLAIM; the slow pass with
 * {@code gfp_to_alloc_flags} (WMARK_MIN and ALLOC_CPUSET; __GFP_HIGH as ALLOC_MIN_RESERVE and
 * __GFP_KSWAPD_RECLAIM as ALLOC_KSWAPD; without __GFP_DIRECT_RECLAIM ALLOC_NON_BLOCK unless
 * __GFP_NOMEMALLOC, ALLOC_HIGHATOMIC for an order above 0 with ALLOC_MIN_RESERVE, and no
 * ALLOC_CPUSET with ALLOC_MIN_RESERVE; ALLOC_CMA for a Movable mask), {@code wake_all_kswapds}
 * before it, and ALLOC_NO_WATERMARKS for __GFP_MEMALLOC without __GFP_NOMEMALLOC
 * ({@code __gfp_pfmemalloc_flags}); {@code get_page_from_freelist} walking the zonelist from the
 * highest zone down, skipping unpopulated zones; {@code rmqueue} (per-CPU lists up to
 * PAGE_ALLOC_COSTLY_ORDER, kswapd woken at its end for a boost); {@code rmqueue_buddy} (the
 * HighAtomic reserve first with ALLOC_HIGHATOMIC, and after a failure with ALLOC_OOM or
 * ALLOC_NON_BLOCK); {@code prep_new_page} (one reference; with __GFP_COMP above order 0 a head
 * and tails).
 *
 * <p>Each board has a DMA zone of 8192 pages at pfn 0x40000 (protection 32 against HighMem) and a
 * HighMem zone of 8192 pages above it, no Normal zone, one CPU, every page free as four order-11
 * Movable blocks per zone; the tests pick the watermarks: a low watermark of 9000 (above every
 * free count) makes every fast pass fail, a min of 9000 every pass that has no reserves.
 */
class ZonelistFallbackTest {
    private static final long RAM = TestBoards.RAM;
    private static final long HIGH_START = RAM + 8192;
    private static final int DMA = 0;
    private static final int HIGHMEM = 2;
    private static final long[] EASY = {32, 40, 48};
    /** Every fast pass fails (free <= low), slow passes pass above min 100. */
    private static final long[] SLOW = {100, 9000, 9000};
    /** No pass without reserves passes. */
    private static final long[] NONE = {9000, 9000, 9000};

    private static PageAllocator board(long[] dma, long[] high, Bugs bugs) {
        return board(dma, high, bugs, RAM + 8192, false);
    }

    /** The board with DMA free up to {@code dmaFreeEnd}, its first pageblock HighAtomic when {@code highatomic}. */
    private static PageAllocator board(long[] dma, long[] high, Bugs bugs, long dmaFreeEnd, boolean highatomic) {
        ZoneConfig d = new ZoneConfig(ZoneType.DMA, RAM, 8192, 8192, 8192, dma[0], dma[1], dma[2],
                new long[] {0, 0, 32, 32}, 60, 15);
        ZoneConfig h = new ZoneConfig(ZoneType.HIGHMEM, HIGH_START, 8192, 8192, 8192, high[0], high[1], high[2],
                new long[4], 30, 7);
        PageAllocator pa = new PageAllocator(List.of(d, h), MemMapLayout.virt(TestBoards.MEM_MAP, HIGH_START), 1, bugs);
        if (highatomic) {
            pa.setPageblockMigratetype(RAM, MigrateType.HIGHATOMIC);
        }
        pa.memblockFreeRange(RAM, dmaFreeEnd);
        pa.freeHighpages(HIGH_START, HIGH_START + 8192);
        pa.setupPerCpuPagesets();
        pa.clearDirty();
        return pa;
    }

    private static long pfn(PageAllocator pa, long gfp, int order) {
        long page = pa.allocPages(gfp, order, 0).value();
        return page == 0 ? -1 : pa.layout().pageToPfn(page);
    }

    @Test
    void ordersOutsideZeroToElevenAreNullWithoutATrace() {
        PageAllocator pa = board(EASY, EASY, Bugs.NONE);
        assertThat(pa.allocPages(Gfp.GFP_KERNEL, 12, 0).value()).isZero();
        assertThat(pa.lastAlloc()).isNull();
        assertThat(pa.allocPages(Gfp.GFP_KERNEL, -1, 0).value()).isZero();
        assertThat(pa.lastAlloc()).isNull();
        assertThat(pfn(pa, Gfp.GFP_KERNEL, 11)).isBetween(RAM, HIGH_START - 2048);
        assertThat(pa.lastAlloc().order()).isEqualTo(11);
        assertThat(pfn(pa, Gfp.GFP_KERNEL, 0)).isPositive();
    }

    @Test
    void theZonelistRunsFromTheHighestZoneDownSkippingMissingZones() {
        PageAllocator pa = board(EASY, EASY, Bugs.NONE);
        // GFP_HIGHUSER: HighMem first; GFP_KERNEL (Normal, missing here): DMA
        assertThat(pfn(pa, Gfp.GFP_HIGHUSER, 4)).isGreaterThanOrEqualTo(HIGH_START);
        assertThat(pa.lastAlloc().zone()).isEqualTo(HIGHMEM);
        assertThat(pfn(pa, Gfp.GFP_KERNEL, 4)).isLessThan(HIGH_START);
        // Movable (index 3, no zone): HighMem
        assertThat(pfn(pa, Gfp.GFP_HIGHUSER_MOVABLE, 4)).isGreaterThanOrEqualTo(HIGH_START);
        assertThat(pa.lastAlloc().allowsCma()).isTrue();
        assertThat(pa.lastAlloc().before(1)).isNull();
        // the fast pass of a non-Movable mask does not allow CMA
        pfn(pa, Gfp.GFP_HIGHUSER, 4);
        assertThat(pa.lastAlloc().allowsCma()).isFalse();
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(PageAllocator.ALLOC_WMARK_LOW | PageAllocator.ALLOC_KSWAPD);
    }

    @Test
    void aHighMemRequestFallsBackToDma() {
        PageAllocator pa = board(EASY, NONE, Bugs.NONE);
        assertThat(pfn(pa, Gfp.GFP_HIGHUSER, 4)).isLessThan(HIGH_START);
        assertThat(pa.lastAlloc().zone()).isEqualTo(DMA);
    }

    @Test
    void theAscendingZonelistBugStartsAtDma() {
        PageAllocator pa = board(EASY, EASY, Bugs.of(PageBug.GFP_ZONELIST_ASCENDING));
        assertThat(pfn(pa, Gfp.GFP_HIGHUSER, 4)).isLessThan(HIGH_START);
        // and still reaches the highest zone when DMA cannot serve
        PageAllocator pb = board(NONE, EASY, Bugs.of(PageBug.GFP_ZONELIST_ASCENDING));
        assertThat(pfn(pb, Gfp.GFP_HIGHUSER, 4)).isGreaterThanOrEqualTo(HIGH_START);
    }

    @Test
    void theSlowPassFlagsFollowGfpToAllocFlags() {
        PageAllocator pa = board(SLOW, SLOW, Bugs.NONE);
        // GFP_KERNEL: WMARK_MIN | ALLOC_CPUSET 0x40 | ALLOC_KSWAPD 0x800
        pfn(pa, Gfp.GFP_KERNEL, 0);
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(0x840);
        // GFP_ATOMIC order 0: MIN_RESERVE 0x20, KSWAPD, NON_BLOCK 0x10; no CPUSET
        pfn(pa, Gfp.GFP_ATOMIC, 0);
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(0x830);
        // order 1 adds ALLOC_HIGHATOMIC 0x200
        pfn(pa, Gfp.GFP_ATOMIC, 1);
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(0xa30);
        // GFP_NOWAIT order 1: NON_BLOCK, KSWAPD, CPUSET kept, no HIGHATOMIC without MIN_RESERVE
        pfn(pa, Gfp.GFP_NOWAIT, 1);
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(0x850);
        // __GFP_NOMEMALLOC: no NON_BLOCK, so no HIGHATOMIC; MIN_RESERVE still drops CPUSET
        pfn(pa, Gfp.GFP_ATOMIC | Gfp.NOMEMALLOC, 1);
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(0x820);
        // __GFP_HIGH with direct reclaim: MIN_RESERVE and CPUSET
        pfn(pa, Gfp.HIGH | Gfp.DIRECT_RECLAIM, 1);
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(0x60);
        // a Movable mask: ALLOC_CMA 0x80
        pfn(pa, Gfp.GFP_HIGHUSER_MOVABLE, 0);
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(0x8c0);
        // __GFP_MEMALLOC: ALLOC_NO_WATERMARKS 0x04 with ALLOC_KSWAPD kept and ALLOC_CMA for Movable
        pfn(pa, Gfp.GFP_KERNEL | Gfp.MEMALLOC, 0);
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(0x804);
        pfn(pa, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.MEMALLOC, 0);
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(0x884);
        pfn(pa, (Gfp.GFP_KERNEL & ~Gfp.KSWAPD_RECLAIM) | Gfp.MEMALLOC, 0);
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(0x04);
        pfn(pa, Gfp.GFP_KERNEL | Gfp.MEMALLOC | Gfp.NOMEMALLOC, 0);
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(0x840);
    }

    @Test
    void theAtomicNoMinReserveBugDropsTheReserveFlags() {
        PageAllocator pa = board(SLOW, SLOW, Bugs.of(PageBug.GFP_ATOMIC_NO_MIN_RESERVE));
        pfn(pa, Gfp.GFP_ATOMIC, 1);
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(0x810);
    }

    @Test
    void memallocIgnoresTheWatermarksUnlessNomemalloc() {
        PageAllocator pa = board(NONE, NONE, Bugs.NONE);
        assertThat(pfn(pa, Gfp.GFP_KERNEL, 4)).isEqualTo(-1);
        assertThat(pfn(pa, Gfp.GFP_KERNEL | Gfp.MEMALLOC | Gfp.NOMEMALLOC, 4)).isEqualTo(-1);
        assertThat(pfn(pa, Gfp.GFP_KERNEL | Gfp.MEMALLOC, 4)).isBetween(RAM, HIGH_START - 1);
        assertThat(pa.lastAlloc().zone()).isEqualTo(DMA);
        // a NULL after a success names no zone
        assertThat(pfn(pa, Gfp.GFP_KERNEL, 4)).isEqualTo(-1);
        assertThat(pa.lastAlloc().zone()).isEqualTo(-1);
    }

    @Test
    void withMobilityGroupingDisabledNoMaskIsMovable() {
        PageAllocator pa = board(SLOW, SLOW, Bugs.NONE);
        pa.setMobilityGroupingDisabled(true);
        // gfp_migratetype gives MIGRATE_UNMOVABLE: no ALLOC_CMA in either pass (slow: CPUSET | KSWAPD)
        assertThat(pfn(pa, Gfp.GFP_HIGHUSER_MOVABLE, 0)).isGreaterThanOrEqualTo(HIGH_START);
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(0x840);
        // the per-CPU list it came from is the Unmovable one (pindex 0)
        assertThat(pa.pcpListHead(ZoneType.HIGHMEM, 0, 0)).isPositive();
        assertThat(pa.pcpListHead(ZoneType.HIGHMEM, 0, 1)).isEqualTo(-1);
    }

    @Test
    void aFailedFastPassWakesKswapdOnlyWithKswapdReclaim() {
        PageAllocator pa = board(SLOW, EASY, Bugs.NONE);
        long noKswapd = Gfp.GFP_KERNEL & ~Gfp.KSWAPD_RECLAIM;
        assertThat(pfn(pa, noKswapd, 4)).isPositive();
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(0x40);
        pa.beginStep();
        assertThat(pa.kswapdFailures()).isZero();
        // wake_all_kswapds: DMA below its high watermark 9000, the pass that follows fails
        assertThat(pfn(pa, Gfp.GFP_KERNEL, 4)).isPositive();
        pa.beginStep();
        assertThat(pa.kswapdFailures()).isEqualTo(1);
    }

    @Test
    void aSuccessfulFastPassWakesNobody() {
        // DMA free 8192 between low 40 and high 9000: unbalanced, but the fast pass does not wake kswapd
        PageAllocator pa = board(new long[] {32, 40, 9000}, EASY, Bugs.NONE);
        assertThat(pfn(pa, Gfp.GFP_KERNEL, 4)).isPositive();
        pa.beginStep();
        assertThat(pa.kswapdFailures()).isZero();
    }

    @Test
    void aBoostingStealWakesKswapdAtTheEndOfRmqueue() {
        // DMA free only [0x40000, 0x40040): one order-6 Movable block; an Unmovable request steals it
        // below pageblock_order: boost_watermark, min(2048, max(2048, 10 x 15000 / 10000)) = 2048
        PageAllocator pa = board(new long[] {4, 8, 10}, EASY, Bugs.NONE, RAM + 64, false);
        assertThat(pfn(pa, Gfp.GFP_KERNEL, 0)).isBetween(RAM, RAM + 63);
        assertThat(pa.zone(ZoneType.DMA).watermarkBoost()).isEqualTo(2048);
        pa.beginStep();
        // ZONE_BOOSTED_WATERMARK (ALLOC_KSWAPD from __GFP_KSWAPD_RECLAIM): woken, fails, boost taken off
        assertThat(pa.kswapdFailures()).isEqualTo(1);
        assertThat(pa.zone(ZoneType.DMA).watermarkBoost()).isZero();

        PageAllocator pb = board(new long[] {4, 8, 10}, EASY, Bugs.NONE, RAM + 64, false);
        assertThat(pfn(pb, Gfp.GFP_KERNEL & ~Gfp.KSWAPD_RECLAIM, 0)).isBetween(RAM, RAM + 63);
        pb.beginStep();
        assertThat(pb.kswapdFailures()).isZero();
        assertThat(pb.zone(ZoneType.DMA).watermarkBoost()).isEqualTo(2048);
    }

    @Test
    void ordersUpToThreeComeThroughThePerCpuLists() {
        PageAllocator pa = board(EASY, EASY, Bugs.NONE);
        PerCpuPages pcp = pa.zone(ZoneType.DMA).pcp(0);
        // order 3: rmqueue_bulk of max(15 >> 3, 2) = 2 blocks, one taken
        pfn(pa, Gfp.GFP_KERNEL, 3);
        assertThat(pcp.count()).isEqualTo(8);
        // order 4: the buddy lists
        pfn(pa, Gfp.GFP_KERNEL, 4);
        assertThat(pcp.count()).isEqualTo(8);
        // the trace of an order-3 request sees the block waiting on the per-CPU list
        pfn(pa, Gfp.GFP_KERNEL, 3);
        assertThat(pa.lastAlloc().before(DMA).pcpHasPage()).isTrue();
        assertThat(pcp.count()).isZero();
    }

    @Test
    void theHighatomicReserveServesAllocHighatomicFirst() {
        PageAllocator pa = board(SLOW, EASY, Bugs.NONE, RAM + 8192, true);
        // GFP_KERNEL order 4 in the slow pass: no ALLOC_HIGHATOMIC, a Movable pageblock is stolen
        assertThat(pfn(pa, Gfp.GFP_KERNEL, 4)).isGreaterThanOrEqualTo(RAM + 2048);
        // GFP_ATOMIC order 4: ALLOC_HIGHATOMIC, the HighAtomic pageblock's first block (frame 0)
        assertThat(pfn(pa, Gfp.GFP_ATOMIC, 4)).isEqualTo(RAM);
        // the trace's largest PCP-type block leaves the HighAtomic list out: order 11 of the Movable lists
        pfn(pa, Gfp.GFP_ATOMIC, 4);
        assertThat(pa.lastAlloc().before(DMA).maxFreeOrder()).isEqualTo(11);
    }

    @Test
    void aNonBlockingOrderZeroRequestTakesTheHighatomicReserveLast() {
        // DMA's only free pages are its HighAtomic first pageblock
        PageAllocator pa = board(SLOW, EASY, Bugs.NONE, RAM + 2048, true);
        assertThat(pa.lastAlloc()).isNull();
        // GFP_KERNEL (direct reclaim, no ALLOC_NON_BLOCK): nothing
        assertThat(pfn(pa, Gfp.GFP_KERNEL, 0)).isEqualTo(-1);
        assertThat(pa.lastAlloc().before(DMA).maxFreeOrder()).isEqualTo(-1);
        // GFP_ATOMIC: the per-CPU refill finds nothing, rmqueue_buddy's last look takes frame 0
        assertThat(pfn(pa, Gfp.GFP_ATOMIC, 0)).isEqualTo(RAM);
        assertThat(pfn(pa, Gfp.GFP_ATOMIC, 4)).isEqualTo(RAM + 16);
    }

    @Test
    void prepNewPageSetsOneReferenceAndACompoundPageOnlyWithComp() {
        PageAllocator pa = board(EASY, EASY, Bugs.NONE);
        long p = pfn(pa, Gfp.GFP_KERNEL | Gfp.COMP, 2);
        assertThat(pa.refcount(p)).isEqualTo(1);
        assertThat(pa.pageFlags(p) & 1L << PageAllocator.PG_HEAD).isNotZero();
        for (int i = 1; i < 4; i++) {
            assertThat(pa.isTail(p + i)).isTrue();
            assertThat(pa.order(p + i)).isEqualTo(2);
        }
        assertThat(pa.isTail(p + 4)).isFalse();
        assertThat(pa.dirtyFrames()).contains((int) (p - pa.basePfn()));
        assertThat(pa.zone(ZoneType.DMA).allocatedPages()).isEqualTo(4);
        long q = pfn(pa, Gfp.GFP_KERNEL | Gfp.COMP, 0);
        assertThat(pa.pageFlags(q) & 1L << PageAllocator.PG_HEAD).isZero();
        long r = pfn(pa, Gfp.GFP_KERNEL, 2);
        assertThat(pa.pageFlags(r) & 1L << PageAllocator.PG_HEAD).isZero();
        assertThat(pa.isTail(r + 1)).isFalse();
        assertThat(pa.refcount(r)).isEqualTo(1);
        assertThat(pa.zone(ZoneType.DMA).allocatedPages()).isEqualTo(4 + 1 + 4);
    }

    @Test
    void theSeededPrepNewPageBugs() {
        PageAllocator a = board(EASY, EASY, Bugs.of(PageBug.PAGE_REFCOUNT_NOT_SET));
        assertThat(a.refcount(pfn(a, Gfp.GFP_KERNEL, 0))).isZero();
        PageAllocator b = board(EASY, EASY, Bugs.of(PageBug.PAGE_REFCOUNT_TWO));
        assertThat(b.refcount(pfn(b, Gfp.GFP_KERNEL, 1))).isEqualTo(2);
        assertThat(b.refcount(pfn(b, Gfp.GFP_KERNEL, 0))).isEqualTo(1);
        assertThat(b.refcount(pfn(b, Gfp.GFP_KERNEL | Gfp.COMP, 1))).isEqualTo(1);
        PageAllocator c = board(EASY, EASY, Bugs.of(PageBug.PAGE_COMP_TAILS_NOT_MARKED));
        long p = pfn(c, Gfp.GFP_KERNEL | Gfp.COMP, 2);
        assertThat(c.isTail(p + 1)).isFalse();
        long q = pfn(c, Gfp.GFP_KERNEL | Gfp.COMP, 1);
        assertThat(c.isTail(q + 1)).isTrue();
        PageAllocator d = board(EASY, EASY, Bugs.of(PageBug.PAGE_COMP_ALLOC_NULL));
        assertThat(d.allocPages(Gfp.GFP_KERNEL | Gfp.COMP, 1, 0).value()).isZero();
        assertThat(d.lastAlloc().pfn()).isEqualTo(-1);
        // the trace records the flags of the pass the bug cut short, the fast one
        assertThat(d.lastAlloc().allocFlags()).isEqualTo(PageAllocator.ALLOC_WMARK_LOW);
        assertThat(pfn(d, Gfp.GFP_KERNEL | Gfp.COMP, 0)).isPositive();
        assertThat(pfn(d, Gfp.GFP_KERNEL, 1)).isPositive();
    }

    @Test
    void theCmaForEveryMaskBugAllowsCmaToGfpKernel() {
        PageAllocator pa = board(SLOW, SLOW, Bugs.of(PageBug.GFP_CMA_FOR_EVERY_MASK));
        pfn(pa, Gfp.GFP_KERNEL, 0);
        // the slow pass: WMARK_MIN | CPUSET | KSWAPD | ALLOC_CMA
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(0x8c0);
        PageAllocator pb = board(EASY, EASY, Bugs.of(PageBug.GFP_CMA_FOR_EVERY_MASK));
        pfn(pb, Gfp.GFP_KERNEL, 0);
        assertThat(pb.lastAlloc().allowsCma()).isTrue();
    }

    @Test
    void aMovableOrderZeroRequestComesThroughThePerCpuList() {
        PageAllocator pa = board(EASY, EASY, Bugs.NONE);
        // ALLOC_CMA is set, so rmqueue_pcplist: HighMem's batch 7, one taken
        pfn(pa, Gfp.GFP_HIGHUSER_MOVABLE, 0);
        assertThat(pa.zone(ZoneType.HIGHMEM).pcp(0).count()).isEqualTo(6);
    }

    @Test
    void aNonBlockingRequestWhoseFirstBlockIsFrameZeroKeepsIt() {
        // DMA's pageblock 0 Unmovable, pageblock 1 HighAtomic; GFP_NOWAIT order 4 in the slow pass has
        // ALLOC_NON_BLOCK but not ALLOC_HIGHATOMIC: __rmqueue gives frame 0, the reserve is not touched
        ZoneConfig d = new ZoneConfig(ZoneType.DMA, RAM, 8192, 8192, 8192, SLOW[0], SLOW[1], SLOW[2],
                new long[] {0, 0, 32, 32}, 60, 15);
        ZoneConfig h = new ZoneConfig(ZoneType.HIGHMEM, HIGH_START, 8192, 8192, 8192, 32, 40, 48, new long[4], 30, 7);
        PageAllocator pa = new PageAllocator(List.of(d, h), MemMapLayout.virt(TestBoards.MEM_MAP, HIGH_START), 1);
        pa.setPageblockMigratetype(RAM, MigrateType.UNMOVABLE);
        pa.setPageblockMigratetype(RAM + 2048, MigrateType.HIGHATOMIC);
        pa.memblockFreeRange(RAM, RAM + 8192);
        pa.freeHighpages(HIGH_START, HIGH_START + 8192);
        pa.setupPerCpuPagesets();
        pa.clearDirty();
        assertThat(pfn(pa, Gfp.GFP_NOWAIT, 4)).isEqualTo(RAM);
        assertThat(pa.lastAlloc().allocFlags()).isEqualTo(0x850);
        assertThat(pa.freeListHead(ZoneType.DMA, 11, MigrateType.HIGHATOMIC)).isEqualTo(RAM + 2048);
    }

    @Test
    void theTraceSeesAPerCpuListWhoseHeadIsFrameZero() {
        PageAllocator pa = board(EASY, EASY, Bugs.NONE);
        // the first GFP_KERNEL page: DMA's first pageblock stolen, frame 0 first
        long page = pa.allocPages(Gfp.GFP_KERNEL, 0, 0).value();
        assertThat(pa.layout().pageToPfn(page)).isEqualTo(RAM);
        pa.freePages(page, 0, 0);
        // free_unref_page put it back at the list's head
        assertThat(pfn(pa, Gfp.GFP_KERNEL, 0)).isEqualTo(RAM);
        assertThat(pa.lastAlloc().before(DMA).pcpHasPage()).isTrue();
    }

    @Test
    void theKernelFromHighmemBugServesGfpKernelFromHighMem() {
        PageAllocator pa = board(EASY, EASY, Bugs.of(PageBug.GFP_KERNEL_FROM_HIGHMEM));
        assertThat(pfn(pa, Gfp.GFP_KERNEL, 4)).isGreaterThanOrEqualTo(HIGH_START);
        // a DMA mask stays in DMA
        assertThat(pfn(pa, Gfp.GFP_DMA, 4)).isLessThan(HIGH_START);
    }
}
