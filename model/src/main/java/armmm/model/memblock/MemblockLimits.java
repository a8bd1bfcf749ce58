package armmm.model.memblock;

import static armmm.model.memblock.Memblock.MASK;
import static armmm.model.memblock.Memblock.NOMAP;
import static armmm.model.memblock.Memblock.PHYS_ADDR_MAX;
import static armmm.model.memblock.Memblock.capSize;
import static armmm.model.memblock.Memblock.roundDown;
import static armmm.model.memblock.Memblock.roundUp;

import armmm.model.core.Result;

/**
 * The memory limits of mm/memblock.c: {@code memblock_trim_memory},
 * {@code memblock_enforce_memory_limit} ({@code mem=}), {@code memblock_cap_memory_range} and
 * {@code memblock_mem_limit_remove_map}. Each drops memory from the region arrays and retires
 * the part of any live allocation that went with it.
 */
final class MemblockLimits {
    private final MemblockType memory;
    private final MemblockType reserved;
    private final Allocations allocations;
    private final MemblockType.Resizer resizer;

    MemblockLimits(MemblockType memory, MemblockType reserved, Allocations allocations,
            MemblockType.Resizer resizer) {
        this.memory = memory;
        this.reserved = reserved;
        this.allocations = allocations;
        this.resizer = resizer;
    }

    /**
     * {@code memblock_trim_memory(align)}: shrinks each memory region to whole multiples of
     * {@code align}, dropping those that become empty. {@code align} is meant to be a power of two;
     * other values act through the kernel's mask arithmetic.
     */
    Result trimMemory(long align) {
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
    Result enforceMemoryLimit(long limit) {
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
    Result capMemoryRange(long base, long size) {
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
    Result memLimitRemoveMap(long limit) {
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
}
