package armmm.model.memblock;

import java.util.Arrays;

/**
 * Sets a {@link Memblock}'s arrays and its record of live allocations directly, for the tests of
 * the memblock invariants ({@code armmm.model.check.MemblockChecksStatesTest}): a state that breaks
 * one invariant on purpose, which no sequence of memblock calls reaches without a planted bug. Not
 * a kernel call; every field it writes is one the kernel's {@code struct memblock_type} has
 * ({@code cnt}, {@code max}, {@code total_size}, {@code regions}) or the model's bookkeeping beside
 * it (the trimmed bytes, where the array lives, the live allocations, the changed window).
 */
public final class MemblockHandBuilt {
    private MemblockHandBuilt() {
    }

    private static MemblockType type(Memblock m, boolean ofReserved) {
        return ofReserved ? m.reserved : m.memory;
    }

    /**
     * Makes {@code regions} the whole array, in the order given (the dummy {0, 0, 0} when none),
     * with cnt their number, total_size their sum, and max at least {@code INIT_MEMBLOCK_REGIONS}
     * and at least cnt (a power of two, as {@code memblock_double_array} leaves it).
     */
    public static void setRegions(Memblock m, boolean ofReserved, Region... regions) {
        MemblockType t = type(m, ofReserved);
        int n = Math.max(1, regions.length);
        int max = MemblockType.INIT_REGIONS;
        while (max < n) {
            max *= 2;
        }
        t.base = new long[max];
        t.size = new long[max];
        t.flags = new int[max];
        long total = 0;
        for (int i = 0; i < regions.length; i++) {
            t.base[i] = regions[i].base();
            t.size[i] = regions[i].size();
            t.flags[i] = regions[i].flags();
            total += regions[i].size();
        }
        t.cnt = n;
        t.max = max;
        t.totalSize = total;
        t.touchAll();
    }

    /** Sets {@code total_size} alone. */
    public static void setTotalSize(Memblock m, boolean ofReserved, long totalSize) {
        type(m, ofReserved).totalSize = totalSize;
    }

    /** Sets the bytes {@code memblock_trim_memory} cut off without lowering total_size. */
    public static void setTrimmedBytes(Memblock m, boolean ofReserved, long bytes) {
        type(m, ofReserved).trimmedBytes = bytes;
    }

    /** Sets {@code cnt} alone (the arrays keep their length). */
    public static void setCnt(Memblock m, boolean ofReserved, int cnt) {
        type(m, ofReserved).cnt = cnt;
    }

    /** Sets {@code max}, growing the arrays to it when it is larger. */
    public static void setMax(Memblock m, boolean ofReserved, int max) {
        MemblockType t = type(m, ofReserved);
        if (max > t.base.length) {
            t.base = Arrays.copyOf(t.base, max);
            t.size = Arrays.copyOf(t.size, max);
            t.flags = Arrays.copyOf(t.flags, max);
        }
        t.max = max;
    }

    /**
     * Records where the array lives: {@code phys} (-1: the static array), whether it came from
     * {@code kmalloc}, and whether a call has since taken part of its pages out of reserved.
     */
    public static void setArray(Memblock m, boolean ofReserved, long phys, boolean inSlab, boolean released) {
        MemblockType t = type(m, ofReserved);
        t.arrayPhys = phys;
        t.arrayInSlab = inSlab;
        t.arrayReleased = released;
    }

    /** Adds {@code a} to the record of live allocations. */
    public static void record(Memblock m, Allocation a) {
        m.allocations.record(a);
    }

    /** Marks regions {@code lo..hi} (inclusive) as the ones changed since the last check began. */
    public static void setChanged(Memblock m, boolean ofReserved, int lo, int hi) {
        MemblockType t = type(m, ofReserved);
        t.dirtyLo = lo;
        t.dirtyHi = hi;
    }
}
