package armmm.model.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.memblock.MemblockOp;
import armmm.model.page.PageBug;
import armmm.model.page.PageOp;
import org.junit.jupiter.api.Test;

/**
 * {@link Kernel#checkComplete}: every present subsystem's complete check, which sees what the
 * per-call checks do not, and the page call record the buddy subsystem's step hooks keep for
 * the INV-CALL checks.
 */
class CompleteCheckTest {

    @Test
    void aBootedKernelAndABareMemblockPassTheirCompleteCheck() {
        assertThat(Kernel.boot(Board.virt(64L << 20)).checkComplete()).isEmpty();
        Kernel bare = Kernel.bare();
        bare.apply(new MemblockOp.Add(0x1000, 0x4000));
        assertThat(bare.checkComplete()).isEmpty();
    }

    /** PageTail left on freed tails is in no frame a free touches as a head: only the full scan reads it. */
    @Test
    void tailsLeftMarkedAfterAFreeAreSeenByTheCompleteCheckOnly() {
        Kernel k = Kernel.boot(Board.virt(24L << 20), Bugs.of(PageBug.PAGE_TAIL_FLAGS_LEFT));
        Result a = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL | Gfp.COMP, 4, 0));
        assertThat(a.isRefused()).isFalse();
        k.apply(new PageOp.FreePages(a.value(), 4, 0));
        assertThat(k.check()).extracting(Violation::id).doesNotContain("INV-PAGE-02");
        assertThat(k.checkComplete()).extracting(Violation::id).contains("INV-PAGE-02");
    }

    /** The record of the last page call lives with that kernel's allocator and follows each call. */
    @Test
    void theCallChecksSeeTheLastPageCallOfTheirOwnKernelOnly() {
        Kernel buggy = Kernel.boot(Board.virt(24L << 20), Bugs.of(PageBug.PAGE_REFCOUNT_TWO));
        Kernel clean = Kernel.boot(Board.virt(24L << 20));
        buggy.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 1, 0));
        clean.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 1, 0));
        assertThat(buggy.check()).extracting(Violation::id).contains("INV-CALL-01");
        assertThat(clean.check()).isEmpty();
        // a call of another subsystem replaces the record: the postcondition is about the last call
        buggy.apply(new MemblockOp.Reserve(0x1000, 0x1000));
        assertThat(buggy.check()).extracting(Violation::id).doesNotContain("INV-CALL-01");
    }
}
