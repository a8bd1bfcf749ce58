package armmm.model.memblock;

import armmm.model.core.PhysAddr;
import armmm.model.core.Result;
import armmm.model.subsystem.Arg;
import armmm.model.subsystem.ArgKind;
import armmm.model.subsystem.HandleNames;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import java.util.List;

/** The memblock calls (mm/memblock.c), each a record in kernel argument order. */
public sealed interface MemblockOp extends Op {

    /** {@code memblock_add(base, size)}. */
    record Add(long base, long size) implements MemblockOp {
        public String name() { return "memblock_add"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size)); }
        public Result applyTo(KernelState k) { return mb(k).add(base, size); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_reserve(base, size)}. */
    record Reserve(long base, long size) implements MemblockOp {
        public String name() { return "memblock_reserve"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size)); }
        public Result applyTo(KernelState k) { return mb(k).reserve(base, size); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * {@code memblock_reserve_many}: not a kernel call but a loop of {@code COUNT}
     * {@code memblock_reserve(BASE + i * STRIDE, SIZE)} calls, as early boot makes one per
     * device-tree reservation, and as later kernel test suites reserve
     * {@code INIT_MEMBLOCK_REGIONS + 1} ranges to make {@code memblock_double_array} run. One
     * scenario line, so that a chain past 128 regions shrinks to a few steps. Stops at the first
     * refusal and returns it; refused without doing anything above {@link #MAX_COUNT}.
     */
    record ReserveMany(long base, long size, long stride, long count) implements MemblockOp {
        /** The largest COUNT: 2^16 reservations, 512 times the static array. */
        public static final long MAX_COUNT = 1 << 16;

        public String name() { return "memblock_reserve_many"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size), Arg.size(stride), Arg.number(count)); }
        public Result applyTo(KernelState k) {
            if (Long.compareUnsigned(count, MAX_COUNT) > 0) {
                return Result.refused(String.format("memblock_reserve_many: COUNT %s above %d",
                        Long.toUnsignedString(count), MAX_COUNT));
            }
            for (long i = 0; i < count; i++) {
                Result r = mb(k).reserve(base + i * stride, size);
                if (r.isRefused()) {
                    Result.Refused f = (Result.Refused) r;
                    return new Result.Refused(f.reason(), f.report() + " (memblock_reserve_many stops after " + i
                            + " of " + count + " reservations)");
                }
            }
            return Result.VOID;
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_remove(base, size)}. */
    record Remove(long base, long size) implements MemblockOp {
        public String name() { return "memblock_remove"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size)); }
        public Result applyTo(KernelState k) { return mb(k).remove(base, size); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_free(ptr, size)}: a kernel virtual address, as in 6.1. */
    record Free(long ptr, long size) implements MemblockOp {
        public String name() { return "memblock_free"; }
        public List<Arg> args() { return List.of(Arg.handle(ptr), Arg.size(size)); }
        public Result applyTo(KernelState k) {
            // memblock_free(NULL, size) does nothing.
            return ptr == 0 ? Result.VOID : mb(k).physFree(mb(k).linearMap().linearPhys(ptr), size);
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_phys_free(base, size)}. */
    record PhysFree(long base, long size) implements MemblockOp {
        public String name() { return "memblock_phys_free"; }
        public List<Arg> args() { return List.of(Arg.handle(base), Arg.size(size)); }
        public Result applyTo(KernelState k) { return mb(k).physFree(base, size); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_mark_nomap(base, size)}. */
    record MarkNomap(long base, long size) implements MemblockOp {
        public String name() { return "memblock_mark_nomap"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size)); }
        public Result applyTo(KernelState k) { return mb(k).markNomap(base, size); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_clear_nomap(base, size)}. */
    record ClearNomap(long base, long size) implements MemblockOp {
        public String name() { return "memblock_clear_nomap"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size)); }
        public Result applyTo(KernelState k) { return mb(k).clearNomap(base, size); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_set_bottom_up(enable)}. */
    record SetBottomUp(boolean enable) implements MemblockOp {
        public String name() { return "memblock_set_bottom_up"; }
        public List<Arg> args() { return List.of(Arg.bool(enable)); }
        public Result applyTo(KernelState k) { return mb(k).setBottomUp(enable); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_set_current_limit(limit)}. */
    record SetCurrentLimit(long limit) implements MemblockOp {
        public String name() { return "memblock_set_current_limit"; }
        public List<Arg> args() { return List.of(Arg.addr(limit)); }
        public Result applyTo(KernelState k) { return mb(k).setCurrentLimit(limit); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_trim_memory(align)}. */
    record TrimMemory(long align) implements MemblockOp {
        public String name() { return "memblock_trim_memory"; }
        public List<Arg> args() { return List.of(Arg.size(align)); }
        public Result applyTo(KernelState k) { return mb(k).trimMemory(align); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_alloc(size, align)}: returns the kernel virtual address, 0 on failure. */
    record Alloc(long size, long align) implements MemblockOp {
        @Override public String resultStem() { return "a"; }
        public String name() { return "memblock_alloc"; }
        public List<Arg> args() { return List.of(Arg.size(size), Arg.size(align)); }
        public Result applyTo(KernelState k) {
            return afterBoot(k) ? slabAvailable(k, size) : virt(k, mb(k).allocTryNid(size, align, Memblock.LOW_LIMIT, Memblock.ALLOC_ACCESSIBLE));
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_alloc_raw(size, align)}: as memblock_alloc, without zeroing (not modelled). */
    record AllocRaw(long size, long align) implements MemblockOp {
        @Override public String resultStem() { return "a"; }
        public String name() { return "memblock_alloc_raw"; }
        public List<Arg> args() { return List.of(Arg.size(size), Arg.size(align)); }
        public Result applyTo(KernelState k) {
            return afterBoot(k) ? slabAvailable(k, size) : virt(k, mb(k).allocTryNidRaw(size, align, Memblock.LOW_LIMIT, Memblock.ALLOC_ACCESSIBLE));
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_alloc_from(size, align, min_addr)}: a virtual address, 0 on failure. */
    record AllocFrom(long size, long align, long minAddr) implements MemblockOp {
        @Override public String resultStem() { return "a"; }
        public String name() { return "memblock_alloc_from"; }
        public List<Arg> args() { return List.of(Arg.size(size), Arg.size(align), Arg.addr(minAddr)); }
        public Result applyTo(KernelState k) {
            return afterBoot(k) ? slabAvailable(k, size) : virt(k, mb(k).allocTryNid(size, align, minAddr, Memblock.ALLOC_ACCESSIBLE));
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_alloc_low(size, align)}: below {@code ARCH_LOW_ADDRESS_LIMIT}; virtual, 0 on failure. */
    record AllocLow(long size, long align) implements MemblockOp {
        @Override public String resultStem() { return "a"; }
        public String name() { return "memblock_alloc_low"; }
        public List<Arg> args() { return List.of(Arg.size(size), Arg.size(align)); }
        public Result applyTo(KernelState k) {
            return afterBoot(k) ? slabAvailable(k, size) : virt(k, mb(k).allocTryNid(size, align, Memblock.LOW_LIMIT, Memblock.ARCH_LOW_ADDRESS_LIMIT));
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * {@code memblock_alloc_try_nid(size, align, min_addr, max_addr, NUMA_NO_NODE)}: the node is
     * left out (no NUMA on this build). A virtual address, 0 on failure.
     */
    record AllocTryNid(long size, long align, long minAddr, long maxAddr) implements MemblockOp {
        @Override public String resultStem() { return "a"; }
        public String name() { return "memblock_alloc_try_nid"; }
        public List<Arg> args() { return List.of(Arg.size(size), Arg.size(align), Arg.addr(minAddr), Arg.addr(maxAddr)); }
        public Result applyTo(KernelState k) { return afterBoot(k) ? slabAvailable(k, size) : virt(k, mb(k).allocTryNid(size, align, minAddr, maxAddr)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_alloc_try_nid_raw(size, align, min_addr, max_addr, NUMA_NO_NODE)}. */
    record AllocTryNidRaw(long size, long align, long minAddr, long maxAddr) implements MemblockOp {
        @Override public String resultStem() { return "a"; }
        public String name() { return "memblock_alloc_try_nid_raw"; }
        public List<Arg> args() { return List.of(Arg.size(size), Arg.size(align), Arg.addr(minAddr), Arg.addr(maxAddr)); }
        public Result applyTo(KernelState k) { return afterBoot(k) ? slabAvailable(k, size) : virt(k, mb(k).allocTryNidRaw(size, align, minAddr, maxAddr)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_phys_alloc_range(size, align, start, end)}: a physical address, 0 on failure. */
    record PhysAllocRange(long size, long align, long start, long end) implements MemblockOp {
        @Override public String resultStem() { return "a"; }
        public String name() { return "memblock_phys_alloc_range"; }
        public List<Arg> args() { return List.of(Arg.size(size), Arg.size(align), Arg.addr(start), Arg.addr(end)); }
        public Result applyTo(KernelState k) { return mb(k).physAllocRange(size, align, start, end); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_phys_alloc(size, align)}: a physical address below the current limit, 0 on failure. */
    record PhysAlloc(long size, long align) implements MemblockOp {
        @Override public String resultStem() { return "a"; }
        public String name() { return "memblock_phys_alloc"; }
        public List<Arg> args() { return List.of(Arg.size(size), Arg.size(align)); }
        public Result applyTo(KernelState k) { return mb(k).physAlloc(size, align); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_add_node(base, size, nid, flags)}: the node is recorded nowhere (no NUMA). */
    record AddNode(long base, long size, long nid, long flags) implements MemblockOp {
        public String name() { return "memblock_add_node"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size), Arg.number(nid), Arg.addr(flags)); }
        public Result applyTo(KernelState k) { return mb(k).addNode(base, size, (int) flags); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_mark_hotplug(base, size)}. */
    record MarkHotplug(long base, long size) implements MemblockOp {
        public String name() { return "memblock_mark_hotplug"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size)); }
        public Result applyTo(KernelState k) { return mb(k).markHotplug(base, size); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_clear_hotplug(base, size)}. */
    record ClearHotplug(long base, long size) implements MemblockOp {
        public String name() { return "memblock_clear_hotplug"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size)); }
        public Result applyTo(KernelState k) { return mb(k).clearHotplug(base, size); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_allow_resize()}: full arrays are doubled from now on. */
    record AllowResize() implements MemblockOp {
        public String name() { return "memblock_allow_resize"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return mb(k).allowResize(); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /**
     * {@code memblock_reset}: not a kernel call but the kernel test suite's
     * {@code reset_memblock_regions} + {@code reset_memblock_attributes}: an empty memblock again.
     */
    record Reset() implements MemblockOp {
        public String name() { return "memblock_reset"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return mb(k).reset(); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_enforce_memory_limit(limit)} ({@code mem=}). */
    record EnforceMemoryLimit(long limit) implements MemblockOp {
        public String name() { return "memblock_enforce_memory_limit"; }
        public List<Arg> args() { return List.of(Arg.size(limit)); }
        public Result applyTo(KernelState k) { return mb(k).enforceMemoryLimit(limit); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_cap_memory_range(base, size)}. */
    record CapMemoryRange(long base, long size) implements MemblockOp {
        public String name() { return "memblock_cap_memory_range"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size)); }
        public Result applyTo(KernelState k) { return mb(k).capMemoryRange(base, size); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_mem_limit_remove_map(limit)}. */
    record MemLimitRemoveMap(long limit) implements MemblockOp {
        public String name() { return "memblock_mem_limit_remove_map"; }
        public List<Arg> args() { return List.of(Arg.size(limit)); }
        public Result applyTo(KernelState k) { return mb(k).memLimitRemoveMap(limit); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_is_region_reserved(base, size)}: 1 when the range overlaps a reservation. */
    record IsRegionReserved(long base, long size) implements MemblockOp {
        public String name() { return "memblock_is_region_reserved"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size)); }
        public Result applyTo(KernelState k) { return bool(mb(k).isRegionReserved(base, size)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_is_region_memory(base, size)}: 1 when one memory region holds the range. */
    record IsRegionMemory(long base, long size) implements MemblockOp {
        public String name() { return "memblock_is_region_memory"; }
        public List<Arg> args() { return List.of(Arg.addr(base), Arg.size(size)); }
        public Result applyTo(KernelState k) { return bool(mb(k).isRegionMemory(base, size)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_is_reserved(addr)}. */
    record IsReserved(long addr) implements MemblockOp {
        public String name() { return "memblock_is_reserved"; }
        public List<Arg> args() { return List.of(Arg.addr(addr)); }
        public Result applyTo(KernelState k) { return bool(mb(k).isReserved(addr)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_is_memory(addr)}. */
    record IsMemory(long addr) implements MemblockOp {
        public String name() { return "memblock_is_memory"; }
        public List<Arg> args() { return List.of(Arg.addr(addr)); }
        public Result applyTo(KernelState k) { return bool(mb(k).isMemory(addr)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_is_map_memory(addr)}. */
    record IsMapMemory(long addr) implements MemblockOp {
        public String name() { return "memblock_is_map_memory"; }
        public List<Arg> args() { return List.of(Arg.addr(addr)); }
        public Result applyTo(KernelState k) { return bool(mb(k).isMapMemory(addr)); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_start_of_DRAM()}. */
    record StartOfDram() implements MemblockOp {
        public String name() { return "memblock_start_of_DRAM"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return Result.of(mb(k).startOfDram()); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_end_of_DRAM()}. */
    record EndOfDram() implements MemblockOp {
        public String name() { return "memblock_end_of_DRAM"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return Result.of(mb(k).endOfDram()); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_phys_mem_size()}. */
    record PhysMemSize() implements MemblockOp {
        public String name() { return "memblock_phys_mem_size"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return Result.of(mb(k).physMemSize()); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code memblock_reserved_size()}. */
    record ReservedSize() implements MemblockOp {
        public String name() { return "memblock_reserved_size"; }
        public List<Arg> args() { return List.of(); }
        public Result applyTo(KernelState k) { return Result.of(mb(k).reservedSize()); }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** A virtual-address allocator's result: {@code phys_to_virt} of a non-zero physical address. */
    private static Result virt(KernelState k, Result phys) {
        if (phys.isRefused() || phys.value() == 0) {
            return phys;
        }
        long v = mb(k).linearMap().va(new PhysAddr(phys.value())).value();
        return phys instanceof Result.Warned w ? new Result.Warned(v, w.warning(), w.origin()) : Result.of(v);
    }

    /** The kernel's memblock, which every kernel has. */
    private static Memblock mb(KernelState k) {
        return k.state(Memblock.class);
    }

    private static Result bool(boolean b) {
        return Result.of(b ? 1 : 0);
    }

    /** The words of {@code memblock_alloc_internal}'s warning once slab is up (mm/memblock.c). */
    String SLAB_AVAILABLE = "WARN_ON_ONCE(slab_is_available())";

    /**
     * A {@code memblock_alloc*} call made once boot is over: {@code memblock_alloc_internal}
     * warns, the first time only ({@code WARN_ON_ONCE(slab_is_available())}, mm/memblock.c), and
     * returns {@code kzalloc_node(size, GFP_NOWAIT)}, which the subsystem that made slab
     * available provides ({@link Memblock#kzallocNode}).
     */
    static Result slabAvailable(KernelState k, long size) {
        long value = mb(k).kzallocNode(size);
        return mb(k).warnOnceSlabAvailable() ? Result.warned(value, SLAB_AVAILABLE) : Result.of(value);
    }

    /** True once boot handed memory to the page allocator, so slab is available. */
    static boolean afterBoot(KernelState k) {
        return mb(k).slabAvailable();
    }

    /** The scenario spellings of the memblock calls. */
    List<OpSpec> SPECS = List.of(
            OpSpec.of("memblock_add", (a, c) -> new Add(a[0], a[1]), ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("memblock_reserve", (a, c) -> new Reserve(a[0], a[1]), ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("memblock_reserve_many", (a, c) -> new ReserveMany(a[0], a[1], a[2], a[3]),
                    ArgKind.ADDR, ArgKind.SIZE, ArgKind.SIZE, ArgKind.NUMBER),
            OpSpec.of("memblock_remove", (a, c) -> new Remove(a[0], a[1]), ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("memblock_free", (a, c) -> new Free(a[0], a[1]), ArgKind.HANDLE, ArgKind.SIZE),
            OpSpec.of("memblock_phys_free", (a, c) -> new PhysFree(a[0], a[1]), ArgKind.HANDLE, ArgKind.SIZE),
            OpSpec.of("memblock_mark_nomap", (a, c) -> new MarkNomap(a[0], a[1]), ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("memblock_clear_nomap", (a, c) -> new ClearNomap(a[0], a[1]), ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("memblock_set_bottom_up", (a, c) -> new SetBottomUp(a[0] != 0), ArgKind.BOOL),
            OpSpec.of("memblock_set_current_limit", (a, c) -> new SetCurrentLimit(a[0]), ArgKind.ADDR),
            OpSpec.of("memblock_trim_memory", (a, c) -> new TrimMemory(a[0]), ArgKind.SIZE),
            OpSpec.of("memblock_alloc", (a, c) -> new Alloc(a[0], a[1]), ArgKind.SIZE, ArgKind.SIZE),
            OpSpec.of("memblock_phys_alloc_range", (a, c) -> new PhysAllocRange(a[0], a[1], a[2], a[3]),
                    ArgKind.SIZE, ArgKind.SIZE, ArgKind.ADDR, ArgKind.ADDR),
            OpSpec.of("memblock_alloc_raw", (a, c) -> new AllocRaw(a[0], a[1]), ArgKind.SIZE, ArgKind.SIZE),
            OpSpec.of("memblock_alloc_from", (a, c) -> new AllocFrom(a[0], a[1], a[2]),
                    ArgKind.SIZE, ArgKind.SIZE, ArgKind.ADDR),
            OpSpec.of("memblock_alloc_low", (a, c) -> new AllocLow(a[0], a[1]), ArgKind.SIZE, ArgKind.SIZE),
            OpSpec.of("memblock_alloc_try_nid", (a, c) -> new AllocTryNid(a[0], a[1], a[2], a[3]),
                    ArgKind.SIZE, ArgKind.SIZE, ArgKind.ADDR, ArgKind.ADDR),
            OpSpec.of("memblock_alloc_try_nid_raw", (a, c) -> new AllocTryNidRaw(a[0], a[1], a[2], a[3]),
                    ArgKind.SIZE, ArgKind.SIZE, ArgKind.ADDR, ArgKind.ADDR),
            OpSpec.of("memblock_phys_alloc", (a, c) -> new PhysAlloc(a[0], a[1]), ArgKind.SIZE, ArgKind.SIZE),
            OpSpec.of("memblock_add_node", (a, c) -> new AddNode(a[0], a[1], a[2], a[3]),
                    ArgKind.ADDR, ArgKind.SIZE, ArgKind.NUMBER, ArgKind.ADDR),
            OpSpec.of("memblock_mark_hotplug", (a, c) -> new MarkHotplug(a[0], a[1]), ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("memblock_clear_hotplug", (a, c) -> new ClearHotplug(a[0], a[1]), ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("memblock_allow_resize", (a, c) -> new AllowResize()),
            OpSpec.of("memblock_reset", (a, c) -> new Reset()),
            OpSpec.of("memblock_enforce_memory_limit", (a, c) -> new EnforceMemoryLimit(a[0]), ArgKind.SIZE),
            OpSpec.of("memblock_cap_memory_range", (a, c) -> new CapMemoryRange(a[0], a[1]),
                    ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("memblock_mem_limit_remove_map", (a, c) -> new MemLimitRemoveMap(a[0]), ArgKind.SIZE),
            OpSpec.of("memblock_is_region_reserved", (a, c) -> new IsRegionReserved(a[0], a[1]),
                    ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("memblock_is_region_memory", (a, c) -> new IsRegionMemory(a[0], a[1]),
                    ArgKind.ADDR, ArgKind.SIZE),
            OpSpec.of("memblock_is_reserved", (a, c) -> new IsReserved(a[0]), ArgKind.ADDR),
            OpSpec.of("memblock_is_memory", (a, c) -> new IsMemory(a[0]), ArgKind.ADDR),
            OpSpec.of("memblock_is_map_memory", (a, c) -> new IsMapMemory(a[0]), ArgKind.ADDR),
            OpSpec.of("memblock_start_of_DRAM", (a, c) -> new StartOfDram()),
            OpSpec.of("memblock_end_of_DRAM", (a, c) -> new EndOfDram()),
            OpSpec.of("memblock_phys_mem_size", (a, c) -> new PhysMemSize()),
            OpSpec.of("memblock_reserved_size", (a, c) -> new ReservedSize()));
}
