package armmm.model.mm;

import armmm.model.core.Result;
import armmm.model.mmu.Access;
import armmm.model.subsystem.Arg;
import armmm.model.subsystem.ArgKind;
import armmm.model.subsystem.HandleNames;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import java.util.List;
import java.util.function.Function;

/**
 * The address-space calls (mm/mmap.c {@code ksys_mmap_pgoff}, {@code __vm_munmap},
 * {@code brk}; mm/mprotect.c {@code do_mprotect_pkey}; kernel/fork.c {@code mmput}), each a
 * record with the mm's handle first, then the system call's arguments in order. A refused call
 * names the errno the system call returns ({@code -ENOMEM}). {@code mmap}, {@code munmap},
 * {@code mprotect}, {@code brk}, {@code touch}, {@code fork} and {@code exit_mm} take an optional
 * {@code cpu=N}, the CPU the calling task runs on, from which their TLB flushes are issued; a
 * {@code touch} (the task's own user-mode access) is refused on a CPU that runs another mm, and on
 * the CPU that runs its mm goes through that CPU's TLB when a TLB model installed one
 * ({@link UserAccessPath}).
 */
public sealed interface MmOp extends Op {

    /** {@code mm_create RLIMIT_STACK}: an exec'd process's mm; its handle. */
    record MmCreate(long rlimitStack) implements MmOp {
        @Override public String resultStem() { return "m"; }
        public String name() { return "mm_create"; }
        public List<Arg> args() { return List.of(Arg.addr(rlimitStack)); }
        public Result applyTo(KernelState k) { return on(k, p -> p.mmCreate(rlimitStack)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code mmap(addr, len, prot, flags, -1, 0)}: the mapping's address. */
    record Mmap(long mm, long addr, long len, long prot, long flags, int cpu) implements MmOp {
        /** The call on CPU 0 (no {@code cpu=}). */
        public Mmap(long mm, long addr, long len, long prot, long flags) {
            this(mm, addr, len, prot, flags, 0);
        }
        @Override public String resultStem() { return "a"; }
        public String name() { return "mmap"; }
        public List<Arg> args() {
            return List.of(Arg.handle(mm), Arg.addr(addr), Arg.size(len), Arg.addr(prot), Arg.addr(flags));
        }
        public Result applyTo(KernelState k) { return on(k, name(), mm, cpu, false, p -> p.mmap(mm, addr, len, prot, flags)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code munmap(addr, len)}. */
    record Munmap(long mm, long addr, long len, int cpu) implements MmOp {
        /** The call on CPU 0 (no {@code cpu=}). */
        public Munmap(long mm, long addr, long len) {
            this(mm, addr, len, 0);
        }
        public String name() { return "munmap"; }
        public List<Arg> args() { return List.of(Arg.handle(mm), Arg.handle(addr), Arg.size(len)); }
        public Result applyTo(KernelState k) { return on(k, name(), mm, cpu, false, p -> p.munmap(mm, addr, len)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code mprotect(addr, len, prot)}. */
    record Mprotect(long mm, long addr, long len, long prot, int cpu) implements MmOp {
        /** The call on CPU 0 (no {@code cpu=}). */
        public Mprotect(long mm, long addr, long len, long prot) {
            this(mm, addr, len, prot, 0);
        }
        public String name() { return "mprotect"; }
        public List<Arg> args() { return List.of(Arg.handle(mm), Arg.handle(addr), Arg.size(len), Arg.addr(prot)); }
        public Result applyTo(KernelState k) { return on(k, name(), mm, cpu, false, p -> p.mprotect(mm, addr, len, prot)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code brk(addr)}: the break afterwards. */
    record Brk(long mm, long addr, int cpu) implements MmOp {
        /** The call on CPU 0 (no {@code cpu=}). */
        public Brk(long mm, long addr) {
            this(mm, addr, 0);
        }
        public String name() { return "brk"; }
        public List<Arg> args() { return List.of(Arg.handle(mm), Arg.addr(addr)); }
        public Result applyTo(KernelState k) { return on(k, name(), mm, cpu, false, p -> p.brk(mm, addr)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code exit_mm}: the process exits and its mm goes. */
    record ExitMm(long mm, int cpu) implements MmOp {
        /** The call on CPU 0 (no {@code cpu=}). */
        public ExitMm(long mm) {
            this(mm, 0);
        }
        public String name() { return "exit_mm"; }
        public List<Arg> args() { return List.of(Arg.handle(mm)); }
        public Result applyTo(KernelState k) { return on(k, name(), mm, cpu, false, p -> p.exitMm(mm)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code touch MM VA [read|write|exec]}: a user-mode access; the physical address, or the SIGSEGV. */
    record Touch(long mm, long va, Access access, int cpu) implements MmOp {
        /** The call on CPU 0 (no {@code cpu=}). */
        public Touch(long mm, long va, Access access) {
            this(mm, va, access, 0);
        }
        public String name() { return "touch"; }
        public List<Arg> args() { return List.of(Arg.handle(mm), Arg.handle(va), new Arg(access.ordinal(), ArgKind.ACCESS)); }
        public Result applyTo(KernelState k) {
            // mmap_lock only on the fault path (Processes.touchOn): a TLB hit takes no lock
            return on(k, p -> {
                Result bad = p.checkCpu(name(), cpu);
                return bad != null ? bad : p.touchOn(mm, va, access, cpu);
            });
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code fork MM}: {@code dup_mm}; the child's handle. */
    record Fork(long mm, int cpu) implements MmOp {
        /** The call on CPU 0 (no {@code cpu=}). */
        public Fork(long mm) {
            this(mm, 0);
        }
        @Override public String resultStem() { return "m"; }
        public String name() { return "fork"; }
        public List<Arg> args() { return List.of(Arg.handle(mm)); }
        public Result applyTo(KernelState k) { return on(k, name(), mm, cpu, false, p -> p.fork(mm)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kernel_touch MM VA}: the kernel reads a kernel address on this mm's tables. */
    record KernelTouch(long mm, long va) implements MmOp {
        public String name() { return "kernel_touch"; }
        public List<Arg> args() { return List.of(Arg.handle(mm), Arg.addr(va)); }
        public Result applyTo(KernelState k) { return on(k, p -> p.kernelTouch(mm, va)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** What an address-space call returns on a kernel without a board. */
    Result NO_PROCESSES = Result.refused("no user address spaces: the scenario needs a board line");

    private static Result on(KernelState k, Function<Processes, Result> call) {
        return Op.onState(k, Processes.class, NO_PROCESSES, call);
    }

    /**
     * Runs {@code call} made from {@code cpu} by a task of {@code mm}: refused, before the call
     * changes anything, on a CPU that is not possible, and while a call begun on that CPU or
     * holding {@code mm}'s {@code mmap_lock} has not returned ({@link Processes.Holder};
     * {@code fault}: the call takes the lock for reading only).
     */
    private static Result on(KernelState k, String name, long mm, int cpu, boolean fault, Function<Processes, Result> call) {
        return on(k, p -> {
            Result bad = p.checkCpu(name, cpu);
            if (bad == null) {
                bad = p.checkHeld(name, mm, cpu, fault);
            }
            return bad != null ? bad : call.apply(p);
        });
    }

    /** The scenario spellings of the address-space calls. */
    List<OpSpec> SPECS = List.of(
            OpSpec.of("mm_create", (a, c) -> new MmCreate(a[0]), ArgKind.ADDR),
            OpSpec.perCpu("mmap", (a, c) -> new Mmap(a[0], a[1], a[2], a[3], a[4], c),
                    ArgKind.HANDLE, ArgKind.ADDR, ArgKind.SIZE, ArgKind.ADDR, ArgKind.ADDR),
            OpSpec.perCpu("munmap", (a, c) -> new Munmap(a[0], a[1], a[2], c), ArgKind.HANDLE, ArgKind.HANDLE, ArgKind.SIZE),
            OpSpec.perCpu("mprotect", (a, c) -> new Mprotect(a[0], a[1], a[2], a[3], c),
                    ArgKind.HANDLE, ArgKind.HANDLE, ArgKind.SIZE, ArgKind.ADDR),
            OpSpec.perCpu("brk", (a, c) -> new Brk(a[0], a[1], c), ArgKind.HANDLE, ArgKind.ADDR),
            OpSpec.perCpu("exit_mm", (a, c) -> new ExitMm(a[0], c), ArgKind.HANDLE),
            OpSpec.perCpu("touch", (a, c) -> new Touch(a[0], a[1], Access.values()[(int) a[2]], c),
                    ArgKind.HANDLE, ArgKind.HANDLE, ArgKind.ACCESS),
            OpSpec.perCpu("fork", (a, c) -> new Fork(a[0], c), ArgKind.HANDLE),
            OpSpec.of("kernel_touch", (a, c) -> new KernelTouch(a[0], a[1]), ArgKind.HANDLE, ArgKind.ADDR));
}
