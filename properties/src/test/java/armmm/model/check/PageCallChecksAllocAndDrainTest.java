package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.page.MigrateType;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageOp;
import armmm.model.page.PageStateEdits;
import armmm.model.subsystem.Op;
import armmm.model.zone.ZoneType;
import org.junit.jupiter.api.Test;

/**
 * INV-CALL-01 ({@link PageCallChecks#allocationShape}) and INV-CALL-04
 * ({@link PageCallChecks#drainOutcome}) on the 24 MiB virt board (one CPU, ZONE_DMA only): each
 * call the model runs is judged clean, and a state after it that breaks one rule of 6.1
 * (mm/page_alloc.c {@code prep_new_page}: one reference; {@code prep_compound_page}: PageHead and
 * PageTail exactly for __GFP_COMP above order 0; {@code gfp_to_alloc_flags_cma}: no CMA pageblock
 * for a request that is not Movable; {@code split_page}: one reference on each page;
 * {@code free_pcppages_bulk} with {@code bulkfree_pcp_prepare}: a drained block goes back unless its
 * first page's count is not 0, which is reported and leaks) is judged with the reason that names it.
 */
class PageCallChecksAllocAndDrainTest extends OnVirt24 {

    /** Runs {@code op} and returns its record with its result. */
    private PageCall run(Op op) {
        PageCall c = PageCall.before(pa, op);
        return c.after(k.apply(op));
    }

    @Test
    void eachAllocationCallIsJudgedByTheBlockItReturns() {
        assertThat(PageCallChecks.allocationShape(pa, run(new PageOp.AllocPage(Gfp.GFP_KERNEL, 0)))).isEmpty();
        PageCall g = run(new PageOp.GetFreePages(Gfp.GFP_KERNEL, 2, 0));
        assertThat(PageCallChecks.allocationShape(pa, g)).isEmpty();
        // __get_free_pages returns an address: the block is the one behind it, here claimed again by a call that took nothing
        PageCall again = PageCall.before(pa, new PageOp.GetFreePages(Gfp.GFP_KERNEL, 2, 0)).after(g.result());
        assertThat(reasons(PageCallChecks.allocationShape(pa, again))).containsExactly("free pages did not drop by the block");
        PageCall a = PageCall.before(pa, new PageOp.AllocPage(Gfp.GFP_KERNEL, 0));
        long p = k.apply(new PageOp.AllocPage(Gfp.GFP_KERNEL, 0)).value();
        PageStateEdits.refcount(pa, pfnOf(p), 2);
        assertThat(reasons(PageCallChecks.allocationShape(pa, a.after(Result.of(p))))).containsExactly("new block without exactly one reference");
    }

    /** A NULL, a refusal or a call that is no allocation has no block to judge. */
    @Test
    void noBlockNoJudgement() {
        Op op = new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0);
        long p = k.apply(op).value();
        PageStateEdits.refcount(pa, pfnOf(p), 3);
        assertThat(PageCallChecks.allocationShape(pa, PageCall.before(pa, op).after(Result.of(0)))).isEmpty();
        assertThat(PageCallChecks.allocationShape(pa, PageCall.before(pa, op).after(Result.refused("x")))).isEmpty();
        assertThat(PageCallChecks.allocationShape(pa, PageCall.before(pa, new PageOp.FreePages(p, 0, 0)).after(Result.of(p))))
                .isEmpty();
        assertThat(PageCallChecks.allocationShape(pa, PageCall.before(pa, new PageOp.DrainLocalPages(0)).after(Result.of(p))))
                .isEmpty();
        assertThat(reasons(PageCallChecks.allocationShape(pa, PageCall.before(pa, op).after(Result.of(p)))))
                .contains("new block without exactly one reference");
    }

    /** A pointer past mem_map, and a block of order 1 at ZONE_DMA's last page (misaligned, its second page in no zone). */
    @Test
    void aBlockOutsideMemMapOrRunningPastItsZoneIsCaught() {
        Op op = new PageOp.AllocPages(Gfp.GFP_KERNEL, 1, 0);
        long end = pa.zone(ZoneType.DMA).config().endPfn();
        assertThat(PageCallChecks.allocationShape(pa, PageCall.before(pa, op).after(Result.of(page(end)))))
                .singleElement().satisfies(v -> {
                    assertThat(v.reason()).isEqualTo("allocation outside mem_map");
                    assertThat(v.details()).startsWith(String.format("pfn:%05x for ", end));
                });
        assertThat(PageCallChecks.allocationShape(pa, PageCall.before(pa, op).after(Result.of(page(end - 1)))))
                .extracting(Violation::reason).containsExactly("block not aligned to its order", "block from a zone the mask does not allow");
        // order 0 at the same page: inside the zone and aligned (it did not run, so the free pages did not drop)
        Op one = new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0);
        assertThat(reasons(PageCallChecks.allocationShape(pa, PageCall.before(pa, one).after(Result.of(page(end - 1))))))
                .contains("free pages did not drop by the block")
                .doesNotContain("block not aligned to its order", "block from a zone the mask does not allow");
    }

    /** A page in no zone's span (a hole between DMA and HighMem): from no zone any mask allows. */
    @Test
    void aBlockInNoZoneIsFromNoAllowedZone() {
        PageAllocator holed = BuddyFullScanStatesTest.holed();
        Op op = new PageOp.AllocPages(Gfp.GFP_HIGHUSER, 0, 0);
        PageCall c = PageCall.before(holed, op);
        assertThat(PageCallChecks.allocationShape(holed, c.after(Result.of(holed.layout().pfnToPage(0x40900)))))
                .singleElement().satisfies(v -> {
                    assertThat(v.reason()).isEqualTo("block from a zone the mask does not allow");
                    assertThat(v.details()).isEqualTo("pfn:40900 in no zone for " + Gfp.format(Gfp.GFP_HIGHUSER)
                            + " order 0, highest allowed HighMem");
                });
    }

    /**
     * __GFP_COMP at order 0 makes no compound page; at order 2 the head has PageHead and every
     * other page PageTail; a plain order-2 block has neither, on any page.
     */
    @Test
    void headAndTailsExactlyForACompoundRequestAboveOrder0() {
        assertThat(PageCallChecks.allocationShape(pa, run(new PageOp.AllocPages(Gfp.GFP_KERNEL | Gfp.COMP, 0, 0)))).isEmpty();
        PageCall comp = run(new PageOp.AllocPages(Gfp.GFP_KERNEL | Gfp.COMP, 2, 0));
        assertThat(PageCallChecks.allocationShape(pa, comp)).isEmpty();
        long cp = pfnOf(comp.result().value());
        PageStateEdits.bit(pa, cp + 3, PageStateEdits.Bit.TAIL, false);
        assertThat(reasons(PageCallChecks.allocationShape(pa, comp))).containsExactly("compound tail without PageTail");
        PageStateEdits.bit(pa, cp + 3, PageStateEdits.Bit.TAIL, true);
        PageStateEdits.bit(pa, cp, PageStateEdits.Bit.HEAD, false);
        assertThat(reasons(PageCallChecks.allocationShape(pa, comp))).containsExactly("compound block without PageHead");
        PageCall plain = run(new PageOp.AllocPages(Gfp.GFP_KERNEL, 2, 0));
        long pp = pfnOf(plain.result().value());
        PageStateEdits.bit(pa, pp, PageStateEdits.Bit.HEAD, true);
        assertThat(reasons(PageCallChecks.allocationShape(pa, plain))).containsExactly("PageHead on a plain block");
        PageStateEdits.bit(pa, pp, PageStateEdits.Bit.HEAD, false);
        PageStateEdits.bit(pa, pp + 3, PageStateEdits.Bit.TAIL, true);
        assertThat(reasons(PageCallChecks.allocationShape(pa, plain))).containsExactly("PageTail in a plain block");
        PageStateEdits.bit(pa, pp + 3, PageStateEdits.Bit.TAIL, false);
        // the page after the block is not the block's
        PageStateEdits.bit(pa, pp + 4, PageStateEdits.Bit.TAIL, true);
        assertThat(PageCallChecks.allocationShape(pa, plain)).isEmpty();
    }

    /** A MIGRATE_CMA pageblock only for a Movable request. */
    @Test
    void aCmaPageblockOnlyForAMovableRequest() {
        // grouping by mobility on (24 MiB has it off: every request Unmovable there)
        pa.setMobilityGroupingDisabled(false);
        PageCall kernel = run(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0));
        long pageblock = pfnOf(kernel.result().value());
        pa.setPageblockMigratetype(pageblock, MigrateType.CMA);
        assertThat(reasons(PageCallChecks.allocationShape(pa, kernel))).containsExactly("CMA pageblock given to an unmovable request");
        pa.setPageblockMigratetype(pageblock, MigrateType.MOVABLE);
        PageCall movable = run(new PageOp.AllocPages(Gfp.GFP_HIGHUSER_MOVABLE, 0, 0));
        pa.setPageblockMigratetype(pfnOf(movable.result().value()), MigrateType.CMA);
        assertThat(PageCallChecks.allocationShape(pa, movable)).isEmpty();
        // the same Movable request recorded with grouping disabled was Unmovable
        pa.setMobilityGroupingDisabled(true);
        PageCall disabled = PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_HIGHUSER_MOVABLE, 0, 0));
        pa.setMobilityGroupingDisabled(false);
        long q = k.apply(new PageOp.AllocPages(Gfp.GFP_HIGHUSER_MOVABLE, 0, 0)).value();
        pa.setPageblockMigratetype(pfnOf(q), MigrateType.CMA);
        assertThat(reasons(PageCallChecks.allocationShape(pa, disabled.after(Result.of(q)))))
                .containsExactly("CMA pageblock given to an unmovable request");
    }

    /**
     * The zone's free plus per-CPU pages down by exactly 2^order, fewer only when the result
     * carries 6.1's Bad page state report (a block check_new_pages found unfit leaked); never more.
     */
    @Test
    void theFreePagesDropByTheBlockOrMoreOnlyWithABadPageReport() {
        Op op = new PageOp.AllocPages(Gfp.GFP_KERNEL, 1, 0);
        PageCall c = PageCall.before(pa, op);
        long p = k.apply(op).value();
        long other = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0)).value();
        Result report = Result.warned(p, "BUG: Bad page state in process swapper/0  pfn:41000");
        assertThat(PageCallChecks.allocationShape(pa, c.after(report))).isEmpty();
        assertThat(PageCallChecks.allocationShape(pa, c.after(Result.of(p)))).singleElement().satisfies(v -> {
            assertThat(v.reason()).isEqualTo("free pages did not drop by the block");
            assertThat(v.details()).endsWith("from DMA");
        });
        k.apply(new PageOp.FreePages(other, 0, 0));
        k.apply(new PageOp.FreePages(k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 3, 0)).value(), 3, 0));
        k.apply(new PageOp.FreePages(p, 1, 0));
        // every page back, p freed too: 2 more than the block allows, report or not
        assertThat(reasons(PageCallChecks.allocationShape(pa, c.after(report))))
                .containsExactly("new block without exactly one reference", "free pages did not drop by the block");
    }

    /** split_page: every page of the block with one reference; a refused split leaves nothing to judge. */
    @Test
    void aSplitGivesEveryPageOneReference() {
        long p = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 2, 0)).value();
        Op split = new PageOp.SplitPage(p, 2);
        PageCall notRun = PageCall.before(pa, split);
        assertThat(reasons(PageCallChecks.allocationShape(pa, notRun.after(Result.VOID)))).containsExactly("split page without its reference");
        assertThat(PageCallChecks.allocationShape(pa, notRun.after(Result.refused("x")))).isEmpty();
        PageCall c = run(split);
        assertThat(PageCallChecks.allocationShape(pa, c)).isEmpty();
        // the last page without its reference, then the page after the block (not the split's)
        PageStateEdits.refcount(pa, pfnOf(p) + 3, 0);
        assertThat(PageCallChecks.allocationShape(pa, c)).singleElement().satisfies(v -> {
            assertThat(v.reason()).isEqualTo("split page without its reference");
            assertThat(v.details()).isEqualTo(String.format("pfn:%05x refcount 0 after split_page order 2", pfnOf(p) + 3));
        });
        PageStateEdits.refcount(pa, pfnOf(p) + 3, 1);
        PageStateEdits.refcount(pa, pfnOf(p) + 4, 0);
        assertThat(PageCallChecks.allocationShape(pa, c)).isEmpty();
    }

    // ------------------------------------------------------------------ drain_local_pages

    /**
     * A page on CPU 0's list whose count a double free took to -1: the drain reports it
     * (bulkfree_pcp_prepare) and it leaks; an order-2 block beside it goes back, 4 pages.
     */
    @Test
    void aDrainReportsAnUnfitBlockAndGivesTheRestBack() {
        long bad = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0)).value();
        long fit = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 2, 0)).value();
        k.apply(new PageOp.DrainLocalPages(0));
        k.apply(new PageOp.FreePages(bad, 0, 0));
        k.apply(new PageOp.FreePages(bad, 0, 0));
        assertThat(pa.refcount(pfnOf(bad))).isEqualTo(-1);
        k.apply(new PageOp.FreePages(fit, 2, 0));
        Op drain = new PageOp.DrainLocalPages(0);
        String at = String.format("pfn:%05x ", pfnOf(bad));
        PageCall before = PageCall.before(pa, drain);
        // not run, nothing reported
        assertThat(reasons(PageCallChecks.drainOutcome(pa, before.after(Result.VOID))))
                .containsExactly("bad page not reported at the drain", "per-CPU list not emptied", "drained pages not given back");
        PageCall c = run(drain);
        assertThat(c.result().isWarned()).isTrue();
        assertThat(((Result.Warned) c.result()).warning()).contains(at);
        assertThat(PageCallChecks.drainOutcome(pa, c)).isEmpty();
        // the same report as the model's finding is not 6.1's report
        assertThat(reasons(PageCallChecks.drainOutcome(pa, before.after(Result.finding(0, "BUG: Bad page state " + at)))))
                .containsExactly("bad page not reported at the drain");
        // reported, yet on a list
        PageStateEdits.bit(pa, pfnOf(bad), PageStateEdits.Bit.BUDDY, true);
        assertThat(reasons(PageCallChecks.drainOutcome(pa, c))).containsExactly("reported page freed");
        PageStateEdits.bit(pa, pfnOf(bad), PageStateEdits.Bit.BUDDY, false);
        PageStateEdits.bit(pa, pfnOf(bad), PageStateEdits.Bit.PCP, true);
        assertThat(reasons(PageCallChecks.drainOutcome(pa, c))).containsExactly("reported page freed");
        PageStateEdits.bit(pa, pfnOf(bad), PageStateEdits.Bit.PCP, false);
    }

    /** A fit block named in the drain's report: reported though fit. */
    @Test
    void aDrainMustNotReportAFitBlock() {
        long fit = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0)).value();
        k.apply(new PageOp.DrainLocalPages(0));
        k.apply(new PageOp.FreePages(fit, 0, 0));
        // a refused drain is not judged, though it emptied nothing
        PageCall refused = PageCall.before(pa, new PageOp.DrainLocalPages(0)).after(Result.refused("x"));
        assertThat(PageCallChecks.drainOutcome(pa, refused)).isEmpty();
        PageCall c = run(new PageOp.DrainLocalPages(0));
        assertThat(PageCallChecks.drainOutcome(pa, c)).isEmpty();
        String report = String.format("BUG: Bad page state in process swapper/0  pfn:%05x ", pfnOf(fit));
        assertThat(reasons(PageCallChecks.drainOutcome(pa, c.after(Result.warned(0, report)))))
                .containsExactly("fit page reported", "report without a bad page");
    }

    /** With CONFIG_DEBUG_VM the drain checks nothing: a block with a count of -1 goes back like any other. */
    @Test
    void withDebugVmTheDrainChecksNothing() {
        long p = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 1, 0)).value();
        k.apply(new PageOp.DrainLocalPages(0));
        k.apply(new PageOp.FreePages(p, 1, 0));
        PageStateEdits.refcount(pa, pfnOf(p), -1);
        pa.setDebugVm(true);
        Op drain = new PageOp.DrainLocalPages(0);
        PageCall before = PageCall.before(pa, drain);
        assertThat(reasons(PageCallChecks.drainOutcome(pa, before.after(Result.VOID))))
                .containsExactly("per-CPU list not emptied", "drained pages not given back");
        PageCall c = run(drain);
        assertThat(c.result().isWarned()).isFalse();
        assertThat(PageCallChecks.drainOutcome(pa, c)).isEmpty();
    }
}
