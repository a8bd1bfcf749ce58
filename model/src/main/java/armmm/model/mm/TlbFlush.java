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
 */
public record TlbFlush(long mm, Kind kind, long start, long end) {
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
        return String.format("flush_tlb_%s mm %d [%08x, %08x)", kind.name().toLowerCase(java.util.Locale.ROOT), mm, start, end);
    }
}
