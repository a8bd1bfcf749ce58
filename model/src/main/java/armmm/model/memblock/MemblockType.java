package armmm.model.memblock;

import armmm.model.core.Bugs;
import armmm.model.core.Result;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One {@code struct memblock_type} (include/linux/memblock.h): {@code memory} or {@code reserved}.
 * A sorted array of regions with {@code cnt}, {@code max} and {@code total_size}; an empty array
 * holds one zero-sized dummy region, so {@code cnt} never drops below 1.
 *
 * <p>The array operations are those of mm/memblock.c: {@code memblock_add_range},
 * {@code memblock_remove_range}, {@code memblock_setclr_flag}, {@code memblock_insert_region},
 * {@code memblock_remove_region}, {@code memblock_merge_regions} and
 * {@code memblock_isolate_range}. Growing the array ({@code memblock_double_array}) allocates
 * from memblock itself, so the operations that may grow it take a {@link Resizer}.
 */
final class MemblockType {
    /** {@code INIT_MEMBLOCK_REGIONS} (mm/memblock.c): the static arrays' length. */
    static final int INIT_REGIONS = 128;

    /**
     * {@code memblock_double_array} (mm/memblock.c): the new array comes from memblock itself, so
     * the type asks its owner ({@link MemblockAllocator}) to grow it.
     */
    @FunctionalInterface
    interface Resizer {
        /**
         * Doubles {@code type}'s capacity, keeping the new array out of
         * {@code [newAreaStart, newAreaStart + newAreaSize)} when {@code type} is reserved.
         *
         * @return false when the array cannot grow (the kernel's -1)
         */
        boolean doubleArray(MemblockType type, long newAreaStart, long newAreaSize);
    }

    final String name;
    long[] base;
    long[] size;
    int[] flags;
    int cnt = 1;
    int max = INIT_REGIONS;
    long totalSize;
    /**
     * Physical address of the array when {@code memblock_double_array} moved it into memblock
     * memory; -1 while it is the static {@code __initdata} array.
     */
    long arrayPhys = -1;
    /**
     * True once a call took back part of the array's own pages from {@code reserved} (a
     * {@code memblock_phys_free} or a memory limit over them): model bookkeeping, as
     * {@code Allocations.retire} is for allocations. The kernel keeps no such note; it would go on
     * using an array that the next allocation may overwrite. Cleared when the array moves again.
     */
    boolean arrayReleased;
    /**
     * {@code memblock_memory_in_slab} / {@code memblock_reserved_in_slab}: the array came from
     * {@code kmalloc} (doubled after slab was up), so it is no memblock reservation.
     */
    boolean arrayInSlab;
    /** Bytes {@code memblock_trim_memory} cut off without lowering {@code total_size}. */
    long trimmedBytes;
    /**
     * The indices changed since the invariant checks last began, inclusive, in today's numbering
     * ({@code dirtyLo > dirtyHi}: none; {@code dirtyHi == Integer.MAX_VALUE}: all). Only the
     * per-step checks of a large array read it; the complete scan reads everything.
     */
    int dirtyLo;
    int dirtyHi = Integer.MAX_VALUE;
    /**
     * True once the array may hold regions out of order (6.1's {@code memblock_trim_memory} wrap):
     * searches then walk the whole array from the start, as the kernel does, instead of bisecting.
     */
    boolean unordered;
    /**
     * True once neighbours may touch unmerged away from the latest change
     * ({@code memblock_cap_memory_range} leaves NOMAP pieces): the next merge walks the whole array.
     */
    boolean unmerged;
    /** The seeded bugs planted in this kernel's memblock. */
    final Bugs bugs;

    MemblockType(String name, Bugs bugs) {
        this.name = name;
        this.bugs = bugs;
        base = new long[INIT_REGIONS];
        size = new long[INIT_REGIONS];
        flags = new int[INIT_REGIONS];
    }

    MemblockType(MemblockType o) {
        name = o.name;
        bugs = o.bugs;
        base = o.base.clone();
        size = o.size.clone();
        flags = o.flags.clone();
        cnt = o.cnt;
        max = o.max;
        totalSize = o.totalSize;
        arrayPhys = o.arrayPhys;
        arrayReleased = o.arrayReleased;
        arrayInSlab = o.arrayInSlab;
        trimmedBytes = o.trimmedBytes;
        unordered = o.unordered;
        unmerged = o.unmerged;
    }

    /** Makes this type a copy of {@code from}, sharing its arrays (used with a fresh type only). */
    void copyFrom(MemblockType from) {
        base = from.base;
        size = from.size;
        flags = from.flags;
        cnt = from.cnt;
        max = from.max;
        totalSize = from.totalSize;
        arrayPhys = from.arrayPhys;
        arrayReleased = from.arrayReleased;
        arrayInSlab = from.arrayInSlab;
        trimmedBytes = from.trimmedBytes;
        unordered = from.unordered;
        unmerged = from.unmerged;
        touchAll();
    }

    /** Region {@code i} changed in place. */
    void touch(int i) {
        dirtyLo = Math.min(dirtyLo, i);
        if (dirtyHi != Integer.MAX_VALUE) {
            dirtyHi = Math.max(dirtyHi, i);
        }
    }

    /** Every region may have changed. */
    void touchAll() {
        dirtyLo = 0;
        dirtyHi = Integer.MAX_VALUE;
    }

    /** Hands the changed window to a check and starts a new one: {lo, hi}, inclusive, hi clipped to cnt - 1. */
    int[] takeDirty() {
        int[] w = {dirtyLo, Math.min(dirtyHi, cnt - 1)};
        dirtyLo = Integer.MAX_VALUE;
        dirtyHi = -1;
        return w;
    }

    /**
     * The first index whose region ends above {@code addr}: every region before it lies wholly
     * below {@code addr}. The array is sorted and disjoint, so ends grow and a bisection finds it;
     * the kernel walks from 0 and skips the same regions ({@code rend <= base: continue}). An
     * array that may be out of order, or a planted overlap, is walked from 0 as the kernel does.
     */
    int firstEndingAbove(long addr) {
        if (unordered || bugs.has(MemblockBug.MEMBLOCK_ADD_OVERLAP)) {
            return 0;
        }
        int lo = 0;
        int hi = cnt;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (end(mid) <= addr) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** One past the last byte of region {@code i}. */
    long end(int i) {
        return base[i] + size[i];
    }

    /** True when the array holds only the dummy region. */
    boolean isEmpty() {
        return size[0] == 0;
    }

    /**
     * {@code [b, b + s)} left {@code reserved}: when it meets the array's pages
     * ({@code PAGE_ALIGN(max * sizeof(struct memblock_region))} bytes from its start, what
     * {@code memblock_double_array} reserved for it), the array's reservation is no longer whole.
     */
    void releasedBy(long b, long s) {
        if (arrayPhys >= 0 && !arrayInSlab && s > 0) {
            long bytes = (max * Memblock.REGION_STRUCT_SIZE + Memblock.PAGE_SIZE - 1) & -Memblock.PAGE_SIZE;
            if (b < arrayPhys + bytes && arrayPhys < b + s) {
                arrayReleased = true;
            }
        }
    }

    /** Doubles the capacity (the copy half of {@code memblock_double_array}). */
    void grow() {
        int n = max * 2;
        base = Arrays.copyOf(base, n);
        size = Arrays.copyOf(size, n);
        flags = Arrays.copyOf(flags, n);
        max = n;
    }

    /** {@code memblock_insert_region}: the caller made room. */
    void insert(int idx, long b, long s, int f) {
        if (cnt >= max) {
            throw new IllegalStateException("memblock_insert_region: " + name + " is full, found cnt " + cnt);
        }
        System.arraycopy(base, idx, base, idx + 1, cnt - idx);
        System.arraycopy(size, idx, size, idx + 1, cnt - idx);
        System.arraycopy(flags, idx, flags, idx + 1, cnt - idx);
        base[idx] = b;
        size[idx] = s;
        flags[idx] = f;
        cnt++;
        totalSize += s;
        if (dirtyHi >= idx && dirtyHi != Integer.MAX_VALUE) {
            dirtyHi++;
        }
        touch(idx);
    }

    /** {@code memblock_remove_region}: drops region {@code r}; an emptied array gets its dummy back. */
    void removeRegion(int r) {
        if (!bugs.has(MemblockBug.MEMBLOCK_STALE_TOTAL)) {
            totalSize -= size[r];
        }
        System.arraycopy(base, r + 1, base, r, cnt - r - 1);
        System.arraycopy(size, r + 1, size, r, cnt - r - 1);
        System.arraycopy(flags, r + 1, flags, r, cnt - r - 1);
        cnt--;
        if (cnt == 0) {
            cnt = 1;
            base[0] = 0;
            size[0] = 0;
            flags[0] = 0;
        }
        removed(r);
    }

    /** Region {@code r} went: its former neighbours now meet. */
    private void removed(int r) {
        if (dirtyHi > r && dirtyHi != Integer.MAX_VALUE) {
            dirtyHi--;
        }
        touch(Math.max(r - 1, 0));
        touch(Math.min(r, cnt - 1));
    }

    /**
     * {@code memblock_merge_regions}: joins each pair of neighbours that touch and carry the same
     * flags (and node, always the same here). The kernel walks the whole array; the model walks
     * only the neighbourhood of what changed since the array was last merged whole, which gives
     * the same array (everywhere else no neighbours could be merged), unless a call left
     * neighbours unmerged elsewhere ({@link #unmerged}).
     */
    void mergeRegions() {
        mergeRegions(0, cnt - 1);
    }

    /** {@link #mergeRegions()} around the indices {@code lo..hi} that the caller changed. */
    void mergeRegions(int lo, int hi) {
        int i = Math.max(0, lo - 1);
        int stop = hi + 1;
        if (unmerged || unordered) {
            i = 0;
            stop = Integer.MAX_VALUE;
            unmerged = false;
        }
        while (i < cnt - 1 && i < stop) {
            if (end(i) != base[i + 1] || flags[i] != flags[i + 1]
                    || bugs.has(MemblockBug.MEMBLOCK_NO_MERGE)) {
                // The kernel BUG()s on overlapping neighbours here; the model leaves that to
                // INV-MEMBLOCK-01 so that the state can still be reported.
                i++;
                continue;
            }
            size[i] += size[i + 1];
            System.arraycopy(base, i + 2, base, i + 1, cnt - i - 2);
            System.arraycopy(size, i + 2, size, i + 1, cnt - i - 2);
            System.arraycopy(flags, i + 2, flags, i + 1, cnt - i - 2);
            cnt--;
            stop--;
            removed(i + 1);
            touch(i);
        }
    }

    /**
     * The splitting walk of {@code memblock_isolate_range}: afterwards no region crosses
     * {@code b} or {@code e}. The caller made room for two more regions.
     *
     * @return {start, end}: the indices of the regions inside {@code [b, e)}, end exclusive
     */
    int[] isolate(long b, long e) {
        int start = 0;
        int stop = 0;
        for (int idx = firstEndingAbove(b); idx < cnt; idx++) {
            long rbase = base[idx];
            long rend = end(idx);
            if (rbase >= e) {
                break;
            }
            if (rend <= b) {
                continue;
            }
            if (rbase < b) {
                // Crosses b from below: split off the lower part; idx then names the upper part.
                base[idx] = b;
                size[idx] -= b - rbase;
                touch(idx);
                totalSize -= b - rbase;
                insert(idx, rbase, b - rbase, flags[idx]);
            } else if (rend > e) {
                // Crosses e from above: split off the lower part and look at it again.
                base[idx] = e;
                size[idx] -= e - rbase;
                touch(idx);
                totalSize -= e - rbase;
                insert(idx, rbase, e - rbase, flags[idx]);
                idx--;
            } else {
                if (stop == 0) {
                    start = idx;
                }
                stop = idx + 1;
            }
        }
        return new int[] {start, stop};
    }

    /**
     * {@code memblock_overlaps_region}: some region shares a byte with {@code [b, b + rawSize)},
     * the size capped at {@code PHYS_ADDR_MAX}.
     */
    boolean overlapsRegion(long b, long rawSize) {
        long s = Memblock.capSize(b, rawSize);
        for (int i = 0; i < cnt; i++) {
            if (b < end(i) && base[i] < b + s) {
                return true;
            }
        }
        return false;
    }

    /** The regions, dummy included, as records. */
    List<Region> regions() {
        List<Region> out = new ArrayList<>(cnt);
        for (int i = 0; i < cnt; i++) {
            out.add(new Region(base[i], size[i], flags[i]));
        }
        return out;
    }

    /** Index of the region holding {@code addr}, or -1 ({@code memblock_search}). */
    int search(long addr) {
        int left = 0;
        int right = cnt;
        do {
            int mid = (left + right) >>> 1;
            if (addr < base[mid]) {
                right = mid;
            } else if (addr >= end(mid)) {
                left = mid + 1;
            } else {
                return mid;
            }
        } while (left < right);
        return -1;
    }

    /**
     * {@code memblock_add_range}: adds {@code [newBase, newBase + rawSize)} with {@code newFlags},
     * filling only the holes. A first pass counts the new regions when the array might overflow,
     * grows it, and a second pass inserts.
     */
    Result addRange(long newBase, long rawSize, int newFlags, Resizer resizer) {
        long newSize = bugs.has(MemblockBug.MEMBLOCK_NO_CAP) ? rawSize : Memblock.capSize(newBase, rawSize);
        long newEnd = newBase + newSize;
        if (newSize == 0) {
            return Result.VOID;
        }
        if (isEmpty() && !bugs.has(MemblockBug.MEMBLOCK_DUMMY_KEPT)) {
            // A trim can leave total_size stale after its last region went: the kernel warns
            // here, then starts total_size afresh, so no trimmed difference remains.
            boolean stale = cnt != 1 || totalSize != 0;
            base[0] = newBase;
            size[0] = newSize;
            flags[0] = newFlags;
            touch(0);
            totalSize = newSize;
            trimmedBytes = 0;
            return stale ? Result.warned(0, "WARN_ON(type->cnt != 1 || type->total_size)") : Result.VOID;
        }
        boolean doInsert = cnt * 2 + 1 < max;
        while (true) {
            long b = newBase;
            int nrNew = 0;
            boolean flagsDiffer = false;
            int first = firstEndingAbove(newBase);
            int idx = first;
            for (; idx < cnt; idx++) {
                long rbase = base[idx];
                long rend = end(idx);
                if (rbase >= newEnd) {
                    break;
                }
                if (rend <= b) {
                    continue;
                }
                if (rbase > b) {
                    flagsDiffer |= newFlags != flags[idx];
                    nrNew++;
                    if (doInsert) {
                        insert(idx++, b, rbase - b, newFlags);
                    }
                }
                if (!bugs.has(MemblockBug.MEMBLOCK_ADD_OVERLAP)) {
                    b = Math.min(rend, newEnd);
                }
            }
            if (b < newEnd) {
                nrNew++;
                if (doInsert) {
                    insert(idx, b, newEnd - b, newFlags);
                }
            }
            if (nrNew == 0) {
                return Result.VOID;
            }
            if (doInsert) {
                // every insertion lies between first and idx
                mergeRegions(first, idx);
                return flagsDiffer
                        ? Result.warned(0, "WARN_ON(flags != rgn->flags)") : Result.VOID;
            }
            while (cnt + nrNew > max) {
                if (!resizer.doubleArray(this, newBase, newSize)) {
                    return enomem();
                }
            }
            doInsert = true;
        }
    }

    /** The -ENOMEM result of a failed {@code memblock_double_array}, with the kernel's message. */
    Result enomem() {
        return new Result.Refused("-ENOMEM", String.format(
                "memblock: Failed to double %s array from %d to %d entries !", name, max, max * 2));
    }

    /** {@code memblock_isolate_range}'s growing step: room for two more regions. */
    boolean makeRoomForIsolate(long rangeBase, long rangeSize, Resizer resizer) {
        while (cnt + 2 > max) {
            if (!resizer.doubleArray(this, rangeBase, rangeSize)) {
                return false;
            }
        }
        return true;
    }

    /** {@code memblock_remove_range}: isolates the range and drops the regions inside it. */
    Result removeRange(long rangeBase, long rawSize, Resizer resizer) {
        long rangeSize = Memblock.capSize(rangeBase, rawSize);
        if (rangeSize == 0) {
            return Result.VOID;
        }
        if (!makeRoomForIsolate(rangeBase, rangeSize, resizer)) {
            return enomem();
        }
        int[] se = isolate(rangeBase, rangeBase + rangeSize);
        for (int i = se[1] - 1; i >= se[0]; i--) {
            removeRegion(i);
        }
        return Result.VOID;
    }

    /** {@code memblock_setclr_flag}: isolates the range and sets or clears {@code flag} inside it. */
    Result setClrFlag(long rangeBase, long rawSize, boolean set, int flag, Resizer resizer) {
        long rangeSize = Memblock.capSize(rangeBase, rawSize);
        if (rangeSize == 0) {
            return Result.VOID;
        }
        if (!makeRoomForIsolate(rangeBase, rangeSize, resizer)) {
            return enomem();
        }
        int[] se = isolate(rangeBase, rangeBase + rangeSize);
        for (int i = se[0]; i < se[1]; i++) {
            flags[i] = set ? flags[i] | flag : flags[i] & ~flag;
            touch(i);
        }
        // isolate split at most the regions around se, and flags changed only inside it
        mergeRegions(se[0] - 1, se[1]);
        return Result.VOID;
    }
}
