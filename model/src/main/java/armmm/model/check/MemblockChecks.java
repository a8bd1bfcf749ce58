package armmm.model.check;

import armmm.model.core.Violation;
import armmm.model.subsystem.Invariant;
import armmm.model.memblock.Allocation;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * The memblock invariants (mm/memblock.c): the shape of the {@code memory} and {@code reserved}
 * arrays, and where the live allocations lie. Each is stated in spec/invariants-memblock.md.
 * Every check reads the arrays and the allocation record once. An array of more than
 * {@link Memblock#CHECK_WHOLE_UP_TO} regions is checked, after each call, only where the call
 * changed it (its neighbours included), and whole by the complete scan at the end of a scenario
 * or chain ({@code Kernel.checkComplete}); so 10^5 calls on 10^5 regions stay linear.
 */
public final class MemblockChecks {
    private MemblockChecks() {
    }

    /** The change signal of every memblock invariant, one object so that they share it ({@code Invariant.signal}). */
    private static final java.util.function.ToLongFunction<Memblock> CHANGES = Memblock::changeCount;

    /** INV-MEMBLOCK-01: each array is sorted by base and its regions do not overlap. */
    public static final Invariant SORTED = Invariant.on("INV-MEMBLOCK-01", Memblock.class, CHANGES, mb -> {
        List<Violation> out = new ArrayList<>();
        eachType(mb, (name, regions, at) -> {
            for (int i = 1; i < regions.size(); i++) {
                Region a = regions.get(i - 1);
                Region b = regions.get(i);
                if (a.end() > b.base()) {
                    out.add(new Violation("INV-MEMBLOCK-01", "regions overlap or out of order",
                            String.format("memblock.%s[%d] %s and [%d] %s", name, at + i - 1, show(a), at + i, show(b))));
                }
            }
        });
        return out;
    });

    /** INV-MEMBLOCK-02: no two neighbours touch with the same flags ({@code memblock_merge_regions}). */
    public static final Invariant MERGED = Invariant.on("INV-MEMBLOCK-02", Memblock.class, CHANGES, mb -> {
        List<Violation> out = new ArrayList<>();
        eachType(mb, (name, regions, at) -> {
            for (int i = 1; i < regions.size(); i++) {
                Region a = regions.get(i - 1);
                Region b = regions.get(i);
                // 6.1's memblock_cap_memory_range splits NOMAP regions at the range's ends and
                // never merges them again: touching NOMAP pieces of memory are what 6.1 leaves
                boolean capped = name.equals("memory") && (a.flags() & Memblock.NOMAP) != 0;
                if (a.end() == b.base() && a.flags() == b.flags() && a.size() > 0 && b.size() > 0 && !capped) {
                    out.add(new Violation("INV-MEMBLOCK-02", "adjacent regions not merged",
                            String.format("memblock.%s[%d] %s and [%d] %s", name, at + i - 1, show(a), at + i, show(b))));
                }
            }
        });
        return out;
    });

    /**
     * INV-MEMBLOCK-03: total_size is the sum of the region sizes (plus, for memory, what
     * {@code memblock_trim_memory} cut off in place without lowering total_size, as 6.1 does).
     */
    public static final Invariant TOTAL_SIZE = Invariant.on("INV-MEMBLOCK-03", Memblock.class, CHANGES, mb -> {
        Memblock m = mb;
        List<Violation> out = new ArrayList<>();
        // a sum needs every region: per step only while the array is checked whole
        if (m.checkWindow(false) == null) {
            total(out, "memory", view(m, false), m.memoryTotalSize() - m.memoryTrimmedBytes());
        }
        if (m.checkWindow(true) == null) {
            total(out, "reserved", view(m, true), m.reservedTotalSize() - m.reservedTrimmedBytes());
        }
        return out;
    });

    /**
     * INV-MEMBLOCK-04: cnt is at least 1 and at most max; a zero-sized region appears only as the
     * single dummy entry of an empty array.
     */
    public static final Invariant DUMMY = Invariant.on("INV-MEMBLOCK-04", Memblock.class, CHANGES, mb -> {
        Memblock m = mb;
        List<Violation> out = new ArrayList<>();
        eachType(m, (name, regions, at) -> dummy(out, name, regions, at,
                name.equals("memory") ? m.memoryCnt() : m.reservedCnt(), name.equals("memory") ? m.memoryMax() : m.reservedMax()));
        return out;
    });

    /** INV-MEMBLOCK-05: every region ends at or below PHYS_ADDR_MAX ({@code memblock_cap_size}). */
    public static final Invariant IN_PHYS_SPACE = Invariant.on("INV-MEMBLOCK-05", Memblock.class, CHANGES, mb -> {
        List<Violation> out = new ArrayList<>();
        eachType(mb, (name, regions, at) -> {
            for (int i = 0; i < regions.size(); i++) {
                if (regions.get(i).end() > Memblock.PHYS_ADDR_MAX) {
                    out.add(new Violation("INV-MEMBLOCK-05", "region beyond PHYS_ADDR_MAX",
                            String.format("memblock.%s[%d] %s", name, at + i, show(regions.get(i)))));
                }
            }
        });
        return out;
    });

    /** INV-MEMBLOCK-06: every live allocation lies in memory. */
    public static final Invariant ALLOC_IN_MEMORY = Invariant.on("INV-MEMBLOCK-06", Memblock.class, CHANGES, mb -> {
        List<Violation> out = new ArrayList<>();
        List<Region> memory = view(mb, false);
        for (Allocation a : mb.allocations()) {
            if (!covered(memory, a.base(), a.end())) {
                out.add(new Violation("INV-MEMBLOCK-06", "allocation outside memory", show(a)));
            }
        }
        return out;
    });

    /** INV-MEMBLOCK-07: no live allocation overlaps a NOMAP memory region. */
    public static final Invariant ALLOC_NOT_NOMAP = Invariant.on("INV-MEMBLOCK-07", Memblock.class, CHANGES, mb -> {
        List<Violation> out = new ArrayList<>();
        if (mb.allocations().isEmpty()) {
            return out;
        }
        List<Region> nomap = new ArrayList<>();
        for (Region r : view(mb, false)) {
            if ((r.flags() & Memblock.NOMAP) != 0) {
                nomap.add(r);
            }
        }
        if (nomap.isEmpty()) {
            return out;
        }
        for (Allocation a : mb.allocations()) {
            for (Region r : nomap) {
                if (r.overlaps(a.base(), a.size())) {
                    out.add(new Violation("INV-MEMBLOCK-07", "allocation in NOMAP memory",
                            show(a) + " overlaps " + show(r)));
                    break;
                }
            }
        }
        return out;
    });

    /** INV-MEMBLOCK-08: every live allocation is reserved. */
    public static final Invariant ALLOC_RESERVED = Invariant.on("INV-MEMBLOCK-08", Memblock.class, CHANGES, mb -> {
        List<Violation> out = new ArrayList<>();
        List<Region> reserved = view(mb, true);
        for (Allocation a : mb.allocations()) {
            if (!covered(reserved, a.base(), a.end())) {
                out.add(new Violation("INV-MEMBLOCK-08", "allocation not reserved", show(a)));
            }
        }
        return out;
    });

    /** INV-MEMBLOCK-09: every live allocation starts on its alignment. */
    public static final Invariant ALLOC_ALIGNED = Invariant.on("INV-MEMBLOCK-09", Memblock.class, CHANGES, mb -> {
        List<Violation> out = new ArrayList<>();
        for (Allocation a : mb.allocations()) {
            // 6.1 promises nothing for an alignment that is not a power of two (the call returns
            // the model's finding); for a power of two the address is a multiple of it
            if (Long.bitCount(a.align()) == 1 && Long.remainderUnsigned(a.base(), a.align()) != 0) {
                out.add(new Violation("INV-MEMBLOCK-09", "allocation misaligned", show(a)));
            }
        }
        return out;
    });

    /** INV-MEMBLOCK-10: every live allocation ends at or below the limit it was made under. */
    public static final Invariant ALLOC_BELOW_LIMIT = Invariant.on("INV-MEMBLOCK-10", Memblock.class, CHANGES, mb -> {
        List<Violation> out = new ArrayList<>();
        for (Allocation a : mb.allocations()) {
            if (a.end() > a.limit()) {
                out.add(new Violation("INV-MEMBLOCK-10", "allocation above its limit", show(a)));
            }
        }
        return out;
    });

    /** INV-MEMBLOCK-11: no two live allocations overlap. */
    public static final Invariant ALLOC_DISJOINT = Invariant.on("INV-MEMBLOCK-11", Memblock.class, CHANGES, mb -> {
        List<Violation> out = new ArrayList<>();
        Allocation prev = null;
        for (Allocation a : mb.allocations()) {
            if (prev != null && prev.end() > a.base()) {
                out.add(new Violation("INV-MEMBLOCK-11", "allocations overlap", show(prev) + " and " + show(a)));
            }
            if (prev == null || a.end() > prev.end()) {
                prev = a;
            }
        }
        return out;
    });

    /**
     * INV-MEMBLOCK-12: a region array that {@code memblock_double_array} moved into memblock
     * memory (before slab was up; later arrays come from {@code kmalloc}) owns whole pages: it
     * starts on a page, and the {@code PAGE_ALIGN(max * 12)} bytes from its start are reserved
     * (unless a caller freed part of them since, which the model notes as it retires allocations). Those are the bytes the generic {@code memblock_discard} frees
     * when memblock is done; ARM keeps memblock ({@code ARCH_KEEP_MEMBLOCK}), so here they stay
     * reserved for good, and no free range shares a page with the array.
     */
    public static final Invariant ARRAY_PAGES = Invariant.on("INV-MEMBLOCK-12", Memblock.class, CHANGES, mb -> {
        List<Violation> out = new ArrayList<>();
        for (boolean ofReserved : new boolean[] {false, true}) {
            long at = mb.regionsPhys(ofReserved);
            if (at < 0 || mb.regionsInSlab(ofReserved)) {
                continue; // still the static __initdata array, or kmalloc'ed once slab was up
            }
            String name = ofReserved ? "reserved" : "memory";
            int max = ofReserved ? mb.reservedMax() : mb.memoryMax();
            // sizeof(struct memblock_region) on 32-bit ARM without NUMA: base, size, flags
            long bytes = max * 12L;
            long pages = (bytes + 4095) / 4096 * 4096;
            if (at % 4096 != 0) {
                out.add(new Violation("INV-MEMBLOCK-12", "region array not page-aligned",
                        String.format("memblock.%s.regions at %#010x (max %d, %d bytes)", name, at, max, bytes)));
            }
            if (!mb.regionsReleased(ofReserved) && !covered(view(mb, true), at, at + pages)) {
                out.add(new Violation("INV-MEMBLOCK-12", "region array pages not reserved",
                        String.format("memblock.%s.regions [%#010x-%#010x] (max %d) not wholly in memblock.reserved",
                                name, at, at + pages - 1, max)));
            }
        }
        return out;
    });

    /** Every memblock invariant. */
    public static final List<Invariant> ALL = List.of(SORTED, MERGED, TOTAL_SIZE, DUMMY, IN_PHYS_SPACE,
            ALLOC_IN_MEMORY, ALLOC_NOT_NOMAP, ALLOC_RESERVED, ALLOC_ALIGNED, ALLOC_BELOW_LIMIT, ALLOC_DISJOINT,
            ARRAY_PAGES);

    private interface TypeCheck {
        /** Checks {@code regions}, which start at index {@code at} of the array. */
        void check(String name, List<Region> regions, int at);
    }

    /**
     * Each array, whole, or the part of it the current check looks at: the changed indices and one
     * neighbour on each side, so that every pair a call could have affected is seen.
     */
    private static void eachType(Memblock m, TypeCheck c) {
        for (boolean ofReserved : new boolean[] {false, true}) {
            String name = ofReserved ? "reserved" : "memory";
            List<Region> all = view(m, ofReserved);
            int[] w = m.checkWindow(ofReserved);
            if (w == null) {
                c.check(name, all, 0);
            } else if (w[0] <= w[1]) {
                int from = Math.max(0, w[0] - 1);
                int to = Math.min(all.size(), w[1] + 2);
                c.check(name, all.subList(from, to), from);
            }
        }
    }

    /** The array as a list read in place (no copy of 10^5 regions per check). */
    private static List<Region> view(Memblock m, boolean ofReserved) {
        int n = ofReserved ? m.reservedCnt() : m.memoryCnt();
        return new java.util.AbstractList<>() {
            @Override
            public Region get(int i) {
                return m.region(ofReserved, i);
            }

            @Override
            public int size() {
                return n;
            }
        };
    }

    private static void total(List<Violation> out, String name, List<Region> regions, long expected) {
        long sum = 0;
        for (Region r : regions) {
            sum += r.size();
        }
        if (sum != expected) {
            out.add(new Violation("INV-MEMBLOCK-03", "total_size out of step",
                    String.format("memblock.%s: regions sum to %#x, total_size says %#x", name, sum, expected)));
        }
    }

    private static void dummy(List<Violation> out, String name, List<Region> regions, int at, int cnt, int max) {
        if (cnt < 1 || cnt > max) {
            out.add(new Violation("INV-MEMBLOCK-04", "cnt out of range",
                    String.format("memblock.%s.cnt is %d, expected 1..%d", name, cnt, max)));
            return;
        }
        for (int i = 0; i < regions.size(); i++) {
            Region r = regions.get(i);
            if (r.size() == 0 && (cnt > 1 || r.base() != 0 || r.flags() != 0)) {
                out.add(new Violation("INV-MEMBLOCK-04", "stray empty region",
                        String.format("memblock.%s[%d] %s with cnt %d", name, at + i, show(r), cnt)));
            }
        }
    }

    /** True when the sorted {@code regions} cover every byte of {@code [base, end)}. */
    private static boolean covered(List<Region> regions, long base, long end) {
        int lo = 0;
        int hi = regions.size() - 1;
        int at = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Region r = regions.get(mid);
            if (base < r.base()) {
                hi = mid - 1;
            } else if (base >= r.end()) {
                lo = mid + 1;
            } else {
                at = mid;
                break;
            }
        }
        if (at < 0) {
            return false;
        }
        long reached = regions.get(at).end();
        for (int i = at + 1; i < regions.size() && reached < end; i++) {
            if (regions.get(i).base() != reached) {
                return false;
            }
            reached = regions.get(i).end();
        }
        return reached >= end;
    }

    private static String show(Region r) {
        return String.format("[%#010x-%#010x] flags %#x", r.base(), r.end() - 1, r.flags());
    }

    private static String show(Allocation a) {
        return String.format("allocation [%#010x-%#010x] align %#x limit %#x",
                a.base(), a.end() - 1, a.align(), a.limit());
    }
}
