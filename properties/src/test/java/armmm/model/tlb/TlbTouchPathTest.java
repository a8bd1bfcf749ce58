package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mm.Processes;
import armmm.model.mm.VmFlags;
import armmm.model.mmu.Access;
import org.junit.jupiter.api.Test;

/**
 * {@code touch MM VA ACCESS cpu=N} on the CPU that runs MM is the hardware's user access
 * ({@link Tlbs#userTouch}, installed as the mm code's {@code UserAccessPath}): an entry of the
 * CPU's TLB that answers and permits the access is used without a fault (ARMv7-A ARM B3.9), so a
 * flush the kernel leaves out lets the task reach the old frame: after {@code munmap} without
 * {@code tlb_finish_mmu}'s flush the unmapped page is still read instead of SIGSEGV, and after a
 * copy on write without {@code wp_page_copy}'s {@code ptep_clear_flush} the other CPU's thread
 * still reads the page the mm no longer maps. Otherwise the fault handler runs as before and the
 * retried walk fills. A CPU that runs another mm refuses the touch, one that runs none yet or is
 * inside a switch enters the fault handler with no TLB at all.
 */
class TlbTouchPathTest {
    private static final long PAGE = 0x1000;
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;

    private static long value(Result r) {
        assertThat(r).isInstanceOf(Result.Value.class);
        return ((Result.Value) r).value();
    }

    private static Kernel boot(Bugs bugs) {
        return Kernel.boot(Board.virt(64L << 20).withCpus(2), bugs);
    }

    @Test
    void aTouchOnTheRunningCpuFaultsOnceThenHitsItsTlb() {
        Kernel k = boot(Bugs.NONE);
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(0)));
        long a = value(k.apply(new MmOp.Mmap(m, 0, PAGE, RW, ANON, 0)));
        assertThat(t.tlb(0).lookup(a, t.currentAsid(0))).isNull();
        long pa = value(k.apply(new MmOp.Touch(m, a + 0x10, Access.WRITE, 0)));
        TlbEntry filled = t.tlb(0).lookup(a, t.currentAsid(0));
        assertThat(filled).as("the retried walk after do_page_fault filled").isNotNull();
        assertThat(filled.walk().pa() + 0x10).isEqualTo(pa);
        assertThat(t.accesses()).isEqualTo(1);
        long faultChanges = k.state(Processes.class).changeCount();
        // the second touch is the TLB's: same frame, no fault, no change in the mm code
        assertThat(value(k.apply(new MmOp.Touch(m, a + 0x20, Access.READ, 0)))).isEqualTo(pa + 0x10);
        assertThat(t.accesses()).isEqualTo(2);
        assertThat(k.state(Processes.class).changeCount()).isEqualTo(faultChanges);
        assertThat(t.staleHits()).isZero();
        // a signal is the fault handler's, and fills nothing
        assertThat(k.apply(new MmOp.Touch(m, a + PAGE, Access.READ, 0)).toString()).contains("SIGSEGV");
        assertThat(t.tlb(0).entries().stream().filter(e -> e.walk().va() == a + PAGE)).isEmpty();
    }

    /** A page written through CPU 1's TLB, unmapped from CPU 0, then read again on CPU 1. */
    private static Result readAfterMunmap(Bugs bugs, long[] written) {
        Kernel k = boot(bugs);
        long m = value(k.apply(new TlbOp.Exec(0)));
        value(k.apply(new TlbOp.SwitchMm(m, 1)));
        long a = value(k.apply(new MmOp.Mmap(m, 0, PAGE, RW, ANON, 0)));
        written[0] = value(k.apply(new MmOp.Touch(m, a, Access.WRITE, 1)));
        value(k.apply(new MmOp.Munmap(m, a, PAGE, 0)));
        return k.apply(new MmOp.Touch(m, a, Access.READ, 1));
    }

    @Test
    void withoutMunmapsFlushATouchStillReadsTheFreedFrame() {
        long[] written = new long[1];
        assertThat(readAfterMunmap(Bugs.NONE, written).toString()).contains("SIGSEGV");
        assertThat(readAfterMunmap(Bugs.of(TlbBug.MUNMAP_NO_FLUSH), written)).as("the stale entry is used")
                .isEqualTo(Result.of(written[0]));
    }

    /** A written page shared with a child by fork, read on CPU 1, written (copied) on CPU 0, read on CPU 1. */
    private static long[] copyOnWrite(Bugs bugs) {
        Kernel k = boot(bugs);
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(0)));
        value(k.apply(new TlbOp.SwitchMm(m, 1)));
        long a = value(k.apply(new MmOp.Mmap(m, 0, PAGE, RW, ANON, 0)));
        long old = value(k.apply(new MmOp.Touch(m, a, Access.WRITE, 0)));
        value(k.apply(new MmOp.Fork(m, 0)));
        assertThat(value(k.apply(new MmOp.Touch(m, a, Access.READ, 1)))).isEqualTo(old);
        long copy = value(k.apply(new MmOp.Touch(m, a, Access.WRITE, 0)));
        assertThat(copy).as("wp_page_copy's new page").isNotEqualTo(old);
        long read = value(k.apply(new MmOp.Touch(m, a, Access.READ, 1)));
        return new long[] {old, copy, read, t.staleHits()};
    }

    @Test
    void withoutWpPageCopysFlushTheOtherCpusThreadReadsTheOldPage() {
        long[] right = copyOnWrite(Bugs.NONE);
        assertThat(right[2]).isEqualTo(right[1]);
        assertThat(right[3]).isZero();
        long[] wrong = copyOnWrite(Bugs.of(TlbBug.COW_NO_FLUSH));
        assertThat(wrong[2]).as("CPU 1's stale entry").isEqualTo(wrong[0]);
        assertThat(wrong[3]).isEqualTo(1);
    }

    @Test
    void aCpuThatRunsNoMmOrIsSwitchingEntersTheFaultHandlerWithoutItsTlb() {
        Kernel k = boot(Bugs.NONE);
        Tlbs t = k.state(Tlbs.class);
        long m = value(k.apply(new TlbOp.Exec(0)));
        long a = value(k.apply(new MmOp.Mmap(m, 0, PAGE, RW, ANON, 0)));
        // CPU 1 has run no mm yet: the fault handler as without a TLB
        long pa = value(k.apply(new MmOp.Touch(m, a, Access.WRITE, 1)));
        assertThat(t.tlb(1).entries()).isEmpty();
        assertThat(t.accesses()).isZero();
        // CPU 0 leaves m: inside the switch TTBR0 is swapper_pg_dir, and no TLB is used
        long n = value(k.apply(new MmOp.MmCreate(8L << 20)));
        value(k.apply(new TlbOp.SwitchMmBegin(n, 0)));
        value(k.apply(new TlbOp.Step(0)));
        assertThat(value(k.apply(new MmOp.Touch(m, a, Access.READ, 0)))).isEqualTo(pa);
        assertThat(t.accesses()).isZero();
        // once CPU 0 runs n, m's touch there is refused
        value(k.apply(new TlbOp.SwitchMmFinish(0)));
        assertThat(k.apply(new MmOp.Touch(m, a, Access.READ, 0)).toString()).contains("runs mm");
    }

    /**
     * Found by {@code TlbProperties} (seed 40) once touch filled the TLB: CPU 0 caches its mm's
     * stack page under ASID 2, a rollover on CPU 1 keeps ASID 2 reserved for it, and CPU 0 starts
     * switching to an mm whose id is ASID 2 of the first generation. CONTEXTIDR still holds the
     * running mm's whole id, so the entry is that mm's and agrees with its tables; the checks
     * took the switch's target, whose stale id has the same number, as the ASID's mm.
     */
    @Test
    void aSwitchToAnMmWithAnOldIdOfTheSameNumberDoesNotOwnTheRunningMmsEntries() {
        Kernel k = Kernel.boot(Board.virt(256L << 20).withCpus(2).withArgs("armmm_asid_bits=2"), Bugs.NONE);
        Tlbs t = k.state(Tlbs.class);
        value(k.apply(new TlbOp.Exec(0)));
        long m2 = value(k.apply(new TlbOp.Exec(1)));
        value(k.apply(new TlbOp.Exec(1)));
        long m4 = value(k.apply(new TlbOp.Exec(0)));
        long stack = 0xbe858000L;
        long pa = value(k.apply(new MmOp.Touch(m4, stack, Access.READ, 0)));
        value(k.apply(new TlbOp.Exec(1)));
        assertThat(t.asid().rollovers()).isEqualTo(2);
        value(k.apply(new TlbOp.SwitchMmBegin(m2, 0)));
        value(k.apply(new TlbOp.Step(0)));
        assertThat(t.tlb(0).lookup(stack, t.currentAsid(0)).walk().pa()).isEqualTo(pa & ~0xfffL);
        assertThat(t.context(m2).contextId() & 3).isEqualTo(t.asid().cpu(0).contextidr() & 3);
        assertThat(TlbChecks.contextidrMm(t, 0)).isEqualTo(m4);
        assertThat(TlbChecks.coherent(t)).isEmpty();
        assertThat(TlbChecks.noStaleAsid(t)).isEmpty();
    }
}
