package armmm.model.mm;

import static armmm.model.mm.VmFlags.MAP_ANONYMOUS;
import static armmm.model.mm.VmFlags.MAP_FIXED;
import static armmm.model.mm.VmFlags.MAP_PRIVATE;
import static armmm.model.mm.VmFlags.PROT_READ;
import static armmm.model.mm.VmFlags.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code vm.max_map_count} at each place 6.1 tests it (mm/mmap.c): {@code do_mmap} refuses when
 * {@code map_count > max} (so the count may end one above it), {@code do_mas_align_munmap}
 * refuses a split at the range's start when the range also ends inside that VMA and
 * {@code map_count >= max} (the split at the end is unchecked), {@code split_vma} of
 * {@code mprotect_fixup} refuses at {@code map_count >= max} and leaves the first split done,
 * {@code do_brk_flags} refuses at {@code map_count > max}, and {@code brk}'s shrink through
 * {@code do_brk_munmap} restores the old break when its split is refused.
 */
class MmStructLimitsTest {
    private static final int ANON = MAP_PRIVATE | MAP_ANONYMOUS;
    private static final int RW = PROT_READ | PROT_WRITE;
    private static final long STACK_TOP = 0xbe957000L;
    private static final long BRK = 0x017d7000L;
    private static final long A = 0x20000000L;
    private static final long B = 0x20010000L;

    /** The armmp layout's top-down mm (its [stack] VMA: map_count 1) with {@code max_map_count} = {@code max}. */
    private static MmStruct mm(int max) {
        UserLayoutConfig a = UserLayoutConfig.armmp();
        UserLayoutConfig c = new UserLayoutConfig(a.taskSize(), 8, 4096, a.stackGuardGap(), a.stackRndMask(), 2, false, max);
        return MmStruct.exec(c, new UserLayout(0xb6f63000L, true, STACK_TOP, BRK), 0x21000, Set.of());
    }

    @Test
    void mmapRefusesOnlyWhenTheCountIsAlreadyAboveTheLimit() {
        MmStruct mm = mm(3);
        assertThat(mm.mmap(A, 0x1000, RW, ANON | MAP_FIXED)).isEqualTo(MmResult.ok(A));
        assertThat(mm.mmap(B, 0x1000, RW, ANON | MAP_FIXED)).isEqualTo(MmResult.ok(B));
        assertThat(mm.mapCount()).isEqualTo(3);
        assertThat(mm.mmap(0x20020000L, 0x1000, RW, ANON | MAP_FIXED)).as("3 > 3 is false").isEqualTo(MmResult.ok(0x20020000L));
        assertThat(mm.mapCount()).isEqualTo(4);
        assertThat(mm.mmap(0x20030000L, 0x1000, RW, ANON | MAP_FIXED)).isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.mmap(A + 0x1000, 0x1000, RW, ANON | MAP_FIXED)).as("even one that would merge")
                .isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.mapCount()).isEqualTo(4);
        assertThat(mm.totalVm()).isEqualTo(0x21 + 3);
        assertThat(mm.brk(BRK + 0x1000)).as("do_brk_flags: 4 > 3").isEqualTo(BRK);
        assertThat(mm.brk()).isEqualTo(BRK);
        assertThat(mm.munmap(0x20020000L, 0x1000)).isEqualTo(MmResult.ok(0));
        assertThat(mm.brk(BRK + 0x1000)).as("3 > 3 is false").isEqualTo(BRK + 0x1000);
        assertThat(mm.mapCount()).isEqualTo(4);
    }

    @Test
    void munmapChecksOnlyASplitAtTheStartOfARangeEndingInsideTheSameVma() {
        MmStruct mm = mm(3);
        mm.mmap(A, 0x3000, RW, ANON | MAP_FIXED);
        mm.mmap(B, 0x3000, RW, ANON | MAP_FIXED);
        assertThat(mm.mapCount()).isEqualTo(3);
        assertThat(mm.munmap(A + 0x1000, 0x1000)).as("a hole in the middle: two VMAs from one").isEqualTo(MmResult.fail(Errno.ENOMEM));
        assertThat(mm.vmas()).contains(new Vma(A, A + 0x3000, mm.findVma(A).flags(), A >>> 12, 0));
        assertThat(mm.munmap(A, 0x1000)).as("the split at the end is not checked").isEqualTo(MmResult.ok(0));
        assertThat(mm.munmap(B + 0x2000, 0x1000)).as("a split at the start of a range reaching the VMA's end")
                .isEqualTo(MmResult.ok(0));
        assertThat(mm.munmap(A + 0x2000, 0xf000)).as("a split at the start of a range running on into B, split at its end")
                .isEqualTo(MmResult.ok(0));
        assertThat(mm.vmas()).extracting(Vma::start).containsExactly(A + 0x1000, B + 0x1000, STACK_TOP - 0x21000);
        assertThat(mm.findVma(A + 0x1000).end()).isEqualTo(A + 0x2000);
        assertThat(mm.findVma(B).start()).isEqualTo(B + 0x1000);
        assertThat(mm.findVma(B).end()).isEqualTo(B + 0x2000);
        assertThat(mm.totalVm()).isEqualTo(0x21 + 2);
        assertThat(VmaChecks.all(mm)).isEmpty();
    }

    @Test
    void mprotectsSecondSplitRefusedLeavesTheFirst() {
        MmStruct mm = mm(3);
        mm.mmap(A, 0x3000, RW, ANON | MAP_FIXED);
        assertThat(mm.mapCount()).isEqualTo(2);
        assertThat(mm.mprotect(A + 0x1000, 0x1000, PROT_READ)).isEqualTo(MmResult.fail(Errno.ENOMEM));
        long f = mm.findVma(A).flags();
        assertThat(mm.vmas()).as("split at the start, then split_vma refused at 3 >= 3; nothing changed its flags")
                .containsExactly(new Vma(A, A + 0x1000, f, A >>> 12, 0), new Vma(A + 0x1000, A + 0x3000, f, (A >>> 12) + 1, 0),
                        new Vma(STACK_TOP - 0x21000, STACK_TOP, mm.vmas().get(2).flags(), (STACK_TOP - 0x21000) >>> 12, 0));
        assertThat(mm.mapCount()).isEqualTo(3);
        assertThat(mm.mprotect(A + 0x1000, 0x2000, PROT_READ)).as("no split needed any more").isEqualTo(MmResult.ok(0));
        assertThat(mm.findVma(A + 0x1000).flags() & 7).isEqualTo(PROT_READ);
        assertThat(mm.mprotect(A, 0x1000, PROT_READ)).as("a merge with the next needs no split")
                .isEqualTo(MmResult.ok(0));
        assertThat(mm.mapCount()).isEqualTo(2);
        assertThat(mm.findVma(A).end()).isEqualTo(A + 0x3000);
    }

    /**
     * A private writable mapping at the break merges with the heap (the same flags as
     * VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT and page offsets that continue), so the heap VMA runs
     * past the break: shrinking the break splits it at the new break with the range ending
     * inside, which is refused at the limit, and brk gives the old break back.
     */
    @Test
    void aBrkShrinkWhoseSplitIsRefusedKeepsTheOldBreak() {
        MmStruct mm = mm(2);
        assertThat(mm.brk(BRK + 0x2000)).isEqualTo(BRK + 0x2000);
        assertThat(mm.mmap(BRK + 0x2000, 0x2000, RW, ANON | MAP_FIXED)).isEqualTo(MmResult.ok(BRK + 0x2000));
        assertThat(mm.vmas().get(0)).as("one heap VMA past the break")
                .isEqualTo(new Vma(BRK, BRK + 0x4000, VmFlags.VM_DATA_DEFAULT_FLAGS | VmFlags.VM_ACCOUNT, BRK >>> 12, 0));
        assertThat(mm.mapCount()).isEqualTo(2);
        assertThat(mm.brk(BRK + 0x1000)).isEqualTo(BRK + 0x2000);
        assertThat(mm.brk()).isEqualTo(BRK + 0x2000);
        assertThat(mm.vmas().get(0).end()).isEqualTo(BRK + 0x4000);
        assertThat(mm.brk(BRK)).as("to start_brk: no split at the start").isEqualTo(BRK);
        assertThat(mm.vmas().get(0)).isEqualTo(new Vma(BRK + 0x2000, BRK + 0x4000,
                VmFlags.VM_DATA_DEFAULT_FLAGS | VmFlags.VM_ACCOUNT, (BRK >>> 12) + 2, 0));
        assertThat(mm.totalVm()).isEqualTo(0x21 + 2);
    }

    @Test
    void theLimitIsReadFromTheConfiguration() {
        MmStruct big = mm(65530);
        for (int i = 0; i < 8; i++) {
            assertThat(big.mmap(A + i * 0x2000L, 0x1000, RW, ANON | MAP_FIXED).isOk()).isTrue();
        }
        assertThat(big.mapCount()).isEqualTo(9);
        assertThat(big.munmap(A + 0x1000, 0x1000)).isEqualTo(MmResult.ok(0));
        List<Vma> v = big.vmas();
        assertThat(v).hasSize(9);
    }
}
