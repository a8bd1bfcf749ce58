package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import org.junit.jupiter.api.Test;

/**
 * The VMA invariants' change signal (the model's bookkeeping, no kernel counterpart): it moves
 * when the set of live mms changes (even to one of the same size) or one of them had a call on
 * its VMAs (mmap, munmap, mprotect, brk, stack growth), and stays when a fault only wrote page
 * tables or nothing happened.
 */
class VmaSignalTest {
    @Test
    void theStampMovesWithTheVmasAndTheSetOfMmsOnly() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long s0 = p.vmaSignal.stamp(p);
        assertThat(p.vmaSignal.stamp(p)).isEqualTo(s0);
        long m = p.mmCreate(8L << 20).value();
        long s1 = p.vmaSignal.stamp(p);
        assertThat(s1).isNotEqualTo(s0);
        long a = p.mmap(m, 0, 0x2000, VmFlags.PROT_READ | VmFlags.PROT_WRITE, VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS)
                .value();
        long s2 = p.vmaSignal.stamp(p);
        assertThat(s2).isNotEqualTo(s1);
        p.touch(m, a, Access.WRITE);
        assertThat(p.vmaSignal.stamp(p)).as("a fault that only wrote page tables").isEqualTo(s2);
        Vma stack = p.mm(m).vmas().get(p.mm(m).vmas().size() - 1);
        p.touch(m, stack.start() - 0x1000, Access.WRITE);
        long s3 = p.vmaSignal.stamp(p);
        assertThat(s3).as("the stack grew").isNotEqualTo(s2);
        long n = p.mmCreate(8L << 20).value();
        long s4 = p.vmaSignal.stamp(p);
        assertThat(s4).isNotEqualTo(s3);
        p.brk(n, p.mm(n).startBrk() + 0x1000);
        long s5 = p.vmaSignal.stamp(p);
        assertThat(s5).as("the second mm's call").isNotEqualTo(s4);
        p.exitMm(m);
        long s6 = p.vmaSignal.stamp(p);
        assertThat(s6).isNotEqualTo(s5);
        long o = p.fork(n).value();
        long s7 = p.vmaSignal.stamp(p);
        assertThat(s7).isNotEqualTo(s6);
        p.exitMm(o);
        long s8 = p.vmaSignal.stamp(p);
        assertThat(s8).isNotEqualTo(s7);
        // one mm out, another in: the same number of mms, a different set
        p.mmCreate(8L << 20);
        p.exitMm(n);
        long s9 = p.vmaSignal.stamp(p);
        assertThat(s9).isNotEqualTo(s8);
        assertThat(p.vmaSignal.stamp(p)).isEqualTo(s9);
    }
}
