package armmm.model.mm;

/**
 * A TLB maintenance call the address-space code makes (arch/arm/include/asm/tlbflush.h), recorded
 * for the TLB model of another subsystem to replay: {@code flush_tlb_range} after
 * {@code munmap}'s {@code tlb_finish_mmu} and {@code mprotect}'s {@code change_protection},
 * {@code flush_tlb_page} after a fault replaced or upgraded a present PTE
 * ({@code ptep_clear_flush}, {@code ptep_set_access_flags}), {@code flush_tlb_mm} after
 * {@code fork} write-protected the parent ({@code dup_mmap}) and at {@code exit_mmap}.
 *
 * @param mm    the mm's handle
 * @param kind  which call
 * @param start the first address (0 for {@code flush_tlb_mm})
 * @param end   one past the last ({@code TASK_SIZE} for {@code flush_tlb_mm})
 * @param site  the kernel function that flushes ({@link Site}), so that the TLB model can say
 *              which flush it replayed and a seeded bug can drop one site's flush
 */
public record TlbFlush(long mm, Kind kind, long start, long end, Site site) {
    /** Where the kernel flushes. */
    public enum Site {
        /** {@code unmap_region}'s {@code tlb_finish_mmu} (munmap, MAP_FIXED, a shrinking brk). */
        UNMAP_REGION,
        /** {@code change_protection}'s {@code tlb_finish_mmu} (mprotect). */
        CHANGE_PROTECTION,
        /** {@code exit_mmap}'s full-mm {@code tlb_finish_mmu}. */
        EXIT_MMAP,
        /** The end of {@code dup_mmap} (fork), after the parent's PTEs were write-protected. */
        DUP_MMAP,
        /** {@code wp_page_copy}'s {@code ptep_clear_flush} of the old PTE before the copy is mapped. */
        WP_PAGE_COPY,
        /** {@code wp_page_reuse}'s {@code ptep_set_access_flags} (the page made writable in place). */
        WP_PAGE_REUSE,
        /** {@code handle_pte_fault}'s {@code ptep_set_access_flags} (young, dirty) and its spurious-fault flush. */
        SET_ACCESS_FLAGS
    }

    /** The three calls. */
    public enum Kind {
        /** {@code flush_tlb_range(vma, start, end)}. */
        RANGE,
        /** {@code flush_tlb_page(vma, addr)}. */
        PAGE,
        /** {@code flush_tlb_mm(mm)}. */
        MM
    }

    @Override
    public String toString() {
        return String.format("flush_tlb_%s mm %d [%08x, %08x) (%s)", kind.name().toLowerCase(java.util.Locale.ROOT), mm, start,
                end, site.name().toLowerCase(java.util.Locale.ROOT));
    }
}
