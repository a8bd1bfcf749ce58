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
 * Every check reads the arrays (at most a few hundred regions) and the allocation record once.
 */
public final class MemblockChecks {
    private MemblockChecks() {
    }

    /** INV-MEMBLOCK-01: each array is sorted by base and its regions do not overlap. */
    public static final Invariant SORTED = Invariant.on("INV-MEMBLOCK-01", Memblock.class, mb -> {
        List<Violation> out = new ArrayList<>();
        eachType(mb, (name, regions) -> {
            for (int i = 1; i < regions.size(); i++) {
                Region a = regions.get(i - 1);
                Region b = regions.get(i);
                if (a.end() > b.base()) {
                    out.add(new Violation("INV-MEMBLOCK-01", "regions overlap or out of order",
                            String.format("memblock.%s[%d] %s and [%d] %s", name, i - 1, show(a), i, show(b))));
                }
            }
        });
        return out;
    });

    /** INV-MEMBLOCK-02: no two neighbours touch with the same flags ({@code memblock_merge_regions}). */
    public static final Invariant MERGED = Invariant.on("INV-MEMBLOCK-02", Memblock.class, mb -> {
        List<Violation> out = new ArrayList<>();
        eachType(mb, (name, regions) -> {
            for (int i = 1; i < regions.size(); i++) {
                Region a = regions.get(i - 1);
                Region b = regions.get(i);
                if (a.end() == b.base() && a.flags() == b.flags() && a.size() > 0 && b.size() > 0) {
                    out.add(new Violation("INV-MEMBLOCK-02", "adjacent regions not merged",
                            String.format("memblock.%s[%d] %s and [%d] %s", name, i - 1, show(a), i, show(b))));
                }
            }
        });
        return out;
    });

    /**
     * INV-MEMBLOCK-03: total_size is the sum of the region sizes (plus, for memory, what
     * {@code memblock_trim_memory} cut off in place without lowering total_size, as 6.1 does).
     */
    public static final Invariant TOTAL_SIZE = Invariant.on("INV-MEMBLOCK-03", Memblock.class, mb -> {
        Memblock m = mb;
        List<Violation> out = new ArrayList<>();
        total(out, "memory", m.memory(), m.memoryTotalSize() - m.memoryTrimmedBytes());
        total(out, "reserved", m.reserved(), m.reservedTotalSize() - m.reservedTrimmedBytes());
        return out;
    });

    /**
     * INV-MEMBLOCK-04: cnt is at least 1 and at most max; a zero-sized region appears only as the
     * single dummy entry of an empty array.
     */
    public static final Invariant DUMMY = Invariant.on("INV-MEMBLOCK-04", Memblock.class, mb -> {
        Memblock m = mb;
        List<Violation> out = new ArrayList<>();
        dummy(out, "memory", m.memory(), m.memoryMax());
        dummy(out, "reserved", m.reserved(), m.reservedMax());
        return out;
    });

    /** INV-MEMBLOCK-05: every region ends at or below PHYS_ADDR_MAX ({@code memblock_cap_size}). */
    public static final Invariant IN_PHYS_SPACE = Invariant.on("INV-MEMBLOCK-05", Memblock.class, mb -> {
        List<Violation> out = new ArrayList<>();
        eachType(mb, (name, regions) -> {
            for (int i = 0; i < regions.size(); i++) {
                if (regions.get(i).end() > Memblock.PHYS_ADDR_MAX) {
                    out.add(new Violation("INV-MEMBLOCK-05", "region beyond PHYS_ADDR_MAX",
                            String.format("memblock.%s[%d] %s", name, i, show(regions.get(i)))));
                }
            }
        });
        return out;
    });

    /** INV-MEMBLOCK-06: every live allocation lies in memory. */
    public static final Invariant ALLOC_IN_MEMORY = Invariant.on("INV-MEMBLOCK-06", Memblock.class, mb -> {
        List<Violation> out = new ArrayList<>();
        List<Region> memory = mb.memory();
        for (Allocation a : mb.allocations()) {
            if (!covered(memory, a.base(), a.end())) {
                out.add(new Violation("INV-MEMBLOCK-06", "allocation outside memory", show(a)));
            }
        }
        return out;
    });

    /** INV-MEMBLOCK-07: no live allocation overlaps a NOMAP memory region. */
    public static final Invariant ALLOC_NOT_NOMAP = Invariant.on("INV-MEMBLOCK-07", Memblock.class, mb -> {
        List<Violation> out = new ArrayList<>();
        List<Region> nomap = new ArrayList<>();
        for (Region r : mb.memory()) {
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
    public static final Invariant ALLOC_RESERVED = Invariant.on("INV-MEMBLOCK-08", Memblock.class, mb -> {
        List<Violation> out = new ArrayList<>();
        List<Region> reserved = mb.reserved();
        for (Allocation a : mb.allocations()) {
            if (!covered(reserved, a.base(), a.end())) {
                out.add(new Violation("INV-MEMBLOCK-08", "allocation not reserved", show(a)));
            }
        }
        return out;
    });

    /** INV-MEMBLOCK-09: every live allocation starts on its alignment. */
    public static final Invariant ALLOC_ALIGNED = Invariant.on("INV-MEMBLOCK-09", Memblock.class, mb -> {
        List<Violation> out = new ArrayList<>();
        for (Allocation a : mb.allocations()) {
            if ((a.base() & (a.align() - 1)) != 0) {
                out.add(new Violation("INV-MEMBLOCK-09", "allocation misaligned", show(a)));
            }
        }
        return out;
    });

    /** INV-MEMBLOCK-10: every live allocation ends at or below the limit it was made under. */
    public static final Invariant ALLOC_BELOW_LIMIT = Invariant.on("INV-MEMBLOCK-10", Memblock.class, mb -> {
        List<Violation> out = new ArrayList<>();
        for (Allocation a : mb.allocations()) {
            if (a.end() > a.limit()) {
                out.add(new Violation("INV-MEMBLOCK-10", "allocation above its limit", show(a)));
            }
        }
        return out;
    });

    /** INV-MEMBLOCK-11: no two live allocations overlap. */
    public static final Invariant ALLOC_DISJOINT = Invariant.on("INV-MEMBLOCK-11", Memblock.class, mb -> {
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

    /** Every memblock invariant. */
    public static final List<Invariant> ALL = List.of(SORTED, MERGED, TOTAL_SIZE, DUMMY, IN_PHYS_SPACE,
            ALLOC_IN_MEMORY, ALLOC_NOT_NOMAP, ALLOC_RESERVED, ALLOC_ALIGNED, ALLOC_BELOW_LIMIT, ALLOC_DISJOINT);

    private interface TypeCheck {
        void check(String name, List<Region> regions);
    }

    private static void eachType(Memblock m, TypeCheck c) {
        c.check("memory", m.memory());
        c.check("reserved", m.reserved());
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

    private static void dummy(List<Violation> out, String name, List<Region> regions, int max) {
        if (regions.isEmpty() || regions.size() > max) {
            out.add(new Violation("INV-MEMBLOCK-04", "cnt out of range",
                    String.format("memblock.%s.cnt is %d, expected 1..%d", name, regions.size(), max)));
            return;
        }
        for (int i = 0; i < regions.size(); i++) {
            Region r = regions.get(i);
            if (r.size() == 0 && (regions.size() > 1 || r.base() != 0 || r.flags() != 0)) {
                out.add(new Violation("INV-MEMBLOCK-04", "stray empty region",
                        String.format("memblock.%s[%d] %s with cnt %d", name, i, show(r), regions.size())));
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
