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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code fork_begin}, {@code exit_mm_begin}, {@code brk_begin} and the frees after the flush
 * (spec/tlb.md, "The kernel's own unmap as steps"): each call's steps in the kernel's order, the
 * frames it unmapped still allocated until the step after the completing {@code dsb ish}
 * ({@code tlb_flush_mmu_free}), the locks it holds, and a {@code touch} that hits the TLB during
 * another CPU's {@code mprotect_begin} (no lock on a hit).
 */
class TlbBegunForkExitBrkTest {
    private static final long RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final long ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;

    private final Kernel k = Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.NONE);
    private final Tlbs t = k.state(Tlbs.class);
    private final long m = value(k.apply(new TlbOp.Exec(0)));
    private final long a = value(k.apply(new MmOp.Mmap(m, 0, 4096, RW, ANON, 0)));
    private final long b = value(k.apply(new MmOp.Mmap(m, 0, 4096, RW, ANON, 0)));

    private static long value(Result r) {
        assertThat(r.isRefused()).as("%s", r).isFalse();
        return r.value();
    }

    /** CPU 1 runs the mm and writes page {@code a}: the frame it reaches. */
    private long cpu1Writes() {
        value(k.apply(new TlbOp.SwitchMm(m, 1)));
        return value(k.apply(new TlbOp.AccessVa(a, Access.WRITE, 1)));
    }

    /** The kinds of the steps left on CPU 0's begun call, next first. */
    private List<BegunCall.Kind> stepsLeft() {
        List<BegunCall.Kind> out = new ArrayList<>();
        t.begun(0).steps().forEach(s -> out.add(s.kind()));
        return out;
    }

    private boolean free(long pa) {
        return TlbFreedFrameChecks.freeInBuddy(t.pages(), pa >>> 12);
    }

    @Test
    void forkWriteProtectsThenFlushesTheParentBeforeUnlockingItAndFreesNothing() {
        long pa = cpu1Writes();
        long child = value(k.apply(new TlbOp.ForkBegin(m, 0)));
        assertThat(stepsLeft()).as("flush_tlb_mm with 720789, then the return").containsExactly(
                BegunCall.Kind.TLBI, BegunCall.Kind.DSB, BegunCall.Kind.RETURN);
        assertThat(t.begun(0).steps().peekFirst().op()).isEqualTo(new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, true));
        assertThat(t.context(child)).as("init_new_context for the child at the begin").isNotNull();
        // the old writable entry still works; a write fault of the parent waits for mmap_write_unlock(oldmm)
        assertThat(value(k.apply(new TlbOp.AccessVa(a, Access.WRITE, 1)))).isEqualTo(pa);
        Result fault = k.apply(new MmOp.Touch(m, b, Access.WRITE, 1));
        assertThat(((Result.Refused) fault).reason()).contains("mmap_lock of mm " + m + " is held by fork on cpu 0");
        assertThat(k.apply(new TlbOp.MunmapBegin(m, b, 4096, 1)).isRefused()).isTrue();
        // dup_mmap unlocks the child before flush_tlb_mm(oldmm), but no task runs in the child before
        // copy_process returns and wake_up_new_task (kernel/fork.c): nothing maps, faults or switches to it
        assertThat(((Result.Refused) k.apply(new MmOp.Mmap(child, 0, 4096, RW, ANON, 1))).reason())
                .contains("child of the fork on cpu 0");
        assertThat(k.apply(new TlbOp.SwitchMm(child, 1)).isRefused()).isTrue();
        value(k.apply(new TlbOp.Step(0)));
        value(k.apply(new TlbOp.Step(0)));
        assertThat(t.tlb(1).entries()).isEmpty();
        assertThat(k.apply(new TlbOp.Step(0))).isEqualTo(Result.of(child));
        value(k.apply(new MmOp.Mmap(child, 0, 4096, RW, ANON, 1)));
        assertThat(value(k.apply(new TlbOp.AccessVa(a, Access.WRITE, 1)))).as("now a copy on write").isNotEqualTo(pa);
    }

    @Test
    void exitFreesThePagesAndTablesOnlyAfterTheCompletingDsb() {
        long pa = cpu1Writes();
        // the PTE page free_pgtables unhooks: pte_free_tlb → tlb_remove_page, gathered like the data page
        long table = k.state(Processes.class).pageTables(m).ptePfn(a) << 12;
        assertThat(table).isPositive();
        assertThat(value(k.apply(new TlbOp.ExitMmBegin(m, 0)))).isZero();
        assertThat(stepsLeft()).containsExactly(BegunCall.Kind.TLBI, BegunCall.Kind.DSB, BegunCall.Kind.FREE,
                BegunCall.Kind.RETURN);
        assertThat(t.exited(m)).isTrue();
        assertThat(free(pa)).as("the gathered page waits for the flush").isFalse();
        assertThat(free(table)).as("the gathered page table waits for the flush").isFalse();
        assertThat(value(k.apply(new TlbOp.AccessVa(a, Access.READ, 1)))).isEqualTo(pa);
        value(k.apply(new TlbOp.Step(0)));
        value(k.apply(new TlbOp.Step(0)));
        assertThat(free(pa)).isFalse();
        assertThat(free(table)).isFalse();
        assertThat(t.tlb(1).entries()).isEmpty();
        value(k.apply(new TlbOp.Step(0)));
        assertThat(free(pa)).as("tlb_flush_mmu_free").isTrue();
        assertThat(free(table)).as("tlb_flush_mmu_free, the page table too").isTrue();
        assertThat(k.apply(new TlbOp.Step(0))).isEqualTo(Result.of(0));
        assertThat(t.begun(0)).isNull();
    }

    @Test
    void anMmWithNoVmaExitsWithNoFlush() {
        // exit_mmap returns before tlb_gather_mmu_fullmm when mas_find finds no VMA (mm/mmap.c)
        value(k.apply(new MmOp.Munmap(m, 0, 0xbf000000L, 0)));
        assertThat(k.state(Processes.class).mm(m).vmas()).isEmpty();
        assertThat(value(k.apply(new TlbOp.ExitMmBegin(m, 0)))).isZero();
        assertThat(stepsLeft()).containsExactly(BegunCall.Kind.RETURN);
    }

    @Test
    void freeingBeforeTheFlushIsAUseAfterFreeThroughTheTlb() {
        Kernel bug = Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.of(TlbBug.FREE_BEFORE_FLUSH));
        long mm = value(bug.apply(new TlbOp.Exec(1)));
        long va = value(bug.apply(new MmOp.Mmap(mm, 0, 4096, RW, ANON, 1)));
        value(bug.apply(new TlbOp.AccessVa(va, Access.WRITE, 1)));
        Tlbs tb = bug.state(Tlbs.class);
        assertThat(TlbFreedFrameChecks.noFreedFrame(tb)).isEmpty();
        value(bug.apply(new TlbOp.ExitMmBegin(mm, 0)));
        assertThat(TlbFreedFrameChecks.noFreedFrame(tb)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-TLB-05");
            assertThat(v.details()).startsWith("cpu 1 holds");
        });
        assertThat(tb.begun(0).steps()).noneMatch(s -> s.kind() == BegunCall.Kind.FREE);
    }

    @Test
    void aSharedPageStaysUntilTheBegunUnmapsFreeStepThoughAnotherMmDropsTheFile() {
        // the begun munmap's VMA keeps the shmem file open until remove_vma's fput, after its flush:
        // the child's whole munmap in the window does not free the page CPU 1 still reaches
        String text = """
                board ram=256M cpus=3
                exec -> $m
                mmap $m 0 SZ_4K PROT_READ|PROT_WRITE MAP_SHARED|MAP_ANONYMOUS -> $a
                fork $m -> $c
                switch_mm $m cpu=1
                access $a write cpu=1 -> $pa
                munmap_begin $m $a SZ_4K cpu=0
                munmap $c $a SZ_4K cpu=2
                access $a read cpu=1 -> $old
                expect $old == $pa
                step cpu=0
                step cpu=0
                step cpu=0
                step cpu=0 -> $free
                expect $free == 1
                step cpu=0
                """;
        armmm.scenario.RunReport r = armmm.scenario.Runner.run(armmm.scenario.Parser.parse("shm.scn", text), Bugs.NONE);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
    }

    @Test
    void aShrinkingBrkUnmapsLikeMunmapAndAGrowingOneOnlyReturns() {
        Processes p = k.state(Processes.class);
        long base = p.mm(m).brk();
        assertThat(value(k.apply(new TlbOp.BrkBegin(m, base + 8192, 0)))).isEqualTo(base + 8192);
        assertThat(stepsLeft()).containsExactly(BegunCall.Kind.RETURN);
        assertThat(k.apply(new MmOp.Touch(m, b, Access.WRITE, 1)).isRefused()).as("growing keeps the write lock").isTrue();
        value(k.apply(new TlbOp.Step(0)));
        value(k.apply(new TlbOp.SwitchMm(m, 1)));
        long pa = value(k.apply(new TlbOp.AccessVa(base + 4096, Access.WRITE, 1)));
        assertThat(value(k.apply(new TlbOp.BrkBegin(m, base + 4096, 0)))).isEqualTo(base + 4096);
        assertThat(stepsLeft()).containsExactly(BegunCall.Kind.DSB, BegunCall.Kind.TLBI, BegunCall.Kind.DSB,
                BegunCall.Kind.FREE, BegunCall.Kind.RETURN);
        assertThat(free(pa)).isFalse();
        assertThat(k.apply(new MmOp.Touch(m, b, Access.WRITE, 1)).isRefused()).as("the downgraded lock lets a fault run").isFalse();
        assertThat(k.apply(new MmOp.Brk(m, base, 1)).isRefused()).as("another brk waits for the write lock").isTrue();
    }

    @Test
    void aShrinkingBrkThatUnmapsNothingKeepsTheWriteLock() {
        // SYSCALL brk (mm/mmap.c): below start_brk, or with no VMA between the new and the old break,
        // it goes to out before do_brk_munmap, so mmap_lock is never downgraded
        Processes p = k.state(Processes.class);
        long base = p.mm(m).brk();
        value(k.apply(new TlbOp.BrkBegin(m, base - 4096, 0)));
        assertThat(stepsLeft()).containsExactly(BegunCall.Kind.RETURN);
        assertThat(k.apply(new MmOp.Touch(m, b, Access.WRITE, 1)).isRefused()).as("below start_brk").isTrue();
        value(k.apply(new TlbOp.Step(0)));
        value(k.apply(new MmOp.Brk(m, base + 8192, 0)));
        value(k.apply(new MmOp.Munmap(m, base, 8192, 0)));
        assertThat(value(k.apply(new TlbOp.BrkBegin(m, base + 4096, 0)))).as("no brk VMA: the old break").isEqualTo(base + 8192);
        assertThat(stepsLeft()).containsExactly(BegunCall.Kind.RETURN);
        assertThat(k.apply(new MmOp.Touch(m, b, Access.WRITE, 1)).isRefused()).as("no VMA to unmap").isTrue();
    }

    @Test
    void aMunmapOfARangeWithNoVmaKeepsTheWriteLockToItsReturn() {
        // do_mas_munmap (mm/mmap.c) returns 0 before do_mas_align_munmap when no VMA overlaps the
        // range: __vm_munmap then releases the write lock it never downgraded
        long hole = a - (16L << 20);
        assertThat(k.state(Processes.class).mm(m).findVmaIntersection(hole, hole + 8192)).isNull();
        assertThat(value(k.apply(new TlbOp.MunmapBegin(m, hole, 8192, 0)))).isZero();
        assertThat(stepsLeft()).containsExactly(BegunCall.Kind.RETURN);
        assertThat(k.apply(new MmOp.Touch(m, b, Access.WRITE, 1)).isRefused()).as("no VMA: no downgrade").isTrue();
        value(k.apply(new TlbOp.Step(0)));
        value(k.apply(new MmOp.Touch(m, b, Access.WRITE, 1)));
        // a range that meets a VMA (b, below a: the next VMA is a's, not the stack) downgrades: a fault runs inside the window
        value(k.apply(new TlbOp.MunmapBegin(m, b, 4096, 0)));
        assertThat(k.apply(new MmOp.Touch(m, a, Access.WRITE, 1)).isRefused()).as("downgraded").isFalse();
    }

    @Test
    void aTlbEntryThatDeniesWhatTheNewPteAllowsFaultsAndTheFaultWaitsForTheLock() {
        // CPU 1 caches a read-only entry; mprotect_begin makes the page writable under the write lock.
        // The write through the old entry is a permission fault (arch/arm/mm/fault.c do_page_fault takes
        // mmap_read_lock before handle_mm_fault's flush_tlb_fix_spurious_fault): it waits, for touch and access alike
        long pa = cpu1Writes();
        value(k.apply(new MmOp.Mprotect(m, a, 4096, VmFlags.PROT_READ, 0)));
        assertThat(value(k.apply(new TlbOp.AccessVa(a, Access.READ, 1)))).isEqualTo(pa);
        value(k.apply(new TlbOp.MprotectBegin(m, a, 4096, RW, 0)));
        // change_pte_range made the dirty exclusive anonymous PTE writable again: the fault is spurious
        assertThat(k.state(Processes.class).translate(m, a, Access.WRITE, armmm.model.mmu.Privilege.USER))
                .isInstanceOf(armmm.model.mmu.Translation.Mapped.class);
        assertThat(((Result.Refused) k.apply(new MmOp.Touch(m, a, Access.WRITE, 1))).reason())
                .contains("mmap_lock of mm " + m + " is held by mprotect on cpu 0");
        assertThat(((Result.Refused) k.apply(new TlbOp.AccessVa(a, Access.WRITE, 1))).reason())
                .contains("mmap_lock of mm " + m + " is held by mprotect on cpu 0");
    }

    @Test
    void aTlbHitNeedsNoLockDuringAnotherCpusMprotectButTheFaultWaits() {
        long pa = cpu1Writes();
        value(k.apply(new TlbOp.AccessVa(b, Access.READ, 1)));
        value(k.apply(new TlbOp.MprotectBegin(m, a, 4096, VmFlags.PROT_READ, 0)));
        // the old writable entry answers: the hardware's access, no mmap_lock taken
        assertThat(k.apply(new MmOp.Touch(m, a, Access.WRITE, 1))).isEqualTo(Result.of(pa));
        // b's entry is read-only: the write faults, and do_page_fault waits for mprotect's write lock
        Result fault = k.apply(new MmOp.Touch(m, b, Access.WRITE, 1));
        assertThat(((Result.Refused) fault).reason()).contains("mmap_lock of mm " + m + " is held by mprotect on cpu 0");
        // the CPU inside the call makes no call at all
        assertThat(((Result.Refused) k.apply(new MmOp.Touch(m, a, Access.READ, 0))).reason()).contains("inside mprotect_begin");
    }
}
