package armmm.model.mm;

import static armmm.model.mm.VmFlags.MAP_ANONYMOUS;
import static armmm.model.mm.VmFlags.MAP_FIXED;
import static armmm.model.mm.VmFlags.MAP_NORESERVE;
import static armmm.model.mm.VmFlags.MAP_PRIVATE;
import static armmm.model.mm.VmFlags.MAP_SHARED;
import static armmm.model.mm.VmFlags.PROT_EXEC;
import static armmm.model.mm.VmFlags.PROT_READ;
import static armmm.model.mm.VmFlags.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The cases of {@code vma_merge} (mm/mmap.c: the range merging into the VMA before it, the one
 * after it, or both, with the middle VMA removed or trimmed) as {@code mprotect_fixup} reaches
 * them, and {@code mmap_region}'s expansion of a neighbour; each with the VMAs the kernel leaves,
 * their {@code vm_pgoff} (a private anonymous VMA's is its start page) and flags:
 * {@code VM_ACCOUNT} for private writable memory ({@code accountable_mapping}, and
 * {@code mprotect_fixup}'s charge), none under {@code MAP_NORESERVE}, and a shared mapping's own
 * shmem file, which only its own pieces may merge with.
 */
class MmStructMergeTest {
    private static final int ANON = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
    private static final int RW = PROT_READ | PROT_WRITE;
    private static final long MAY = VmFlags.VM_MAYREAD | VmFlags.VM_MAYWRITE | VmFlags.VM_MAYEXEC;
    private static final long F_RW = VmFlags.VM_READ | VmFlags.VM_WRITE | MAY | VmFlags.VM_ACCOUNT;
    private static final long F_R = VmFlags.VM_READ | MAY;
    private static final long F_X = VmFlags.VM_EXEC | MAY;
    private static final long A = 0x20000000L;
    private static final long P = 4096;
    private static final long PG = A / P;

    private static MmStruct mm() {
        return MmStruct.exec(UserLayoutConfig.armmp(), new UserLayout(0xb7000000L, true, 0xbf000000L, 0x22000), 0, Set.of());
    }

    private static MmStruct mm(int... protPerPage) {
        MmStruct mm = mm();
        for (int i = 0; i < protPerPage.length; i++) {
            assertThat(mm.mmap(A + i * P, P, protPerPage[i], ANON).isOk()).isTrue();
        }
        return mm;
    }

    private static Vma v(long fromPage, long toPage, long flags) {
        return new Vma(A + fromPage * P, A + toPage * P, flags, PG + fromPage, 0);
    }

    @Test
    void theRangeMergesWithBothNeighbours() {
        MmStruct mm = mm(RW, PROT_READ, RW);
        assertThat(mm.vmas()).containsExactly(v(0, 1, F_RW), v(1, 2, F_R), v(2, 3, F_RW));
        assertThat(mm.mprotect(A + P, P, RW)).isEqualTo(MmResult.ok(0));
        assertThat(mm.vmas()).as("mprotect_fixup charges VM_ACCOUNT: the flags of both").containsExactly(v(0, 3, F_RW));
        assertThat(mm.mapCount()).isEqualTo(1);
    }

    @Test
    void theRangeMergesIntoTheVmaBeforeItTrimmingOrRemovingTheMiddle() {
        MmStruct trim = mm(RW, PROT_READ, PROT_READ);
        assertThat(trim.vmas()).containsExactly(v(0, 1, F_RW), v(1, 3, F_R));
        assertThat(trim.mprotect(A + P, P, RW)).isEqualTo(MmResult.ok(0));
        assertThat(trim.vmas()).containsExactly(v(0, 2, F_RW), v(2, 3, F_R));
        assertThat(trim.mapCount()).isEqualTo(2);
        MmStruct remove = mm(RW, PROT_READ, PROT_EXEC);
        assertThat(remove.mprotect(A + P, P, RW)).isEqualTo(MmResult.ok(0));
        assertThat(remove.vmas()).containsExactly(v(0, 2, F_RW), v(2, 3, F_X));
        assertThat(remove.mapCount()).isEqualTo(2);
        assertThat(VmaChecks.all(remove)).isEmpty();
    }

    @Test
    void theRangeMergesIntoTheVmaAfterItSplittingOrRemovingTheOneItWasIn() {
        MmStruct split = mm(PROT_READ, PROT_READ, RW);
        assertThat(split.mprotect(A + P, P, RW)).isEqualTo(MmResult.ok(0));
        assertThat(split.vmas()).containsExactly(v(0, 1, F_R), v(1, 3, F_RW));
        assertThat(split.mapCount()).isEqualTo(2);
        MmStruct remove = mm(PROT_EXEC, PROT_READ, RW);
        assertThat(remove.mprotect(A + P, P, RW)).isEqualTo(MmResult.ok(0));
        assertThat(remove.vmas()).containsExactly(v(0, 1, F_X), v(1, 3, F_RW));
        assertThat(remove.mapCount()).isEqualTo(2);
        MmStruct first = mm(PROT_READ, RW);
        assertThat(first.mprotect(A, P, RW)).as("no VMA before it at all").isEqualTo(MmResult.ok(0));
        assertThat(first.vmas()).containsExactly(v(0, 2, F_RW));
        assertThat(VmaChecks.all(first)).isEmpty();
    }

    @Test
    void aRangeOverSeveralVmasIsChangedVmaByVmaAndMerged() {
        MmStruct mm = mm(PROT_READ, PROT_EXEC, RW, PROT_READ);
        assertThat(mm.mprotect(A, 4 * P, PROT_READ)).isEqualTo(MmResult.ok(0));
        assertThat(mm.vmas()).as("VM_ACCOUNT stays on the page that had it").containsExactly(v(0, 2, F_R),
                v(2, 3, F_R | VmFlags.VM_ACCOUNT), v(3, 4, F_R));
        assertThat(mm.mprotect(A, 4 * P, PROT_READ | PROT_WRITE)).isEqualTo(MmResult.ok(0));
        assertThat(mm.vmas()).containsExactly(v(0, 4, F_RW));
        assertThat(mm.mprotect(A + P, 2 * P, PROT_READ)).isEqualTo(MmResult.ok(0));
        assertThat(mm.vmas()).containsExactly(v(0, 1, F_RW), v(1, 3, F_RW & ~VmFlags.VM_WRITE), v(3, 4, F_RW));
        assertThat(mm.mprotect(A + P, 2 * P, PROT_READ)).as("already so: nothing to do").isEqualTo(MmResult.ok(0));
        assertThat(mm.mapCount()).isEqualTo(3);
    }

    @Test
    void mmapExpandsTheVmaBeforeOrAfterOrJoinsBoth() {
        MmStruct after = mm(RW);
        assertThat(after.mmap(A - P, P, RW, ANON)).isEqualTo(MmResult.ok(A - P));
        assertThat(after.vmas()).as("the next VMA grows down, its pgoff with it").containsExactly(
                new Vma(A - P, A + P, F_RW, PG - 1, 0));
        MmStruct both = mm(RW);
        both.mmap(A + 2 * P, P, RW, ANON);
        assertThat(both.mapCount()).isEqualTo(2);
        assertThat(both.mmap(A + P, P, RW, ANON)).isEqualTo(MmResult.ok(A + P));
        assertThat(both.vmas()).containsExactly(v(0, 3, F_RW));
        assertThat(both.mapCount()).isEqualTo(1);
        assertThat(both.totalVm()).isEqualTo(3);
        MmStruct other = mm(RW);
        assertThat(other.mmap(A + P, P, RW, ANON | MAP_NORESERVE)).isEqualTo(MmResult.ok(A + P));
        assertThat(other.vmas()).as("MAP_NORESERVE: VM_NORESERVE, no VM_ACCOUNT, no merge").containsExactly(v(0, 1, F_RW),
                v(1, 2, F_RW & ~VmFlags.VM_ACCOUNT | VmFlags.VM_NORESERVE));
        assertThat(other.mmap(A + 2 * P, P, PROT_READ, ANON)).isEqualTo(MmResult.ok(A + 2 * P));
        assertThat(other.vmas().get(2).flags()).as("read-only private memory is not charged").isEqualTo(F_R);
    }

    @Test
    void sharedMappingsMergeOnlyWithPiecesOfTheirOwnFile() {
        MmStruct mm = mm();
        int shared = MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED;
        long fShared = VmFlags.VM_READ | VmFlags.VM_WRITE | MAY | VmFlags.VM_SHARED | VmFlags.VM_MAYSHARE;
        assertThat(mm.mmap(A, 2 * P, RW, shared)).isEqualTo(MmResult.ok(A));
        assertThat(mm.mmap(A + 2 * P, P, RW, shared)).isEqualTo(MmResult.ok(A + 2 * P));
        assertThat(mm.vmas()).as("a shmem file each, page offsets from 0, no charge")
                .containsExactly(new Vma(A, A + 2 * P, fShared, 0, 1), new Vma(A + 2 * P, A + 3 * P, fShared, 0, 2));
        assertThat(mm.mprotect(A, P, PROT_READ)).isEqualTo(MmResult.ok(0));
        assertThat(mm.vmas()).containsExactly(new Vma(A, A + P, fShared & ~VmFlags.VM_WRITE, 0, 1),
                new Vma(A + P, A + 2 * P, fShared, 1, 1), new Vma(A + 2 * P, A + 3 * P, fShared, 0, 2));
        assertThat(mm.mprotect(A, P, RW)).isEqualTo(MmResult.ok(0));
        assertThat(mm.vmas()).as("the two pieces of file 1 merge again; file 2 stays apart")
                .containsExactly(new Vma(A, A + 2 * P, fShared, 0, 1), new Vma(A + 2 * P, A + 3 * P, fShared, 0, 2));
        assertThat(mm.mprotect(A + P, P, PROT_READ)).isEqualTo(MmResult.ok(0));
        assertThat(mm.mprotect(A + 2 * P, P, PROT_READ)).isEqualTo(MmResult.ok(0));
        assertThat(mm.vmas()).as("same flags, other files").hasSize(3);
        assertThat(VmaChecks.all(mm)).isEmpty();
        List<Vma> before = mm.vmas();
        MmStruct child = mm.dup();
        assertThat(child.vmas()).isEqualTo(before);
        assertThat(child.mmap(0, P, RW, MAP_SHARED | MAP_ANONYMOUS).isOk()).isTrue();
        assertThat(child.vmas().get(3).file()).as("dup_mmap: the child's next file is a new one").isEqualTo(3);
    }
}
