package armmm.model.mm;

import static armmm.model.mm.VmFlags.MAP_ANONYMOUS;
import static armmm.model.mm.VmFlags.MAP_FIXED;
import static armmm.model.mm.VmFlags.MAP_PRIVATE;
import static armmm.model.mm.VmFlags.PROT_READ;
import static armmm.model.mm.VmFlags.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The {@code brk} system call's paths (mm/mmap.c {@code SYSCALL_DEFINE1(brk)},
 * {@code do_brk_flags}): a move inside the same page only stores the new break; a shrink
 * unmaps from PAGE_ALIGN(new) to PAGE_ALIGN(old) unless no brk VMA lies there; a growth is
 * refused past TASK_SIZE or within a page and {@code stack_guard_gap} of the VMA above; the VMA
 * found below is searched no lower than {@code start_brk} ({@code mas_prev(&mas,
 * mm->start_brk)}) and is expanded only when it ends at the old break and
 * {@code can_vma_merge_after} (same flags): otherwise a new VMA.
 */
class MmStructBrkTest {
    private static final int ANON = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
    private static final int RW = PROT_READ | PROT_WRITE;
    private static final long BRK = 0x017d7000L;
    private static final long HEAP = VmFlags.VM_DATA_DEFAULT_FLAGS | VmFlags.VM_ACCOUNT;

    private static MmStruct mm(long stackTop) {
        return MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0xb6f63000L, true, stackTop, BRK), 0x21000, Set.of());
    }

    @Test
    void aMoveInsideTheSamePageOnlyStoresTheBreak() {
        MmStruct mm = mm(0xbe957000L);
        assertThat(mm.brk(BRK + 0x800)).isEqualTo(BRK + 0x800);
        assertThat(mm.vmas()).hasSize(2);
        assertThat(mm.brk(BRK + 0xf00)).isEqualTo(BRK + 0xf00);
        assertThat(mm.brk(BRK + 0x1000)).as("still PAGE_ALIGN'ed to the same page").isEqualTo(BRK + 0x1000);
        assertThat(mm.vmas().get(0)).isEqualTo(new Vma(BRK, BRK + 0x1000, HEAP, BRK >>> 12, 0));
        assertThat(mm.brk(BRK + 0x801)).isEqualTo(BRK + 0x801);
        assertThat(mm.vmas().get(0).end()).isEqualTo(BRK + 0x1000);
        assertThat(mm.brk(BRK)).isEqualTo(BRK);
        assertThat(mm.vmas()).hasSize(1);
        assertThat(mm.totalVm()).isEqualTo(0x21);
        assertThat(mm.brk(BRK)).as("the same break").isEqualTo(BRK);
        assertThat(mm.changeCount()).isEqualTo(6);
    }

    @Test
    void aShrinkNeedsABrkVmaBetweenTheTwoBreaks() {
        MmStruct mm = mm(0xbe957000L);
        mm.brk(BRK + 0x3000);
        assertThat(mm.munmap(BRK, 0x3000)).isEqualTo(MmResult.ok(0));
        assertThat(mm.brk(BRK + 0x1000)).as("nothing left to unmap").isEqualTo(BRK + 0x3000);
        assertThat(mm.mmap(BRK + 0x3000, 0x1000, RW, ANON).isOk()).isTrue();
        assertThat(mm.brk(BRK)).as("the only VMA starts at the old break: no brk VMA").isEqualTo(BRK + 0x3000);
        assertThat(mm.mmap(BRK + 0x2000, 0x1000, PROT_READ, ANON).isOk()).isTrue();
        assertThat(mm.brk(BRK + 0x1000)).as("a VMA below the old break: unmapped").isEqualTo(BRK + 0x1000);
        assertThat(mm.findVma(BRK).start()).isEqualTo(BRK + 0x3000);
    }

    @Test
    void growthIsRefusedPastTaskSizeAndNextToTheStack() {
        MmStruct top = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0xb6f63000L, true, 0xbe957000L, 0xbeffe000L),
                0, Set.of());
        assertThat(top.brk(0xbf000000L)).as("up to TASK_SIZE").isEqualTo(0xbf000000L);
        assertThat(top.brk(0xbf000001L)).as("past it").isEqualTo(0xbf000000L);
        assertThat(top.totalVm()).isEqualTo(2);
        // the stack at [0x02000000, 0x02021000): its gap from 0x01f00000; the heap may end a page under it
        MmStruct mm = mm(0x02021000L);
        long gap = 0x01f00000L;
        assertThat(mm.brk(gap - 0x1000)).isEqualTo(gap - 0x1000);
        assertThat(mm.brk(gap - 0x1000 + 1)).as("newbrk + PAGE_SIZE > vm_start_gap").isEqualTo(gap - 0x1000);
        assertThat(mm.vmas().get(0).end()).isEqualTo(gap - 0x1000);
    }

    @Test
    void aVmaEndingAtStartBrkIsNotTheBrkVma() {
        MmStruct mm = mm(0xbe957000L);
        assertThat(mm.mmap(BRK - 0x1000, 0x1000, RW, ANON).isOk()).isTrue();
        assertThat(mm.vmas().get(0).flags()).isEqualTo(HEAP);
        assertThat(mm.brk(BRK + 0x1000)).isEqualTo(BRK + 0x1000);
        assertThat(mm.vmas()).as("the same flags, touching, yet a VMA of its own").startsWith(
                new Vma(BRK - 0x1000, BRK, HEAP, (BRK >>> 12) - 1, 0), new Vma(BRK, BRK + 0x1000, HEAP, BRK >>> 12, 0));
        assertThat(VmaChecks.all(mm)).isEmpty();
    }

    @Test
    void theBrkVmaGrowsOnlyWhenItEndsAtTheOldBreakWithTheSameFlags() {
        MmStruct mm = mm(0xbe957000L);
        mm.brk(BRK + 0x1000);
        assertThat(mm.mprotect(BRK, 0x1000, PROT_READ)).isEqualTo(MmResult.ok(0));
        assertThat(mm.brk(BRK + 0x2000)).isEqualTo(BRK + 0x2000);
        assertThat(mm.vmas()).as("other flags: a new VMA").startsWith(
                new Vma(BRK, BRK + 0x1000, HEAP & ~VmFlags.VM_WRITE, BRK >>> 12, 0),
                new Vma(BRK + 0x1000, BRK + 0x2000, HEAP, (BRK >>> 12) + 1, 0));
        assertThat(mm.brk(BRK + 0x3000)).isEqualTo(BRK + 0x3000);
        assertThat(mm.vmas().get(1)).as("expanded").isEqualTo(new Vma(BRK + 0x1000, BRK + 0x3000, HEAP, (BRK >>> 12) + 1, 0));
        assertThat(mm.munmap(BRK + 0x2000, 0x1000)).isEqualTo(MmResult.ok(0));
        assertThat(mm.brk(BRK + 0x4000)).as("the VMA below ends a page short of the break: a new one")
                .isEqualTo(BRK + 0x4000);
        assertThat(mm.vmas()).startsWith(new Vma(BRK, BRK + 0x1000, HEAP & ~VmFlags.VM_WRITE, BRK >>> 12, 0),
                new Vma(BRK + 0x1000, BRK + 0x2000, HEAP, (BRK >>> 12) + 1, 0),
                new Vma(BRK + 0x3000, BRK + 0x4000, HEAP, (BRK >>> 12) + 3, 0));
        assertThat(mm.totalVm()).isEqualTo(0x21 + 3);
        assertThat(VmaChecks.all(mm)).isEmpty();
    }
}
