package armmm.model.mm;

import static armmm.model.mm.VmaChecksTest.withVmas;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The VMA invariants at the edges of their rules, each beside the neighbour it must allow:
 * INV-VMA-02 (a VMA is whole pages, mm/mmap.c {@code do_mmap}'s PAGE_ALIGN; an empty one cannot be
 * built, {@link Vma} refuses it),
 * INV-VMA-03 ([{@code mmap_min_addr}, {@code TASK_SIZE}), both ends allowed), and INV-VMA-04
 * ({@code vma_merge}'s {@code is_mergeable_vma} and page-offset rule: a pair differing in flags,
 * file or offset, or not touching, is no fault; nor a brk VMA at {@code start_brk}, nor a stack
 * that {@code expand_downwards} grew onto a twin).
 */
class VmaChecksEdgesTest {
    private static final long F = VmFlags.VM_DATA_DEFAULT_FLAGS | VmFlags.VM_ACCOUNT;
    private static final long X = 0x20000000L;

    @Test
    void aVmaIsWholePages() throws ReflectiveOperationException {
        assertThat(VmaChecks.pageAligned(withVmas(new Vma(X, X + 0x1000, F, X >>> 12, 0)))).isEmpty();
        assertThat(VmaChecks.pageAligned(withVmas(new Vma(X + 0x800, X + 0x1000, F, X >>> 12, 0)))).hasSize(1);
        assertThat(VmaChecks.pageAligned(withVmas(new Vma(X, X + 0x1800, F, X >>> 12, 0)))).hasSize(1);
    }

    @Test
    void bothEndsOfUserSpaceAreAllowed() throws ReflectiveOperationException {
        long top = UserLayoutConfig.TASK_SIZE;
        assertThat(VmaChecks.insideUserRange(withVmas(new Vma(0x1000, 0x2000, F, 1, 0), new Vma(top - 0x1000, top, F,
                (top >>> 12) - 1, 0)))).isEmpty();
        assertThat(VmaChecks.insideUserRange(withVmas(new Vma(0, 0x1000, F, 0, 0)))).hasSize(1);
        assertThat(VmaChecks.insideUserRange(withVmas(new Vma(top - 0x1000, top + 0x1000, F, (top >>> 12) - 1, 0))))
                .hasSize(1);
    }

    @Test
    void onlyTouchingTwinsWithContinuingOffsetsAreMergeable() throws ReflectiveOperationException {
        Vma a = new Vma(X, X + 0x1000, F, X >>> 12, 0);
        assertThat(VmaChecks.noMergeableNeighbours(withVmas(a, new Vma(X + 0x1000, X + 0x2000, F, (X >>> 12) + 1, 0))))
                .hasSize(1);
        assertThat(VmaChecks.noMergeableNeighbours(withVmas(a, new Vma(X + 0x1000, X + 0x2000, F & ~VmFlags.VM_WRITE,
                (X >>> 12) + 1, 0)))).as("other flags").isEmpty();
        assertThat(VmaChecks.noMergeableNeighbours(withVmas(a, new Vma(X + 0x1000, X + 0x2000, F, (X >>> 12) + 1, 7))))
                .as("another file").isEmpty();
        assertThat(VmaChecks.noMergeableNeighbours(withVmas(a, new Vma(X + 0x1000, X + 0x2000, F, (X >>> 12) + 5, 0))))
                .as("offsets that do not continue").isEmpty();
        assertThat(VmaChecks.noMergeableNeighbours(withVmas(a, new Vma(X + 0x2000, X + 0x3000, F, (X >>> 12) + 2, 0))))
                .as("a hole between").isEmpty();
        long brk = 0x200000;
        assertThat(VmaChecks.noMergeableNeighbours(withVmas(new Vma(brk - 0x1000, brk, F, (brk >>> 12) - 1, 0),
                new Vma(brk, brk + 0x1000, F, brk >>> 12, 0)))).as("the brk VMA at start_brk").isEmpty();
        long s = F | VmFlags.VM_GROWSDOWN;
        assertThat(VmaChecks.noMergeableNeighbours(withVmas(new Vma(X, X + 0x1000, s, X >>> 12, 0),
                new Vma(X + 0x1000, X + 0x2000, s, (X >>> 12) + 1, 0)))).as("a grown stack").isEmpty();
    }
}
