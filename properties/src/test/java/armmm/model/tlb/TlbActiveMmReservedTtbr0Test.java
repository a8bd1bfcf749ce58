package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.asid.SwitchStep;
import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mm.Processes;
import org.junit.jupiter.api.Test;

/**
 * A CPU's {@code active_mm} through the steps of a switch: between {@code cpu_set_reserved_ttbr0}
 * and the TTBR0 write (arch/arm/mm/context.c {@code check_and_switch_context}) TTBR0 holds
 * {@code swapper_pg_dir}, yet the CPU's {@code active_mm} is still the previous mm, whose
 * {@code mm_count} reference {@code finish_task_switch} drops only when the switch is done
 * (kernel/sched/core.c); the mm it goes to is referenced from the start. Without the lazy
 * {@code mmgrab} ({@link TlbBug#LAZY_MM_NOT_GRABBED}) no CPU holds any reference.
 */
class TlbActiveMmReservedTtbr0Test {

    private static long value(Result r) {
        return ((Result.Value) r).value();
    }

    @Test
    void theReservedTtbr0KeepsThePreviousMmReferenced() {
        Kernel k = Kernel.boot(Board.virt(64L << 20).withCpus(2), Bugs.NONE);
        Processes p = k.state(Processes.class);
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(1)));
        long n = value(k.apply(new MmOp.MmCreate(8L << 20)));
        assertThat(p.mmCount(m)).isEqualTo(2);
        assertThat(k.apply(new TlbOp.SwitchMmBegin(n, 1))).isEqualTo(Result.of(0));
        boolean sawReserved = false;
        while (t.asid().cpu(1).step() != SwitchStep.IDLE) {
            k.apply(new TlbOp.Step(1));
            if (t.asid().cpu(1).step() != SwitchStep.IDLE) {
                assertThat(t.activeMm(1)).isEqualTo(m);
                assertThat(p.mmCount(m)).as("cpu 1's active_mm").isEqualTo(2);
                assertThat(p.mmCount(n)).as("the mm cpu 1 switches to").isEqualTo(2);
            }
            if (t.ttbr0Mm(1) == -1) {
                sawReserved = true;
                assertThat(t.asid().cpu(1).ttbr0() & ~0x3fffL).isEqualTo(t.asid().config().swapperPgd());
            }
        }
        assertThat(sawReserved).isTrue();
        assertThat(t.activeMm(1)).isEqualTo(n);
        assertThat(p.mmCount(m)).isEqualTo(1);
        assertThat(p.mmCount(n)).isEqualTo(2);
        assertThat(t.activeMm(0)).as("cpu 0 never switched").isEqualTo(-1);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void withoutTheLazyGrabNoCpuHoldsAReference() {
        Kernel k = Kernel.boot(Board.virt(64L << 20).withCpus(2), Bugs.of(TlbBug.LAZY_MM_NOT_GRABBED));
        Processes p = k.state(Processes.class);
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(1)));
        assertThat(t.activeMm(1)).isEqualTo(m);
        assertThat(p.mmCount(m)).as("mm_users' only").isEqualTo(1);
    }
}
