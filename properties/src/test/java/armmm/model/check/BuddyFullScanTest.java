package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.page.PageBug;
import armmm.model.page.PageOp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The complete check's walk ({@link BuddyFullScan}), on its own, after one fixed workload on the
 * 24 MiB virt board (allocations of orders 0 to 5, compound and plain, a split, Movable and HighMem
 * requests, frees that merge, frees through the per-CPU lists up to {@code high}, a drain): clean
 * without a bug, and with each seeded bug that leaves the free lists, the per-CPU lists or the
 * struct pages wrong, reporting that bug's invariant, as the walk sees the state and not the
 * counters the per-step checks read.
 */
class BuddyFullScanTest {

    private static List<Violation> scanAfterWorkload(Bugs bugs) {
        Kernel k = Kernel.boot(Board.virt(24L << 20), bugs);
        assertThat(BuddyFullScan.scan(k.pages())).as("boot").isEmpty();
        List<Long> keep = new ArrayList<>();
        long[] order3 = new long[3];
        for (int i = 0; i < 3; i++) {
            order3[i] = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 3, 0)).value();
        }
        for (int o = 0; o <= 5; o++) {
            keep.add(k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, o, 1)).value());
        }
        long comp = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL | Gfp.COMP, 2, 0)).value();
        long split = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 2, 0)).value();
        k.apply(new PageOp.SplitPage(split, 2));
        long movable = k.apply(new PageOp.AllocPages(Gfp.GFP_HIGHUSER_MOVABLE, 4, 0)).value();
        long a = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 4, 0)).value();
        long b = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 4, 0)).value();
        k.apply(new PageOp.FreePages(a, 4, 0));
        k.apply(new PageOp.FreePages(b, 4, 0));
        k.apply(new PageOp.FreePages(comp, 2, 0));
        k.apply(new PageOp.FreePages(movable, 4, 0));
        for (long p : order3) {
            k.apply(new PageOp.FreePages(p, 3, 0));
        }
        for (int i = 0; i < 70; i++) {
            keep.add(k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0)).value());
        }
        for (int i = keep.size() - 70; i < keep.size(); i++) {
            k.apply(new PageOp.FreePages(keep.get(i), 0, 0));
        }
        k.apply(new PageOp.DrainLocalPages(1));
        return BuddyFullScan.scan(k.pages());
    }

    private static List<String> ids(List<Violation> vs) {
        return vs.stream().map(Violation::id).distinct().toList();
    }

    @Test
    void theWalkFindsNothingWithoutABug() {
        assertThat(scanAfterWorkload(Bugs.NONE)).isEmpty();
    }

    /**
     * Each bug whose damage stays in the lists or the struct pages: a stale {@code nr_free}, a merge
     * at the higher buddy, a missed merge, a page handed out while still on a per-CPU list, a block
     * lost at a drain, PageTail left on a freed compound block's tails; and the two that leave an
     * allocated page at refcount 0 (after {@code prep_new_page}, after {@code split_page}), which the
     * walk counts as neither free nor allocated.
     */
    @Test
    void theWalkFindsEachBugThatLeavesTheListsOrPagesWrong() {
        assertThat(ids(scanAfterWorkload(Bugs.of(PageBug.BUDDY_STALE_NR_FREE)))).containsExactly("INV-BUDDY-02");
        assertThat(ids(scanAfterWorkload(Bugs.of(PageBug.BUDDY_MISALIGNED_MERGE)))).containsExactly("INV-BUDDY-03");
        assertThat(ids(scanAfterWorkload(Bugs.of(PageBug.BUDDY_NO_MERGE)))).containsExactly("INV-BUDDY-05");
        // the page handed out while still listed is freed onto its list again: on it twice, and a cycle
        assertThat(ids(scanAfterWorkload(Bugs.of(PageBug.PAGE_PCP_NOT_UNLINKED)))).containsExactly("INV-PAGE-02", "INV-BUDDY-06");
        assertThat(ids(scanAfterWorkload(Bugs.of(PageBug.BUDDY_DRAIN_LOSES_BLOCK)))).containsExactly("INV-BUDDY-01");
        assertThat(ids(scanAfterWorkload(Bugs.of(PageBug.PAGE_TAIL_FLAGS_LEFT)))).containsExactly("INV-PAGE-02");
        assertThat(ids(scanAfterWorkload(Bugs.of(PageBug.PAGE_REFCOUNT_NOT_SET)))).containsExactlyInAnyOrder("INV-PAGE-02", "INV-BUDDY-01");
        assertThat(ids(scanAfterWorkload(Bugs.of(PageBug.PAGE_SPLIT_NO_REFCOUNT)))).containsExactly("INV-BUDDY-01");
        // every report of the walk says so
        assertThat(scanAfterWorkload(Bugs.of(PageBug.BUDDY_NO_MERGE))).allSatisfy(v -> assertThat(v.toString()).contains("(full scan)"));
    }
}
