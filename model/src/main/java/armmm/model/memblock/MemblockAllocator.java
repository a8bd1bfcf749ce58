package armmm.model.memblock;

import static armmm.model.memblock.Memblock.ALLOC_ACCESSIBLE;
import static armmm.model.memblock.Memblock.ALLOC_ANYWHERE;
import static armmm.model.memblock.Memblock.ALLOC_NOLEAKTRACE;
import static armmm.model.memblock.Memblock.PAGE_SIZE;
import static armmm.model.memblock.Memblock.REGION_STRUCT_SIZE;
import static armmm.model.memblock.Memblock.SMP_CACHE_BYTES;
import static armmm.model.memblock.Memblock.roundDown;
import static armmm.model.memblock.Memblock.roundUp;


/**
 * The memblock allocator of mm/memblock.c: {@code memblock_alloc_internal},
 * {@code memblock_alloc_range_nid}, {@code memblock_find_in_range_node} with its top-down and
 * bottom-up searches over {@link FreeMemRanges}, and {@code memblock_double_array}, which takes
 * a region array's new home from the same search.
 *
 * <p>It reads {@code bottom_up} and {@code current_limit} from its {@link Memblock} and reserves
 * and frees through it, so that each reservation goes through {@code memblock_reserve} as in the
 * kernel (and may itself grow the reserved array).
 */
final class MemblockAllocator implements MemblockType.Resizer {
    private final Memblock mb;
    private final FreeMemRanges free;
    private final Allocations allocations;
    /** {@code sizeof(phys_addr_t)} on non-LPAE ARM: the array's alignment before 29f6738609e4. */
    private static final long PHYS_ADDR_T_SIZE = 4;

    MemblockAllocator(Memblock mb, FreeMemRanges free) {
        this.mb = mb;
        this.free = free;
        this.allocations = mb.allocations;
    }

    /**
     * {@code memblock_alloc_internal}: clamps {@code maxAddr} to the current limit, tries
     * {@code [minAddr, maxAddr)}, then drops {@code minAddr}.
     *
     * @return the physical address, 0 on failure
     */
    long allocInternal(long size, long align, long minAddr, long maxAddr) {
        long max = maxAddr;
        if (max > mb.currentLimit() && !mb.bugs().has(MemblockBug.MEMBLOCK_ALLOC_IGNORES_LIMIT)) {
            max = mb.currentLimit();
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
    long allocRangeNid(long size, long align, long start, long end) {
        long a = align == 0 ? SMP_CACHE_BYTES : align; // the kernel dump_stack()s and goes on
        long found = findInRangeNode(size, a, start, end);
        if (found == 0) {
            return 0;
        }
        if (!mb.bugs().has(MemblockBug.MEMBLOCK_ALLOC_UNRESERVED) && mb.reserve(found, size).isRefused()) {
            return 0;
        }
        if (size > 0) {
            long limit = end == ALLOC_ACCESSIBLE || end == ALLOC_NOLEAKTRACE ? mb.currentLimit() : end;
            allocations.record(new Allocation(found, size, a, limit));
        }
        return found;
    }

    /** {@code memblock_find_in_range_node}: a free, aligned block in {@code [start, end)} or 0. */
    private long findInRangeNode(long size, long align, long start, long end) {
        long e = end;
        if (e == ALLOC_ACCESSIBLE || e == ALLOC_NOLEAKTRACE) {
            e = mb.bugs().has(MemblockBug.MEMBLOCK_ALLOC_IGNORES_LIMIT) ? ALLOC_ANYWHERE : mb.currentLimit();
        }
        long s = Math.max(start, PAGE_SIZE); // never hand out the first page
        e = Math.max(s, e);
        return mb.bottomUp() ? findBottomUp(s, e, size, align) : findTopDown(s, e, size, align);
    }

    /** {@code __memblock_find_range_bottom_up}. */
    private long findBottomUp(long start, long end, long size, long align) {
        for (long[] r : free.ranges(false)) {
            long thisStart = clamp(r[0], start, end);
            long thisEnd = clamp(r[1], start, end);
            long cand = mb.bugs().has(MemblockBug.MEMBLOCK_ALLOC_MISALIGNED) ? thisStart : roundUp(thisStart, align);
            if (cand < thisEnd && thisEnd - cand >= size) {
                return cand;
            }
        }
        return 0;
    }

    /** {@code __memblock_find_range_top_down}. */
    private long findTopDown(long start, long end, long size, long align) {
        for (long[] r : free.ranges(true)) {
            long thisStart = clamp(r[0], start, end);
            long thisEnd = clamp(r[1], start, end);
            if (thisEnd < size) {
                continue;
            }
            long cand = mb.bugs().has(MemblockBug.MEMBLOCK_ALLOC_MISALIGNED)
                    ? thisEnd - size : roundDown(thisEnd - size, align);
            if (cand >= thisStart) {
                return cand;
            }
        }
        return 0;
    }

    /**
     * {@code memblock_double_array} before slab is up: finds a page-aligned block for an array of
     * twice the entries ({@code PAGE_ALIGN(2 * max * sizeof(struct memblock_region))}), avoiding
     * the range being reserved, moves the array there, frees the old array unless it was the
     * static one, and reserves the new one. Page-aligned, and whole pages, since 29f6738609e4
     * ("memblock: free allocated memblock_reserved_regions later"), so that the array's pages can
     * be given back whole once memblock is done ({@code memblock_discard} in 6.1, a no-op on ARM,
     * which selects {@code ARCH_KEEP_MEMBLOCK}); with
     * {@link MemblockBug#MEMBLOCK_ARRAY_NOT_PAGE_ALIGNED} planted, as before that commit: the
     * array's bytes only, aligned to {@code sizeof(phys_addr_t)}.
     */
    @Override
    public boolean doubleArray(MemblockType type, long newAreaStart, long newAreaSize) {
        if (!mb.canResize()) {
            return false;
        }
        long oldSize = type.max * REGION_STRUCT_SIZE;
        long newSize = oldSize * 2;
        if (mb.slabAvailable()) {
            return doubleArrayWithSlab(type, oldSize, newSize);
        }
        boolean unaligned = mb.bugs().has(MemblockBug.MEMBLOCK_ARRAY_NOT_PAGE_ALIGNED);
        long oldAllocSize = unaligned ? oldSize : pageAlign(oldSize);
        long newAllocSize = unaligned ? newSize : pageAlign(newSize);
        long align = unaligned ? PHYS_ADDR_T_SIZE : PAGE_SIZE;
        long avoidStart = type == mb.reserved ? newAreaStart : 0;
        long avoidSize = type == mb.reserved ? newAreaSize : 0;
        long addr = findInRangeNode(newAllocSize, align, avoidStart + avoidSize, mb.currentLimit());
        if (addr == 0 && avoidSize != 0) {
            addr = findInRangeNode(newAllocSize, align, 0, Math.min(avoidStart, mb.currentLimit()));
        }
        if (addr == 0) {
            return false;
        }
        type.grow();
        long old = type.arrayPhys;
        type.arrayPhys = addr;
        type.arrayReleased = false;
        type.arrayInSlab = false;
        if (old >= 0) {
            mb.physFree(old, oldAllocSize);
        }
        if (mb.reserve(addr, newAllocSize).isRefused()) {
            throw new IllegalStateException("memblock_double_array: reserving the new " + type.name
                    + " array failed (the kernel BUG()s)");
        }
        return true;
    }

    /**
     * {@code memblock_double_array} once slab is up: the new array is {@code kmalloc(new_size)}
     * (the model's {@code kzalloc} stand-in, {@link Memblock#kzallocNode}), not reserved in
     * memblock; the old one goes back with {@code kfree} if it came from slab too, else with
     * {@code memblock_free} unless it was the static one.
     */
    private boolean doubleArrayWithSlab(MemblockType type, long oldSize, long newSize) {
        long va = mb.kzallocNode(newSize);
        if (va == 0) {
            return false;
        }
        type.grow();
        long old = type.arrayPhys;
        boolean oldInSlab = type.arrayInSlab;
        type.arrayPhys = mb.linearMap().linearPhys(va) & Memblock.MASK;
        type.arrayInSlab = true;
        type.arrayReleased = false;
        if (oldInSlab) {
            mb.kfree(old, oldSize);
        } else if (old >= 0) {
            boolean unaligned = mb.bugs().has(MemblockBug.MEMBLOCK_ARRAY_NOT_PAGE_ALIGNED);
            mb.physFree(old, unaligned ? oldSize : pageAlign(oldSize));
        }
        return true;
    }

    /** {@code clamp}: {@code v} brought into {@code [lo, hi]}. */
    private static long clamp(long v, long lo, long hi) {
        return Math.min(Math.max(v, lo), hi);
    }

    /** {@code PAGE_ALIGN}. */
    private static long pageAlign(long x) {
        return (x + PAGE_SIZE - 1) & -PAGE_SIZE;
    }
}
