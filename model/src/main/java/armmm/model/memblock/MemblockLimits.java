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
        String finding = null;
        for (int i = 0; i < memory.cnt; i++) {
            long origStart = memory.base[i];
            long origEnd = memory.end(i);
            long start = roundUp(origStart, a);
            long end = roundDown(origEnd, a);
            if (start == origStart && end == origEnd) {
                continue;
            }
            if (start < origStart && finding == null) {
                // round_up on a 32-bit phys_addr_t wrapped: 6.1 moves the region to the bottom of
                // the address space, over whatever lies below it; the model does the same and says so
                finding = String.format("round_up(%#x, %#x) wraps at 4 GiB: 6.1 moves region [%#x-%#x] to [%#x-%#x]",
                        origStart, a, origStart, origEnd - 1, start, end - 1);
            }
            if (start < end) {
                allocations.retire(origStart, start - origStart);
                allocations.retire(end, origEnd - end);
                // The kernel changes the region in place and leaves total_size alone: kept as is,
                // and the difference recorded so that INV-MEMBLOCK-03 still holds.
                memory.trimmedBytes += (origEnd - origStart) - (end - start);
                memory.base[i] = start;
                memory.size[i] = end - start;
                memory.touch(i);
                memory.unordered |= start < origStart;
            } else {
                allocations.retire(origStart, origEnd - origStart);
                memory.removeRegion(i);
                i--;
            }
        }
        return finding == null ? Result.VOID : Result.finding(0, finding);
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
        unreserve(maxAddr, PHYS_ADDR_MAX);
        Result s = reserved.removeRange(maxAddr, PHYS_ADDR_MAX, resizer);
        return partly("memblock_enforce_memory_limit", "", r, s, "memory above " + hex(maxAddr), "reserved regions above it");
    }

    /**
     * The outcome of a void limit function that makes two removals and ignores their errors, as
     * 6.1's do: a failure of either is reported with the kernel's {@code pr_err} and what the
     * kernel left behind (the other removal still happened).
     */
    private static Result partly(String function, String done, Result first, Result second, String firstWhat,
            String secondWhat) {
        if (!first.isRefused() && !second.isRefused()) {
            return Result.VOID;
        }
        Result.Refused failed = (Result.Refused) (first.isRefused() ? first : second);
        String left = first.isRefused() && second.isRefused() ? "neither " + firstWhat + " nor " + secondWhat + " removed"
                : first.isRefused() ? secondWhat + " removed, " + firstWhat + " kept"
                : firstWhat + " removed, " + secondWhat + " kept";
        return new Result.Refused(failed.reason(), failed.report() + " (" + function + " goes on: " + done + left + ")");
    }

    /** Reservations in {@code [b, b + s)} are about to go: a region array among them loses its pages. */
    private void unreserve(long b, long s) {
        long capped = capSize(b, s);
        memory.releasedBy(b, capped);
        reserved.releasedBy(b, capped);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
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
        // the NOMAP pieces isolate split off stay unmerged, as in 6.1, until a merge walks them
        memory.unmerged = true;
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
        // memory is capped by now; the kernel ignores a failure to truncate reserved
        unreserve(0, b);
        Result r = reserved.removeRange(0, b, resizer);
        unreserve((b + capped) & MASK, PHYS_ADDR_MAX);
        Result t = reserved.removeRange((b + capped) & MASK, PHYS_ADDR_MAX, resizer);
        return partly("memblock_cap_memory_range", "memory capped, ", r, t, "reserved regions below " + hex(b),
                "reserved regions above " + hex((b + capped) & MASK));
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
