package armmm.model.tlb;

import armmm.model.core.BugFacts;
import armmm.model.core.SeededBug;

/**
 * The seeded bugs of the TLB subsystem ({@link TlbSubsystem}) besides the ASID allocator's
 * ({@code armmm.model.asid.AsidDefect}): mistakes in the kernel's TLB maintenance that leave a
 * stale translation usable. Planted with {@code -Darmmm.bug=NAME}.
 */
public enum TlbBug implements SeededBug {
    /** {@code unmap_region}'s {@code tlb_finish_mmu} without its {@code flush_tlb_range}. */
    MUNMAP_NO_FLUSH("INV-TLB-01", "munmap's tlb_finish_mmu without flush_tlb_range: every CPU keeps the unmapped pages' translations"),
    /**
     * {@code flush_tlb_page}/{@code flush_tlb_range} built without the ARM_ERRATA_720789
     * workaround (TLBIMVAIS with an ASID) and with the ASID of the flushing CPU's CONTEXTIDR
     * instead of the mm's: the entries of an mm flushed from a CPU that runs another survive.
     */
    TLBIMVA_WRONG_ASID("INV-TLB-01", "flush_tlb_range issues TLBIMVAIS with the flushing CPU's CONTEXTIDR ASID instead of ASID(vma->vm_mm)"),
    /** {@code flush_tlb_range} with the local TLBIMVAA ({@code c8, c7}) as if no other CPU could hold the entries. */
    FLUSH_LOCAL_ONLY("INV-TLB-01", "flush_tlb_range issues the local TLBIMVAA, not the inner-shareable one: other CPUs keep the old translations"),
    /** User PTEs written without {@code PTE_EXT_NG}: their TLB entries are global and survive every switch. */
    USER_PTE_GLOBAL("INV-TLB-02", "set_pte_at of a user page without PTE_EXT_NG: the TLB entry is global and answers for every ASID"),
    /** {@code check_and_switch_context} without {@code cpu_set_reserved_ttbr0}. */
    NO_RESERVED_TTBR0("INV-TLB-03", "check_and_switch_context without cpu_set_reserved_ttbr0: a speculative walk of the old tables between the CONTEXTIDR and TTBR0 writes is tagged with the new ASID");

    private final BugFacts facts;

    TlbBug(String invariant, String summary) {
        this.facts = new BugFacts(invariant, null, summary);
    }

    @Override
    public BugFacts facts() {
        return facts;
    }
}
