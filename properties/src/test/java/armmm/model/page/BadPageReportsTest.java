package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.zone.ZoneType;
import org.junit.jupiter.api.Test;

/**
 * {@code free_pages_prepare}, {@code page_bad_reason}, {@code check_new_pages} and
 * {@code bulkfree_pcp_prepare} (mm/page_alloc.c): which page of a block each build checks, which
 * reason wins, how many {@code Bad page state} lines one free prints, and the block leaked after
 * a report. On {@link TestBoards#small} with 2 CPUs; pfns worked from its boot (DMA's first free
 * block is [RAM, RAM + 0x200), order 9, the kernel image reserved from RAM + 0x200).
 */
class BadPageReportsTest {
    private final PageAllocator pa = TestBoards.small(2);

    private static long pfn(PageAllocator a, Result r) {
        assertThat(r.value()).isNotZero();
        return a.layout().pageToPfn(r.value());
    }

    private long alloc(long gfp, int ord) {
        return pfn(pa, pa.allocPages(gfp, ord, 0));
    }

    private static Result.Refused refused(Result r) {
        assertThat(r).isInstanceOf(Result.Refused.class);
        return (Result.Refused) r;
    }

    private static String line(PageAllocator a, long pfn, int refcount, String why) {
        return String.format("BUG: Bad page state in process swapper/0  pfn:%05x page:0x%x refcount:%d flags:0x%x page"
                + " dumped because: %s", pfn, a.layout().pfnToPage(pfn), refcount, a.pageFlags(pfn), why);
    }

    @Test
    void withDebugVmAGoodCompoundAndPlainBlockFreeCleanly() {
        pa.setDebugVm(true);
        long comp = alloc(Gfp.GFP_KERNEL | Gfp.COMP, 2);
        long plain = alloc(Gfp.GFP_KERNEL, 2);
        // the page after each block is someone's: a check that ran past the block would report it
        long next = alloc(Gfp.GFP_KERNEL, 2);
        assertThat(pa.refcount(plain + 4) != 0 || pa.refcount(comp + 4) != 0).isTrue();
        assertThat(pa.freePagesPfn(comp, 2, 0)).isEqualTo(Result.VOID);
        assertThat(pa.freePagesPfn(plain, 2, 0)).isEqualTo(Result.VOID);
        assertThat(pa.freePagesPfn(next, 2, 0)).isEqualTo(Result.VOID);
    }

    @Test
    void withDebugVmAnUnmarkedTailIsReportedOnTheHead() {
        PageAllocator bugged = TestBoards.small(2, Bugs.of(PageBug.PAGE_COMP_TAILS_NOT_MARKED));
        bugged.setDebugVm(true);
        long comp = pfn(bugged, bugged.allocPages(Gfp.GFP_KERNEL | Gfp.COMP, 2, 0));
        Result.Refused r = refused(bugged.freePagesPfn(comp, 2, 0));
        // free_tail_pages_check: the first tail without PageTail; the one report names the head
        assertThat(r.reason()).isEqualTo("PageTail not set");
        assertThat(r.report()).isEqualTo(line(bugged, comp, 0, "PageTail not set"));
    }

    @Test
    void withDebugVmABadTailIsReportedOnTheHeadOnceAndTheFirstReasonStays() {
        long p = alloc(Gfp.GFP_KERNEL, 2);
        // p + 1 and p + 3 go below 0 in a build without CONFIG_DEBUG_VM (the same page state either way)
        assertThat(pa.freePagesPfn(p + 1, 0, 0).isModelFinding()).isTrue();
        assertThat(pa.freePagesPfn(p + 3, 0, 0).isModelFinding()).isTrue();
        pa.setDebugVm(true);
        Result.Refused r = refused(pa.freePagesPfn(p, 2, 0));
        assertThat(r.reason()).isEqualTo("nonzero _refcount");
        assertThat(r.report()).isEqualTo(line(pa, p, 0, "nonzero _refcount"));
        assertThat(pa.isLeaked(p)).isTrue();
        // the last page alone
        long q = alloc(Gfp.GFP_KERNEL, 2);
        pa.setDebugVm(false);
        assertThat(pa.freePagesPfn(q + 3, 0, 0).isModelFinding()).isTrue();
        pa.setDebugVm(true);
        assertThat(refused(pa.freePagesPfn(q, 2, 0)).reason()).isEqualTo("nonzero _refcount");
    }

    @Test
    void withoutDebugVmEveryBadTailGetsItsOwnLine() {
        long p = alloc(Gfp.GFP_KERNEL, 2);
        assertThat(pa.freePagesPfn(p + 1, 0, 0).isModelFinding()).isTrue();
        assertThat(pa.freePagesPfn(p + 3, 0, 0).isModelFinding()).isTrue();
        Result.Refused r = refused(pa.freePagesPfn(p, 2, 0));
        assertThat(r.reason()).isEqualTo("nonzero _refcount");
        assertThat(r.report()).isEqualTo(line(pa, p + 1, -1, "nonzero _refcount") + "; "
                + line(pa, p + 3, -1, "nonzero _refcount"));
    }

    @Test
    void aTailOnAPerCpuListOrOnTheFreeListsIsBadForItsOwnReason() {
        // PAGE_FREE_WRONG_ORDER_ACCEPTED lets a free reach pages outside its allocation
        PageAllocator bugged = TestBoards.small(2, Bugs.of(PageBug.PAGE_FREE_WRONG_ORDER_ACCEPTED));
        long x = pfn(bugged, bugged.allocPages(Gfp.GFP_KERNEL, 0, 0));
        // rmqueue_bulk listed the rest of the refill after x, in pfn order
        assertThat(bugged.isOnPcp(x + 1)).isTrue();
        assertThat(refused(bugged.freePagesPfn(x, 1, 0)).reason()).isEqualTo("page already on a per-CPU list");
        // the same per-CPU page below 0: its _refcount is what page_bad_reason names
        long y = pfn(bugged, bugged.allocPages(Gfp.GFP_KERNEL, 0, 1));
        assertThat(bugged.isOnPcp(y + 1)).isTrue();
        assertThat(bugged.freePagesPfn(y + 1, 0, 1).isModelFinding()).isTrue();
        assertThat(refused(bugged.freePagesPfn(y, 1, 1)).reason()).isEqualTo("nonzero _refcount");
        // an order-4 block comes off the buddy lists whole; expand lists its buddy at order 4: a free of
        // order 5 reaches that free block's head, whose _mapcount holds the buddy type
        long z = pfn(bugged, bugged.allocPages(Gfp.GFP_KERNEL, 4, 0));
        assertThat(bugged.isBuddy(z + 16)).isTrue();
        Result.Refused r = refused(bugged.freePagesPfn(z, 5, 0));
        assertThat(r.reason()).isEqualTo("nonzero mapcount");
        assertThat(r.report()).contains(String.format("pfn:%05x", z + 16));
    }

    @Test
    void theAllocationThatTakesABlockWithAPageBelowZeroReportsAndLeaksIt() {
        long first = TestBoards.RAM;
        assertThat(pa.isBuddy(first)).isTrue();
        assertThat(pa.order(first)).isEqualTo(9);
        // the last page of the block goes below 0 (a free of a free page, no CONFIG_DEBUG_VM)
        assertThat(pa.freePagesPfn(first + 0x1ff, 0, 0).isModelFinding()).isTrue();
        // a movable order-9 request from DMA takes the head of MOVABLE's order-9 list: boot listed
        // [RAM, order 9] first, at the tail, then [RAM + 0x1600, order 9]
        pa.beginStep();
        Result r = pa.withReports(pa.allocPages(Gfp.GFP_KERNEL | Gfp.MOVABLE, 9, 0));
        assertThat(r).isInstanceOf(Result.Warned.class);
        assertThat(((Result.Warned) r).warning()).isEqualTo(line(pa, first + 0x1ff, -1, "nonzero _refcount"));
        // check_new_pages failed: the block leaks and the next one is handed out
        assertThat(pa.layout().pageToPfn(r.value())).isEqualTo(TestBoards.RAM + 0x1600);
        assertThat(pa.isLeaked(first)).isTrue();
        assertThat(pa.order(first)).isEqualTo(9);
        assertThat(pa.isBuddy(first)).isFalse();
    }

    @Test
    void aCleanBlockTakenAfterAnUnderflowElsewhereIsNotReported() {
        // a HighMem page below 0 makes the allocation paths look at every block they take
        long high = pa.freeListHead(ZoneType.HIGHMEM, 11, MigrateType.MOVABLE);
        assertThat(pa.freePagesPfn(high + 5, 0, 0).isModelFinding()).isTrue();
        pa.beginStep();
        Result r = pa.withReports(pa.allocPages(Gfp.GFP_KERNEL | Gfp.MOVABLE, 9, 0));
        // [RAM, RAM + 0x200) is clean; RAM + 0x200 after it is reserved with its boot reference
        assertThat(r).isInstanceOf(Result.Value.class);
        assertThat(pa.layout().pageToPfn(r.value())).isEqualTo(TestBoards.RAM);
        assertThat(pa.isLeaked(TestBoards.RAM)).isFalse();
        // a clean per-CPU page drains without a report too
        long p = alloc(Gfp.GFP_KERNEL, 0);
        assertThat(pa.freePagesPfn(p, 0, 0)).isEqualTo(Result.VOID);
        assertThat(pa.withReports(pa.drainLocalPages(0))).isEqualTo(Result.VOID);
        assertThat(pa.isLeaked(p)).isFalse();
        assertThat(pa.isBuddy(p) || !pa.isAllocated(p)).isTrue();
    }

    @Test
    void theDrainReportsAPerCpuBlockBelowZeroAndLeaksItWhole() {
        long p = alloc(Gfp.GFP_KERNEL | Gfp.COMP, 2);
        assertThat(pa.freePagesPfn(p, 2, 0)).isEqualTo(Result.VOID);
        assertThat(pa.isOnPcp(p)).isTrue();
        assertThat(pa.freePagesPfn(p, 0, 0).isModelFinding()).isTrue();
        long allocated = pa.zone(ZoneType.DMA).allocatedPages();
        Result r = pa.withReports(pa.drainLocalPages(0));
        assertThat(((Result.Warned) r).warning()).isEqualTo(line(pa, p, -1, "nonzero _refcount"));
        assertThat(pa.isLeaked(p)).isTrue();
        assertThat(pa.isAllocated(p)).isTrue();
        assertThat(pa.isOnPcp(p)).isFalse();
        assertThat(pa.order(p)).isEqualTo(2);
        assertThat(pa.zone(ZoneType.DMA).allocatedPages()).isEqualTo(allocated + 4);
    }

    @Test
    void withDebugVmTheDrainChecksNothing() {
        // bulkfree_pcp_prepare with CONFIG_DEBUG_VM checks only under debug_pagealloc, off in this build
        long p = alloc(Gfp.GFP_KERNEL, 0);
        assertThat(pa.freePagesPfn(p, 0, 0)).isEqualTo(Result.VOID);
        assertThat(pa.freePagesPfn(p, 0, 0).isModelFinding()).isTrue();
        pa.setDebugVm(true);
        assertThat(pa.withReports(pa.drainLocalPages(0))).isEqualTo(Result.VOID);
        assertThat(pa.isLeaked(p)).isFalse();
        assertThat(pa.isOnPcp(p)).isFalse();
    }

    /**
     * Under the planted {@code PAGE_PCP_NOT_UNLINKED} the page handed out stays on its per-CPU list
     * with {@code _refcount} 1; 6.1's drain runs {@code bulkfree_pcp_prepare} on every block it takes
     * off the list (without CONFIG_DEBUG_VM), so {@code free_page_is_bad} reports that page ("nonzero
     * _refcount", refcount 1) and the block is leaked rather than put on a buddy list.
     */
    @Test
    void aPageHandedOutStillListedIsReportedByTheDrain() {
        PageAllocator bugged = TestBoards.small(2, Bugs.of(PageBug.PAGE_PCP_NOT_UNLINKED));
        long p = pfn(bugged, bugged.allocPages(Gfp.GFP_KERNEL, 0, 0));
        // the drain takes pcp->count pages from the list's tail (free_pcppages_bulk), and the
        // hand-out took one off the count but left p at the head: one more page freed onto that
        // head (the second half of a split order-1 block) makes the drain reach p
        long q = pfn(bugged, bugged.allocPages(Gfp.GFP_KERNEL, 1, 0));
        assertThat(bugged.splitPage(bugged.layout().pfnToPage(q), 1)).isEqualTo(Result.VOID);
        assertThat(bugged.freePagesPfn(q + 1, 0, 0)).isEqualTo(Result.VOID);
        Result r = bugged.withReports(bugged.drainLocalPages(0));
        assertThat(((Result.Warned) r).warning()).isEqualTo(line(bugged, p, 1, "nonzero _refcount"));
        assertThat(bugged.isLeaked(p)).isTrue();
        assertThat(bugged.isBuddy(p)).isFalse();
    }

    @Test
    void aSeededBugDrainsAPageBelowZeroUnreported() {
        PageAllocator bugged = TestBoards.small(2, Bugs.of(PageBug.PAGE_DRAIN_SKIPS_BAD_PAGE_CHECK));
        long p = pfn(bugged, bugged.allocPages(Gfp.GFP_KERNEL, 0, 0));
        assertThat(bugged.freePagesPfn(p, 0, 0)).isEqualTo(Result.VOID);
        assertThat(bugged.freePagesPfn(p, 0, 0).isModelFinding()).isTrue();
        assertThat(bugged.withReports(bugged.drainLocalPages(0))).isEqualTo(Result.VOID);
        assertThat(bugged.isLeaked(p)).isFalse();
    }

    @Test
    void withDebugVmTheFirstBadTailDecidesEvenWhenTheNextOnesAreFit() {
        long p = alloc(Gfp.GFP_KERNEL, 2);
        assertThat(pa.freePagesPfn(p + 1, 0, 0).isModelFinding()).isTrue();
        pa.setDebugVm(true);
        // p + 2 and p + 3 are fit: the walk stops at p + 1 and the free is refused
        assertThat(refused(pa.freePagesPfn(p, 2, 0)).reason()).isEqualTo("nonzero _refcount");
        assertThat(pa.isLeaked(p)).isTrue();
    }
}
