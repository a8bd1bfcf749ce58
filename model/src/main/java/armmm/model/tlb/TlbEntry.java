package armmm.model.tlb;

/**
 * One entry of a CPU's unified TLB: a walk as the hardware caches it, tagged with the ASID of
 * CONTEXTIDR at the time of the walk unless it is global (ARMv7-A ARM B3.9.1).
 *
 * @param walk  the translation cached
 * @param asid  the ASID it is tagged with (meaningless when {@code walk.global()})
 * @param owner which tables the walk read: the mm handle, or -1 for {@code swapper_pg_dir}. Not
 *              visible to the hardware: the model keeps it to say whose translation a stale
 *              entry is (INV-TLB-03).
 */
public record TlbEntry(Walk walk, int asid, long owner) {

    /** Whether this entry answers a lookup of {@code va} under ASID {@code current}. */
    public boolean matches(long va, int current) {
        return walk.covers(va) && (walk.global() || asid == current);
    }

    @Override
    public String toString() {
        return String.format("%08x-%08x -> %08x %s ap %d%s", walk.va(), walk.va() + walk.size() - 1, walk.pa(),
                walk.global() ? "global" : "asid " + asid, walk.ap(), walk.xn() ? " xn" : "")
                + (owner >= 0 ? " (mm " + owner + ")" : "");
    }
}
