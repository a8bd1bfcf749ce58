package armmm.model.highmem;

import armmm.model.core.Result;
import armmm.model.subsystem.Arg;
import armmm.model.subsystem.ArgKind;
import armmm.model.subsystem.HandleNames;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The highmem calls (mm/highmem.c, include/linux/highmem.h, include/linux/highmem-internal.h),
 * each a record in kernel argument order. Pages are struct page pointers (the buddy allocator's
 * {@code alloc_pages} handles); addresses are kernel virtual addresses. The kmap calls take an
 * optional context word before {@code cpu=N}: {@code irq} runs the call in a hardware interrupt
 * on that CPU (on the interrupted task's kmap_local stack), {@code task} (the default, not
 * printed) in process context. {@code sched_out}/{@code sched_in TASK} are context switches
 * ({@code __kmap_local_sched_out/in}).
 */
public sealed interface HighmemOp extends Op {

    /** True when the call runs in a hardware interrupt. */
    default boolean irq() {
        return false;
    }

    /** Prints the scenario line, leaving out the default context word {@code task}. */
    @Override
    default String render(HandleNames names) {
        StringBuilder line = new StringBuilder(name());
        for (Arg arg : args()) {
            if (arg.kind() != ArgKind.CONTEXT || arg.value() != 0) {
                line.append(' ').append(arg.render(names));
            }
        }
        if (cpu() != 0) {
            line.append(" cpu=").append(cpu());
        }
        return line.toString();
    }

    /** The context argument. */
    private static Arg context(boolean irq) {
        return new Arg(irq ? 1 : 0, ArgKind.CONTEXT);
    }

    /** {@code kmap(page)}: the address; "would block" when every pkmap slot is in use. */
    record Kmap(long page, boolean irq, int cpu) implements HighmemOp {
        @Override public String resultStem() { return "km"; }
        public String name() { return "kmap"; }
        public List<Arg> args() { return List.of(Arg.handle(page), context(irq)); }
        public Result applyTo(KernelState k) { return on(k, h -> h.kmap(page, cpu, irq)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kunmap(page)}. */
    record Kunmap(long page, boolean irq, int cpu) implements HighmemOp {
        public String name() { return "kunmap"; }
        public List<Arg> args() { return List.of(Arg.handle(page), context(irq)); }
        public Result applyTo(KernelState k) { return on(k, h -> h.kunmap(page, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kmap_atomic(page)}. */
    record KmapAtomic(long page, boolean irq, int cpu) implements HighmemOp {
        @Override public String resultStem() { return "ka"; }
        public String name() { return "kmap_atomic"; }
        public List<Arg> args() { return List.of(Arg.handle(page), context(irq)); }
        public Result applyTo(KernelState k) { return on(k, h -> h.kmapLocal(page, cpu, true)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kunmap_atomic(addr)}. */
    record KunmapAtomic(long addr, boolean irq, int cpu) implements HighmemOp {
        public String name() { return "kunmap_atomic"; }
        public List<Arg> args() { return List.of(Arg.handle(addr), context(irq)); }
        public Result applyTo(KernelState k) { return on(k, h -> h.kunmapLocal(addr, cpu, true)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kmap_local_page(page)}. */
    record KmapLocalPage(long page, boolean irq, int cpu) implements HighmemOp {
        @Override public String resultStem() { return "kl"; }
        public String name() { return "kmap_local_page"; }
        public List<Arg> args() { return List.of(Arg.handle(page), context(irq)); }
        public Result applyTo(KernelState k) { return on(k, h -> h.kmapLocal(page, cpu, false)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kunmap_local(addr)}. */
    record KunmapLocal(long addr, boolean irq, int cpu) implements HighmemOp {
        public String name() { return "kunmap_local"; }
        public List<Arg> args() { return List.of(Arg.handle(addr), context(irq)); }
        public Result applyTo(KernelState k) { return on(k, h -> h.kunmapLocal(addr, cpu, false)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kmap_to_page(addr)}: the struct page pointer. */
    record KmapToPage(long addr, boolean irq, int cpu) implements HighmemOp {
        public String name() { return "kmap_to_page"; }
        public List<Arg> args() { return List.of(Arg.handle(addr), context(irq)); }
        public Result applyTo(KernelState k) { return on(k, h -> h.kmapToPage(addr, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code page_address(page)}: the address, 0 for a highmem page without a pkmap slot. */
    record PageAddress(long page) implements HighmemOp {
        public String name() { return "page_address"; }
        public List<Arg> args() { return List.of(Arg.handle(page)); }
        public Result applyTo(KernelState k) { return on(k, h -> h.pageAddress(page)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code clear_highpage(page)}. */
    record ClearHighpage(long page, boolean irq, int cpu) implements HighmemOp {
        public String name() { return "clear_highpage"; }
        public List<Arg> args() { return List.of(Arg.handle(page), context(irq)); }
        public Result applyTo(KernelState k) { return on(k, h -> h.throughKmapLocal(name(), cpu, page)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code copy_highpage(to, from)}: maps {@code from} first, as 6.1 does. */
    record CopyHighpage(long to, long from, boolean irq, int cpu) implements HighmemOp {
        public String name() { return "copy_highpage"; }
        public List<Arg> args() { return List.of(Arg.handle(to), Arg.handle(from), context(irq)); }
        public Result applyTo(KernelState k) { return on(k, h -> h.throughKmapLocal(name(), cpu, from, to)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memcpy_to_page(page, offset, from, len)} (the source buffer left out: contents are not modelled). */
    record MemcpyToPage(long page, long offset, long len, boolean irq, int cpu) implements HighmemOp {
        public String name() { return "memcpy_to_page"; }
        public List<Arg> args() { return List.of(Arg.handle(page), Arg.size(offset), Arg.size(len), context(irq)); }
        public Result applyTo(KernelState k) { return on(k, h -> h.memcpyToPage(page, offset, len, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** A context switch on {@code cpu} away from the running task, to the CPU's idle task. */
    record SchedOut(int cpu) implements HighmemOp {
        public String name() { return "sched_out"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return on(k, h -> h.schedOut(cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** A context switch on {@code cpu} from the running task to task {@code task}. */
    record SchedIn(long task, int cpu) implements HighmemOp {
        public String name() { return "sched_in"; }
        public List<Arg> args() { return List.of(Arg.number(task)); }
        public Result applyTo(KernelState k) { return on(k, h -> h.schedIn(task, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** What a highmem call returns on a kernel without highmem state (no board). */
    Result NO_HIGHMEM = Result.refused("no highmem: the scenario needs a board line");

    /** Runs {@code call} on the kernel's highmem state, refused without one. */
    private static Result on(KernelState k, Function<Highmem, Result> call) {
        return Op.onState(k, Highmem.class, NO_HIGHMEM, call);
    }

    /** The scenario spellings of the highmem calls. */
    List<OpSpec> SPECS = specs();

    private static List<OpSpec> specs() {
        List<OpSpec> s = new ArrayList<>();
        s.add(OpSpec.perCpu("kmap", (a, c) -> new Kmap(a[0], a[1] != 0, c), ArgKind.HANDLE, ArgKind.CONTEXT));
        s.add(OpSpec.perCpu("kunmap", (a, c) -> new Kunmap(a[0], a[1] != 0, c), ArgKind.HANDLE, ArgKind.CONTEXT));
        s.add(OpSpec.perCpu("kmap_atomic", (a, c) -> new KmapAtomic(a[0], a[1] != 0, c), ArgKind.HANDLE, ArgKind.CONTEXT));
        s.add(OpSpec.perCpu("kunmap_atomic", (a, c) -> new KunmapAtomic(a[0], a[1] != 0, c), ArgKind.HANDLE, ArgKind.CONTEXT));
        s.add(OpSpec.perCpu("kmap_local_page", (a, c) -> new KmapLocalPage(a[0], a[1] != 0, c), ArgKind.HANDLE, ArgKind.CONTEXT));
        s.add(OpSpec.perCpu("kunmap_local", (a, c) -> new KunmapLocal(a[0], a[1] != 0, c), ArgKind.HANDLE, ArgKind.CONTEXT));
        s.add(OpSpec.perCpu("kmap_to_page", (a, c) -> new KmapToPage(a[0], a[1] != 0, c), ArgKind.HANDLE, ArgKind.CONTEXT));
        s.add(OpSpec.of("page_address", (a, c) -> new PageAddress(a[0]), ArgKind.HANDLE));
        s.add(OpSpec.perCpu("clear_highpage", (a, c) -> new ClearHighpage(a[0], a[1] != 0, c), ArgKind.HANDLE, ArgKind.CONTEXT));
        s.add(OpSpec.perCpu("copy_highpage", (a, c) -> new CopyHighpage(a[0], a[1], a[2] != 0, c),
                ArgKind.HANDLE, ArgKind.HANDLE, ArgKind.CONTEXT));
        s.add(OpSpec.perCpu("memcpy_to_page", (a, c) -> new MemcpyToPage(a[0], a[1], a[2], a[3] != 0, c),
                ArgKind.HANDLE, ArgKind.SIZE, ArgKind.SIZE, ArgKind.CONTEXT));
        s.add(OpSpec.perCpu("sched_out", (a, c) -> new SchedOut(c)));
        s.add(OpSpec.perCpu("sched_in", (a, c) -> new SchedIn(a[0], c), ArgKind.NUMBER));
        return List.copyOf(s);
    }
}
