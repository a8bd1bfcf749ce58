package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.check.BuddyChecks;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code __free_pages} (mm/page_alloc.c) at each of its refusals and wrong uses, without and with
 * CONFIG_DEBUG_VM: the impossible CPU and order, a pfn in no zone, {@code put_page_testzero}'s
 * VM_BUG_ON_PAGE and its silent underflow, the order 6.1 does not check, a reference that is not
 * the last, and {@code free_pages_prepare}'s reports. Each expected text is the report or finding
 * the model writes for the kernel rule its comment names; each pfn is worked from the board and
 * from {@code expand} (the lower half is handed out, the upper halves listed).
 */
class FreePagesRefusalsTest {
    private final PageAllocator pa = TestBoards.small(2);

    private long alloc(long gfp, int ord) {
        Result r = pa.allocPages(gfp, ord, 0);
        assertThat(r.value()).as("alloc_pages(%s, %d)", Gfp.format(gfp), ord).isNotZero();
        return pa.layout().pageToPfn(r.value());
    }

    private String report(Result r) {
        assertThat(r).isInstanceOf(Result.Refused.class);
        return ((Result.Refused) r).report();
    }

    private String reason(Result r) {
        assertThat(r).isInstanceOf(Result.Refused.class);
        return ((Result.Refused) r).reason();
    }

    private String warning(Result r) {
        assertThat(r).isInstanceOf(Result.Warned.class);
        return ((Result.Warned) r).warning();
    }

    private boolean dirty(PageAllocator a, long pfn) {
        for (int f : a.dirtyFrames()) {
            if (f == pfn - a.basePfn()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void anImpossibleCpuOrOrderIsRefusedBeforeTheReferenceIsDropped() {
        long p = alloc(Gfp.GFP_KERNEL, 0);
        // nr_cpu_ids is 2: CPUs 0 and 1 exist; MAX_ORDER is 12: orders 0..11
        assertThat(reason(pa.freePagesPfn(p, 0, 2))).isEqualTo("cpu 2 is not possible (nr_cpu_ids 2)");
        assertThat(reason(pa.freePagesPfn(p, 0, -1))).isEqualTo("cpu -1 is not possible (nr_cpu_ids 2)");
        assertThat(reason(pa.freePagesPfn(p, -1, 0))).isEqualTo("order -1 >= MAX_ORDER");
        assertThat(reason(pa.freePagesPfn(p, 12, 0))).isEqualTo("order 12 >= MAX_ORDER");
        assertThat(pa.refcount(p)).isEqualTo(1);
        assertThat(pa.isAllocated(p)).isTrue();
        // the last CPU is possible: the page goes to CPU 1's list
        assertThat(pa.freePagesPfn(p, 0, 1)).isEqualTo(Result.VOID);
        assertThat(pa.isOnPcp(p)).isTrue();
        assertThat(pa.pcpList(ZoneType.DMA, 1, 0)).contains(p);
        // the last order is possible: an order-11 block freed whole goes back to the free lists
        long big = alloc(Gfp.GFP_KERNEL, 11);
        long free = pa.zone(ZoneType.DMA).freePages();
        assertThat(pa.freePagesPfn(big, 11, 0)).isEqualTo(Result.VOID);
        assertThat(pa.zone(ZoneType.DMA).freePages()).isEqualTo(free + 2048);
        assertThat(pa.isBuddy(big)).isTrue();
        assertThat(pa.order(big)).isEqualTo(11);
    }

    /**
     * DMA [RAM, RAM + 4096) with its last 96 pages left reserved, a hole [RAM + 4096, RAM + 8192)
     * that no zone spans, HighMem [RAM + 8192, RAM + 12288) with its last page left reserved; 1 CPU.
     */
    static PageAllocator gapBoard() {
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, TestBoards.RAM, 4096, 4096, 4000, 16, 20, 24, new long[4], 30, 7);
        ZoneConfig high = new ZoneConfig(ZoneType.HIGHMEM, TestBoards.RAM + 8192, 4096, 4096, 4095, 16, 20, 24,
                new long[4], 30, 7);
        PageAllocator gap = new PageAllocator(List.of(dma, high),
                MemMapLayout.virt(TestBoards.MEM_MAP, TestBoards.RAM + 4096), 1);
        gap.memblockFreeRange(TestBoards.RAM, TestBoards.RAM + 4000);
        gap.freeHighpages(TestBoards.RAM + 8192, TestBoards.RAM + 12287);
        gap.setupPerCpuPagesets();
        gap.clearDirty();
        return gap;
    }

    @Test
    void aPfnInNoZoneAndABlockPastMemMapAreRefused() {
        PageAllocator gap = gapBoard();
        long hole = TestBoards.RAM + 5000;
        assertThat(reason(gap.freePagesPfn(hole, 0, 0))).isEqualTo("pfn 0x41388 is in no zone");
        // the last frame of mem_map, still reserved with its boot reference: an order-1 block from it
        // would reach one frame past mem_map
        long last = TestBoards.RAM + 12287;
        assertThat(reason(gap.freePagesPfn(last, 1, 0))).isEqualTo("block of order 1 at pfn 0x42fff ends outside mem_map");
        // at order 0 it fits: free_pcp_prepare does not check a PG_reserved head without CONFIG_DEBUG_VM
        Result r = gap.freePagesPfn(last, 0, 0);
        assertThat(r.isModelFinding()).isTrue();
        assertThat(report(r)).isEqualTo("armmm model: __free_pages(pfn:42fff, 0) of a PG_reserved page: free_pcp_prepare"
                + " does not check the head (check_free false without CONFIG_DEBUG_VM), clears its flags and puts it on a"
                + " per-CPU list, where it is free memory and still the kernel's own; the model stops before it");
        assertThat(gap.isReserved(last)).isTrue();
        assertThat(gap.refcount(last)).isEqualTo(1);
        assertThat(BuddyChecks.fullScan(gap)).isEmpty();
    }

    @Test
    void withDebugVmAFreeOfAPageWithoutReferenceIsReportedByWhatItIs() {
        pa.setDebugVm(true);
        long p = alloc(Gfp.GFP_KERNEL, 2);
        // a tail page of a plain block has no reference of its own: put_page_testzero's VM_BUG_ON_PAGE
        Result tail = pa.freePagesPfn(p + 1, 0, 0);
        assertThat(reason(tail)).isEqualTo("VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
        assertThat(report(tail)).startsWith(String.format("BUG: Bad page state in process swapper/0  pfn:%05x", p + 1));
        assertThat(pa.refcount(p + 1)).isZero();
        // a free block's head: the buddy page type in _mapcount is what the report names
        long head = pa.freeListHead(ZoneType.HIGHMEM, 11, MigrateType.MOVABLE);
        assertThat(reason(pa.freePagesPfn(head, 0, 0))).isEqualTo("nonzero mapcount");
        assertThat(pa.refcount(head)).isZero();
        assertThat(pa.isBuddy(head)).isTrue();
    }

    @Test
    void aSeededBugAcceptsAFreeOfAPageWithoutReferenceAndChangesNothing() {
        PageAllocator bugged = TestBoards.small(2, Bugs.of(PageBug.PAGE_FREE_ZERO_REFCOUNT_ACCEPTED));
        Result r = bugged.allocPages(Gfp.GFP_KERNEL, 2, 0);
        long p = bugged.layout().pageToPfn(r.value());
        long free = bugged.zone(ZoneType.DMA).freePages();
        assertThat(bugged.freePagesPfn(p + 1, 0, 0)).isEqualTo(Result.VOID);
        // no underflow: the reference stays 0, nothing is freed
        assertThat(bugged.refcount(p + 1)).isZero();
        assertThat(bugged.zone(ZoneType.DMA).freePages()).isEqualTo(free);
        assertThat(bugged.isAllocated(p)).isTrue();
    }

    @Test
    void withoutDebugVmAWrongOrderIsTheModelsFindingNamingWhat6Point1WouldDo() {
        long comp = alloc(Gfp.GFP_KERNEL | Gfp.COMP, 2);
        String smaller = report(pa.freePagesPfn(comp, 1, 0));
        assertThat(smaller).isEqualTo(String.format("armmm model: __free_pages(pfn:%05x, 1) of an order-2 compound"
                + " allocation: 6.1 does not check the order and leaves the pages it does not free as tails of a freed"
                + " head; the model stops before it", comp));
        String larger = report(pa.freePagesPfn(comp, 3, 0));
        assertThat(larger).isEqualTo(String.format("armmm model: __free_pages(pfn:%05x, 3) of an order-2 compound"
                + " allocation: 6.1 does not check the order and frees pages beyond the allocation with it, which are"
                + " free or someone else's; the model stops before it", comp));
        long plain = alloc(Gfp.GFP_KERNEL, 2);
        assertThat(report(pa.freePagesPfn(plain, 3, 0))).startsWith(String.format(
                "armmm model: __free_pages(pfn:%05x, 3) of an order-2 allocation: 6.1 does not check the order and frees"
                + " pages beyond", plain));
        // nothing changed: both still allocated with one reference, the compound's tails still tails
        assertThat(pa.refcount(comp)).isEqualTo(1);
        assertThat(pa.isTail(comp + 1)).isTrue();
        assertThat(pa.order(comp)).isEqualTo(2);
        assertThat(pa.refcount(plain)).isEqualTo(1);
        assertThat(pa.freePagesPfn(comp, 2, 0)).isEqualTo(Result.VOID);
        assertThat(pa.freePagesPfn(plain, 2, 0)).isEqualTo(Result.VOID);
        assertThat(BuddyChecks.fullScan(pa)).isEmpty();
    }

    @Test
    void withDebugVmAWrongOrderIsRefusedWithBothOrders() {
        pa.setDebugVm(true);
        long p = alloc(Gfp.GFP_KERNEL, 3);
        Result r = pa.freePagesPfn(p, 2, 0);
        assertThat(reason(r)).isEqualTo("wrong order");
        assertThat(report(r)).isEqualTo("freeing pfn 0x" + Long.toHexString(p) + " with order 2, allocated with order 3");
        assertThat(pa.isAllocated(p + 4)).isFalse();
        assertThat(pa.refcount(p)).isEqualTo(1);
    }

    @Test
    void aReferenceThatIsNotTheLastIsDroppedAndNothingFreed() {
        // PAGE_REFCOUNT_TWO gives a plain order >= 1 block two references: the first free only drops one
        PageAllocator bugged = TestBoards.small(2, Bugs.of(PageBug.PAGE_REFCOUNT_TWO));
        long p = bugged.layout().pageToPfn(bugged.allocPages(Gfp.GFP_KERNEL, 1, 0).value());
        assertThat(bugged.refcount(p)).isEqualTo(2);
        long free = bugged.zone(ZoneType.DMA).freePages() + bugged.zone(ZoneType.DMA).pcpListPages();
        // and a smaller order while two references are held is no silent half free: put_page_testzero does not
        // reach 0, then __free_pages frees the block after the head
        assertThat(report(bugged.freePagesPfn(p, 0, 0))).isEqualTo(String.format("armmm model: __free_pages(pfn:%05x, 0)"
                + " of an order-1 allocation: 6.1 does not check the order and does not drop the last reference, then frees"
                + " the blocks after the head (page + 2^k at order k), which the allocation still holds; the model stops"
                + " before it", p));
        bugged.beginStep();
        assertThat(bugged.freePagesPfn(p, 1, 0)).isEqualTo(Result.VOID);
        assertThat(bugged.refcount(p)).isEqualTo(1);
        assertThat(bugged.isAllocated(p)).isTrue();
        assertThat(dirty(bugged, p)).isTrue();
        assertThat(bugged.zone(ZoneType.DMA).freePages() + bugged.zone(ZoneType.DMA).pcpListPages()).isEqualTo(free);
        assertThat(bugged.freePagesPfn(p, 1, 0)).isEqualTo(Result.VOID);
        assertThat(bugged.refcount(p)).isZero();
        assertThat(bugged.zone(ZoneType.DMA).freePages() + bugged.zone(ZoneType.DMA).pcpListPages()).isEqualTo(free + 2);
    }

    @Test
    void aSeededBugFreesTheOrderItIsGiven() {
        PageAllocator bugged = TestBoards.small(2, Bugs.of(PageBug.PAGE_FREE_WRONG_ORDER_ACCEPTED));
        long p = bugged.layout().pageToPfn(bugged.allocPages(Gfp.GFP_KERNEL, 3, 0).value());
        long allocated = bugged.zone(ZoneType.DMA).allocatedPages();
        long cached = bugged.zone(ZoneType.DMA).pcpListPages();
        assertThat(bugged.freePagesPfn(p, 2, 0)).isEqualTo(Result.VOID);
        // the first 4 pages go to the per-CPU list of order 2, the other 4 are nobody's
        assertThat(bugged.zone(ZoneType.DMA).allocatedPages()).isEqualTo(allocated - 4);
        assertThat(bugged.zone(ZoneType.DMA).pcpListPages()).isEqualTo(cached + 4);
        assertThat(bugged.isOnPcp(p)).isTrue();
        assertThat(bugged.order(p)).isEqualTo(2);
    }

    @Test
    void anUnderflowOfATailBlockHeadNamesTheTailBlocks6Point1WouldFreeAgain() {
        long p = alloc(Gfp.GFP_KERNEL, 2);
        assertThat(pa.freePagesPfn(p, 2, 0)).isEqualTo(Result.VOID);
        // __free_pages after put_page_testzero fails on a non-compound block: page + 2^k at order k, k = 1, 0
        Result again = pa.freePagesPfn(p, 2, 0);
        assertThat(report(again)).isEqualTo(String.format("armmm model: __free_pages(pfn:%05x, 2) with _refcount 0:"
                + " put_page_testzero does not reach 0 and the page is no compound head, so 6.1 (no CONFIG_DEBUG_VM) frees"
                + " the tail blocks again (pfn:%05x order 1, pfn:%05x order 0), which are free or in use already; the model"
                + " stops before a block is on two lists", p, p + 2, p + 1));
        assertThat(pa.refcount(p)).isZero();
        // order 1: one tail block only
        long q = alloc(Gfp.GFP_KERNEL, 1);
        assertThat(pa.freePagesPfn(q, 1, 0)).isEqualTo(Result.VOID);
        assertThat(report(pa.freePagesPfn(q, 1, 0))).contains(String.format("again (pfn:%05x order 0), which", q + 1));
    }

    @Test
    void anUnderflowSaysWhichLaterStepReportsIt() {
        // the first DMA block (RAM, order 9) is free: a page inside it, found at the block's start (frame 0)
        long inFirst = TestBoards.RAM + 1;
        assertThat(pa.isBuddy(TestBoards.RAM)).isTrue();
        assertThat(pa.order(TestBoards.RAM)).isEqualTo(9);
        String fromBlock = "the allocation that takes its block off the free lists reports it (nonzero _refcount)";
        assertThat(warning(pa.freePagesPfn(inFirst, 0, 0))).isEqualTo(String.format("double free: put_page_testzero took"
                + " the _refcount of pfn:%05x from 0 to -1; 6.1 (no CONFIG_DEBUG_VM) says nothing and frees nothing; %s",
                inFirst, fromBlock));
        assertThat(pa.refcount(inFirst)).isEqualTo(-1);
        assertThat(dirty(pa, inFirst)).isTrue();
        // twice: from -1 to -2
        assertThat(warning(pa.freePagesPfn(inFirst, 0, 0))).contains("from -1 to -2;");
        // a free block's head, and the page half way into an order-11 block, found only at order 11
        long head = pa.freeListHead(ZoneType.HIGHMEM, 11, MigrateType.MOVABLE);
        assertThat(warning(pa.freePagesPfn(head, 0, 0))).endsWith(fromBlock);
        assertThat(warning(pa.freePagesPfn(head + 1024, 0, 0))).endsWith(fromBlock);
        assertThat(warning(pa.freePagesPfn(head + 2047, 0, 0))).endsWith(fromBlock);
        assertThat(pa.refcount(head + 1024)).isEqualTo(-1);
    }

    @Test
    void anUnderflowInsideAPerCpuBlockOrAnAllocationSaysSo() {
        long two = alloc(Gfp.GFP_KERNEL, 2);
        long three = alloc(Gfp.GFP_KERNEL, 3);
        assertThat(pa.freePagesPfn(two, 2, 0)).isEqualTo(Result.VOID);
        assertThat(pa.freePagesPfn(three, 3, 0)).isEqualTo(Result.VOID);
        assertThat(pa.isOnPcp(two)).isTrue();
        assertThat(pa.isOnPcp(three)).isTrue();
        String pcp = "its per-CPU block is drained unchecked and the allocation that takes it off the free lists reports it"
                + " (nonzero _refcount)";
        // the head itself is on the list: its drain reports it
        assertThat(warning(pa.freePagesPfn(two, 0, 0))).contains("the drain of its per-CPU list reports it (nothing does"
                + " if the list hands it out first: check_new_pcp is off)");
        // pages of the order-2 block, found at order 1 and at order 2 (= its order)
        assertThat(warning(pa.freePagesPfn(two + 1, 0, 0))).endsWith(pcp);
        assertThat(warning(pa.freePagesPfn(two + 2, 0, 0))).endsWith(pcp);
        // the page half way into the order-3 block: found only at order 3 (PAGE_ALLOC_COSTLY_ORDER)
        assertThat(warning(pa.freePagesPfn(three + 4, 0, 0))).endsWith(pcp);
        // a tail page of a live allocation: the block's own free reports it
        long held = alloc(Gfp.GFP_KERNEL, 2);
        assertThat(warning(pa.freePagesPfn(held + 3, 0, 0))).endsWith(
                "the free of the block it is part of reports it (nonzero _refcount)");
    }

    @Test
    void anUnderflowBesideASmallerFreeBlockIsNotInsideIt() {
        // order 4 is past the per-CPU orders: expand hands out the lower half and lists the upper ones,
        // so two order-4 requests of one migratetype in a row get a block and its buddy
        long a0 = alloc(Gfp.GFP_KERNEL, 4);
        long a1 = alloc(Gfp.GFP_KERNEL, 4);
        assertThat(a1).isEqualTo(a0 + 16);
        assertThat(pa.freePagesPfn(a0, 4, 0)).isEqualTo(Result.VOID);
        assertThat(pa.isBuddy(a0)).isTrue();
        assertThat(pa.order(a0)).isEqualTo(4);
        // a1 + 1 lies in [a0, a0 + 32), the order-5 span of the free order-4 block a0, but not in that block
        assertThat(warning(pa.freePagesPfn(a1 + 1, 0, 0))).endsWith(
                "the free of the block it is part of reports it (nonzero _refcount)");
    }

    @Test
    void aLeakedBlockFreedAgainIsReportedByNothing() {
        // a compound block whose tail went below 0 is reported at its free and leaked, head and all
        long comp = alloc(Gfp.GFP_KERNEL | Gfp.COMP, 2);
        assertThat(pa.freePagesPfn(comp + 1, 0, 0).isModelFinding()).isTrue();
        Result bad = pa.freePagesPfn(comp, 2, 0);
        assertThat(reason(bad)).isEqualTo("nonzero _refcount");
        assertThat(pa.isLeaked(comp)).isTrue();
        assertThat(pa.refcount(comp)).isZero();
        // its head is still a compound head: the order-2 free of it again underflows the head only
        Result again = pa.freePagesPfn(comp, 2, 0);
        assertThat(warning(again)).isEqualTo(String.format("double free: put_page_testzero took the _refcount of"
                + " pfn:%05x from 0 to -1; 6.1 (no CONFIG_DEBUG_VM) says nothing and frees nothing; nothing reports it"
                + " (a leaked page) (nonzero _refcount)", comp));
        assertThat(pa.refcount(comp)).isEqualTo(-1);
    }

    @Test
    void aSmallerOrderFreesTheFirstPartAndLeaksTheRest() {
        long p = alloc(Gfp.GFP_KERNEL, 3);
        pa.beginStep();
        Result r = pa.freePagesPfn(p, 1, 0);
        assertThat(warning(r)).isEqualTo(String.format("__free_pages(pfn:%05x, 1) of an order-3 allocation: 6.1 does not"
                + " check the order; it frees pfn:%05x..%05x and the 6 pages after them leak, silently", p, p, p + 1));
        // the rest as blocks of orders 1 and 2: page + 2 and page + 4
        assertThat(pa.isLeaked(p + 2)).isTrue();
        assertThat(pa.order(p + 2)).isEqualTo(1);
        assertThat(pa.isLeaked(p + 4)).isTrue();
        assertThat(pa.order(p + 4)).isEqualTo(2);
        assertThat(pa.isAllocated(p + 3)).isFalse();
        assertThat(pa.isAllocated(p + 6)).isFalse();
        assertThat(dirty(pa, p + 2)).isTrue();
        assertThat(dirty(pa, p + 4)).isTrue();
        assertThat(pa.isOnPcp(p)).isTrue();
        assertThat(BuddyChecks.fullScan(pa)).isEmpty();
    }

    @Test
    void aSmallerOrderWhoseFirstPartIsBadLeaksNothingMore() {
        long p = alloc(Gfp.GFP_KERNEL, 2);
        // the tail page p + 1 goes below 0, then the order-1 free of the head checks it
        assertThat(pa.freePagesPfn(p + 1, 0, 0).isModelFinding()).isTrue();
        Result r = pa.freePagesPfn(p, 1, 0);
        assertThat(reason(r)).isEqualTo("nonzero _refcount");
        assertThat(report(r)).contains(String.format("pfn:%05x", p + 1), "refcount:-1");
        assertThat(pa.isAllocated(p + 2)).isFalse();
        assertThat(pa.isLeaked(p)).isTrue();
    }

    @Test
    void aSlabPageFreedAsAPlainPageIsFoundOrReportedByOrder() {
        long three = alloc(Gfp.GFP_KERNEL, 3);
        pa.setPageSlab(three, true);
        // order 3 is a per-CPU order: free_pcp_prepare does not check the head
        Result r = pa.freePagesPfn(three, 3, 0);
        assertThat(report(r)).isEqualTo(String.format("armmm model: __free_pages(pfn:%05x, 3) of a PG_slab page:"
                + " free_pcp_prepare does not check the head (check_free false without CONFIG_DEBUG_VM), clears its flags"
                + " and puts it on a per-CPU list, where it is free memory and still a slab in use; the model stops before"
                + " it", three));
        assertThat(pa.refcount(three)).isEqualTo(1);
        // order 4 goes through __free_pages_ok, which checks the head: PG_slab is in PAGE_FLAGS_CHECK_AT_FREE
        long four = alloc(Gfp.GFP_KERNEL, 4);
        pa.setPageSlab(four, true);
        pa.beginStep();
        Result bad = pa.freePagesPfn(four, 4, 0);
        assertThat(reason(bad)).isEqualTo("PAGE_FLAGS_CHECK_AT_FREE flag(s) set");
        assertThat(pa.refcount(four)).isZero();
        assertThat(pa.isLeaked(four)).isTrue();
        assertThat(pa.isAllocated(four)).isTrue();
        assertThat(dirty(pa, four)).isTrue();
    }

    @Test
    void withDebugVmAReservedPageIsReportedAndNotLeaked() {
        pa.setDebugVm(true);
        long reserved = TestBoards.RAM + 0x300;
        pa.beginStep();
        assertThat(reason(pa.freePagesPfn(reserved, 0, 0))).isEqualTo("PAGE_FLAGS_CHECK_AT_FREE flag(s) set");
        assertThat(pa.refcount(reserved)).isZero();
        assertThat(pa.isLeaked(reserved)).isFalse();
        assertThat(pa.isAllocated(reserved)).isFalse();
        assertThat(dirty(pa, reserved)).isTrue();
    }

    @Test
    void perCpuOrdersGoToTheCpusListAndLargerOnesToTheBuddyLists() {
        long three = alloc(Gfp.GFP_KERNEL, 3);
        long four = alloc(Gfp.GFP_KERNEL, 4);
        long allocated = pa.zone(ZoneType.DMA).allocatedPages();
        long cached = pa.zone(ZoneType.DMA).pcpListPages();
        long free = pa.zone(ZoneType.DMA).freePages();
        assertThat(pa.freePagesPfn(three, 3, 0)).isEqualTo(Result.VOID);
        assertThat(pa.zone(ZoneType.DMA).pcpListPages()).isEqualTo(cached + 8);
        assertThat(pa.zone(ZoneType.DMA).freePages()).isEqualTo(free);
        assertThat(pa.zone(ZoneType.DMA).allocatedPages()).isEqualTo(allocated - 8);
        assertThat(pa.freePagesPfn(four, 4, 0)).isEqualTo(Result.VOID);
        assertThat(pa.zone(ZoneType.DMA).pcpListPages()).isEqualTo(cached + 8);
        assertThat(pa.zone(ZoneType.DMA).freePages()).isEqualTo(free + 16);
        assertThat(pa.zone(ZoneType.DMA).allocatedPages()).isEqualTo(allocated - 24);
    }

    @Test
    void aFreedCompoundBlockClearsItsTailsAndNothingPastThem() {
        long comp = alloc(Gfp.GFP_KERNEL | Gfp.COMP, 2);
        long next = alloc(Gfp.GFP_KERNEL, 2);
        assertThat(next).as("the next order-2 block of the same per-CPU refill").isEqualTo(comp + 4);
        long before = comp - 4;
        int orderBefore = pa.order(before);
        assertThat(pa.order(comp + 1)).isEqualTo(2);
        assertThat(pa.freePagesPfn(comp, 2, 0)).isEqualTo(Result.VOID);
        for (long t = comp + 1; t < comp + 4; t++) {
            assertThat(pa.isTail(t)).isFalse();
            assertThat(pa.order(t)).isZero();
        }
        assertThat(pa.pageFlags(comp) & (1L << PageAllocator.PG_HEAD)).isZero();
        assertThat(pa.order(next)).isEqualTo(2);
        assertThat(pa.isAllocated(next)).isTrue();
        assertThat(pa.order(before)).isEqualTo(orderBefore);
    }

    @Test
    void aSeededBugLeavesTheTailFlagsOfAFreedCompound() {
        PageAllocator bugged = TestBoards.small(2, Bugs.of(PageBug.PAGE_TAIL_FLAGS_LEFT));
        long comp = bugged.layout().pageToPfn(bugged.allocPages(Gfp.GFP_KERNEL | Gfp.COMP, 2, 0).value());
        assertThat(bugged.freePagesPfn(comp, 2, 0)).isEqualTo(Result.VOID);
        assertThat(bugged.isTail(comp + 1)).isTrue();
        assertThat(bugged.isTail(comp + 3)).isTrue();
        assertThat(bugged.isOnPcp(comp)).isTrue();
    }

    @Test
    void aSlabHeadWithABadTailIsReportedByTheTailCheck() {
        // free_pcp_prepare checks the tails even where it leaves the head alone: the bad tail is reported
        long p = alloc(Gfp.GFP_KERNEL, 2);
        pa.setPageSlab(p, true);
        assertThat(pa.freePagesPfn(p + 1, 0, 0).isModelFinding()).isTrue();
        Result r = pa.freePagesPfn(p, 2, 0);
        assertThat(reason(r)).isEqualTo("nonzero _refcount");
        assertThat(report(r)).startsWith(String.format("BUG: Bad page state in process swapper/0  pfn:%05x", p + 1));
    }

    /** DMA [RAM + 0x100, RAM + 0x1100): mem_map starts off a pageblock and off ARCH_PFN_OFFSET; 1 CPU. */
    static PageAllocator oddBoard() {
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, TestBoards.RAM + 0x100, 4096, 4096, 4096, 16, 20, 24, new long[4],
                30, 7);
        PageAllocator odd = new PageAllocator(List.of(dma), MemMapLayout.virt(TestBoards.MEM_MAP, TestBoards.RAM + 0x1100), 1);
        odd.memblockFreeRange(TestBoards.RAM + 0x100, TestBoards.RAM + 0x1100);
        odd.setupPerCpuPagesets();
        odd.clearDirty();
        return odd;
    }

    @Test
    void anUnderflowNearTheStartOfAnUnalignedMemMapLooksOnlyAtFramesItHas() {
        PageAllocator odd = oddBoard();
        // __free_pages_memory from RAM + 0x100: an order-8 block first, the lowest on MOVABLE's order-8 list
        long p = odd.layout().pageToPfn(odd.allocPages(Gfp.GFP_KERNEL | Gfp.MOVABLE, 8, 0).value());
        assertThat(p).isEqualTo(TestBoards.RAM + 0x100);
        // the order-9 and larger spans of p + 1 start below mem_map: no frame there to look at
        assertThat(warning(odd.freePagesPfn(p + 1, 0, 0))).endsWith(
                "the free of the block it is part of reports it (nonzero _refcount)");
        // struct page pointers and linear addresses below mem_map's first frame are no pages here
        long below = odd.layout().pfnToPage(TestBoards.RAM);
        assertThat(reason(odd.freePages(below, 0, 0))).startsWith("not a struct page");
        assertThat(reason(odd.splitPage(below, 0))).startsWith("not a struct page");
        assertThat(reason(odd.freePagesVirt(odd.layout().pageAddress(TestBoards.RAM), 0, 0))).isEqualTo("!virt_addr_valid");
    }
}
