package armmm.model.memblock;

import static armmm.model.memblock.Memblock.NOMAP;
import static armmm.model.memblock.Memblock.PHYS_ADDR_MAX;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code for_each_free_mem_range} and {@code for_each_free_mem_range_reverse}
 * (include/linux/memblock.h), the walks of {@code __next_mem_range} and
 * {@code __next_mem_range_rev} (mm/memblock.c) over memory minus reserved: each memory region is
 * cut by the gaps between reserved regions, and NOMAP memory is skipped
 * ({@code should_skip_region}). The walk is run to the end and handed back as a list.
 */
final class FreeMemRanges {
    private final MemblockType memory;
    private final MemblockType reserved;
    private final armmm.model.core.Bugs bugs;

    FreeMemRanges(MemblockType memory, MemblockType reserved) {
        this.memory = memory;
        this.reserved = reserved;
        this.bugs = memory.bugs;
    }

    /**
     * The free ranges, in ascending order or, when {@code reverse}, in descending order.
     *
     * @return {start, end} pairs, end exclusive
     */
    List<long[]> ranges(boolean reverse) {
        return reverse ? nextMemRangeRev() : nextMemRange();
    }

    /** {@code should_skip_region} for memory region {@code i}: NOMAP memory is never free. */
    private boolean skip(int i) {
        return (memory.flags[i] & NOMAP) != 0 && !bugs.has(MemblockBug.MEMBLOCK_ALLOC_INTO_NOMAP);
    }

    /** The gap before reserved region {@code ib}: its start. */
    private long gapStart(int ib) {
        if (bugs.has(MemblockBug.MEMBLOCK_ALLOC_OVER_RESERVED)) {
            return 0;
        }
        return ib > 0 ? reserved.end(ib - 1) : 0;
    }

    /** The gap before reserved region {@code ib}: its end ({@code PHYS_ADDR_MAX} after the last). */
    private long gapEnd(int ib) {
        if (bugs.has(MemblockBug.MEMBLOCK_ALLOC_OVER_RESERVED)) {
            return PHYS_ADDR_MAX;
        }
        return ib < reserved.cnt ? reserved.base[ib] : PHYS_ADDR_MAX;
    }

    /** How many gaps the reserved regions leave, the one after the last included. */
    private int gapCount() {
        return bugs.has(MemblockBug.MEMBLOCK_ALLOC_OVER_RESERVED) ? 1 : reserved.cnt + 1;
    }

    /** The part of a memory region inside a gap, as {start, end}. */
    private long[] piece(long mStart, long mEnd, long rStart, long rEnd) {
        long end = bugs.has(MemblockBug.MEMBLOCK_FREE_RANGE_PAST_MEMORY) ? rEnd : Math.min(mEnd, rEnd);
        return new long[] {Math.max(mStart, rStart), end};
    }

    /** {@code __next_mem_range} run to the end: the free ranges in ascending order. */
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

    /** {@code __next_mem_range_rev} run to the end: the free ranges in descending order. */
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
}
