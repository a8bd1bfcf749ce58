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
    /** The TLB fill of a user page without its {@code nG}: the entry is global and survives every switch. */
    USER_PTE_GLOBAL("INV-TLB-02", "the TLB fill drops the descriptor's nG: a user page is cached as a global entry that answers for every ASID (planted in the walk that fills the TLB, since a user PTE written without PTE_EXT_NG is COW_COPY_GLOBAL, which INV-UPT-03 catches in the tables first)"),
    /** {@code check_and_switch_context} without {@code cpu_set_reserved_ttbr0}. */
    NO_RESERVED_TTBR0("INV-TLB-03", "check_and_switch_context without cpu_set_reserved_ttbr0: a speculative walk of the old tables between the CONTEXTIDR and TTBR0 writes is tagged with the new ASID"),
    /**
     * {@code wp_page_copy} clearing the old PTE with {@code ptep_get_and_clear} instead of
     * {@code ptep_clear_flush} (mm/memory.c): another CPU running the mm keeps the read-only
     * translation of the page shared copy-on-write, and reads the old page after the copy.
     */
    COW_NO_FLUSH("INV-TLB-01", "wp_page_copy clears the old PTE without flush_tlb_page: other CPUs keep translating to the page copied from"),
    /**
     * {@code exit_mm} and {@code context_switch} without the lazy-TLB {@code mmgrab}
     * (kernel/exit.c, kernel/sched/core.c): {@code mmput}'s {@code mmdrop} reaches
     * {@code __mmdrop} and frees the pgd while the CPU that ran the mm still has it in TTBR0.
     */
    LAZY_MM_NOT_GRABBED("INV-TLB-04", "no mmgrab for a CPU's lazy active_mm: __mmdrop frees the pgd at exit_mm while a CPU's TTBR0 still points at it"),
    /**
     * {@code __purge_vmap_area_lazy} without its {@code flush_tlb_kernel_range} (mm/vmalloc.c):
     * the purged areas go back to the free tree while every CPU may still hold the global
     * translations of their old pages, and a new vmalloc there reads the freed frames.
     */
    PURGE_NO_FLUSH("INV-TLB-01", "__purge_vmap_area_lazy frees the lazily freed areas without flush_tlb_kernel_range: CPUs keep global translations of the freed pages"),
    /**
     * {@code __flush_tlb_kernel_page} with the local TLBIMVA ({@code c8, c7, 1}) where the build
     * needs the inner-shareable one ({@code c8, c3, 1}): as if it were {@code local_flush_tlb_kernel_page}.
     */
    FLUSH_KERNEL_PAGE_LOCAL("INV-CALL-06", "flush_tlb_kernel_page issues the local TLBIMVA, not TLBIMVAIS: other CPUs keep the kernel page's global translation"),
    /**
     * The inner-shareable TLBIASIDIS ({@code c8, c3, 2}) completed by its {@code dsb} on the issuing
     * CPU only, as if it were TLBIASID ({@code c8, c7, 2}): a hardware (or model) fault no kernel
     * path of this build shows, since ARM_ERRATA_720789 makes {@code flush_tlb_mm} use TLBIALLIS.
     */
    TLBIASID_IS_LOCAL("INV-CALL-06", "TLBIASIDIS acts on the issuing CPU only: after its dsb other CPUs keep the ASID's non-global entries"),
    /**
     * An unmap whose TLB shootdown runs before its PTE writes instead of after them (the order of
     * mm/mmu_gather.c {@code tlb_finish_mmu} after {@code zap_pte_range}, mm/mprotect.c after
     * {@code change_pte_range}): another CPU's access or speculative walk between the completed
     * flush and the PTE clear refills the old translation, which nothing flushes again. Only an
     * interleaving shows it: the whole call is atomic, and in it the order makes no difference.
     */
    TLBI_BEFORE_CLEAR("INV-TLB-01", "munmap/mprotect issue and complete their flush_tlb_range before the PTE writes: a walk by another CPU in between refills the old translation, and it outlives the call"),
    /**
     * Commit 06824ba824b3 ("ARM: tlb: delay page freeing for SMP and ARMv7 CPUs", 2011) undone:
     * the pages an unmap removes (and its page tables) are freed as they are unmapped, not
     * gathered until {@code tlb_flush_mmu} after the flush (mm/mmu_gather.c): while another CPU
     * still holds the old translation, the buddy allocator hands the frame out again.
     */
    FREE_BEFORE_FLUSH("INV-TLB-05", "06824ba824b3 (\"ARM: tlb: delay page freeing for SMP and ARMv7 CPUs\")", "the pages a begun unmap removes are freed at once, before its TLB flush: another CPU's old entry reaches a frame the buddy allocator holds free"),
    /**
     * {@code __purge_vmap_area_lazy} flushing the span of the purge list before taking the list
     * ({@code list_replace_init} after {@code flush_tlb_kernel_range}, where mm/vmalloc.c takes it
     * first): an area another CPU's {@code vfree} adds in between is taken, believed flushed and
     * freed, while a CPU still holds its page's global translation. Ours; only an interleaving
     * with a begun purge shows it (the whole call is atomic).
     */
    PURGE_FLUSH_BEFORE_TAKE("INV-TLB-01", "__purge_vmap_area_lazy flushes before it takes the purge list: an area vfree'd in between is freed without its flush, and a CPU keeps its page's global translation");

    private final BugFacts facts;

    TlbBug(String invariant, String summary) {
        this(invariant, null, summary);
    }

    TlbBug(String invariant, String kernelCommit, String summary) {
        this.facts = new BugFacts(invariant, kernelCommit, summary);
    }

    @Override
    public BugFacts facts() {
        return facts;
    }
}
