package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mm.MmStruct;
import armmm.model.mm.Processes;
import armmm.model.mm.Vma;
import armmm.model.mm.VmFlags;
import armmm.model.mmu.Access;
import org.junit.jupiter.api.Test;

/**
 * Who waits for a begun call's {@code mmap_lock} (spec/tlb.md, "The kernel's own unmap as
 * steps"): {@code __vm_munmap} downgrades to reading unless the VMA after the range grows down
 * (mm/mmap.c {@code do_mas_align_munmap}); a fault ({@code touch_begin}) takes the lock for
 * reading, which other faults share; a fault on a page whose PTE a begun copy on write cleared
 * waits for that call's {@code set_pte_at} (the PTL), through {@code touch} as through
 * {@code access}.
 */
class TlbBegunCallLocksTest {
    private static final long RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final long ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;

    private static Kernel twoCpus() {
        return Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.NONE);
    }

    private static long value(Result r) {
        assertThat(r.isRefused()).as("%s", r).isFalse();
        return r.value();
    }

    @Test
    void munmapJustBelowAStackKeepsTheWriteLockElsewhereItDowngrades() {
        Kernel k = twoCpus();
        long m = value(k.apply(new TlbOp.Exec(0)));
        MmStruct mm = k.state(Processes.class).mm(m);
        Vma stack = mm.vmas().stream().filter(v -> (v.flags() & VmFlags.VM_GROWSDOWN) != 0).findFirst().orElseThrow();
        long below = stack.start() - 4096;
        assertThat(value(k.apply(new MmOp.Mmap(m, below, 4096, RW, ANON | VmFlags.MAP_FIXED, 0)))).isEqualTo(below);
        long other = value(k.apply(new MmOp.Mmap(m, 0, 4096, RW, ANON, 0)));
        value(k.apply(new TlbOp.SwitchMm(m, 1)));

        value(k.apply(new TlbOp.MunmapBegin(m, below, 4096, 0)));
        Result fault = k.apply(new MmOp.Touch(m, other, Access.WRITE, 1));
        assertThat(fault.isRefused()).as("the next VMA grows down: no downgrade").isTrue();
        assertThat(((Result.Refused) fault).reason()).contains("mmap_lock of mm").contains("munmap on cpu 0");
        int steps = 0;
        while (!k.apply(new TlbOp.Step(0)).isRefused()) {
            steps++;
        }
        assertThat(steps).as("the return (no PTE was present, so tlb_finish_mmu flushes nothing)").isEqualTo(1);

        long again = value(k.apply(new MmOp.Mmap(m, 0, 4096, RW, ANON, 0)));
        value(k.apply(new TlbOp.MunmapBegin(m, again, 4096, 0)));
        assertThat(k.apply(new MmOp.Touch(m, other, Access.WRITE, 1)).isRefused())
                .as("below an ordinary VMA munmap downgrades: the fault runs").isFalse();
    }

    @Test
    void twoFaultsOfOneMmShareTheReadLock() {
        Kernel k = twoCpus();
        long m = value(k.apply(new TlbOp.Exec(0)));
        long a = value(k.apply(new MmOp.Mmap(m, 0, 4096, RW, ANON, 0)));
        long b = value(k.apply(new MmOp.Mmap(m, 0, 4096, RW, ANON, 0)));
        value(k.apply(new TlbOp.SwitchMm(m, 1)));
        value(k.apply(new TlbOp.TouchBegin(m, a, Access.WRITE, 0)));
        assertThat(k.apply(new TlbOp.TouchBegin(m, b, Access.WRITE, 1)).isRefused())
                .as("do_page_fault's mmap_read_lock is shared").isFalse();
        assertThat(k.apply(new TlbOp.MprotectBegin(m, b, 4096, VmFlags.PROT_READ, 1)).isRefused())
                .as("a writer waits for the faults").isTrue();
    }
}
