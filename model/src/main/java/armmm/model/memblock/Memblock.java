package armmm.model.memblock;

import armmm.model.core.Bugs;
import armmm.model.core.LinearMap;
import armmm.model.board.BuildConfig;
import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code struct memblock} (mm/memblock.c): the early allocator's {@code memory} and
 * {@code reserved} arrays, {@code bottom_up} and {@code current_limit}.
 * phys_addr_t is 32 bits (non-LPAE ARM): every address and size argument is taken modulo 2^32,
 * as the kernel's {@code phys_addr_t} parameters would, and ranges are capped at
 * {@code PHYS_ADDR_MAX} ({@code memblock_cap_size}). There is no NUMA: every region belongs to
 * the same node, and {@code nid} arguments do not exist.
 *
 * <p>Besides the kernel's state the model keeps the live allocations it handed out
 * ({@link #allocations()}), so that the invariants can check where they were placed.
 *
 * <p>This class is the public face; the work follows mm/memblock.c in package-private classes:
 * the region array operations ({@code memblock_add_range}, {@code memblock_isolate_range},
 * {@code memblock_remove_range}, ...) in {@code MemblockType}, the allocator and
 * {@code memblock_double_array} in {@code MemblockAllocator}, the free-range walks in
 * {@code FreeMemRanges}, {@code mem=} and trimming in {@code MemblockLimits}, the scenario
 * observables in {@code MemblockObservables} and the live-allocation record in {@code Allocations}.
 */
public final class Memblock {
    /** One past the last physical byte a 32-bit phys_addr_t reaches. */
    public static final long PHYS_LIMIT = 1L << 32;
    /** {@code PHYS_ADDR_MAX} on non-LPAE ARM. */
    public static final long PHYS_ADDR_MAX = 0xffff_ffffL;
    /** {@code PHYS_ADDR_MAX} and {@code MEMBLOCK_ALLOC_ANYWHERE} on non-LPAE ARM. */
    public static final long ALLOC_ANYWHERE = 0xffff_ffffL;
    /** {@code MEMBLOCK_ALLOC_ACCESSIBLE}: the current limit. */
    public static final long ALLOC_ACCESSIBLE = 0;
    /** {@code MEMBLOCK_ALLOC_NOLEAKTRACE}: the current limit, without kmemleak. */
    public static final long ALLOC_NOLEAKTRACE = 1;
    /** {@code MEMBLOCK_LOW_LIMIT}: the lowest address memblock_alloc asks for. */
    public static final long LOW_LIMIT = 0;
    /** {@code ARCH_LOW_ADDRESS_LIMIT} (include/linux/memblock.h default; ARM keeps it). */
    public static final long ARCH_LOW_ADDRESS_LIMIT = 0xffff_ffffL;
    /** {@code MEMBLOCK_HOTPLUG}. */
    public static final int HOTPLUG = 0x1;
    /** {@code MEMBLOCK_MIRROR}. */
    public static final int MIRROR = 0x2;
    /** {@code MEMBLOCK_NOMAP}. */
    public static final int NOMAP = 0x4;
    /** {@code MEMBLOCK_DRIVER_MANAGED}. */
    public static final int DRIVER_MANAGED = 0x8;
    /** {@code PAGE_SIZE}. */
    public static final long PAGE_SIZE = BuildConfig.PAGE_SIZE;
    /** {@code SMP_CACHE_BYTES} of the armmp build ({@code CONFIG_ARM_L1_CACHE_SHIFT=6}). */
    public static final long SMP_CACHE_BYTES = 64;
    /** {@code sizeof(struct memblock_region)} on 32-bit ARM without NUMA: base, size, flags. */
    public static final long REGION_STRUCT_SIZE = 12;

    /** The 32 bits of a {@code phys_addr_t}: every address and size argument is taken modulo 2^32. */
    static final long MASK = 0xffff_ffffL;

    final MemblockType memory;
    final MemblockType reserved;
    private boolean bottomUp;
    private long currentLimit = ALLOC_ANYWHERE;
    private boolean canResize;
    /** Whether {@code memblock_alloc_internal}'s {@code WARN_ON_ONCE(slab_is_available())} has fired. */
    private boolean slabWarned;
    /** {@code kzalloc_node} once slab is available; NULL before anything provides it. */
    private java.util.function.LongUnaryOperator kzalloc = size -> 0;
    /** {@code kfree} of what {@link #kzalloc} returned for {@code size} bytes, by physical address. */
    private java.util.function.BiConsumer<Long, Long> kfree = (phys, size) -> { };
    /** The live allocations, model bookkeeping for the invariants. */
    final Allocations allocations;
    private final FreeMemRanges freeMemRanges;
    /** Also grows the region arrays ({@code memblock_double_array}). */
    private final MemblockAllocator allocator;
    private final MemblockLimits limits;
    private LinearMap linearMap = LinearMap.IDENTITY;
    private boolean slabAvailable;

    /** An empty memblock, as the kernel's static initializer leaves it. */
    public Memblock() {
        this(Bugs.NONE);
    }

    /** An empty memblock running the seeded bugs in {@code bugs} that are {@link MemblockBug}s. */
    public Memblock(Bugs bugs) {
        this(new MemblockType("memory", bugs), new MemblockType("reserved", bugs), new Allocations());
    }

    private Memblock(Memblock o) {
        this(new MemblockType(o.memory), new MemblockType(o.reserved), new Allocations(o.allocations));
        bottomUp = o.bottomUp;
        currentLimit = o.currentLimit;
        canResize = o.canResize;
        slabWarned = o.slabWarned;
        kzalloc = o.kzalloc;
        kfree = o.kfree;
        linearMap = o.linearMap;
        slabAvailable = o.slabAvailable;
    }

    private Memblock(MemblockType memory, MemblockType reserved, Allocations allocations) {
        this.memory = memory;
        this.reserved = reserved;
        this.allocations = allocations;
        freeMemRanges = new FreeMemRanges(memory, reserved);
        allocator = new MemblockAllocator(this, freeMemRanges);
        limits = new MemblockLimits(memory, reserved, allocations, allocator);
    }

    /**
     * Arrays up to this many regions are checked whole after every call; above it, the per-step
     * checks look only at what the call changed ({@link #checkWindow}), and the complete scan at
     * the end of a scenario or chain looks at everything. No board comes near it (a booted 3 GiB
     * board has a dozen reserved regions); 10^5 reserves do.
     */
    public static final int CHECK_WHOLE_UP_TO = 1024;

    private int[][] checkWindows = {null, null};
    /**
     * How many times a mutating method has been called: memblock's change signal for the per-step
     * checks, which skip memblock's invariants while it stands still (after boot it does not move).
     * Counted at the public entry points, so no internal path can change a region unseen.
     */
    private long changes;

    /** The number of mutating calls made so far: it moves whenever memblock may have changed. */
    public long changeCount() {
        return changes;
    }

    /**
     * Starts an invariant check: the regions changed since the last one become the check's
     * window; with {@code complete}, or for a small array, the window is the whole array.
     */
    public void beginCheck(boolean complete) {
        MemblockType[] types = {memory, reserved};
        for (int t = 0; t < 2; t++) {
            int[] w = types[t].takeDirty();
            checkWindows[t] = complete || types[t].cnt <= CHECK_WHOLE_UP_TO ? null : w;
        }
    }

    /**
     * The indices of {@code memory} ({@code reserved} false) or {@code reserved} the current
     * check looks at: {lo, hi} inclusive (lo > hi: none), or null for the whole array.
     */
    public int[] checkWindow(boolean ofReserved) {
        return checkWindows[ofReserved ? 1 : 0];
    }

    /** Region {@code i} of {@code memory} or {@code reserved}, read without copying the array. */
    public Region region(boolean ofReserved, int i) {
        MemblockType t = ofReserved ? reserved : memory;
        if (i < 0 || i >= t.cnt) {
            throw new IndexOutOfBoundsException("memblock." + t.name + "[" + i + "], cnt is " + t.cnt);
        }
        return new Region(t.base[i], t.size[i], t.flags[i]);
    }

    /** The seeded bugs this memblock runs. */
    public Bugs bugs() {
        return memory.bugs;
    }

    /**
     * The kernel's linear map, {@code __va}/{@code __pa}, as boot set it up: the identity until
     * then (and in a bare kernel, as in tools/testing/memblock).
     */
    public LinearMap linearMap() {
        return linearMap;
    }

    /** Boot's {@code paging_init}: from now on virtual-address calls convert through {@code map}. */
    public void useLinearMap(LinearMap map) {
        changes++;
        this.linearMap = java.util.Objects.requireNonNull(map, "map");
    }

    /**
     * True once {@code slab_is_available()} (mm/slab_common.c): the {@code memblock_alloc*}
     * calls then warn (once) and allocate from the page allocator ({@code MemblockOp.slabAvailable}).
     */
    public boolean slabAvailable() {
        return slabAvailable;
    }

    /** Boot's {@code mm_init} reached the slab allocator: set by the subsystem that hands memory over. */
    public void markSlabAvailable() {
        changes++;
        this.slabAvailable = true;
    }

    /**
     * Boot's {@code mm_init} reached the slab allocator, whose {@code kzalloc_node(size,
     * GFP_NOWAIT)} is {@code kzalloc}: what a {@code memblock_alloc*} call returns from then on
     * (memblock sits below the page allocator, so the allocator is handed in).
     */
    public void markSlabAvailable(java.util.function.LongUnaryOperator kzalloc) {
        changes++;
        this.slabAvailable = true;
        this.kzalloc = java.util.Objects.requireNonNull(kzalloc, "kzalloc");
    }

    /**
     * As {@link #markSlabAvailable(java.util.function.LongUnaryOperator)}, with the matching
     * {@code kfree}, given the block's physical address and the size asked for:
     * {@code memblock_double_array} then takes a new array with {@code kmalloc} and gives a
     * slab-allocated old one back with {@code kfree}.
     */
    public void markSlabAvailable(java.util.function.LongUnaryOperator kzalloc,
            java.util.function.BiConsumer<Long, Long> kfree) {
        markSlabAvailable(kzalloc);
        this.kfree = java.util.Objects.requireNonNull(kfree, "kfree");
    }

    /** {@code kfree} of the block at physical {@code phys} that {@link #kzallocNode} returned for {@code size} bytes. */
    void kfree(long phys, long size) {
        changes++;
        kfree.accept(phys, size);
    }

    /** {@code kzalloc_node(size, GFP_NOWAIT)} once slab is available: a kernel virtual address, 0 for NULL. */
    public long kzallocNode(long size) {
        changes++;
        return kzalloc.applyAsLong(size);
    }

    /** A deep copy of this memblock, for reports and comparisons. */
    public Memblock snapshot() {
        return new Memblock(this);
    }

    /**
     * Empties both arrays and restores the initial attributes, as the kernel test suite's
     * {@code reset_memblock_regions} and {@code reset_memblock_attributes} do
     * (tools/testing/memblock/tests/common.c). Not a kernel call.
     */
    public Result reset() {
        changes++;
        Memblock fresh = new Memblock(memory.bugs);
        memory.copyFrom(fresh.memory);
        reserved.copyFrom(fresh.reserved);
        bottomUp = false;
        currentLimit = ALLOC_ANYWHERE;
        canResize = false;
        allocations.clear();
        return Result.VOID;
    }

    // ---------------------------------------------------------------- adding and removing

    /** {@code memblock_add(base, size)}: adds a range to {@code memory}. */
    public Result add(long base, long size) {
        changes++;
        return memory.addRange(base & MASK, size & MASK, 0, allocator);
    }

    /** {@code memblock_add_node(base, size, nid, flags)} without a node: adds with {@code flags}. */
    public Result addNode(long base, long size, int flags) {
        changes++;
        return memory.addRange(base & MASK, size & MASK, flags, allocator);
    }

    /** {@code memblock_reserve(base, size)}: adds a range to {@code reserved}. */
    public Result reserve(long base, long size) {
        changes++;
        return reserved.addRange(base & MASK, size & MASK, 0, allocator);
    }

    /** {@code memblock_remove(base, size)}: takes a range out of {@code memory}. */
    public Result remove(long base, long size) {
        changes++;
        long b = base & MASK;
        long s = capSize(b, size & MASK);
        allocations.retire(b, s);
        return memory.removeRange(b, size & MASK, allocator);
    }

    /** {@code memblock_phys_free(base, size)}: takes a range out of {@code reserved}. */
    public Result physFree(long base, long size) {
        changes++;
        long b = base & MASK;
        long s = capSize(b, size & MASK);
        allocations.retire(b, s);
        Result r = reserved.removeRange(b, size & MASK, allocator);
        if (!r.isRefused()) {
            // a region array whose pages went with it keeps no whole reservation (model bookkeeping)
            memory.releasedBy(b, s);
            reserved.releasedBy(b, s);
        }
        return r;
    }

    /** {@code memblock_mark_nomap(base, size)}: sets {@code MEMBLOCK_NOMAP}, splitting regions. */
    public Result markNomap(long base, long size) {
        changes++;
        long b = base & MASK;
        allocations.retire(b, capSize(b, size & MASK));
        return memory.setClrFlag(b, size & MASK, true, NOMAP, allocator);
    }

    /** {@code memblock_clear_nomap(base, size)}: clears {@code MEMBLOCK_NOMAP}. */
    public Result clearNomap(long base, long size) {
        changes++;
        return memory.setClrFlag(base & MASK, size & MASK, false, NOMAP, allocator);
    }

    /** {@code memblock_mark_hotplug(base, size)}. */
    public Result markHotplug(long base, long size) {
        changes++;
        return memory.setClrFlag(base & MASK, size & MASK, true, HOTPLUG, allocator);
    }

    /** {@code memblock_clear_hotplug(base, size)}. */
    public Result clearHotplug(long base, long size) {
        changes++;
        return memory.setClrFlag(base & MASK, size & MASK, false, HOTPLUG, allocator);
    }

    /** {@code memblock_set_bottom_up(enable)}. */
    public Result setBottomUp(boolean enable) {
        changes++;
        bottomUp = enable;
        return Result.VOID;
    }

    /** {@code memblock_set_current_limit(limit)}. */
    public Result setCurrentLimit(long limit) {
        changes++;
        currentLimit = limit & MASK;
        return Result.VOID;
    }

    /**
     * {@code memblock_allow_resize()}: from now on a full array is doubled
     * ({@code memblock_double_array}) instead of the call failing with -ENOMEM. ARM calls it at
     * the start of {@code bootmem_init} (arch/arm/mm/init.c); until then a full array
     * makes the call fail.
     */
    public Result allowResize() {
        changes++;
        canResize = true;
        return Result.VOID;
    }

    /** {@code memblock_trim_memory(align)}: shrinks memory regions to whole multiples of {@code align}. */
    public Result trimMemory(long align) {
        changes++;
        return limits.trimMemory(align);
    }

    /** {@code memblock_enforce_memory_limit(limit)} ({@code mem=}): keeps the first {@code limit} bytes. */
    public Result enforceMemoryLimit(long limit) {
        changes++;
        return limits.enforceMemoryLimit(limit);
    }

    /** {@code memblock_cap_memory_range(base, size)}: drops mapped memory and reservations outside. */
    public Result capMemoryRange(long base, long size) {
        changes++;
        return limits.capMemoryRange(base, size);
    }

    /** {@code memblock_mem_limit_remove_map(limit)}: {@code mem=} that keeps NOMAP regions. */
    public Result memLimitRemoveMap(long limit) {
        changes++;
        return limits.memLimitRemoveMap(limit);
    }

    // ---------------------------------------------------------------- allocation

    /**
     * {@code memblock_alloc_try_nid(size, align, min_addr, max_addr, NUMA_NO_NODE)} without the
     * final {@code phys_to_virt}: {@code memblock_alloc_internal} clamps {@code max_addr} to the
     * current limit, tries {@code [min_addr, max_addr)}, then drops {@code min_addr}.
     *
     * @return the physical address of the allocation, 0 on failure
     */
    public Result allocTryNid(long size, long align, long minAddr, long maxAddr) {
        changes++;
        return alignFinding(allocator.allocInternal(size & MASK, align & MASK, minAddr & MASK, maxAddr & MASK), align & MASK);
    }

    /**
     * The address an allocation returned, with the model's finding when {@code align} is not a
     * power of two: 6.1 does not check it ({@code memblock_alloc_range_nid}), and its
     * {@code round_up}/{@code round_down} (include/linux/math.h) work through the mask
     * {@code align - 1}, so the address it returns need not be a multiple of {@code align}
     * (bottom-up, not even clear of the mask's bits).
     */
    private static Result alignFinding(long addr, long align) {
        if (align == 0 || (align & (align - 1)) == 0 || addr == 0) {
            return Result.of(addr);
        }
        return Result.finding(addr, String.format("align %#x is not a power of two: 6.1 rounds through the mask %#x "
                + "and returns %#x, %s", align, align - 1, addr,
                addr % align == 0 ? "by chance a multiple of it" : "not a multiple of it"));
    }

    /** {@code memblock_alloc_try_nid_raw}: the same placement; memory contents are not modelled. */
    public Result allocTryNidRaw(long size, long align, long minAddr, long maxAddr) {
        return allocTryNid(size, align, minAddr, maxAddr);
    }

    /** {@code memblock_phys_alloc_range(size, align, start, end)}: no retry, no limit clamp. */
    public Result physAllocRange(long size, long align, long start, long end) {
        changes++;
        return alignFinding(allocRangeNid(size & MASK, align & MASK, start & MASK, end & MASK), align & MASK);
    }

    /** {@code memblock_phys_alloc(size, align)}: anywhere below the current limit. */
    public Result physAlloc(long size, long align) {
        return physAllocRange(size, align, 0, ALLOC_ACCESSIBLE);
    }

    /** {@code memblock_alloc_range_nid}: finds a free block and reserves it; its address, 0 on failure. */
    public long allocRangeNid(long size, long align, long start, long end) {
        changes++;
        return allocator.allocRangeNid(size, align, start, end);
    }

    /**
     * The free ranges, memory minus reserved, skipping NOMAP memory: {@code for_each_free_mem_range}
     * in ascending order, or {@code for_each_free_mem_range_reverse} in descending order.
     *
     * @return {start, end} pairs, end exclusive
     */
    public List<long[]> freeRanges(boolean reverse) {
        return freeMemRanges.ranges(reverse);
    }

    // ---------------------------------------------------------------- phys_addr_t arithmetic

    /** {@code memblock_cap_size}: shortens {@code size} so that {@code base + size <= PHYS_ADDR_MAX}. */
    static long capSize(long base, long size) {
        return Math.min(size, PHYS_ADDR_MAX - base);
    }

    /** The kernel's {@code round_up} on a 32-bit {@code phys_addr_t} (mask arithmetic). */
    static long roundUp(long x, long align) {
        return ((((x - 1) & MASK) | ((align - 1) & MASK)) + 1) & MASK;
    }

    /** The kernel's {@code round_down} on a 32-bit {@code phys_addr_t}. */
    static long roundDown(long x, long align) {
        return x & ~((align - 1) & MASK) & MASK;
    }

    // ---------------------------------------------------------------- queries

    /** {@code memblock_is_reserved(addr)}. */
    public boolean isReserved(long addr) {
        return reserved.search(addr & MASK) != -1;
    }

    /** {@code memblock_is_memory(addr)}. */
    public boolean isMemory(long addr) {
        return memory.search(addr & MASK) != -1;
    }

    /** {@code memblock_is_map_memory(addr)}: memory and not NOMAP. */
    public boolean isMapMemory(long addr) {
        int i = memory.search(addr & MASK);
        return i != -1 && (memory.flags[i] & NOMAP) == 0;
    }

    /** {@code memblock_is_region_memory(base, size)}: the range lies in one memory region. */
    public boolean isRegionMemory(long base, long size) {
        long b = base & MASK;
        int i = memory.search(b);
        long end = b + capSize(b, size & MASK);
        return i != -1 && memory.end(i) >= end;
    }

    /** {@code memblock_is_region_reserved(base, size)}: the range overlaps a reservation. */
    public boolean isRegionReserved(long base, long size) {
        return reserved.overlapsRegion(base & MASK, size & MASK);
    }

    /** {@code memblock_start_of_DRAM()}: the base of the first memory region. */
    public long startOfDram() {
        return memory.base[0];
    }

    /** {@code memblock_end_of_DRAM()}: the end of the last memory region. */
    public long endOfDram() {
        return memory.end(memory.cnt - 1);
    }

    /** {@code memblock_phys_mem_size()}: {@code memory.total_size}. */
    public long physMemSize() {
        return memory.totalSize;
    }

    /** {@code memblock_reserved_size()}: {@code reserved.total_size}. */
    public long reservedSize() {
        return reserved.totalSize;
    }

    /** The regions of memblock.memory, in order (the dummy when empty). */
    public List<Region> memory() {
        return memory.regions();
    }

    /** The regions of memblock.reserved, in order (the dummy when empty). */
    public List<Region> reserved() {
        return reserved.regions();
    }

    /** {@code memblock.memory.cnt}. */
    public int memoryCnt() {
        return memory.cnt;
    }

    /** {@code memblock.reserved.cnt}. */
    public int reservedCnt() {
        return reserved.cnt;
    }

    /** {@code memblock.memory.max}: the array's capacity. */
    public int memoryMax() {
        return memory.max;
    }

    /** {@code memblock.reserved.max}: the array's capacity. */
    public int reservedMax() {
        return reserved.max;
    }

    /** {@code memblock.memory.total_size} as kept incrementally (not recomputed). */
    public long memoryTotalSize() {
        return memory.totalSize;
    }

    /** {@code memblock.reserved.total_size} as kept incrementally (not recomputed). */
    public long reservedTotalSize() {
        return reserved.totalSize;
    }

    /**
     * How much {@code memblock_trim_memory} shrank memory regions in place without lowering
     * {@code memory.total_size} (as the kernel does): total_size minus the sum of the sizes.
     */
    public long memoryTrimmedBytes() {
        return memory.trimmedBytes;
    }

    /** {@code memblock.reserved} has no trim: always 0, for symmetry in checks. */
    public long reservedTrimmedBytes() {
        return reserved.trimmedBytes;
    }

    /**
     * True the first time a {@code memblock_alloc*} call comes after slab is up: the one time
     * {@code WARN_ON_ONCE(slab_is_available())} in {@code memblock_alloc_internal} prints.
     */
    public boolean warnOnceSlabAvailable() {
        boolean first = !slabWarned;
        slabWarned = true;
        return first;
    }

    /** {@code memblock_bottom_up()}. */
    public boolean bottomUp() {
        return bottomUp;
    }

    /** {@code memblock_get_current_limit()}. */
    public long currentLimit() {
        return currentLimit;
    }

    /**
     * {@code __pa(memblock.memory.regions)} ({@code ofReserved} false) or
     * {@code __pa(memblock.reserved.regions)} once {@code memblock_double_array} moved that array
     * into memblock memory; -1 while it is the static {@code memblock_*_init_regions} array.
     */
    public long regionsPhys(boolean ofReserved) {
        return (ofReserved ? reserved : memory).arrayPhys;
    }

    /**
     * True when that array came from {@code kmalloc} ({@code memblock_memory_in_slab},
     * {@code memblock_reserved_in_slab}): doubled after slab was up, so not memblock's own memory.
     */
    public boolean regionsInSlab(boolean ofReserved) {
        return (ofReserved ? reserved : memory).arrayInSlab;
    }

    /**
     * True when a call has since taken part of that array's pages out of {@code reserved}
     * ({@code memblock_phys_free} or a memory limit over them): model bookkeeping, as for the
     * live allocations, which the kernel does not keep.
     */
    public boolean regionsReleased(boolean ofReserved) {
        return (ofReserved ? reserved : memory).arrayReleased;
    }

    /** Whether {@code memblock_allow_resize()} was called. */
    public boolean canResize() {
        return canResize;
    }

    /** The live allocations, by base (model bookkeeping, not kernel state). */
    public Collection<Allocation> allocations() {
        return allocations.view();
    }

    /**
     * Reads {@code memblock.memory.cnt|total_size|max}, {@code memblock.memory[i].base|size|flags},
     * the same under {@code reserved}, {@code memblock.bottom_up} and
     * {@code memblock.current_limit}; empty for other names, {@link ObservableException} for an
     * index out of range.
     */
    public OptionalLong observe(ObservablePath path) {
        return MemblockObservables.observe(this, path);
    }
}
