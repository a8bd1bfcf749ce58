package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Access;
import org.junit.jupiter.api.Test;

/**
 * The process table's calls on their edges ({@code Processes}): each call's refusal for a handle
 * that is no live mm, arguments no {@code unsigned long} holds, the system calls' errno as the
 * refusal's words, {@code kernel_touch} below {@code TASK_SIZE} and its oops
 * (arch/arm/mm/fault.c {@code __do_kernel_fault}: "Unable to handle kernel paging request at
 * virtual address"), a task touching memory on a CPU whose {@code active_mm} is another mm
 * (kernel/sched/core.c {@code context_switch}), and {@code mm_count}: {@code mmgrab} and
 * {@code mmdrop} (include/linux/sched/mm.h, kernel/fork.c {@code __mmdrop} freeing the pgd).
 */
class ProcessesCallsTest {
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;

    private static String reason(Result r) {
        assertThat(r).isInstanceOf(Result.Refused.class);
        return ((Result.Refused) r).reason();
    }

    @Test
    void everyCallOnAHandleThatIsNoLiveMmIsRefusedByName() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = p.mmCreate(8L << 20).value();
        assertThat(p.exitMm(m)).isEqualTo(Result.of(0));
        long before = p.changeCount();
        assertThat(reason(p.exitMm(m))).isEqualTo("exit_mm: 0x1 is no live mm");
        assertThat(reason(p.fork(0x1f))).isEqualTo("fork: 0x1f is no live mm");
        assertThat(reason(p.touch(m, 0x10000, Access.READ))).isEqualTo("touch: 0x1 is no live mm");
        assertThat(reason(p.kernelTouch(m, 0xc0000000L))).isEqualTo("kernel_touch: 0x1 is no live mm");
        assertThat(reason(p.mmap(m, 0, 0x1000, RW, ANON))).isEqualTo("mmap: 0x1 is no live mm");
        assertThat(reason(p.munmap(m, 0x10000, 0x1000))).isEqualTo("munmap: 0x1 is no live mm");
        assertThat(reason(p.mprotect(m, 0x10000, 0x1000, RW))).isEqualTo("mprotect: 0x1 is no live mm");
        assertThat(reason(p.brk(m, 0))).isEqualTo("brk: 0x1 is no live mm");
        assertThat(p.anonRss(m)).isZero();
        assertThat(p.shmemRss(m)).isZero();
        assertThat(p.mm(m)).isNull();
        assertThat(p.changeCount()).as("the refused calls still count as calls").isGreaterThan(before);
    }

    @Test
    void argumentsNoUnsignedLongHoldsAndTheErrnoOfTheSystemCalls() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        assertThat(reason(p.mmCreate(-1))).isEqualTo("mm_create: rlimit_stack 0xffffffffffffffff is not an rlim_t");
        assertThat(reason(p.mmCreate(0x100000000L))).isEqualTo("mm_create: rlimit_stack 0x100000000 is not an rlim_t");
        long m = p.mmCreate(ExecParams.RLIM_INFINITY).value();
        assertThat(p.mm(m).topDown()).as("an unlimited stack: the legacy layout").isFalse();
        for (long[] bad : new long[][] {{0x100000000L, ANON}, {-1, ANON}, {RW, 0x100000000L}, {RW, -1}}) {
            assertThat(reason(p.mmap(m, 0, 0x1000, bad[0], bad[1]))).isEqualTo("mmap: -EINVAL");
        }
        assertThat(p.mmap(m, 0, 0x1000, 0xffffffffL & ~0xf0L & 0x7, ANON).isRefused()).isFalse();
        assertThat(reason(p.mmap(m, 0, 0x1000, RW, VmFlags.MAP_ANONYMOUS))).as("no MAP_TYPE").isEqualTo("mmap: -EINVAL");
        assertThat(reason(p.mmap(m, 0, 0x1000, RW, VmFlags.MAP_PRIVATE))).isEqualTo("mmap: -EBADF");
        assertThat(reason(p.mmap(m, 0, 0x1000, RW, ANON | VmFlags.MAP_FIXED))).isEqualTo("mmap: -EPERM");
        assertThat(p.mmap(m, 0x1000, 0x1000, RW, ANON | VmFlags.MAP_FIXED))
                .as("cap_mmap_addr refuses addr < mmap_min_addr 4096 only").isEqualTo(Result.of(0x1000));
        assertThat(reason(p.mprotect(m, 0x10000, 0x1000, -1))).isEqualTo("mprotect: -EINVAL");
        assertThat(reason(p.mprotect(m, 0x10000, 0x1000, 0x100000000L))).isEqualTo("mprotect: -EINVAL");
        assertThat(reason(p.mprotect(m, 0x10000, 0x1000, RW))).as("no VMA there").isEqualTo("mprotect: -ENOMEM");
        assertThat(reason(p.munmap(m, 0x10001, 0x1000))).isEqualTo("munmap: -EINVAL");
        assertThat(reason(p.touch(m, 0x100000000L, Access.READ))).isEqualTo("touch: not a 32-bit virtual address");
        assertThat(reason(p.touch(m, -1, Access.READ))).isEqualTo("touch: not a 32-bit virtual address");
        assertThat(p.touch(m, 0xffff0000L, Access.READ).isRefused()).as("the vectors page, the last 32-bit page").isFalse();
        assertThat(p.touch(m, 0xffffffffL, Access.READ).isRefused()).as("the top byte is an address").isTrue();
        assertThat(reason(p.touch(m, 0xffffffffL, Access.READ))).isEqualTo("SIGSEGV SEGV_MAPERR");
    }

    /**
     * {@code kernel_touch} reads addresses from TASK_SIZE 0xbf000000 up. The modules area at
     * TASK_SIZE has no pmd in swapper_pg_dir (nothing loaded), so the read takes a first-level
     * translation fault: DFSR.FS 0b00101 (ARMv7-A ARM table B3-23), no domain, a read.
     */
    @Test
    void kernelTouchBelowTaskSizeIsRefusedAndAnUnmappedKernelAddressOopses() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = p.mmCreate(8L << 20).value();
        assertThat(reason(p.kernelTouch(m, 0xbeffffffL))).isEqualTo("kernel_touch: not a kernel address (TASK_SIZE and up)");
        assertThat(reason(p.kernelTouch(m, 0x100000000L))).isEqualTo("kernel_touch: not a kernel address (TASK_SIZE and up)");
        Result oops = p.kernelTouch(m, 0xbf000000L);
        assertThat(oops).isEqualTo(new Result.Refused("section translation fault",
                "Unable to handle kernel paging request at virtual address bf000000: section translation fault (fs 0x05, read)"));
        // the linear map: PAGE_OFFSET 0xc0000000 is PHYS_OFFSET 0x40000000 (arch/arm/include/asm/memory.h)
        assertThat(p.kernelTouch(m, 0xc0001234L)).isEqualTo(Result.of(0x40001234L));
        assertThat(p.kernelTouch(m, 0xffffffffL).isRefused()).isTrue();
    }

    @Test
    void aTaskTouchesMemoryOnlyOnACpuThatRunsItsMm() {
        Processes p = new Processes(UserLayoutConfig.armmp(), 0, java.util.Set.of());
        assertThat(p.checkRunsOn(3, 1)).as("no TLB model: not checked").isNull();
        p.runningMm(cpu -> cpu == 1 ? 5 : -1);
        assertThat(p.checkRunsOn(3, 1)).isEqualTo(Result.refused("touch: cpu 1 runs mm 5, not mm 3: a task runs user code"
                + " on a CPU only after switch_mm to its mm"));
        assertThat(p.checkRunsOn(5, 1)).isNull();
        assertThat(p.checkRunsOn(3, 0)).as("a CPU that has run no mm yet").isNull();
        p.runningMm(cpu -> 0);
        assertThat(p.checkRunsOn(0, 2)).isNull();
        assertThat(p.checkRunsOn(1, 2)).isNotNull();
        p.nrCpuIds(0);
        assertThat(p.checkCpu("fork", 0)).as("at least one CPU").isNull();
        assertThat(p.checkCpu("fork", 1)).isEqualTo(Result.refused("fork: cpu 1 is not possible (nr_cpu_ids 1)"));
        p.nrCpuIds(2);
        assertThat(p.checkCpu("fork", 1)).isNull();
        assertThat(p.checkCpu("fork", 2)).isEqualTo(Result.refused("fork: cpu 2 is not possible (nr_cpu_ids 2)"));
    }

    /**
     * {@code mm_count}: 1 for {@code mm_users} while the mm lives, one more per {@code mmgrab};
     * {@code exit_mm}'s {@code mmput} drops the first, and the pgd (an order-2 block) goes back to
     * the buddy allocator only at the last {@code mmdrop}.
     */
    @Test
    void thePgdIsFreedAtTheLastMmdropNotAtExit() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long before = AllocatedPages.of(k);
        assertThat(p.mmgrab(1)).as("no such mm yet").isFalse();
        long m = p.mmCreate(8L << 20).value();
        assertThat(AllocatedPages.of(k) - before).as("pgd_alloc: 16 KiB").isEqualTo(4);
        assertThat(p.mmCount(m)).isEqualTo(1);
        p.mmdrop(m);
        assertThat(p.mmCount(m)).as("mm_users' reference is exit_mm's to drop").isEqualTo(1);
        assertThat(p.mmgrab(m)).isTrue();
        assertThat(p.mmgrab(m)).isTrue();
        assertThat(p.mmCount(m)).isEqualTo(3);
        p.mmdrop(m);
        assertThat(p.mmCount(m)).isEqualTo(2);
        long pgd = p.pgdPhys(m);
        assertThat(p.exitMm(m)).isEqualTo(Result.of(0));
        assertThat(p.mmCount(m)).isEqualTo(1);
        assertThat(p.pgdPhys(m)).as("the pgd stays while a lazy CPU holds it").isEqualTo(pgd);
        assertThat(AllocatedPages.of(k) - before).isEqualTo(4);
        assertThat(k.check()).isEmpty();
        p.mmdrop(m);
        assertThat(p.mmCount(m)).isZero();
        assertThat(p.pgdPhys(m)).isEqualTo(-1);
        assertThat(AllocatedPages.of(k)).isEqualTo(before);
        p.mmdrop(m);
        assertThat(p.mmgrab(m)).isFalse();
        assertThat(p.mmCount(m)).isZero();
        assertThat(k.check()).isEmpty();
    }

    /**
     * The change signal only grows: an exited mm's own calls stay counted, a hit (an access the
     * tables allow: the walk alone) does not move it, a fault does.
     */
    @Test
    void theChangeSignalCountsExitedMmsAndFaultsButNotHits() {
        Kernel k = Kernel.boot(Board.virt(64L << 20), Bugs.NONE);
        Processes p = k.state(Processes.class);
        long m = p.mmCreate(8L << 20).value();
        long n = p.mmCreate(8L << 20).value();
        long a = p.mmap(n, 0, 0x1000, RW, ANON).value();
        p.mprotect(n, a, 0x1000, VmFlags.PROT_READ);
        p.mprotect(n, a, 0x1000, RW);
        long mmCalls = p.mm(n).changeCount();
        assertThat(mmCalls).isEqualTo(3);
        long before = p.changeCount();
        p.exitMm(n);
        assertThat(p.changeCount()).as("one more call; the exited mm's three kept").isEqualTo(before + 1);
        long fault = p.changeCount();
        long b = p.mmap(m, 0, 0x1000, RW, ANON).value();
        assertThat(p.changeCount()).isEqualTo(fault + 2);
        p.touch(m, b, Access.WRITE);
        assertThat(p.changeCount()).isEqualTo(fault + 3);
        p.touch(m, b, Access.WRITE);
        p.touch(m, b, Access.READ);
        assertThat(p.changeCount()).as("hits").isEqualTo(fault + 3);
        p.touch(m, 0x10000, Access.READ);
        assertThat(p.changeCount()).as("a fault, even one that ends in SIGSEGV").isEqualTo(fault + 4);
    }
}
