package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageOp;
import armmm.model.subsystem.Op;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The INV-CALL-01..04 postconditions judging calls whose outcome is set by hand against the
 * allocator of a booted 24 MiB virt board: the state before is recorded ({@link PageCall#before}),
 * the allocator does, or does not do, the call, and the result given is right or wrong. Each wrong
 * outcome is one 6.1 cannot have (mm/page_alloc.c): NULL from a zone above its watermarks with a
 * free block, a free that gives nothing back or refuses a good page, a drain that leaves the
 * per-CPU list full; each right one is judged clean.
 */
class PageCallChecksStatesTest {
    private final Kernel k = Kernel.boot(Board.virt(24L << 20));
    private final PageAllocator pa = k.pages();

    private static List<String> reasons(List<Violation> vs) {
        return vs.stream().map(Violation::reason).toList();
    }

    private List<String> judge(Op op, Result given, boolean run, BiFunction<PageAllocator, PageCall, List<Violation>> check) {
        PageCall c = PageCall.before(pa, op);
        if (run) {
            k.apply(op);
        }
        return reasons(check.apply(pa, c.after(given)));
    }

    @Test
    void aNullFromAZoneThatCouldServeIsCaughtAndARealNullIsNot() {
        Op op = new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0);
        assertThat(judge(op, Result.of(0), false, PageCallChecks::nullJustified)).containsExactly("NULL while a zone could serve");
        Op big = new PageOp.AllocPages(Gfp.GFP_KERNEL, 11, 0);
        assertThat(pa.zone(armmm.model.zone.ZoneType.DMA).nrFree(11)).isZero();
        assertThat(judge(big, Result.of(0), false, PageCallChecks::nullJustified)).isEmpty();
        Op memalloc = new PageOp.AllocPages(Gfp.GFP_KERNEL | Gfp.MEMALLOC, 3, 0);
        assertThat(judge(memalloc, Result.of(0), false, PageCallChecks::nullJustified)).containsExactly("NULL while a zone could serve");
        // not an allocation, a refused one, or a mask gfp_zone BUGs on: nothing to judge
        assertThat(judge(new PageOp.AllocPages(Gfp.DMA | Gfp.HIGHMEM, 0, 0), Result.of(0), false, PageCallChecks::nullJustified)).isEmpty();
        assertThat(judge(op, Result.refused("x"), false, PageCallChecks::nullJustified)).isEmpty();
        assertThat(judge(new PageOp.DrainLocalPages(0), Result.VOID, false, PageCallChecks::nullJustified)).isEmpty();
    }

    @Test
    void anAllocationMustTakeExactlyItsBlock() {
        Op op = new PageOp.AllocPages(Gfp.GFP_KERNEL, 2, 0);
        PageCall c = PageCall.before(pa, op);
        Result r = k.apply(op);
        assertThat(reasons(PageCallChecks.allocationShape(pa, c.after(r)))).isEmpty();
        // the same block claimed by a second call that took nothing
        PageCall again = PageCall.before(pa, op);
        assertThat(reasons(PageCallChecks.allocationShape(pa, again.after(r)))).containsExactly("free pages did not drop by the block");
        // a block not aligned to the order
        PageCall off = PageCall.before(pa, op);
        Result r2 = k.apply(op);
        long misaligned = r2.value() + pa.layout().pfnToPage(new armmm.model.core.Pfn(1)).value()
                - pa.layout().pfnToPage(new armmm.model.core.Pfn(0)).value();
        assertThat(reasons(PageCallChecks.allocationShape(pa, off.after(Result.of(misaligned)))))
                .contains("block not aligned to its order");
        // a compound request answered with a plain block
        PageCall comp = PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_KERNEL | Gfp.COMP, 2, 0));
        Result r3 = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 2, 0));
        assertThat(reasons(PageCallChecks.allocationShape(pa, comp.after(r3))))
                .contains("compound block without PageHead", "compound tail without PageTail");
    }

    @Test
    void aFreeMustGiveTheBlockBackAndAGoodFreeMustNotBeRefused() {
        long p = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 4, 0)).value();
        Op free = new PageOp.FreePages(p, 4, 0);
        assertThat(judge(free, Result.VOID, false, PageCallChecks::freeOutcome))
                .contains("freed page keeps a reference", "freed block not given back");
        assertThat(judge(free, Result.refused("x"), false, PageCallChecks::freeOutcome)).containsExactly("good free refused");
        assertThat(judge(free, Result.VOID, true, PageCallChecks::freeOutcome)).isEmpty();
        // the same block again: refcount 0, a double free
        assertThat(judge(free, Result.VOID, false, PageCallChecks::freeOutcome)).isNotEmpty();
        assertThat(judge(new PageOp.FreePagesVirt(0, 0, 0), Result.refused("x"), false, PageCallChecks::freeOutcome))
                .containsExactly("free_pages(0) refused");
        assertThat(judge(new PageOp.FreePagesVirt(0, 0, 0), Result.VOID, false, PageCallChecks::freeOutcome)).isEmpty();
        long q = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 2, 0)).value();
        assertThat(judge(new PageOp.FreePages(q, 2, 5), Result.VOID, false, PageCallChecks::freeOutcome))
                .containsExactly("wrong free accepted");
        assertThat(judge(new PageOp.FreePages(q, 3, 0), Result.VOID, false, PageCallChecks::freeOutcome))
                .contains("wrong free accepted");
    }

    @Test
    void aDrainMustEmptyTheCpusListsIntoTheFreeLists() {
        long p = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0)).value();
        k.apply(new PageOp.FreePages(p, 0, 0));
        Op drain = new PageOp.DrainLocalPages(0);
        assertThat(pa.pcpCount(0)).isPositive();
        assertThat(judge(drain, Result.VOID, false, PageCallChecks::drainOutcome))
                .contains("per-CPU list not emptied", "drained pages not given back");
        assertThat(judge(drain, Result.warned(0, "BUG: Bad page state in process swapper/0  pfn:12345 "), false,
                PageCallChecks::drainOutcome)).contains("report without a bad page");
        assertThat(judge(drain, Result.VOID, true, PageCallChecks::drainOutcome)).isEmpty();
        assertThat(judge(drain, Result.refused("x"), false, PageCallChecks::drainOutcome)).isEmpty();
        // a CPU the board does not have: nothing drained, nothing to judge
        assertThat(pa.nrCpus()).isEqualTo(1);
        assertThat(judge(new PageOp.DrainLocalPages(1), Result.VOID, false, PageCallChecks::drainOutcome)).isEmpty();
    }
}
