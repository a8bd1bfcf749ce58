package armmm.model.kernel;

import armmm.model.memblock.Memblock;
import java.util.List;

/** The memblock calls (mm/memblock.c), each a record in kernel argument order. */
public sealed interface MemblockOp extends Op {

    /** {@code memblock_add(base, size)}. */
    record Add(long base, long size) implements MemblockOp {
        public String name() { return "memblock_add"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size)); }
        public Result applyTo(Kernel k) { return k.memblock().add(base, size); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_reserve(base, size)}. */
    record Reserve(long base, long size) implements MemblockOp {
        public String name() { return "memblock_reserve"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size)); }
        public Result applyTo(Kernel k) { return k.memblock().reserve(base, size); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_remove(base, size)}. */
    record Remove(long base, long size) implements MemblockOp {
        public String name() { return "memblock_remove"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size)); }
        public Result applyTo(Kernel k) { return k.memblock().remove(base, size); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_free(ptr, size)}: a kernel virtual address, as in 6.1. */
    record Free(long ptr, long size) implements MemblockOp {
        public String name() { return "memblock_free"; }
        public List<Arg> args() { return List.of(Arg.handle(ptr), Arg.size(size)); }
        public Result applyTo(Kernel k) { return k.memblock().physFree(k.virtToPhys(ptr), size); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_phys_free(base, size)}. */
    record PhysFree(long base, long size) implements MemblockOp {
        public String name() { return "memblock_phys_free"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size)); }
        public Result applyTo(Kernel k) { return k.memblock().physFree(base, size); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_mark_nomap(base, size)}. */
    record MarkNomap(long base, long size) implements MemblockOp {
        public String name() { return "memblock_mark_nomap"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size)); }
        public Result applyTo(Kernel k) { return k.memblock().markNomap(base, size); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_clear_nomap(base, size)}. */
    record ClearNomap(long base, long size) implements MemblockOp {
        public String name() { return "memblock_clear_nomap"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size)); }
        public Result applyTo(Kernel k) { return k.memblock().clearNomap(base, size); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_set_bottom_up(enable)}. */
    record SetBottomUp(boolean enable) implements MemblockOp {
        public String name() { return "memblock_set_bottom_up"; }
        public List<Arg> args() { return List.of(Arg.bool(enable)); }
        public Result applyTo(Kernel k) { return k.memblock().setBottomUp(enable); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_set_current_limit(limit)}. */
    record SetCurrentLimit(long limit) implements MemblockOp {
        public String name() { return "memblock_set_current_limit"; }
        public List<Arg> args() { return List.of(Arg.addr(limit)); }
        public Result applyTo(Kernel k) { return k.memblock().setCurrentLimit(limit); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_trim_memory(align)}. */
    record TrimMemory(long align) implements MemblockOp {
        public String name() { return "memblock_trim_memory"; }
        public List<Arg> args() { return List.of(Arg.size(align)); }
        public Result applyTo(Kernel k) { return k.memblock().trimMemory(align); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_alloc(size, align)}: returns the kernel virtual address, 0 on failure. */
    record Alloc(long size, long align) implements MemblockOp {
        public String name() { return "memblock_alloc"; }
        public List<Arg> args() { return List.of(Arg.size(size), Arg.size(align)); }
        public Result applyTo(Kernel k) {
            Result r = k.memblock().allocTryNid(size, align, 0, Memblock.ALLOC_ACCESSIBLE);
            return r.isRefused() || r.value() == 0 ? r : Result.of(k.physToVirt(r.value()));
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_phys_alloc_range(size, align, start, end)}: a physical address, 0 on failure. */
    record PhysAllocRange(long size, long align, long start, long end) implements MemblockOp {
        public String name() { return "memblock_phys_alloc_range"; }
        public List<Arg> args() { return List.of(Arg.size(size), Arg.size(align), Arg.addr(start), Arg.addr(end)); }
        public Result applyTo(Kernel k) { return k.memblock().physAllocRange(size, align, start, end); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** The scenario spellings of the memblock calls. */
    List<OpSpec> SPECS = List.of(
            OpSpec.of("memblock_add", (a, c) -> new Add(a[0], a[1]), ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("memblock_reserve", (a, c) -> new Reserve(a[0], a[1]), ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("memblock_remove", (a, c) -> new Remove(a[0], a[1]), ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("memblock_free", (a, c) -> new Free(a[0], a[1]), ArgKind.HANDLE, ArgKind.SIZE),
            OpSpec.of("memblock_phys_free", (a, c) -> new PhysFree(a[0], a[1]), ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("memblock_mark_nomap", (a, c) -> new MarkNomap(a[0], a[1]), ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("memblock_clear_nomap", (a, c) -> new ClearNomap(a[0], a[1]), ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("memblock_set_bottom_up", (a, c) -> new SetBottomUp(a[0] != 0), ArgKind.BOOL),
            OpSpec.of("memblock_set_current_limit", (a, c) -> new SetCurrentLimit(a[0]), ArgKind.ADDR),
            OpSpec.of("memblock_trim_memory", (a, c) -> new TrimMemory(a[0]), ArgKind.SIZE),
            OpSpec.of("memblock_alloc", (a, c) -> new Alloc(a[0], a[1]), ArgKind.SIZE, ArgKind.SIZE),
            OpSpec.of("memblock_phys_alloc_range", (a, c) -> new PhysAllocRange(a[0], a[1], a[2], a[3]),
                    ArgKind.SIZE, ArgKind.SIZE, ArgKind.ADDR, ArgKind.ADDR));
}
