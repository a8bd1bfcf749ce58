package armmm.model.mm;

import static armmm.model.mm.MmStructTest.ANON;
import static armmm.model.mm.MmStructTest.BASE;
import static armmm.model.mm.MmStructTest.BRK;
import static armmm.model.mm.MmStructTest.RW;
import static armmm.model.mm.MmStructTest.STACK_TOP;
import static armmm.model.mm.MmStructTest.topDown;
import static armmm.model.mm.VmFlags.MAP_ANONYMOUS;
import static armmm.model.mm.VmFlags.MAP_FIXED;
import static armmm.model.mm.VmFlags.MAP_SHARED;
import static armmm.model.mm.VmFlags.PROT_READ;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code brk} (mm/mmap.c {@code SYSCALL_DEFINE1(brk)}, {@code do_brk_flags}), the merge rules of
 * {@code mmap_region} and {@code mprotect_fixup}, and {@code vm.max_map_count} at the splits not
 * covered elsewhere, each at an edge where a plausible slip would change the outcome; and the
 * seeded bugs of mm/mmap.c and mm/mprotect.c reenacted on a bare {@link MmStruct}, each at the
 * smallest state that shows it.
 */
class MmStructBrkAndMergeEdgesTest {
    private static final long HEAP = VmFlags.VM_DATA_DEFAULT_FLAGS | VmFlags.VM_ACCOUNT;

    private static MmStruct noStack(Set<VmaDefect> defects) {
        return MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(BASE, true, STACK_TOP, BRK), 0, defects);
    }

    @Test
    void aShrinkWithNoVmaBetweenTheNewAndOldBreakIsRefused() {
        MmStruct mm = noStack(Set.of());
        assertThat(mm.brk(BRK + 0x3000)).isEqualTo(BRK + 0x3000);
        assertThat(mm.munmap(BRK, 0x3000)).isEqualTo(MmResult.ok(0));
        assertThat(mm.brk(BRK)).as("mas_find finds nothing in [newbrk, oldbrk]: goto out").isEqualTo(BRK + 0x3000);
        assertThat(mm.brk()).isEqualTo(BRK + 0x3000);
    }

    @Test
    void aBreakMovingInsideItsPageMapsNothingEvenWhenThatPageWasUnmapped() {
        MmStruct mm = topDown();
        assertThat(mm.brk(BRK + 0x10)).isEqualTo(BRK + 0x10);
        assertThat(mm.munmap(BRK, 0x1000)).isEqualTo(MmResult.ok(0));
        assertThat(mm.brk(BRK + 0x20)).as("oldbrk == newbrk: only mm->brk moves").isEqualTo(BRK + 0x20);
        assertThat(mm.mapCount()).isEqualTo(1);
        assertThat(mm.totalVm()).isEqualTo(0x21);
    }

    @Test
    void theBreakGrowsANewVmaOverAHeapOfOtherFlagsAndNextToAVmaUnderStartBrk() {
        MmStruct ro = topDown();
        ro.brk(BRK + 0x1000);
        assertThat(ro.mprotect(BRK, 0x1000, PROT_READ)).isEqualTo(MmResult.ok(0));
        assertThat(ro.brk(BRK + 0x2000)).isEqualTo(BRK + 0x2000);
        assertThat(ro.vmas()).extracting(Vma::start, Vma::end, Vma::flags).startsWith(
                org.assertj.core.groups.Tuple.tuple(BRK, BRK + 0x1000, (HEAP & ~VmFlags.VM_WRITE)),
                org.assertj.core.groups.Tuple.tuple(BRK + 0x1000, BRK + 0x2000, HEAP));
        MmStruct below = topDown();
        assertThat(below.mmap(BRK - 0x1000, 0x1000, RW, ANON | MAP_FIXED)).isEqualTo(MmResult.ok(BRK - 0x1000));
        assertThat(below.findVma(BRK - 0x1000).flags()).as("the heap's own flags").isEqualTo(HEAP);
        assertThat(below.brk(BRK + 0x1000)).isEqualTo(BRK + 0x1000);
        assertThat(below.vmas()).as("mas_prev(start_brk) does not return a VMA ending at start_brk: a VMA of its own")
                .extracting(Vma::start).containsExactly(BRK - 0x1000, BRK, STACK_TOP - 0x21000);
        assertThat(VmaChecks.all(below)).isEmpty();
    }

    @Test
    void aNewSharedMappingNeverMergesWithAnotherFilesPiece() {
        MmStruct mm = topDown();
        long x = BASE - 0x10000;
        int shared = MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED;
        mm.mmap(x, 0x2000, RW, shared);
        mm.munmap(x, 0x1000);
        assertThat(mm.findVma(x + 0x1000).pgoff()).as("the piece left is page 1 of its file").isEqualTo(1);
        assertThat(mm.mmap(x, 0x1000, RW, shared)).isEqualTo(MmResult.ok(x));
        assertThat(mm.findVma(x).end()).as("its file is new: no vma_merge with page 1 of the other").isEqualTo(x + 0x1000);
        assertThat(mm.findVma(x).file()).isNotEqualTo(mm.findVma(x + 0x1000).file());
        assertThat(mm.mapCount()).isEqualTo(3);
    }

    @Test
    void mprotectGoesOnFromTheEndOfTheVmaItMergedWith() {
        MmStruct mm = topDown();
        long a = mm.mmap(0, 0x2000, RW, ANON).value();
        mm.mprotect(a + 0x1000, 0x1000, PROT_READ);
        assertThat(mm.mprotect(a, 0x2000, PROT_READ)).as("nstart = prev->vm_end after the merge with next").isEqualTo(MmResult.ok(0));
        assertThat(mm.findVma(a).end()).isEqualTo(a + 0x2000);
        assertThat(mm.mapCount()).isEqualTo(2);
        assertThat(mm.mprotect(a + 0x1000, 0x800, PROT_READ)).as("the same flags: mprotect_fixup changes nothing")
                .isEqualTo(MmResult.ok(0));
        assertThat(mm.mapCount()).isEqualTo(2);
        assertThat(VmaChecks.all(mm)).isEmpty();
    }

    @Test
    void theSplitsOfMunmapAndMprotectAtMaxMapCount() {
        UserLayoutConfig a = UserLayoutConfig.armmp();
        UserLayoutConfig c = new UserLayoutConfig(a.taskSize(), 8, 4096, a.stackGuardGap(), a.stackRndMask(), 2, false, 3);
        MmStruct mm = MmStruct.exec(c, new UserLayout(BASE, true, STACK_TOP, BRK), 0x21000, Set.of());
        long x = 0x20000000L;
        mm.mmap(x, 0x3000, RW, ANON | MAP_FIXED);
        mm.mmap(x + 0x10000, 0x1000, RW, ANON | MAP_FIXED);
        assertThat(mm.mapCount()).isEqualTo(3);
        assertThat(mm.mmap(x + 0x1000, 0x1000, PROT_READ, ANON | MAP_FIXED))
                .as("mmap_region's do_mas_munmap: a hole inside one VMA at 3 >= 3").isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.mprotect(x + 0x1000, 0x2000, PROT_READ)).as("mprotect_fixup's split at the start at 3 >= 3")
                .isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.findVma(x)).isEqualTo(new Vma(x, x + 0x3000, HEAP, x >>> 12, 0));
        mm.munmap(x + 0x10000, 0x1000);
        assertThat(mm.mprotect(x + 0x1000, 0x2000, PROT_READ)).as("2 < 3").isEqualTo(MmResult.ok(0));
        assertThat(mm.mapCount()).isEqualTo(3);
    }

    @Test
    void expandDownwardsRefusesUnderAnMmapMinAddrAboveFirstUserAddress() {
        UserLayoutConfig a = UserLayoutConfig.armmp();
        UserLayoutConfig c = new UserLayoutConfig(a.taskSize(), 8, 0x10000, a.stackGuardGap(), a.stackRndMask(), 2, false,
                a.maxMapCount());
        MmStruct mm = MmStruct.exec(c, new UserLayout(BASE, true, STACK_TOP, BRK), 0x21000, Set.of());
        Vma stack = mm.vmas().get(0);
        assertThat(mm.expandDownwards(stack, 0xffff)).as("vm.mmap_min_addr = 65536: -EPERM").isNull();
        assertThat(mm.expandDownwards(stack, 0x10000).start()).isEqualTo(0x10000L);
    }

    @Test
    void eachCallCountsOneChange() {
        MmStruct mm = topDown();
        long before = mm.changeCount();
        mm.mmap(0, 0x1000, RW, ANON);
        mm.munmap(0x30000000L, 0x1000);
        mm.munmap(1, 0x1000);
        mm.mprotect(1, 0x1000, PROT_READ);
        mm.brk(0);
        assertThat(mm.changeCount()).isEqualTo(before + 5);
    }

    @Test
    void theSeededBugsReenactedOnABareMm() {
        long x = 0x20000000L;
        MmStruct lose = noStack(Set.of(VmaDefect.SPLIT_LOSES_PAGE));
        lose.mmap(x, 0x3000, RW, ANON | MAP_FIXED);
        lose.mprotect(x + 0x2000, 0x1000, PROT_READ);
        assertThat(lose.vmas()).as("a split at the last page loses nothing").extracting(Vma::start, Vma::end)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(x, x + 0x2000),
                        org.assertj.core.groups.Tuple.tuple(x + 0x2000, x + 0x3000));
        long y = x + 0x10000;
        lose.mmap(y, 0x3000, RW, ANON | MAP_FIXED);
        assertThat(lose.mprotect(y + 0x1000, 0x1000, PROT_READ)).isEqualTo(MmResult.ok(0));
        assertThat(lose.vmas()).as("the split at y + 0x1000 starts the upper part a page late").extracting(Vma::start)
                .containsExactly(x, x + 0x2000, y, y + 0x2000);
        assertThat(lose.findVma(y).end()).isEqualTo(y + 0x1000);

        long stack = STACK_TOP - 0x21000;
        MmStruct gap = MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(stack - 0x80000, true, STACK_TOP, BRK), 0x21000,
                Set.of(VmaDefect.UNMAPPED_AREA_IGNORES_STACK_GAP));
        assertThat(gap.mmap(0, 0x1000, RW, ANON)).as("no retry under vm_start_gap").isEqualTo(MmResult.ok(stack - 0x81000));

        MmStruct heap = noStack(Set.of(VmaDefect.BRK_EXPANDS_UNADJACENT_VMA));
        heap.brk(BRK + 0x2000);
        heap.munmap(BRK + 0x1000, 0x1000);
        assertThat(heap.brk(BRK + 0x3000)).isEqualTo(BRK + 0x3000);
        assertThat(heap.vmas()).as("stretched over the hole").containsExactly(new Vma(BRK, BRK + 0x3000, HEAP, BRK >>> 12, 0));
        assertThat(heap.totalVm()).as("only the new page counted").isEqualTo(2);
        MmStruct ro = noStack(Set.of(VmaDefect.BRK_EXPANDS_UNADJACENT_VMA));
        ro.brk(BRK + 0x1000);
        ro.mprotect(BRK, 0x1000, PROT_READ);
        ro.brk(BRK + 0x2000);
        assertThat(ro.mapCount()).as("a VMA of other flags is not taken even so").isEqualTo(2);

        MmStruct next = noStack(Set.of(VmaDefect.MPROTECT_MERGED_NEXT_SEEN_AS_GAP));
        long a = next.mmap(0, 0x2000, RW, ANON).value();
        next.mprotect(a + 0x1000, 0x1000, PROT_READ);
        assertThat(next.mprotect(a, 0x2000, PROT_READ)).as("a gap that does not exist").isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(next.vmas()).as("yet the range changed").hasSize(1);
    }
}
