package armmm.model.page;

import armmm.model.core.Result;
import armmm.model.subsystem.Arg;
import armmm.model.subsystem.ArgKind;
import armmm.model.subsystem.HandleNames;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import java.util.List;

/**
 * The page allocator calls (mm/page_alloc.c, include/linux/gfp.h), each a record in kernel
 * argument order. Pages are struct page pointers; {@code __get_free_pages} and
 * {@code free_pages} use kernel virtual addresses. Every call takes an optional {@code cpu=N}:
 * allocations and frees go through that CPU's per-CPU lists.
 */
public sealed interface PageOp extends Op {

    /** {@code alloc_pages(gfp, order)}: the struct page pointer, 0 for NULL. */
    record AllocPages(long gfp, int order, int cpu) implements PageOp {
        @Override public String resultStem() { return "p"; }
        public String name() { return "alloc_pages"; }
        public List<Arg> args() { return List.of(Arg.gfp(gfp), Arg.number(order)); }
        public Result applyTo(KernelState k) { return Op.onState(k, PageAllocator.class, NO_ALLOCATOR, p -> p.allocPages(gfp, order, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code alloc_page(gfp)}: {@code alloc_pages(gfp, 0)}. */
    record AllocPage(long gfp, int cpu) implements PageOp {
        @Override public String resultStem() { return "p"; }
        public String name() { return "alloc_page"; }
        public List<Arg> args() { return List.of(Arg.gfp(gfp)); }
        public Result applyTo(KernelState k) { return Op.onState(k, PageAllocator.class, NO_ALLOCATOR, p -> p.allocPages(gfp, 0, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code __get_free_pages(gfp, order)}: the page's kernel virtual address, 0 for NULL. */
    record GetFreePages(long gfp, int order, int cpu) implements PageOp {
        @Override public String resultStem() { return "a"; }
        public String name() { return "__get_free_pages"; }
        public List<Arg> args() { return List.of(Arg.gfp(gfp), Arg.number(order)); }
        public Result applyTo(KernelState k) { return Op.onState(k, PageAllocator.class, NO_ALLOCATOR, p -> p.getFreePages(gfp, order, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code __free_pages(page, order)}. */
    record FreePages(long page, int order, int cpu) implements PageOp {
        public String name() { return "__free_pages"; }
        public List<Arg> args() { return List.of(Arg.handle(page), Arg.number(order)); }
        public Result applyTo(KernelState k) { return Op.onState(k, PageAllocator.class, NO_ALLOCATOR, p -> p.freePages(page, order, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code free_pages(addr, order)}: a lowmem kernel virtual address. */
    record FreePagesVirt(long addr, int order, int cpu) implements PageOp {
        public String name() { return "free_pages"; }
        public List<Arg> args() { return List.of(Arg.handle(addr), Arg.number(order)); }
        public Result applyTo(KernelState k) { return Op.onState(k, PageAllocator.class, NO_ALLOCATOR, p -> p.freePagesVirt(addr, order, cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code split_page(page, order)}. */
    record SplitPage(long page, int order) implements PageOp {
        public String name() { return "split_page"; }
        public List<Arg> args() { return List.of(Arg.handle(page), Arg.number(order)); }
        public Result applyTo(KernelState k) { return Op.onState(k, PageAllocator.class, NO_ALLOCATOR, p -> p.splitPage(page, order)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code vmstat_update} on {@code cpu} (mm/vmstat.c): the periodic work folding that CPU's vmstat differences. */
    record VmstatUpdate(int cpu) implements PageOp {
        public String name() { return "vmstat_update"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return Op.onState(k, PageAllocator.class, NO_ALLOCATOR, p -> p.vmstatUpdate(cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code refresh_vm_stats} (mm/vmstat.c, via {@code schedule_on_each_cpu}): every CPU folds its differences. */
    record RefreshVmStats() implements PageOp {
        public String name() { return "refresh_vm_stats"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return Op.onState(k, PageAllocator.class, NO_ALLOCATOR, PageAllocator::refreshVmStats); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code drain_local_pages(NULL)} on {@code cpu} (mm/page_alloc.c): that CPU's per-CPU lists emptied to the buddy lists. */
    record DrainLocalPages(int cpu) implements PageOp {
        public String name() { return "drain_local_pages"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return Op.onState(k, PageAllocator.class, NO_ALLOCATOR, p -> p.drainLocalPages(cpu)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** What a page call returns on a kernel booted without a page allocator (no board). */
    Result NO_ALLOCATOR = Result.refused("no page allocator: the scenario needs a board line");

    /** The scenario spellings of the page allocator calls. */
    List<OpSpec> SPECS = List.of(
            OpSpec.perCpu("alloc_pages", (a, c) -> new AllocPages(a[0], (int) a[1], c), ArgKind.GFP, ArgKind.NUMBER),
            OpSpec.perCpu("alloc_page", (a, c) -> new AllocPage(a[0], c), ArgKind.GFP),
            OpSpec.perCpu("__get_free_pages", (a, c) -> new GetFreePages(a[0], (int) a[1], c), ArgKind.GFP, ArgKind.NUMBER),
            OpSpec.perCpu("__free_pages", (a, c) -> new FreePages(a[0], (int) a[1], c), ArgKind.HANDLE, ArgKind.NUMBER),
            OpSpec.perCpu("free_pages", (a, c) -> new FreePagesVirt(a[0], (int) a[1], c), ArgKind.HANDLE, ArgKind.NUMBER),
            OpSpec.of("split_page", (a, c) -> new SplitPage(a[0], (int) a[1]), ArgKind.HANDLE, ArgKind.NUMBER),
            OpSpec.perCpu("vmstat_update", (a, c) -> new VmstatUpdate(c)),
            OpSpec.of("refresh_vm_stats", (a, c) -> new RefreshVmStats()),
            OpSpec.perCpu("drain_local_pages", (a, c) -> new DrainLocalPages(c)));
}
