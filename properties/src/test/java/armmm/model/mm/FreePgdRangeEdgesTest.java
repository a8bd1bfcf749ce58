package armmm.model.mm;

import static armmm.model.mm.MmTablesProtectionTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import org.junit.jupiter.api.Test;

/**
 * {@code free_pgd_range} (mm/memory.c) frees a PTE table only when its whole pmd (2 MiB on ARM's
 * 2-level tables) lies in [floor, ceiling): the start rounded down to its pmd moves up one pmd
 * when that is under {@code floor}; the end moves down one pmd when {@code end - 1 > ceiling - 1}
 * after the ceiling was rounded down; the pmds from the start below the end are freed. Each case
 * here puts tables at three consecutive pmds and frees one range at an edge of those rules.
 */
class FreePgdRangeEdgesTest {
    private static final long PMD = 2L << 20;
    private static final long T0 = 0x20000000L;
    private static final long T1 = T0 + PMD;
    private static final long T2 = T1 + PMD;

    /** The pmds among T0, T1, T2 that still have a PTE table after {@code freePgdRange(addr, end, floor, ceiling)}. */
    private static boolean[] after(long addr, long end, long floor, long ceiling) {
        Processes p = Kernel.boot(Board.virt(64L << 20), Bugs.NONE).state(Processes.class);
        long m = ok(p.mmCreate(8L << 20));
        int anon = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS | VmFlags.MAP_FIXED;
        ok(p.mmap(m, T0, 3 * PMD, VmFlags.PROT_READ | VmFlags.PROT_WRITE, anon));
        UserPageTables t = p.pageTables(m);
        for (long va = T0; va <= T2; va += PMD) {
            ok(p.touch(m, va + 0x1000, Access.WRITE));
            // the page is unmapped so that only the table is left to free
            t.pteClear(va + 0x1000);
        }
        p.mmTables(m).freePgdRange(addr, end, floor, ceiling);
        return new boolean[] {t.ptePfn(T0) >= 0, t.ptePfn(T1) >= 0, t.ptePfn(T2) >= 0};
    }

    @Test
    void aPmdStartingAtTheFloorIsFreedOneStartingUnderItIsNot() {
        assertThat(after(T1, T1 + 0x2000, T1, T2)).as("addr == floor").containsExactly(true, false, true);
        assertThat(after(T1 + 0x1000, T1 + 0x2000, T1 + 0x1000, T2)).as("the pmd begins under the floor")
                .containsExactly(true, true, true);
        assertThat(after(T1 + 0x1000, T2 + 0x1000, T1 + 0x1000, T2 + PMD)).as("the start moves up one pmd and goes on")
                .containsExactly(true, true, false);
    }

    @Test
    void aPmdEndingAtTheCeilingIsFreedOneReachingPastItIsNot() {
        assertThat(after(T1, T2, T1, T2)).as("end == ceiling: end - 1 > ceiling - 1 is false")
                .containsExactly(true, false, true);
        assertThat(after(T1, T2 + 0x1000, T1, T2 + 0x1000)).as("the ceiling rounds down to T2: the end moves down a pmd")
                .containsExactly(true, false, true);
        assertThat(after(T0, T2 + PMD, T0, T2 + PMD)).containsExactly(false, false, false);
    }
}
