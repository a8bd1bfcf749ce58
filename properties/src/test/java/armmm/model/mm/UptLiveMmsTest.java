package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The user page-table checks' record ({@code UptShadow}) lists the live mms again only when
 * {@code Processes.liveChanges} moved: every write to the set of mms or their tables moves it, so
 * an mm forked or created is read at the very next step check and an exited one is forgotten
 * there, as the complete check, which lists them afresh, says.
 */
class UptLiveMmsTest {
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;

    private static List<String> ids(List<Violation> vs) {
        return vs.stream().map(Violation::id).toList();
    }

    @Test
    void aForkThatLeavesTheParentWritableIsFoundAtTheNextStepAndForgottenWhenTheChildExits() {
        // copy_present_pte without ptep_set_wrprotect: parent and child share a page, the parent writable
        Kernel k = Kernel.boot(Board.virt(128L << 20), Bugs.of(PgtableDefect.FORK_PARENT_STAYS_WRITABLE));
        Processes p = k.state(Processes.class);
        long mm = k.apply(new MmOp.MmCreate(8L << 20)).value();
        long area = k.apply(new MmOp.Mmap(mm, 0, 0x4000, RW, ANON, 0)).value();
        k.apply(new MmOp.Touch(mm, area, Access.WRITE, 0));
        assertThat(k.check()).isEmpty();
        long before = p.liveChanges();

        long child = k.apply(new MmOp.Fork(mm, 0)).value();
        assertThat(p.liveChanges()).isGreaterThan(before);
        // only with the child's entries listed does the frame count two mappings
        assertThat(ids(k.check())).contains(UptChecks.COW_READ_ONLY);
        assertThat(ids(k.checkComplete())).contains(UptChecks.COW_READ_ONLY);

        long forked = p.liveChanges();
        k.apply(new MmOp.ExitMm(child, 0));
        assertThat(p.liveChanges()).isGreaterThan(forked);
        assertThat(ids(k.check())).doesNotContain(UptChecks.COW_READ_ONLY).isEqualTo(ids(k.checkComplete()));
    }

    @Test
    void aNewMmsTablesAreReadAtTheNextStepWhileFaultsLeaveTheListAlone() {
        Kernel k = Kernel.boot(Board.virt(128L << 20), Bugs.of(PgtableDefect.ZAP_KEEPS_RSS));
        Processes p = k.state(Processes.class);
        long first = k.apply(new MmOp.MmCreate(8L << 20)).value();
        k.apply(new MmOp.Mmap(first, 0, 0x4000, RW, ANON, 0));
        assertThat(k.check()).isEmpty();
        long listed = p.liveChanges();

        long mm = k.apply(new MmOp.MmCreate(8L << 20)).value();
        assertThat(p.liveChanges()).isGreaterThan(listed);
        long area = k.apply(new MmOp.Mmap(mm, 0, 0x4000, RW, ANON, 0)).value();
        long created = p.liveChanges();
        k.apply(new MmOp.Touch(mm, area, Access.WRITE, 0));
        assertThat(p.liveChanges()).isEqualTo(created);
        assertThat(k.check()).isEmpty();
        // munmap forgets to lower MM_ANONPAGES in the second mm: its counters are the ones compared
        k.apply(new MmOp.Munmap(mm, area, 0x4000, 0));
        assertThat(ids(k.check())).contains(UptChecks.RSS);
        assertThat(ids(k.checkComplete())).contains(UptChecks.RSS);
    }
}
