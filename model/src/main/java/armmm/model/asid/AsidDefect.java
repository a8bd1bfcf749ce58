package armmm.model.asid;

/**
 * Historical bugs of arch/arm/mm/context.c that an {@link AsidAllocator} can be built with, so
 * that tests show the invariants and the interleaving properties find them.
 */
public enum AsidDefect {
    /**
     * Before "ARM: 7767/1: let the ASID allocator handle suspended animation": {@code flush_context}
     * records a CPU's zero {@code active_asids} as its reserved ASID, forgetting the ASID it kept
     * from an earlier rollover, so a CPU that ran no other task across two rollovers loses it.
     */
    SUSPENDED_CPU_LOSES_RESERVED,
    /**
     * Before "ARM: 8465/1: mm: keep reserved ASIDs in sync with mm after multiple rollovers":
     * {@code new_context} hits a reserved ASID but does not update the reserved copies to the new
     * generation, so after a further rollover the mm no longer matches them.
     */
    RESERVED_NOT_SYNCED,
    /**
     * The fast path's {@code atomic64_xchg} on {@code active_asids} replaced by a read then a
     * write: a rollover between them zeroes the CPU's active ASID, and the write then installs an
     * old-generation ASID that no reservation protects.
     */
    FASTPATH_READ_THEN_WRITE,
    /**
     * Not a historical bug (one of our own): the slow path ignores {@code tlb_flush_pending}, so a
     * CPU uses ASIDs recycled by a rollover with the previous generation's entries still in its TLB.
     */
    PENDING_FLUSH_IGNORED
}
