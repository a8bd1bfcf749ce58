package armmm.model.memblock;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * The live blocks {@code memblock_alloc_range_nid} (mm/memblock.c) handed out, sorted by base.
 * Model bookkeeping, not kernel state: the kernel forgets an allocation once it is reserved, but
 * the invariants check where each one was placed, so removing or freeing memory must retire the
 * part of any allocation it takes away.
 */
final class Allocations {
    /** Sorted by base (equal bases, possible only under a planted bug, kept). */
    private final List<Allocation> list;

    Allocations() {
        list = new ArrayList<>();
    }

    Allocations(Allocations o) {
        list = new ArrayList<>(o.list);
    }

    /** Adds {@code a} at its place by base, after any with the same base. */
    void record(Allocation a) {
        int lo = 0;
        int hi = list.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (list.get(mid).base() <= a.base()) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        list.add(lo, a);
    }

    /** Drops {@code [base, base + size)} from the record of live allocations, splitting them. */
    void retire(long base, long size) {
        if (size <= 0 || list.isEmpty()) {
            return;
        }
        long end = base + size;
        List<Allocation> hit = new ArrayList<>();
        for (Allocation a : list) {
            if (a.base() < end && base < a.end()) {
                hit.add(a);
            }
        }
        for (Allocation a : hit) {
            list.remove(a);
            if (a.base() < base) {
                record(new Allocation(a.base(), base - a.base(), a.align(), a.limit()));
            }
            if (a.end() > end) {
                // The upper rest does not start where the allocator placed it: no alignment to check.
                record(new Allocation(end, a.end() - end, 1, a.limit()));
            }
        }
    }

    /** Forgets every allocation. */
    void clear() {
        list.clear();
    }

    /** A read-only view, by base. */
    Collection<Allocation> view() {
        return Collections.unmodifiableList(list);
    }
}
