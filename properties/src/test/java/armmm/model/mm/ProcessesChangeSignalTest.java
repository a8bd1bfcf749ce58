package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every call of {@link Processes} counts itself in the user page-table checks' change signal
 * ({@code MmSubsystem.uptStamp}, a sum of counters), refused or not, so the checks never keep a
 * finding of an earlier state; and the calls' argument bounds: an {@code rlim_t} is any 32-bit
 * value (RLIM_INFINITY is ~0UL, include/uapi/asm-generic/resource.h), {@code PROT_NONE} is a
 * protection like another ({@code do_mmap}), an address is any {@code unsigned long}, and a plain
 * model (no page tables) forks into a handle of its own.
 */
class ProcessesChangeSignalTest {
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final long A = 0x20000000L;
    private static final long NO_MM = 999;

    private static List<String> stepIds(Processes p) {
        return UptChecks.ALL.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .flatMap(e -> e.getValue().apply(p).stream()).map(Violation::id).toList();
    }

    /**
     * A checked state, a PTE whose hardware word loses nG written through the journal (which moves
     * no counter), a read fault mapping the zero page under an existing PTE page (one count: the
     * fault), then {@code call}, refused: the signal has moved by two since the check, so the step
     * check looks again and finds the PTE (INV-UPT-03). A call counting itself backwards would
     * bring the signal back to the checked value and hide it.
     */
    private static void refusedCallStillMovesTheSignal(String name, Consumer<Processes> call) {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        Processes p = k.state(Processes.class);
        long m = p.mmCreate(8L << 20).value();
        assertThat(p.mmap(m, A, 0x4000, RW, ANON | VmFlags.MAP_FIXED).value()).isEqualTo(A);
        p.touch(m, A, Access.WRITE);
        assertThat(stepIds(p)).as(name).isEmpty();
        long checked = MmSubsystem.uptStamp(p);
        UserPageTables t = p.pageTables(m);
        t.setPteAt(A, t.linuxPte(A), true);
        assertThat(p.touch(m, A + 0x1000, Access.READ).isRefused()).isFalse();
        assertThat(MmSubsystem.uptStamp(p)).as("the zero-page fault counts once").isEqualTo(checked + 1);
        call.accept(p);
        assertThat(stepIds(p)).as(name).containsExactly(UptChecks.NOT_GLOBAL);
    }

    @Test
    void everyRefusedCallMovesTheChangeSignal() {
        refusedCallStillMovesTheSignal("check_vmalloc_seq", p -> assertThat(p.checkVmallocSeq(NO_MM)).isFalse());
        refusedCallStillMovesTheSignal("mm_create", p -> assertThat(p.mmCreate(-1)).isEqualTo(
                Result.refused("mm_create: rlimit_stack 0x" + Long.toHexString(-1L) + " is not an rlim_t")));
        refusedCallStillMovesTheSignal("fork", p -> assertThat(p.fork(NO_MM))
                .isEqualTo(Result.refused("fork: 0x3e7 is no live mm")));
        refusedCallStillMovesTheSignal("kernel_touch", p -> assertThat(p.kernelTouch(NO_MM, 0xc0000000L))
                .isEqualTo(Result.refused("kernel_touch: 0x3e7 is no live mm")));
        refusedCallStillMovesTheSignal("munmap", p -> assertThat(p.munmap(NO_MM, A, 0x1000))
                .isEqualTo(Result.refused("munmap: 0x3e7 is no live mm")));
        refusedCallStillMovesTheSignal("mprotect", p -> assertThat(p.mprotect(NO_MM, A, 0x1000, RW))
                .isEqualTo(Result.refused("mprotect: 0x3e7 is no live mm")));
        refusedCallStillMovesTheSignal("brk", p -> assertThat(p.brk(NO_MM, 0))
                .isEqualTo(Result.refused("brk: 0x3e7 is no live mm")));
    }

    @Test
    void theBoundsOfEachArgumentAreTheSystemCallsOwn() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        Processes p = k.state(Processes.class);
        // rlim_t: 0 and RLIM_INFINITY are both limits an exec can run under
        assertThat(p.mmCreate(0).isRefused()).isFalse();
        long m = p.mmCreate(ExecParams.RLIM_INFINITY).value();
        // PROT_NONE: a mapping (do_mmap takes any prot arch_validate_prot allows; 0 is none of PROT_*)
        assertThat(p.mmap(m, A, 0x1000, 0 /* PROT_NONE */, ANON | VmFlags.MAP_FIXED).value()).isEqualTo(A);
        // 0xffffffff fits an unsigned long: brk far past TASK_SIZE is refused by brk itself,
        // which returns the old break (SYSCALL_DEFINE1(brk), mm/mmap.c)
        long old = p.brk(m, 0).value();
        assertThat(p.brk(m, 0xffffffffL).value()).isEqualTo(old);
        // a user access at 0xffffffff is a fault in the kernel half (do_page_fault from user mode: SIGSEGV)
        assertThat(((Result.Refused) p.touch(m, 0xffffffffL, Access.READ)).reason()).startsWith("SIGSEGV");
        // and at 0: no VMA there (FIRST_USER_ADDRESS), bad_area
        assertThat(p.touch(m, 0, Access.READ)).isEqualTo(
                new Result.Refused("SIGSEGV SEGV_MAPERR", "touch: SIGSEGV (SEGV_MAPERR) at 00000000"));
        // do_mmap takes prot bits it does not know (calc_vm_prot_bits keeps PROT_READ, WRITE, EXEC)
        assertThat(p.mmap(m, 0, 0x1000, 0xffffffffL, ANON).isRefused()).isFalse();
        // flags 0: no MAP_ANONYMOUS, so ksys_mmap_pgoff looks up fd -1 first: -EBADF
        assertThat(p.mmap(m, 0, 0x1000, RW, 0)).isEqualTo(Result.refused("mmap: -EBADF"));
    }

    @Test
    void aPlainModelForksIntoAHandleOfItsOwnAndTheNextMmIntoAnother() {
        Processes p = new Processes(UserLayoutConfig.armmp(), 0, Set.of());
        long a = p.mmCreate(8L << 20).value();
        long b = p.fork(a).value();
        long c = p.mmCreate(8L << 20).value();
        assertThat(Set.of(a, b, c)).hasSize(3);
        assertThat(p.mms()).hasSize(3);
        assertThat(p.mm(b).vmas()).isEqualTo(p.mm(a).vmas());
    }
}
