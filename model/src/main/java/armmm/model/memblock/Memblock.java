package armmm.model.memblock;

import armmm.model.check.SeededBug;
import armmm.model.kernel.ObservableException;
import armmm.model.kernel.ObservablePath;
import armmm.model.kernel.Result;
import java.util.ArrayList;
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
    public static final long PAGE_SIZE = 4096;
    /** {@code SMP_CACHE_BYTES} of the armmp build ({@code CONFIG_ARM_L1_CACHE_SHIFT=6}). */
    public static final long SMP_CACHE_BYTES = 64;
    /** {@code sizeof(struct memblock_region)} on 32-bit ARM without NUMA: base, size, flags. */
    public static final long REGION_STRUCT_SIZE = 12;

    private static final long MASK = 0xffff_ffffL;

    final MemblockType memory;
    final MemblockType reserved;
    private boolean bottomUp;
    private long currentLimit = ALLOC_ANYWHERE;
    private boolean canResize;
    /** The live allocations, model bookkeeping for the invariants. */
    final Allocations allocations;
    private final MemblockType.Resizer resizer = this::doubleArray;

    /** An empty memblock, as the kernel's static initializer leaves it. */
    public Memblock() {
        memory = new MemblockType("memory");
        reserved = new MemblockType("reserved");
        allocations = new Allocations();
    }

    private Memblock(Memblock o) {
        memory = new MemblockType(o.memory);
        reserved = new MemblockType(o.reserved);
        bottomUp = o.bottomUp;
        currentLimit = o.currentLimit;
        canResize = o.canResize;
        allocations = new Allocations(o.allocations);
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
        Memblock fresh = new Memblock();
        copyType(fresh.memory, memory);
        copyType(fresh.reserved, reserved);
        bottomUp = false;
        currentLimit = ALLOC_ANYWHERE;
        canResize = false;
        allocations.clear();
        return Result.VOID;
    }

    private static void copyType(MemblockType from, MemblockType to) {
        to.base = from.base;
        to.size = from.size;
        to.flags = from.flags;
        to.cnt = from.cnt;
        to.max = from.max;
        to.totalSize = from.totalSize;
        to.arrayPhys = from.arrayPhys;
        to.trimmedBytes = from.trimmedBytes;
    }

    // ---------------------------------------------------------------- adding and removing

    /** {@code memblock_add(base, size)}: adds a range to {@code memory}. */
    public Result add(long base, long size) {
        return memory.addRange(base & MASK, size & MASK, 0, resizer);
    }

    /** {@code memblock_add_node(base, size, nid, flags)} without a node: adds with {@code flags}. */
    public Result addNode(long base, long size, int flags) {
        return memory.addRange(base & MASK, size & MASK, flags, resizer);
    }

    /** {@code memblock_reserve(base, size)}: adds a range to {@code reserved}. */
    public Result reserve(long base, long size) {
        return reserved.addRange(base & MASK, size & MASK, 0, resizer);
    }

    /** {@code memblock_remove(base, size)}: takes a range out of {@code memory}. */
    public Result remove(long base, long size) {
        long b = base & MASK;
        long s = capSize(b, size & MASK);
        allocations.retire(b, s);
        return memory.removeRange(b, size & MASK, resizer);
    }

    /** {@code memblock_phys_free(base, size)}: takes a range out of {@code reserved}. */
    public Result physFree(long base, long size) {
        long b = base & MASK;
        long s = capSize(b, size & MASK);
        allocations.retire(b, s);
        return reserved.removeRange(b, size & MASK, resizer);
    }

    /** {@code memblock_mark_nomap(base, size)}: sets {@code MEMBLOCK_NOMAP}, splitting regions. */
    public Result markNomap(long base, long size) {
        long b = base & MASK;
        allocations.retire(b, capSize(b, size & MASK));
        return memory.setClrFlag(b, size & MASK, true, NOMAP, resizer);
    }

    /** {@code memblock_clear_nomap(base, size)}: clears {@code MEMBLOCK_NOMAP}. */
    public Result clearNomap(long base, long size) {
        return memory.setClrFlag(base & MASK, size & MASK, false, NOMAP, resizer);
    }

    /** {@code memblock_mark_hotplug(base, size)}. */
    public Result markHotplug(long base, long size) {
        return memory.setClrFlag(base & MASK, size & MASK, true, HOTPLUG, resizer);
    }

    /** {@code memblock_clear_hotplug(base, size)}. */
    public Result clearHotplug(long base, long size) {
        return memory.setClrFlag(base & MASK, size & MASK, false, HOTPLUG, resizer);
    }

    /** {@code memblock_set_bottom_up(enable)}. */
    public Result setBottomUp(boolean enable) {
        bottomUp = enable;
        return Result.VOID;
    }

    /** {@code memblock_set_current_limit(limit)}. */
    public Result setCurrentLimit(long limit) {
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
        canResize = true;
        return Result.VOID;
    }

    /**
     * {@code memblock_trim_memory(align)}: shrinks each memory region to whole multiples of
     * {@code align}, dropping those that become empty. {@code align} is meant to be a power of two;
     * other values act through the kernel's mask arithmetic.
     */
    public Result trimMemory(long align) {
        long a = align & MASK;
        for (int i = 0; i < memory.cnt; i++) {
            long origStart = memory.base[i];
            long origEnd = memory.end(i);
            long start = roundUp(origStart, a);
            long end = roundDown(origEnd, a);
            if (start == origStart && end == origEnd) {
                continue;
            }
            if (start < end) {
                allocations.retire(origStart, start - origStart);
                allocations.retire(end, origEnd - end);
                // The kernel changes the region in place and leaves total_size alone: kept as is,
                // and the difference recorded so that INV-MEMBLOCK-03 still holds.
                memory.trimmedBytes += (origEnd - origStart) - (end - start);
                memory.base[i] = start;
                memory.size[i] = end - start;
            } else {
                allocations.retire(origStart, origEnd - origStart);
                memory.removeRegion(i);
                i--;
            }
        }
        return Result.VOID;
    }

    /**
     * {@code memblock_enforce_memory_limit(limit)} ({@code mem=}): keeps the first {@code limit}
     * bytes of memory and drops memory and reservations above them.
     */
    public Result enforceMemoryLimit(long limit) {
        long l = limit & MASK;
        if (l == 0) {
            return Result.VOID;
        }
        long maxAddr = findMaxAddr(l);
        if (maxAddr == PHYS_ADDR_MAX) {
            return Result.VOID;
        }
        allocations.retire(maxAddr, capSize(maxAddr, PHYS_ADDR_MAX));
        Result r = memory.removeRange(maxAddr, PHYS_ADDR_MAX, resizer);
        Result s = reserved.removeRange(maxAddr, PHYS_ADDR_MAX, resizer);
        return r.isRefused() ? r : s;
    }

    /** {@code __find_max_addr}: the address below which memory holds {@code limit} bytes. */
    private long findMaxAddr(long limit) {
        long left = limit;
        for (int i = 0; i < memory.cnt; i++) {
            if (left <= memory.size[i]) {
                return (memory.base[i] + left) & MASK;
            }
            left -= memory.size[i];
        }
        return PHYS_ADDR_MAX;
    }

    /**
     * {@code memblock_cap_memory_range(base, size)}: drops the mapped memory outside the range and
     * the reservations outside it; NOMAP regions outside stay.
     */
    public Result capMemoryRange(long base, long size) {
        long b = base & MASK;
        long s = size & MASK;
        if (s == 0) {
            return Result.VOID;
        }
        if (memory.totalSize == 0) {
            return Result.refused("memblock_cap_memory_range: No memory registered yet");
        }
        if (!memory.makeRoomForIsolate(b, s, resizer)) {
            return memory.enomem();
        }
        long capped = capSize(b, s);
        int[] se = memory.isolate(b, b + capped);
        for (int i = memory.cnt - 1; i >= se[1]; i--) {
            if ((memory.flags[i] & NOMAP) == 0) {
                allocations.retire(memory.base[i], memory.size[i]);
                memory.removeRegion(i);
            }
        }
        for (int i = se[0] - 1; i >= 0; i--) {
            if ((memory.flags[i] & NOMAP) == 0) {
                allocations.retire(memory.base[i], memory.size[i]);
                memory.removeRegion(i);
            }
        }
        Result r = reserved.removeRange(0, b, resizer);
        Result t = reserved.removeRange((b + capped) & MASK, PHYS_ADDR_MAX, resizer);
        return r.isRefused() ? r : t;
    }

    /** {@code memblock_mem_limit_remove_map(limit)}: {@code mem=} that keeps NOMAP regions. */
    public Result memLimitRemoveMap(long limit) {
        long l = limit & MASK;
        if (l == 0) {
            return Result.VOID;
        }
        long maxAddr = findMaxAddr(l);
        if (maxAddr == PHYS_ADDR_MAX) {
            return Result.VOID;
        }
        return capMemoryRange(0, maxAddr);
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
        return Result.of(allocInternal(size & MASK, align & MASK, minAddr & MASK, maxAddr & MASK));
    }

    /** {@code memblock_alloc_try_nid_raw}: the same placement; memory contents are not modelled. */
    public Result allocTryNidRaw(long size, long align, long minAddr, long maxAddr) {
        return allocTryNid(size, align, minAddr, maxAddr);
    }

    /** {@code memblock_phys_alloc_range(size, align, start, end)}: no retry, no limit clamp. */
    public Result physAllocRange(long size, long align, long start, long end) {
        return Result.of(allocRangeNid(size & MASK, align & MASK, start & MASK, end & MASK));
    }

    /** {@code memblock_phys_alloc(size, align)}: anywhere below the current limit. */
    public Result physAlloc(long size, long align) {
        return physAllocRange(size, align, 0, ALLOC_ACCESSIBLE);
    }

    private long allocInternal(long size, long align, long minAddr, long maxAddr) {
        long max = maxAddr;
        if (max > currentLimit && !SeededBug.MEMBLOCK_ALLOC_IGNORES_LIMIT.isActive()) {
            max = currentLimit;
        }
        long found = allocRangeNid(size, align, minAddr, max);
        if (found == 0 && minAddr != 0) {
            found = allocRangeNid(size, align, 0, max);
        }
        return found;
    }

    /**
     * {@code memblock_alloc_range_nid}: finds a free block and reserves it.
     *
     * @return the physical address, 0 on failure
     */
    public long allocRangeNid(long size, long align, long start, long end) {
        long a = align == 0 ? SMP_CACHE_BYTES : align; // the kernel dump_stack()s and goes on
        long found = findInRangeNode(size, a, start, end);
        if (found == 0) {
            return 0;
        }
        if (!SeededBug.MEMBLOCK_ALLOC_UNRESERVED.isActive() && reserve(found, size).isRefused()) {
            return 0;
        }
        if (size > 0) {
            long limit = end == ALLOC_ACCESSIBLE || end == ALLOC_NOLEAKTRACE ? currentLimit : end;
            allocations.record(new Allocation(found, size, a, limit));
        }
        return found;
    }

    /** {@code memblock_find_in_range_node}: a free, aligned block in {@code [start, end)} or 0. */
    private long findInRangeNode(long size, long align, long start, long end) {
        long e = end;
        if (e == ALLOC_ACCESSIBLE || e == ALLOC_NOLEAKTRACE) {
            e = SeededBug.MEMBLOCK_ALLOC_IGNORES_LIMIT.isActive() ? ALLOC_ANYWHERE : currentLimit;
        }
        long s = Math.max(start, PAGE_SIZE); // never hand out the first page
        e = Math.max(s, e);
        return bottomUp ? findBottomUp(s, e, size, align) : findTopDown(s, e, size, align);
    }

    /** {@code __memblock_find_range_bottom_up}. */
    private long findBottomUp(long start, long end, long size, long align) {
        for (long[] r : freeRanges(false)) {
            long thisStart = clamp(r[0], start, end);
            long thisEnd = clamp(r[1], start, end);
            long cand = SeededBug.MEMBLOCK_ALLOC_MISALIGNED.isActive() ? thisStart : roundUp(thisStart, align);
            if (cand < thisEnd && thisEnd - cand >= size) {
                return cand;
            }
        }
        return 0;
    }

    /** {@code __memblock_find_range_top_down}. */
    private long findTopDown(long start, long end, long size, long align) {
        for (long[] r : freeRanges(true)) {
            long thisStart = clamp(r[0], start, end);
            long thisEnd = clamp(r[1], start, end);
            if (thisEnd < size) {
                continue;
            }
            long cand = SeededBug.MEMBLOCK_ALLOC_MISALIGNED.isActive()
                    ? thisEnd - size : roundDown(thisEnd - size, align);
            if (cand >= thisStart) {
                return cand;
            }
        }
        return 0;
    }

    /**
     * The free ranges, memory minus reserved, skipping NOMAP memory:
     * {@code for_each_free_mem_range} ({@code __next_mem_range}) in ascending order, or
     * {@code for_each_free_mem_range_reverse} ({@code __next_mem_range_rev}) in descending order.
     *
     * @return {start, end} pairs, end exclusive
     */
    public List<long[]> freeRanges(boolean reverse) {
        return reverse ? nextMemRangeRev() : nextMemRange();
    }

    private boolean skip(int i) {
        return (memory.flags[i] & NOMAP) != 0 && !SeededBug.MEMBLOCK_ALLOC_INTO_NOMAP.isActive();
    }

    /** The gap before reserved region {@code ib}: its start. */
    private long gapStart(int ib) {
        if (SeededBug.MEMBLOCK_ALLOC_OVER_RESERVED.isActive()) {
            return 0;
        }
        return ib > 0 ? reserved.end(ib - 1) : 0;
    }

    /** The gap before reserved region {@code ib}: its end ({@code PHYS_ADDR_MAX} after the last). */
    private long gapEnd(int ib) {
        if (SeededBug.MEMBLOCK_ALLOC_OVER_RESERVED.isActive()) {
            return PHYS_ADDR_MAX;
        }
        return ib < reserved.cnt ? reserved.base[ib] : PHYS_ADDR_MAX;
    }

    private int gapCount() {
        return SeededBug.MEMBLOCK_ALLOC_OVER_RESERVED.isActive() ? 1 : reserved.cnt + 1;
    }

    private long[] piece(long mStart, long mEnd, long rStart, long rEnd) {
        long end = SeededBug.MEMBLOCK_FREE_RANGE_PAST_MEMORY.isActive() ? rEnd : Math.min(mEnd, rEnd);
        return new long[] {Math.max(mStart, rStart), end};
    }

    private List<long[]> nextMemRange() {
        List<long[]> out = new ArrayList<>();
        int ia = 0;
        int ib = 0;
        int gaps = gapCount();
        while (ia < memory.cnt) {
            if (skip(ia)) {
                ia++;
                continue;
            }
            long mStart = memory.base[ia];
            long mEnd = memory.end(ia);
            boolean advanced = false;
            while (ib < gaps) {
                long rStart = gapStart(ib);
                long rEnd = gapEnd(ib);
                if (rStart >= mEnd) {
                    break;
                }
                if (mStart < rEnd) {
                    out.add(piece(mStart, mEnd, rStart, rEnd));
                    if (mEnd <= rEnd) {
                        ia++;
                        advanced = true;
                        break;
                    }
                }
                ib++;
            }
            if (!advanced) {
                ia++;
            }
        }
        return out;
    }

    private List<long[]> nextMemRangeRev() {
        List<long[]> out = new ArrayList<>();
        int ia = memory.cnt - 1;
        int ib = gapCount() - 1;
        while (ia >= 0) {
            if (skip(ia)) {
                ia--;
                continue;
            }
            long mStart = memory.base[ia];
            long mEnd = memory.end(ia);
            boolean advanced = false;
            while (ib >= 0) {
                long rStart = gapStart(ib);
                long rEnd = gapEnd(ib);
                if (rEnd <= mStart) {
                    break;
                }
                if (mEnd > rStart) {
                    out.add(piece(mStart, mEnd, rStart, rEnd));
                    if (mStart >= rStart) {
                        ia--;
                        advanced = true;
                        break;
                    }
                }
                ib--;
            }
            if (!advanced) {
                ia--;
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- the array machinery

    /** {@code memblock_cap_size}: shortens {@code size} so that {@code base + size <= PHYS_ADDR_MAX}. */
    static long capSize(long base, long size) {
        return Math.min(size, PHYS_ADDR_MAX - base);
    }

    /**
     * {@code memblock_double_array} before slab is up: finds a page-aligned block for an array of
     * twice the entries ({@code PAGE_ALIGN(2 * max * sizeof(struct memblock_region))}), avoiding
     * the range being reserved, moves the array there, frees the old array unless it was the
     * static one, and reserves the new one.
     */
    private boolean doubleArray(MemblockType type, long newAreaStart, long newAreaSize) {
        if (!canResize) {
            return false;
        }
        long oldSize = type.max * REGION_STRUCT_SIZE;
        long newSize = oldSize * 2;
        long oldAllocSize = pageAlign(oldSize);
        long newAllocSize = pageAlign(newSize);
        long avoidStart = type == reserved ? newAreaStart : 0;
        long avoidSize = type == reserved ? newAreaSize : 0;
        long addr = findInRangeNode(newAllocSize, PAGE_SIZE, avoidStart + avoidSize, currentLimit);
        if (addr == 0 && avoidSize != 0) {
            addr = findInRangeNode(newAllocSize, PAGE_SIZE, 0, Math.min(avoidStart, currentLimit));
        }
        if (addr == 0) {
            return false;
        }
        type.grow();
        long old = type.arrayPhys;
        type.arrayPhys = addr;
        if (old >= 0) {
            physFree(old, oldAllocSize);
        }
        if (reserve(addr, newAllocSize).isRefused()) {
            throw new IllegalStateException("memblock_double_array: reserving the new " + type.name
                    + " array failed (the kernel BUG()s)");
        }
        return true;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.min(Math.max(v, lo), hi);
    }

    /** The kernel's {@code round_up} on a 32-bit {@code phys_addr_t} (mask arithmetic). */
    static long roundUp(long x, long align) {
        return ((((x - 1) & MASK) | ((align - 1) & MASK)) + 1) & MASK;
    }

    /** The kernel's {@code round_down} on a 32-bit {@code phys_addr_t}. */
    static long roundDown(long x, long align) {
        return x & ~((align - 1) & MASK) & MASK;
    }

    private static long pageAlign(long x) {
        return (x + PAGE_SIZE - 1) & -PAGE_SIZE;
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
        long b = base & MASK;
        long s = capSize(b, size & MASK);
        for (int i = 0; i < reserved.cnt; i++) {
            if (b < reserved.end(i) && reserved.base[i] < b + s) {
                return true;
            }
        }
        return false;
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

    /** {@code memblock_bottom_up()}. */
    public boolean bottomUp() {
        return bottomUp;
    }

    /** {@code memblock_get_current_limit()}. */
    public long currentLimit() {
        return currentLimit;
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
