package armmm.model.vmalloc;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.page.PageAllocator;
import armmm.model.subsystem.Arg;
import armmm.model.subsystem.ArgKind;
import armmm.model.subsystem.HandleNames;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import java.util.List;
import java.util.function.Function;

/**
 * The vmalloc calls (mm/vmalloc.c; ARM's ioremap in arch/arm/mm/ioremap.c), each a record in
 * kernel argument order. Addresses are kernel virtual addresses; pages are struct page pointers.
 * {@code vmap PAGE COUNT} maps the {@code COUNT} struct pages from {@code PAGE} on (a split
 * higher-order block, or one page), where the kernel takes an array of any pages.
 */
public sealed interface VmallocOp extends Op {

    /** {@code vmalloc(size)}: the address, 0 for NULL. */
    record VmallocCall(long size) implements VmallocOp {
        @Override public String resultStem() { return "v"; }
        public String name() { return "vmalloc"; }
        public List<Arg> args() { return List.of(Arg.size(size)); }
        public Result applyTo(KernelState k) { return on(k, v -> v.vmalloc(size)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code vzalloc(size)}. */
    record Vzalloc(long size) implements VmallocOp {
        @Override public String resultStem() { return "v"; }
        public String name() { return "vzalloc"; }
        public List<Arg> args() { return List.of(Arg.size(size)); }
        public Result applyTo(KernelState k) { return on(k, v -> v.vzalloc(size)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code vmalloc_user(size)}. */
    record VmallocUser(long size) implements VmallocOp {
        @Override public String resultStem() { return "v"; }
        public String name() { return "vmalloc_user"; }
        public List<Arg> args() { return List.of(Arg.size(size)); }
        public Result applyTo(KernelState k) { return on(k, v -> v.vmallocUser(size)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code __vmalloc_node_range(size, align, start, end, GFP_KERNEL, PAGE_KERNEL, 0, NUMA_NO_NODE, caller)}. */
    record VmallocNodeRange(long size, long align, long start, long end) implements VmallocOp {
        @Override public String resultStem() { return "v"; }
        public String name() { return "__vmalloc_node_range"; }
        public List<Arg> args() { return List.of(Arg.size(size), Arg.size(align), Arg.addr(start), Arg.addr(end)); }
        public Result applyTo(KernelState k) {
            return on(k, v -> v.vmallocNodeRange(size, align, start, end, Gfp.GFP_KERNEL, 0, name()));
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code __get_vm_area_caller(size, flags, start, end, caller)}: the area's address, 0 for NULL. */
    record GetVmAreaCaller(long size, long flags, long start, long end) implements VmallocOp {
        @Override public String resultStem() { return "v"; }
        public String name() { return "__get_vm_area_caller"; }
        public List<Arg> args() { return List.of(Arg.size(size), Arg.addr(flags), Arg.addr(start), Arg.addr(end)); }
        public Result applyTo(KernelState k) { return on(k, v -> v.getVmAreaCaller(size, flags, start, end, name())); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code vfree(addr)}. */
    record Vfree(long addr) implements VmallocOp {
        public String name() { return "vfree"; }
        public List<Arg> args() { return List.of(Arg.handle(addr)); }
        public Result applyTo(KernelState k) { return on(k, v -> v.vfree(addr)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code vmap(pages, count, VM_MAP, PAGE_KERNEL)} of {@code count} struct pages from {@code page}. */
    record Vmap(long page, long count) implements VmallocOp {
        @Override public String resultStem() { return "v"; }
        public String name() { return "vmap"; }
        public List<Arg> args() { return List.of(Arg.handle(page), Arg.number(count)); }
        public Result applyTo(KernelState k) { return on(k, v -> vmapPages(k, v, page, count)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code vunmap(addr)}. */
    record Vunmap(long addr) implements VmallocOp {
        public String name() { return "vunmap"; }
        public List<Arg> args() { return List.of(Arg.handle(addr)); }
        public Result applyTo(KernelState k) { return on(k, v -> v.vunmap(addr)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code ioremap(phys, size)}: the address, 0 for NULL. */
    record Ioremap(long phys, long size) implements VmallocOp {
        @Override public String resultStem() { return "io"; }
        public String name() { return "ioremap"; }
        public List<Arg> args() { return List.of(Arg.addr(phys), Arg.size(size)); }
        public Result applyTo(KernelState k) { return on(k, v -> v.ioremap(phys, size)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code iounmap(addr)}. */
    record Iounmap(long addr) implements VmallocOp {
        public String name() { return "iounmap"; }
        public List<Arg> args() { return List.of(Arg.handle(addr)); }
        public Result applyTo(KernelState k) { return on(k, v -> v.iounmap(addr)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code vmalloc_to_page(addr)}: the struct page pointer, 0 for NULL. */
    record VmallocToPage(long addr) implements VmallocOp {
        public String name() { return "vmalloc_to_page"; }
        public List<Arg> args() { return List.of(Arg.handle(addr)); }
        public Result applyTo(KernelState k) { return on(k, v -> v.vmallocToPage(addr)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code is_vmalloc_addr(addr)}: 1 or 0. */
    record IsVmallocAddr(long addr) implements VmallocOp {
        public String name() { return "is_vmalloc_addr"; }
        public List<Arg> args() { return List.of(Arg.handle(addr)); }
        public Result applyTo(KernelState k) { return on(k, v -> v.isVmallocAddr(addr)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code find_vm_area(addr)}: the area's {@code addr}, 0 for NULL. */
    record FindVmArea(long addr) implements VmallocOp {
        public String name() { return "find_vm_area"; }
        public List<Arg> args() { return List.of(Arg.handle(addr)); }
        public Result applyTo(KernelState k) { return on(k, v -> v.findVmArea(addr)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code purge_vmap_area_lazy()}. */
    record PurgeVmapAreaLazy() implements VmallocOp {
        public String name() { return "purge_vmap_area_lazy"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return on(k, Vmalloc::purgeVmapAreaLazy); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code vm_unmap_aliases()}: with no vmap blocks in the model, the lazy purge. */
    record VmUnmapAliases() implements VmallocOp {
        public String name() { return "vm_unmap_aliases"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return on(k, Vmalloc::purgeVmapAreaLazy); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** What a vmalloc call returns on a kernel without a board. */
    Result NO_VMALLOC = Result.refused("no vmalloc: the scenario needs a board line");

    /** Runs {@code call} on the kernel's vmalloc, refused without one. */
    private static Result on(KernelState k, Function<Vmalloc, Result> call) {
        return Op.onState(k, Vmalloc.class, NO_VMALLOC, call);
    }

    /**
     * {@code vmap} of {@code count} struct pages from {@code page}: refused when they are no struct
     * pages. A count above {@code totalram_pages()} is NULL before any page is read, as 6.1's
     * {@code vmap} tests it first; that covers every count from 2^31 on a 32-bit board.
     */
    private static Result vmapPages(KernelState k, Vmalloc v, long page, long count) {
        PageAllocator pa = k.state(PageAllocator.class);
        if (count < 0 || count > 0xffff_ffffL) {
            return Result.refused("vmap: count " + count + " is not an unsigned int");
        }
        if (count > v.pages().totalramPages()) {
            return Result.of(0);
        }
        long[] pfns = new long[(int) count];
        int stride = pa.layout().structPageSize();
        for (int i = 0; i < count; i++) {
            long p = page + (long) i * stride;
            long pfn = pa.layout().pageToPfn(p);
            if (pfn < 0 || !pa.hasPfn(pfn)) {
                return Result.refused(String.format("vmap: 0x%x is not a struct page", p));
            }
            pfns[i] = pfn;
        }
        return v.vmap(pfns, VmFlags.VM_MAP);
    }

    /** The scenario spellings of the vmalloc calls. */
    List<OpSpec> SPECS = List.of(
            OpSpec.of("vmalloc", (a, c) -> new VmallocCall(a[0]), ArgKind.SIZE),
            OpSpec.of("vzalloc", (a, c) -> new Vzalloc(a[0]), ArgKind.SIZE),
            OpSpec.of("vmalloc_user", (a, c) -> new VmallocUser(a[0]), ArgKind.SIZE),
            OpSpec.of("__vmalloc_node_range", (a, c) -> new VmallocNodeRange(a[0], a[1], a[2], a[3]),
                    ArgKind.SIZE, ArgKind.SIZE, ArgKind.ADDR, ArgKind.ADDR),
            OpSpec.of("__get_vm_area_caller", (a, c) -> new GetVmAreaCaller(a[0], a[1], a[2], a[3]),
                    ArgKind.SIZE, ArgKind.ADDR, ArgKind.ADDR, ArgKind.ADDR),
            OpSpec.of("vfree", (a, c) -> new Vfree(a[0]), ArgKind.HANDLE),
            OpSpec.of("vmap", (a, c) -> new Vmap(a[0], a[1]), ArgKind.HANDLE, ArgKind.NUMBER),
            OpSpec.of("vunmap", (a, c) -> new Vunmap(a[0]), ArgKind.HANDLE),
            OpSpec.of("ioremap", (a, c) -> new Ioremap(a[0], a[1]), ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("iounmap", (a, c) -> new Iounmap(a[0]), ArgKind.HANDLE),
            OpSpec.of("vmalloc_to_page", (a, c) -> new VmallocToPage(a[0]), ArgKind.HANDLE),
            OpSpec.of("is_vmalloc_addr", (a, c) -> new IsVmallocAddr(a[0]), ArgKind.HANDLE),
            OpSpec.of("find_vm_area", (a, c) -> new FindVmArea(a[0]), ArgKind.HANDLE),
            OpSpec.of("purge_vmap_area_lazy", (a, c) -> new PurgeVmapAreaLazy()),
            OpSpec.of("vm_unmap_aliases", (a, c) -> new VmUnmapAliases()));
}
