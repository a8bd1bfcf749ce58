package armmm.model.mm;

import static armmm.model.mmu.Pgtable2Level.L_PTE_RDONLY;
import static armmm.model.mm.MmTablesProtectionTest.A;
import static armmm.model.mm.MmTablesProtectionTest.ANON;
import static armmm.model.mm.MmTablesProtectionTest.P;
import static armmm.model.mm.MmTablesProtectionTest.RW;
import static armmm.model.mm.MmTablesProtectionTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The page-table side of two VMA edits at their edges: {@code mprotect_fixup} runs
 * {@code change_protection} after a {@code vma_merge} as after a split (its {@code success}
 * path, mm/mprotect.c), and {@code unmap_region} of the highest VMA frees its page tables up to
 * {@code USER_PGTABLES_CEILING}, which ARM defines as {@code TASK_SIZE}
 * (arch/arm/include/asm/pgtable.h; mm/mmap.c {@code free_pgtables}).
 */
class MmTablesMergeAndTopUnmapTest {

    @Test
    void aMergedRangeGetsItsNewProtectionInThePtes() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        ok(p.mmap(m, A, 2 * P, RW, ANON));
        ok(p.touch(m, A, Access.WRITE));
        ok(p.touch(m, A + P, Access.WRITE));
        ok(p.mprotect(m, A + P, P, VmFlags.PROT_READ));
        ok(p.mprotect(m, A, P, VmFlags.PROT_READ));
        assertThat(p.mm(m).findVma(A).end()).as("merged with the next").isEqualTo(A + 2 * P);
        UserPageTables t = p.pageTables(m);
        assertThat(t.linuxPte(A) & L_PTE_RDONLY).isNotZero();
        assertThat(t.linuxPte(A + P) & L_PTE_RDONLY).isNotZero();
        assertThat(p.touch(m, A, Access.WRITE).isRefused()).as("SIGSEGV: no write in the VMA").isTrue();
        assertThat(k.check()).isEmpty();
    }

    @Test
    void unmappingTheHighestVmaFreesItsPageTablesUpToTaskSize() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        List<Vma> vmas = p.mm(m).vmas();
        Vma stack = vmas.get(vmas.size() - 1);
        ok(p.touch(m, stack.end() - 4, Access.WRITE));
        assertThat(p.pageTables(m).pgtablesBytes()).isEqualTo(UserPageTables.PTE_TABLE_BYTES);
        ok(p.munmap(m, stack.start(), stack.end() - stack.start()));
        assertThat(p.mm(m).vmas()).isEmpty();
        assertThat(p.pageTables(m).pgtablesBytes()).as("no VMA above: the ceiling is TASK_SIZE").isZero();
        assertThat(p.anonRss(m)).isZero();
        assertThat(k.check()).isEmpty();
    }
}
