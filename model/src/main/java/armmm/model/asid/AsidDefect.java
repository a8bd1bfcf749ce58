package armmm.model.asid;

import armmm.model.core.BugFacts;
import armmm.model.core.SeededBug;

/**
 * Historical bugs of arch/arm/mm/context.c that an {@link AsidAllocator} can be built with, so
 * that tests show the invariants and the interleaving properties find them. Seeded bugs of the
 * TLB subsystem ({@code armmm.model.tlb.TlbSubsystem}), planted with {@code -Darmmm.bug=NAME}.
 */
public enum AsidDefect implements SeededBug {
    /**
     * Before "ARM: 7767/1: let the ASID allocator handle suspended animation": {@code flush_context}
     * records a CPU's zero {@code active_asids} as its reserved ASID, forgetting the ASID it kept
     * from an earlier rollover, so a CPU that ran no other task across two rollovers loses it.
     */
    SUSPENDED_CPU_LOSES_RESERVED("INV-ASID-03", "ae120d9edfe9 (\"ARM: 7767/1: let the ASID allocator handle suspended animation\")",
            "flush_context records a CPU's zero active_asids as its reserved ASID: a CPU idle in one task across two rollovers loses its ASID",
            2),
    /**
     * Before "ARM: 8465/1: mm: keep reserved ASIDs in sync with mm after multiple rollovers":
     * {@code new_context} hits a reserved ASID but does not update the reserved copies to the new
     * generation, so after a further rollover the mm no longer matches them.
     */
    RESERVED_NOT_SYNCED("INV-ASID-04", null,
            "before ARM: 8465/1 (keep reserved ASIDs in sync with mm after multiple rollovers; hash not confirmed here): check_update_reserved_asid finds the reserved ASID but leaves the reserved copies in the old generation",
            2),
    /**
     * The fast path's {@code atomic64_xchg} on {@code active_asids} replaced by a read then a
     * write: a rollover between them zeroes the CPU's active ASID, and the write then installs an
     * old-generation ASID that no reservation protects.
     */
    FASTPATH_READ_THEN_WRITE("INV-ASID-02", null,
            "check_and_switch_context's fast path reads then writes active_asids instead of atomic64_xchg: a rollover in between leaves an unreserved old-generation ASID running",
            1),
    /**
     * Not a historical bug (one of our own): the slow path ignores {@code tlb_flush_pending}, so a
     * CPU uses ASIDs recycled by a rollover with the previous generation's entries still in its TLB.
     */
    PENDING_FLUSH_IGNORED("INV-ASID-05", null,
            "check_and_switch_context ignores tlb_flush_pending: a CPU reuses a recycled ASID with the old generation's entries in its TLB",
            1),
    /**
     * Not a historical bug (one of our own): {@code new_context} keeps an mm's previous ASID
     * number in the new generation without {@code __test_and_set_bit} on {@code asid_map}, so an
     * ASID that a new mm already took in this generation is handed out twice.
     */
    OLD_ASID_TAKEN_WITHOUT_MAP("INV-ASID-01", null,
            "new_context re-takes the mm's old ASID number without testing asid_map: two mms get one ASID in one generation",
            1);

    private final BugFacts facts;
    private final int fewestRollovers;

    AsidDefect(String invariant, String commit, String summary, int fewestRollovers) {
        this.facts = new BugFacts(invariant, commit, summary);
        this.fewestRollovers = fewestRollovers;
    }

    /**
     * The fewest rollovers ({@code flush_context} calls) before any interleaving, at any ASID width,
     * can show the bug: two for 7767/1 and 8465/1, whose wrong reserved copy is made at one rollover
     * and read at the next (a CPU sits in one task through both), one for the others (the xchg split
     * around a rollover, the flush it queues, the map it rebuilds). Issue 12 asks each seeded race to
     * be reported with this count; the hunts assert their shrunk counterexamples make at least this many.
     */
    public int fewestRollovers() {
        return fewestRollovers;
    }

    @Override
    public BugFacts facts() {
        return facts;
    }
}
