package armmm.model.tlb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One CPU's main TLB, bounded as a Cortex-A15's: the Cortex-A15 MPCore TRM (ARM DDI 0438, 5.1
 * and 5.2.3) gives each processor a unified 512-entry 4-way set-associative L2 TLB, without
 * entry locking (the 32-entry L1 micro TLBs are subsets of it that every maintenance operation
 * flushes, and are not modelled). The index function is not documented; the model indexes a set
 * by the block number ({@code va / size}) modulo the 128 sets, and a fill into a full set evicts
 * that set's oldest entry (round robin over the ways as they were filled). Besides that the
 * architecture lets a TLB drop any entry at any time ({@link #evict}, which the engine draws) and
 * keep one until it is invalidated (ARMv7-A ARM B3.10.1): an entry no fill pushed out and no
 * maintenance removed stays, so stale translations show.
 */
public final class Tlb {
    /** Entries of the A15's L2 TLB. */
    public static final int ENTRIES = 512;
    /** Its associativity. */
    public static final int WAYS = 4;
    /** Its sets. */
    public static final int SETS = ENTRIES / WAYS;

    private final List<TlbEntry> entries = new ArrayList<>();
    private final int[] inSet = new int[SETS];
    private long fills;
    private long invalidated;
    private long evicted;

    /** The set {@code w} is cached in. */
    static int setOf(Walk w) {
        return (int) ((w.va() / w.size()) & (SETS - 1));
    }

    /** The entry a lookup of {@code va} under ASID {@code asid} hits, or null. */
    public TlbEntry lookup(long va, int asid) {
        for (TlbEntry e : entries) {
            if (e.matches(va, asid)) {
                return e;
            }
        }
        return null;
    }

    /**
     * Caches {@code e}, replacing any entry that answers the same lookups (same block and tag);
     * in a full set the oldest entry of the set goes first.
     */
    void fill(TlbEntry e) {
        removeIf(o -> o.walk().va() == e.walk().va() && o.walk().global() == e.walk().global()
                && (e.walk().global() || o.asid() == e.asid()));
        int set = setOf(e.walk());
        if (inSet[set] >= WAYS) {
            for (int i = 0; i < entries.size(); i++) {
                if (setOf(entries.get(i).walk()) == set) {
                    inSet[set]--;
                    entries.remove(i);
                    evicted++;
                    break;
                }
            }
        }
        entries.add(e);
        inSet[set]++;
        fills++;
    }

    /** Completes {@code op} on this TLB. */
    void invalidate(Tlbi op) {
        invalidated += removeIf(op::hits);
    }

    /** Drops the entries covering {@code va}, as the hardware may at any time; how many went. */
    int evict(long va) {
        int n = removeIf(o -> o.walk().covers(va));
        evicted += n;
        return n;
    }

    private int removeIf(java.util.function.Predicate<TlbEntry> gone) {
        int removed = 0;
        for (var it = entries.iterator(); it.hasNext(); ) {
            TlbEntry o = it.next();
            if (gone.test(o)) {
                it.remove();
                inSet[setOf(o.walk())]--;
                removed++;
            }
        }
        return removed;
    }

    /** The entries, oldest first (a view). */
    public List<TlbEntry> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** Entries cached so far. */
    public long fills() {
        return fills;
    }

    /** Entries removed by maintenance so far. */
    public long invalidated() {
        return invalidated;
    }

    /** Entries pushed out by a fill into a full set, or dropped by {@link #evict}, so far. */
    public long evicted() {
        return evicted;
    }
}
