package armmm.model.tlb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One CPU's unified TLB. The architecture lets a TLB drop an entry at any time and keep one
 * until it is invalidated; the model keeps every entry until a maintenance operation removes it,
 * the behaviour that exposes the most stale translations (ARMv7-A ARM B3.10.1).
 */
public final class Tlb {
    private final List<TlbEntry> entries = new ArrayList<>();
    private long fills;
    private long invalidated;

    /** The entry a lookup of {@code va} under ASID {@code asid} hits, or null. */
    public TlbEntry lookup(long va, int asid) {
        for (TlbEntry e : entries) {
            if (e.matches(va, asid)) {
                return e;
            }
        }
        return null;
    }

    /** Caches {@code e}, replacing any entry that answers the same lookups (same block and tag). */
    void fill(TlbEntry e) {
        entries.removeIf(o -> o.walk().va() == e.walk().va() && o.walk().global() == e.walk().global()
                && (e.walk().global() || o.asid() == e.asid()));
        entries.add(e);
        fills++;
    }

    /** Completes {@code op} on this TLB. */
    void invalidate(Tlbi op) {
        int before = entries.size();
        entries.removeIf(op::hits);
        invalidated += before - entries.size();
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
}
