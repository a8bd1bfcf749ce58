package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageOp;
import armmm.model.page.PageStateEdits;
import armmm.model.subsystem.Op;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * INV-CALL-03 ({@link PageCallChecks#freeOutcome}) on each outcome 6.1 gives a free, by the struct
 * page it names and the build (spec/invariants.md, INV-CALL-03; mm/page_alloc.c
 * {@code __free_pages}, {@code free_pages_prepare}, {@code free_pcp_prepare}; include/linux/mm.h
 * {@code put_page_testzero}): the call the model runs is judged clean, and the same state before
 * with an outcome 6.1 cannot give (accepted where it refuses, the kernel's report where it is
 * silent, the count left where it drops one) is judged with the one reason that names it. The
 * 24 MiB virt board has one CPU and one zone, ZONE_DMA (index 0), without CONFIG_DEBUG_VM unless
 * a test sets it.
 */
class PageCallChecksFreeOutcomeTest extends OnVirt24 {

    private long alloc(long gfp, int order) {
        return k.apply(new PageOp.AllocPages(gfp, order, 0)).value();
    }

    /** The state before {@code op}; {@code run} decides whether the kernel then runs it; judged with {@code given}. */
    private List<String> judge(Op op, boolean run, Result given) {
        PageCall c = PageCall.before(pa, op);
        if (run) {
            k.apply(op);
        }
        return reasons(PageCallChecks.freeOutcome(pa, c.after(given)));
    }

    /** The call run, its own result judged. */
    private List<String> runAndJudge(Op op) {
        PageCall c = PageCall.before(pa, op);
        Result r = k.apply(op);
        return reasons(PageCallChecks.freeOutcome(pa, c.after(r)));
    }

    /** An order-0 double free without DEBUG_VM: the model's finding, the count one lower (0 to -1, then -1 to -2). */
    @Test
    void aDoubleFreeOfAPageIsTheModelsFindingWithTheCountOneLower() {
        long p = alloc(Gfp.GFP_KERNEL, 0);
        k.apply(new PageOp.FreePages(p, 0, 0));
        Op again = new PageOp.FreePages(p, 0, 0);
        // put_page_testzero takes 0 to -1 and nothing is freed: a kernel value or a refusal is not 6.1's outcome
        assertThat(judge(again, false, Result.VOID)).containsExactly("double free not found");
        assertThat(PageCallChecks.freeOutcome(pa, PageCall.before(pa, again).after(Result.VOID))).singleElement()
                .satisfies(v -> assertThat(v.details()).isEqualTo(again + " with _refcount 0 must be the model's finding"
                        + " (the count goes one lower), found " + Result.VOID));
        PageCall left = PageCall.before(pa, again);
        assertThat(PageCallChecks.freeOutcome(pa, left.after(Result.finding(0, "x")))).singleElement()
                .satisfies(v -> assertThat(v.details()).isEqualTo(again + ": _refcount 0 -> 0, expected -1"));
        assertThat(judge(again, false, Result.modelRefusal("x"))).containsExactly("double free not found");
        // the finding, but the count left at 0 (expected 0 - 1 = -1)
        assertThat(judge(again, false, Result.finding(0, "x"))).containsExactly("underflow not as 6.1 leaves it");
        assertThat(runAndJudge(again)).isEmpty();
        assertThat(pa.refcount(pfnOf(p))).isEqualTo(-1);
        // from -1: below 0 is still no reference, -1 - 1 = -2
        assertThat(runAndJudge(again)).isEmpty();
        assertThat(pa.refcount(pfnOf(p))).isEqualTo(-2);
        // a finding that changed the free pages is no finding: an order-1 block allocated in between (not p,
        // which sits on the order-0 per-CPU list, from where an allocation would hand it out unchecked)
        PageCall c = PageCall.before(pa, again);
        k.apply(again);
        alloc(Gfp.GFP_KERNEL, 1);
        assertThat(reasons(PageCallChecks.freeOutcome(pa, c.after(Result.finding(0, "x")))))
                .containsExactly("reported free changed the free pages");
    }

    /** A non-compound order-1 block freed twice: its tail block would be freed again, so the model refuses, count as it was. */
    @Test
    void aDoubleFreeOfAPlainBlockIsRefusedWithTheCountAsItWas() {
        long p = alloc(Gfp.GFP_KERNEL, 1);
        k.apply(new PageOp.FreePages(p, 1, 0));
        k.apply(new PageOp.DrainLocalPages(0));
        Op again = new PageOp.FreePages(p, 1, 0);
        assertThat(judge(again, false, Result.finding(0, "x"))).containsExactly("double free not found");
        // refused as the finding, but the count one lower: expected as it was (0)
        PageCall c = PageCall.before(pa, again);
        PageStateEdits.refcount(pa, pfnOf(p), -1);
        assertThat(PageCallChecks.freeOutcome(pa, c.after(Result.modelRefusal("x")))).singleElement().satisfies(v -> {
            assertThat(v.reason()).isEqualTo("underflow not as 6.1 leaves it");
            assertThat(v.details()).isEqualTo(again + ": _refcount 0 -> -1, expected 0");
        });
        assertThat(PageCallChecks.freeOutcome(pa, PageCall.before(pa, again).after(Result.VOID))).singleElement()
                .satisfies(v -> assertThat(v.details()).isEqualTo(again + " with _refcount -1 must be the model's finding"
                        + " (refused: its tail blocks would be freed again), found " + Result.VOID));
        PageStateEdits.refcount(pa, pfnOf(p), 0);
        assertThat(runAndJudge(again)).isEmpty();
        assertThat(pa.refcount(pfnOf(p))).isZero();
    }

    /** A compound head freed twice: no tail blocks are freed again, so the count goes one lower. */
    @Test
    void aDoubleFreeOfACompoundHeadTakesItsCountOneLower() {
        long p = alloc(Gfp.GFP_KERNEL | Gfp.COMP, 2);
        long pfn = pfnOf(p);
        k.apply(new PageOp.FreePages(p, 2, 0));
        // the head's PageHead as the state before records it (the freed block is on a per-CPU list, its flags cleared)
        PageStateEdits.bit(pa, pfn, PageStateEdits.Bit.HEAD, true);
        Op again = new PageOp.FreePages(p, 2, 0);
        assertThat(judge(again, false, Result.modelRefusal("x"))).containsExactly("double free not found");
        assertThat(runAndJudge(again)).isEmpty();
        assertThat(pa.refcount(pfn)).isEqualTo(-1);
    }

    /** With CONFIG_DEBUG_VM, put_page_testzero's VM_BUG_ON_PAGE reports a free of a count of 0. */
    @Test
    void withDebugVmAFreeOfACountOf0IsReported() {
        pa.setDebugVm(true);
        long p = alloc(Gfp.GFP_KERNEL, 0);
        k.apply(new PageOp.FreePages(p, 0, 0));
        Op again = new PageOp.FreePages(p, 0, 0);
        assertThat(judge(again, false, Result.VOID)).containsExactly("wrong free accepted");
        assertThat(judge(again, false, Result.finding(0, "x"))).containsExactly("wrong free accepted");
        assertThat(runAndJudge(again)).isEmpty();
    }

    /** No struct page, or a CPU the board does not have (one CPU: 0 only), is refused; not a double free either. */
    @Test
    void aFreeOutsideMemMapOrOnAnImpossibleCpuIsRefused() {
        long p = alloc(Gfp.GFP_KERNEL, 0);
        long outside = page(pa.basePfn() + pa.frameCount());
        assertThat(judge(new PageOp.FreePages(outside, 0, 0), false, Result.VOID)).containsExactly("wrong free accepted");
        assertThat(runAndJudge(new PageOp.FreePages(outside, 0, 0))).isEmpty();
        for (int cpu : new int[] {-1, 1}) {
            Op bad = new PageOp.FreePages(p, 0, cpu);
            assertThat(judge(bad, false, Result.VOID)).as("cpu %d", cpu).containsExactly("wrong free accepted");
            assertThat(runAndJudge(bad)).as("cpu %d", cpu).isEmpty();
        }
        // a refusal that changed the free pages: an order-1 block allocated in between
        PageCall c = PageCall.before(pa, new PageOp.FreePages(p, 0, 1));
        alloc(Gfp.GFP_KERNEL, 1);
        assertThat(reasons(PageCallChecks.freeOutcome(pa, c.after(Result.refused("cpu 1 is not possible")))))
                .containsExactly("reported free changed the free pages");
        // the same with a count of 0: an impossible CPU is refused before the count is looked at
        k.apply(new PageOp.FreePages(p, 0, 0));
        for (int cpu : new int[] {-1, 1}) {
            Op late = new PageOp.FreePages(p, 0, cpu);
            assertThat(judge(late, false, Result.finding(0, "x"))).as("cpu %d", cpu).containsExactly("wrong free accepted");
            assertThat(judge(late, false, Result.refused("cpu not possible"))).as("cpu %d", cpu).isEmpty();
            assertThat(runAndJudge(late)).as("cpu %d", cpu).isEmpty();
        }
        assertThat(pa.refcount(pfnOf(p))).isZero();
    }

    /**
     * A struct page in no zone's span: mem_map over DMA [0x40000, 0x40800) and HighMem
     * [0x40c00, 0x41000), the hole between them PG_reserved with no zone. Refused whatever its count,
     * and not as a PG_reserved page (which without DEBUG_VM would be the model's finding).
     */
    @Test
    void aFreeOfAPageInNoZoneIsRefused() {
        PageAllocator holed = BuddyFullScanStatesTest.holed();
        long hole = 0x40900;
        Op free = new PageOp.FreePages(holed.layout().pfnToPage(hole), 0, 0);
        PageCall c = PageCall.before(holed, free);
        assertThat(c.frame.zone()).isEqualTo(-1);
        assertThat(PageCallChecks.freeOutcome(holed, c.after(Result.VOID))).singleElement()
                .satisfies(v -> assertThat(v.details()).isEqualTo(free + " frees a page with no struct page or zone, which must"
                        + " be reported, and was accepted"));
        assertThat(PageCallChecks.freeOutcome(holed, c.after(Result.refused("pfn 0x40900 is in no zone")))).isEmpty();
        assertThat(PageCallChecks.freeOutcome(holed, PageCall.before(holed, free).after(holed.freePages(
                holed.layout().pfnToPage(hole), 0, 0)))).isEmpty();
        // with a count of 0: still no zone, not a double free
        PageStateEdits.refcount(holed, hole, 0);
        PageCall z = PageCall.before(holed, free);
        assertThat(PageCallChecks.freeOutcome(holed, z.after(Result.finding(0, "x")))).extracting(Violation::reason)
                .containsExactly("wrong free accepted");
        assertThat(PageCallChecks.freeOutcome(holed, z.after(Result.refused("pfn 0x40900 is in no zone")))).isEmpty();
    }

    /** free_pages of a lowmem address: the struct page behind it judged as __free_pages judges it. */
    @Test
    void freePagesOfAnAddressIsJudgedByItsPage() {
        long addr = k.apply(new PageOp.GetFreePages(Gfp.GFP_KERNEL, 1, 0)).value();
        Op free = new PageOp.FreePagesVirt(addr, 1, 0);
        assertThat(judge(free, false, Result.VOID)).containsExactly("freed page keeps a reference", "freed block not given back");
        assertThat(runAndJudge(free)).isEmpty();
    }

    /**
     * PG_reserved: at order 0 without DEBUG_VM free_pcp_prepare does not check the head, so the
     * refusal is the model's finding; at order 1 free_pages_prepare's tail check reports it, and
     * with DEBUG_VM every order is reported.
     */
    @Test
    void aReservedPageIsRefusedAsTheModelsFindingOnlyAtOrder0WithoutDebugVm() {
        long r = reservedRun();
        // each frame freed once: a report leaves its count at 0, which a second free would judge as a double free
        Op order0 = new PageOp.FreePages(page(r), 0, 0);
        assertThat(judge(order0, false, Result.VOID)).containsExactly("wrong free accepted");
        assertThat(PageCallChecks.freeOutcome(pa, PageCall.before(pa, order0).after(Result.VOID))).singleElement()
                .satisfies(v -> assertThat(v.details()).isEqualTo(order0 + " frees a PG_reserved page, which must be the"
                        + " model's finding, and was accepted"));
        assertThat(judge(order0, false, Result.refused("bad page"))).containsExactly("kernel report where 6.1 is silent");
        assertThat(runAndJudge(order0)).isEmpty();
        Op order1 = new PageOp.FreePages(page(r + 2), 1, 0);
        assertThat(judge(order1, false, Result.refused("bad page"))).isEmpty();
        assertThat(runAndJudge(order1)).isEmpty();
        pa.setDebugVm(true);
        Op debug0 = new PageOp.FreePages(page(r + 4), 0, 0);
        assertThat(judge(debug0, false, Result.refused("bad page"))).isEmpty();
        assertThat(judge(debug0, false, Result.VOID)).containsExactly("wrong free accepted");
        assertThat(runAndJudge(debug0)).isEmpty();
    }

    /** The first of 8 PG_reserved frames in a row (the kernel image's), aligned to 8. */
    private long reservedRun() {
        for (long p = pa.basePfn(); p + 8 <= pa.basePfn() + pa.frameCount(); p += 8) {
            boolean all = true;
            for (long q = p; q < p + 8; q++) {
                all &= pa.isReserved(q) && pa.zoneIndex(q) == ZoneType.DMA.ordinal();
            }
            if (all) {
                return p;
            }
        }
        throw new AssertionError("no PG_reserved frames");
    }

    /**
     * The last reference of a PG_slab page (PAGE_FLAGS_CHECK_AT_FREE): the model's finding at
     * order 0 without DEBUG_VM, a report otherwise; a reference that is not the last only drops.
     */
    @Test
    void theLastReferenceOfASlabPageIsRefused() {
        long p = alloc(Gfp.GFP_KERNEL, 0);
        pa.setPageSlab(pfnOf(p), true);
        Op free = new PageOp.FreePages(p, 0, 0);
        assertThat(judge(free, false, Result.VOID)).containsExactly("wrong free accepted");
        assertThat(judge(free, false, Result.refused("bad page"))).containsExactly("kernel report where 6.1 is silent");
        assertThat(runAndJudge(free)).isEmpty();
        // two references: the free drops one, whatever the flags
        PageStateEdits.refcount(pa, pfnOf(p), 2);
        assertThat(judge(free, false, Result.VOID)).containsExactly("reference not dropped");
        assertThat(runAndJudge(free)).isEmpty();
        assertThat(pa.refcount(pfnOf(p))).isEqualTo(1);
        long q = alloc(Gfp.GFP_KERNEL, 1);
        pa.setPageSlab(pfnOf(q), true);
        Op free1 = new PageOp.FreePages(q, 1, 0);
        assertThat(judge(free1, false, Result.refused("bad page"))).isEmpty();
        assertThat(judge(free1, false, Result.modelRefusal("x"))).isEmpty();
        pa.setDebugVm(true);
        assertThat(judge(free, false, Result.refused("bad page"))).isEmpty();
    }

    /**
     * A reference that is not the last: one dropped (2 to 1), nothing freed; a refusal, an
     * unchanged count or a change in the free pages is not 6.1's outcome.
     */
    @Test
    void aFreeOfOneOfSeveralReferencesOnlyDropsIt() {
        long p = alloc(Gfp.GFP_KERNEL, 2);
        PageStateEdits.refcount(pa, pfnOf(p), 2);
        Op free = new PageOp.FreePages(p, 2, 0);
        assertThat(judge(free, false, Result.VOID)).containsExactly("reference not dropped");
        assertThat(judge(free, false, Result.refused("x"))).containsExactly("good free refused");
        PageCall c = PageCall.before(pa, free);
        k.apply(free);
        alloc(Gfp.GFP_KERNEL, 0);
        assertThat(reasons(PageCallChecks.freeOutcome(pa, c.after(Result.VOID)))).containsExactly("reported free changed the free pages");
        PageStateEdits.refcount(pa, pfnOf(p), 3);
        assertThat(runAndJudge(free)).isEmpty();
        assertThat(pa.refcount(pfnOf(p))).isEqualTo(2);
    }

    /**
     * Another order than allocated: refused, the model's finding without DEBUG_VM (6.1 does not
     * check it), a report with it; a larger order, a compound head freed with a smaller one, and a
     * smaller order with DEBUG_VM all take that rule.
     */
    @Test
    void aWrongOrderIsRefusedAsTheBuildSays() {
        long p = alloc(Gfp.GFP_KERNEL, 1);
        Op larger = new PageOp.FreePages(p, 2, 0);
        assertThat(judge(larger, false, Result.refused("wrong order"))).containsExactly("kernel report where 6.1 is silent");
        assertThat(runAndJudge(larger)).isEmpty();
        long c = alloc(Gfp.GFP_KERNEL | Gfp.COMP, 2);
        Op headSmaller = new PageOp.FreePages(c, 1, 0);
        assertThat(judge(headSmaller, false, Result.refused("wrong order"))).containsExactly("kernel report where 6.1 is silent");
        assertThat(judge(headSmaller, false, Result.finding(0, "x"))).containsExactly("wrong free accepted");
        assertThat(runAndJudge(headSmaller)).isEmpty();
        long q = alloc(Gfp.GFP_KERNEL, 2);
        PageStateEdits.refcount(pa, pfnOf(q), 2);
        Op shared = new PageOp.FreePages(q, 1, 0);
        assertThat(judge(shared, false, Result.refused("wrong order"))).containsExactly("kernel report where 6.1 is silent");
        assertThat(runAndJudge(shared)).isEmpty();
        PageStateEdits.refcount(pa, pfnOf(q), 1);
        pa.setDebugVm(true);
        Op smaller = new PageOp.FreePages(q, 1, 0);
        assertThat(judge(smaller, false, Result.finding(0, "x"))).containsExactly("wrong free accepted");
        assertThat(judge(smaller, false, Result.modelRefusal("x"))).isEmpty();
        assertThat(runAndJudge(smaller)).isEmpty();
    }

    /**
     * The last reference of a non-compound order-2 allocation freed with order 1, without
     * DEBUG_VM: pfn..pfn+1 given back (2 pages), pfn+2..pfn+3 on no list, the model's finding.
     */
    @Test
    void aSmallerOrderFreesTheFirstPartAsTheModelsFinding() {
        long p = alloc(Gfp.GFP_KERNEL, 2);
        long pfn = pfnOf(p);
        Op smaller = new PageOp.FreePages(p, 1, 0);
        assertThat(judge(smaller, false, Result.refused("x"))).containsExactly("smaller-order free refused");
        assertThat(PageCallChecks.freeOutcome(pa, PageCall.before(pa, smaller).after(Result.refused("x")))).singleElement()
                .satisfies(v -> assertThat(v.details()).isEqualTo(smaller + " of an order-2 allocation: 6.1 frees its first 2"
                        + " pages, but the call was refused: " + Result.refused("x")));
        assertThat(judge(smaller, false, Result.modelRefusal("x"))).containsExactly("smaller-order free refused");
        // nothing freed: the reference kept (1) and 2 pages missing
        assertThat(judge(smaller, false, Result.finding(0, "x")))
                .containsExactly("freed page keeps a reference", "freed block not given back");
        PageCall c = PageCall.before(pa, smaller);
        Result r = k.apply(smaller);
        assertThat(reasons(PageCallChecks.freeOutcome(pa, c.after(r)))).isEmpty();
        assertThat(reasons(PageCallChecks.freeOutcome(pa, c.after(Result.VOID)))).containsExactly("smaller-order free not found");
        // the last page of the part not freed found on a list; the page after the allocation, or one of the freed part, may be
        for (long q : new long[] {pfn + 3, pfn + 2}) {
            for (PageStateEdits.Bit b : new PageStateEdits.Bit[] {PageStateEdits.Bit.PCP, PageStateEdits.Bit.BUDDY}) {
                PageStateEdits.bit(pa, q, b, true);
                assertThat(reasons(PageCallChecks.freeOutcome(pa, c.after(r)))).as("pfn+%d %s", q - pfn, b)
                        .containsExactly("pages past the freed order freed");
                PageStateEdits.bit(pa, q, b, false);
            }
        }
        boolean wasBuddy = pa.isBuddy(pfn + 4);
        PageStateEdits.bit(pa, pfn + 4, PageStateEdits.Bit.BUDDY, true);
        PageStateEdits.bit(pa, pfn + 1, PageStateEdits.Bit.BUDDY, true);
        assertThat(reasons(PageCallChecks.freeOutcome(pa, c.after(r)))).isEmpty();
        PageStateEdits.bit(pa, pfn + 4, PageStateEdits.Bit.BUDDY, wasBuddy);
        PageStateEdits.bit(pa, pfn + 1, PageStateEdits.Bit.BUDDY, false);
    }

    /**
     * A smaller-order free whose freed part holds a page a double free took below 0:
     * free_pages_prepare reports it and nothing is freed; the same report with every page fit is wrong.
     */
    @Test
    void aSmallerOrderFreeOfAnUnfitPartIsReported() {
        long p = alloc(Gfp.GFP_KERNEL, 3);
        long pfn = pfnOf(p);
        Op smaller = new PageOp.FreePages(p, 2, 0);
        assertThat(judge(smaller, false, Result.refused("bad page"))).containsExactly("smaller-order free refused");
        // pfn+3 is the last page of the freed part (2^2 pages); pfn+4 lies past it
        PageStateEdits.refcount(pa, pfn + 4, -1);
        assertThat(judge(smaller, false, Result.refused("bad page"))).containsExactly("smaller-order free refused");
        PageStateEdits.refcount(pa, pfn + 4, 0);
        PageStateEdits.refcount(pa, pfn + 3, -1);
        assertThat(judge(smaller, false, Result.refused("bad page"))).isEmpty();
        assertThat(judge(smaller, false, Result.modelRefusal("x"))).containsExactly("smaller-order free refused");
        // a report that changed the free pages: a page allocated in between
        PageCall d = PageCall.before(pa, smaller);
        alloc(Gfp.GFP_KERNEL, 0);
        assertThat(reasons(PageCallChecks.freeOutcome(pa, d.after(Result.refused("bad page")))))
                .containsExactly("reported free changed the free pages");
        PageCall c = PageCall.before(pa, smaller);
        Result r = k.apply(smaller);
        assertThat(r.isRefused()).isTrue();
        assertThat(reasons(PageCallChecks.freeOutcome(pa, c.after(r)))).isEmpty();
    }

    /**
     * A block whose tail page a double free took below 0 (free_pages_prepare checks every tail:
     * free_page_is_bad): the free is reported and the block leaks; a refusal with every tail fit is
     * a good free refused.
     */
    @Test
    void aFreeOfABlockWithAnUnfitTailIsReportedAndLeaks() {
        long p = alloc(Gfp.GFP_KERNEL, 1);
        long pfn = pfnOf(p);
        Op free = new PageOp.FreePages(p, 1, 0);
        assertThat(judge(free, false, Result.refused("bad page"))).containsExactly("good free refused");
        PageStateEdits.refcount(pa, pfn + 1, -1);
        assertThat(judge(free, false, Result.refused("bad page"))).isEmpty();
        assertThat(judge(free, false, Result.modelRefusal("x"))).containsExactly("good free refused");
        // accepted, nothing freed
        assertThat(judge(free, false, Result.VOID)).containsExactly("freed page keeps a reference", "freed block not given back");
        PageCall c = PageCall.before(pa, free);
        alloc(Gfp.GFP_KERNEL, 0);
        assertThat(reasons(PageCallChecks.freeOutcome(pa, c.after(Result.refused("bad page")))))
                .containsExactly("reported free changed the free pages");
        assertThat(runAndJudge(free)).isEmpty();
    }

    /**
     * The last reference freed: exactly 2^order pages back, fewer only when the result carries
     * 6.1's {@code Bad page state} report (a drain it caused found a block unfit: that block leaks).
     */
    @Test
    void aFreeGivesBackExactlyItsBlockUnlessItsResultReportsABadPage() {
        long p = alloc(Gfp.GFP_KERNEL, 3);
        Op free = new PageOp.FreePages(p, 3, 0);
        PageCall c = PageCall.before(pa, free);
        k.apply(free);
        Result bad = Result.warned(0, "BUG: Bad page state in process swapper/0  pfn:41000");
        assertThat(reasons(PageCallChecks.freeOutcome(pa, c.after(bad)))).isEmpty();
        // one page fewer than 8 back: with the report allowed, without it not
        alloc(Gfp.GFP_KERNEL, 0);
        assertThat(reasons(PageCallChecks.freeOutcome(pa, c.after(bad)))).isEmpty();
        assertThat(reasons(PageCallChecks.freeOutcome(pa, c.after(Result.VOID)))).containsExactly("freed block not given back");
        assertThat(reasons(PageCallChecks.freeOutcome(pa, c.after(Result.warned(0, "WARN_ON")))))
                .containsExactly("freed block not given back");
        // more than 8 back is never allowed
        long q = alloc(Gfp.GFP_KERNEL, 3);
        long x = alloc(Gfp.GFP_KERNEL, 1);
        PageCall d = PageCall.before(pa, new PageOp.FreePages(q, 3, 0));
        k.apply(new PageOp.FreePages(q, 3, 0));
        k.apply(new PageOp.FreePages(x, 1, 0));
        assertThat(reasons(PageCallChecks.freeOutcome(pa, d.after(bad)))).containsExactly("freed block not given back");
    }
}
