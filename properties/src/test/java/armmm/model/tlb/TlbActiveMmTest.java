package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mm.Processes;
import armmm.model.page.PageAllocator;
import org.junit.jupiter.api.Test;

/**
 * Each CPU's references on {@code mm_count} through switches and exits: {@code mm_users} hold one
 * together; a CPU holds one on its {@code active_mm} and, while a switch is under way, one on the
 * mm it goes to; {@code finish_task_switch}'s {@code mmdrop} lets go of the previous one
 * (kernel/sched/core.c), and the last {@code mmdrop} is {@code __mmdrop}, which frees the pgd
 * (kernel/fork.c, arch/arm/mm/pgd.c {@code pgd_free}). An exited mm's ASID context goes when no
 * CPU runs it (arch/arm/mm/context.c keeps {@code context.id} until then).
 */
class TlbActiveMmTest {

    @Test
    void referencesFollowActiveMmAndTheSwitchUnderWay() {
        Kernel k = Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.NONE);
        Processes p = k.state(Processes.class);
        PageAllocator pages = k.state(PageAllocator.class);
        Tlbs t = k.state(Tlbs.class);
        long m = ((Result.Value) k.apply(new TlbOp.Exec(1))).value();
        long n = ((Result.Value) k.apply(new MmOp.MmCreate(8L << 20))).value();
        long pgdM = p.pgdPhys(m);
        long pgdN = p.pgdPhys(n);
        assertThat(p.mmCount(m)).as("mm_users' and cpu 1's").isEqualTo(2);
        assertThat(p.mmCount(n)).as("mm_users' only").isEqualTo(1);

        k.apply(new TlbOp.SwitchMmBegin(n, 1));
        assertThat(t.activeMm(1)).isEqualTo(m);
        assertThat(p.mmCount(m)).as("still cpu 1's active_mm").isEqualTo(2);
        assertThat(p.mmCount(n)).as("the mm cpu 1 switches to").isEqualTo(2);
        k.apply(new TlbOp.SwitchMmFinish(1));
        assertThat(t.activeMm(1)).isEqualTo(n);
        assertThat(p.mmCount(m)).as("finish_task_switch dropped it").isEqualTo(1);
        assertThat(p.mmCount(n)).isEqualTo(2);

        k.apply(new TlbOp.SwitchMm(m, 0));
        assertThat(p.mmCount(m)).isEqualTo(2);
        k.apply(new TlbOp.SwitchMm(n, 0));
        assertThat(t.activeMm(0)).isEqualTo(n);
        assertThat(p.mmCount(m)).isEqualTo(1);
        assertThat(p.mmCount(n)).as("mm_users', cpu 0's and cpu 1's").isEqualTo(3);

        // nobody runs m: exit_mm's mmput reaches __mmdrop, the pgd and the context go
        k.apply(new MmOp.ExitMm(m, 0));
        assertThat(p.mmCount(m)).isZero();
        assertThat(pages.isAllocated(pgdM >>> 12)).isFalse();
        assertThat(t.context(m)).isNull();

        // both CPUs run n: it waits for the last of them
        k.apply(new MmOp.ExitMm(n, 0));
        assertThat(p.mmCount(n)).isEqualTo(2);
        assertThat(t.context(n)).isNotNull();
        assertThat(t.exited(n)).isTrue();
        k.apply(new TlbOp.Exec(1));
        assertThat(p.mmCount(n)).isEqualTo(1);
        assertThat(pages.isAllocated(pgdN >>> 12)).isTrue();
        assertThat(t.context(n)).as("cpu 0 still runs it").isNotNull();
        k.apply(new TlbOp.Exec(0));
        assertThat(p.mmCount(n)).isZero();
        assertThat(pages.isAllocated(pgdN >>> 12)).isFalse();
        assertThat(t.context(n)).isNull();
        assertThat(t.exited(n)).isFalse();
        assertThat(k.check()).isEmpty();
    }

    @Test
    void aHeldCpuAsidLockStopsEveryWholeSwitchOfAnotherCpu() {
        Kernel k = Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.NONE);
        Tlbs t = k.state(Tlbs.class);
        long m = ((Result.Value) k.apply(new MmOp.MmCreate(8L << 20))).value();
        long n = ((Result.Value) k.apply(new MmOp.MmCreate(8L << 20))).value();
        assertThat(k.apply(new TlbOp.Step(1)).toString()).contains("not switching");
        assertThat(k.apply(new TlbOp.SwitchMmFinish(1)).toString()).contains("not switching");
        // a new mm has context.id 0: no fast path, cpu 1 takes cpu_asid_lock within a few steps
        k.apply(new TlbOp.SwitchMmBegin(m, 1));
        for (int i = 0; i < 4 && t.asid().lockOwner() != 1; i++) {
            assertThat(k.apply(new TlbOp.Step(1))).isInstanceOf(Result.Value.class);
        }
        assertThat(t.asid().lockOwner()).isEqualTo(1);
        assertThat(k.apply(new TlbOp.Exec(1)).toString()).contains("inside a switch");
        assertThat(k.apply(new TlbOp.Exec(0)).toString()).contains("cpu_asid_lock is held by cpu 1");
        assertThat(k.apply(new TlbOp.SwitchMm(n, 0)).toString()).contains("cpu_asid_lock is held by cpu 1");
        assertThat(k.apply(new TlbOp.Exec(2))).isInstanceOf(Result.Refused.class);
        assertThat(k.apply(new TlbOp.Step(2))).isInstanceOf(Result.Refused.class);
        assertThat(k.apply(new TlbOp.SwitchMmFinish(2))).isInstanceOf(Result.Refused.class);
        // cpu 0 starts its switch and spins: finishing it needs cpu 1 to move first
        k.apply(new TlbOp.SwitchMmBegin(n, 0));
        Result spin = null;
        for (int i = 0; i < 4 && !(spin instanceof Result.Refused); i++) {
            spin = k.apply(new TlbOp.SwitchMmFinish(0));
        }
        assertThat(spin.toString()).contains("spins on cpu_asid_lock held by cpu 1");
        assertThat(k.apply(new TlbOp.SwitchMmFinish(1))).isEqualTo(Result.of(0x101));
        assertThat(t.asid().lockOwner()).isEqualTo(-1);
        assertThat(k.apply(new TlbOp.SwitchMmFinish(0))).isEqualTo(Result.of(0x102));
        assertThat(t.activeMm(0)).isEqualTo(n);
        assertThat(t.activeMm(1)).isEqualTo(m);
        assertThat(k.apply(new TlbOp.SwitchMm(n, 1))).isEqualTo(Result.of(0x102));
        assertThat(k.check()).isEmpty();
    }
}
