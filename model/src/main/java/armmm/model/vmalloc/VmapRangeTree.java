package armmm.model.vmalloc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of disjoint address ranges that merges neighbours: 6.1's {@code free_vmap_area_root}
 * and {@code purge_vmap_area_root} with their sorted lists (mm/vmalloc.c,
 * {@code merge_or_add_vmap_area}, {@code find_vmap_lowest_match}, {@code adjust_va_to_fit_type}).
 *
 * <p>Ranges are half-open {@code [start, end)} of unsigned 32-bit addresses held in longs.
 * The kernel's tree is augmented with each subtree's largest block so that the lowest match is
 * found in logarithmic time; the model scans in address order, which returns the block the
 * kernel's linear cross-check ({@code find_vmap_lowest_linear_match}) returns.
 */
public final class VmapRangeTree {
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private long totalBytes;

    /** Number of ranges (blocks). */
    public int size() {
        return ranges.size();
    }

    /** Sum of the ranges' lengths, in bytes. */
    public long totalBytes() {
        return totalBytes;
    }

    /** True when no range is held. */
    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** The ranges in address order, as {@code {start, end}} pairs. */
    public List<long[]> ranges() {
        List<long[]> out = new ArrayList<>(ranges.size());
        for (Map.Entry<Long, Long> e : ranges.entrySet()) {
            out.add(new long[] {e.getKey(), e.getValue()});
        }
        return out;
    }

    /** Removes every range. */
    public void clear() {
        ranges.clear();
        totalBytes = 0;
    }

    /** The range containing {@code addr}, as {@code {start, end}}, or null. */
    public long[] rangeContaining(long addr) {
        Map.Entry<Long, Long> e = ranges.floorEntry(addr);
        return e != null && addr < e.getValue() ? new long[] {e.getKey(), e.getValue()} : null;
    }

    /** True when some held range overlaps {@code [start, end)}. */
    public boolean overlaps(long start, long end) {
        Map.Entry<Long, Long> e = ranges.lowerEntry(end);
        return e != null && e.getValue() > start;
    }

    /**
     * {@code merge_or_add_vmap_area}: adds {@code [start, end)}, merged with a neighbour that it
     * touches. The caller guarantees the range overlaps nothing held (the kernel WARNs and
     * corrupts its tree otherwise); this is checked here.
     */
    public void mergeOrAdd(long start, long end) {
        if (end <= start) {
            throw new IllegalArgumentException(String.format("empty range [%#x, %#x)", start, end));
        }
        if (overlaps(start, end)) {
            throw new IllegalStateException(String.format("range [%#x, %#x) overlaps a held one", start, end));
        }
        totalBytes += end - start;
        Long nextEnd = ranges.get(end);
        if (nextEnd != null) {
            ranges.remove(end);
            end = nextEnd;
        }
        Map.Entry<Long, Long> prev = ranges.lowerEntry(start);
        if (prev != null && prev.getValue() == start) {
            start = prev.getKey();
        }
        ranges.put(start, end);
    }

    /**
     * {@code find_vmap_lowest_match} then the start {@code __alloc_vmap_area} computes: the
     * lowest address, at or above {@code vstart} and aligned to {@code align}, where {@code size}
     * bytes fit inside one held range; -1 when none does.
     *
     * <p>With an alignment above a page the kernel searches for blocks of at least
     * {@code size + align - 1} bytes ({@code adjust_search_size}) so that any block it descends to
     * fits whatever its alignment; the model takes the lowest such block. The kernel's tree walk
     * also accepts a smaller block that fits and that it meets on the way down, which depends on
     * the red-black tree's shape; the model does not keep that shape (spec/vmalloc.md).
     */
    public long lowestMatch(long size, long align, long vstart, boolean adjustSearchSize) {
        long length = adjustSearchSize ? size + align - 1 : size;
        Map.Entry<Long, Long> e = ranges.floorEntry(vstart);
        if (e == null || e.getValue() <= vstart) {
            e = ranges.higherEntry(vstart);
        }
        for (; e != null; e = ranges.higherEntry(e.getKey())) {
            long vaStart = e.getKey();
            long vaEnd = e.getValue();
            if (vaEnd - vaStart < length) {
                continue;
            }
            long nva = alignUp(Math.max(vaStart, vstart), align);
            if (nva + size <= vaEnd && nva >= vstart) {
                return nva;
            }
        }
        return -1;
    }

    /**
     * {@code adjust_va_to_fit_type}: takes {@code [start, start + size)} out of the range that
     * holds it whole (full, left-edge, right-edge or no-edge fit).
     */
    public void carve(long start, long size) {
        long end = start + size;
        Map.Entry<Long, Long> e = ranges.floorEntry(start);
        if (e == null || e.getValue() < end) {
            throw new IllegalStateException(String.format("[%#x, %#x) is not inside one free block", start, end));
        }
        long vaStart = e.getKey();
        long vaEnd = e.getValue();
        ranges.remove(vaStart);
        if (vaStart < start) {
            ranges.put(vaStart, start);
        }
        if (end < vaEnd) {
            ranges.put(end, vaEnd);
        }
        totalBytes -= size;
    }

    /** ALIGN(addr, align) for a power-of-two {@code align}. */
    static long alignUp(long addr, long align) {
        return (addr + align - 1) & -align;
    }
}
