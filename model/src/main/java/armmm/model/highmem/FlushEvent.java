package armmm.model.highmem;

/**
 * A TLB flush the highmem code asks for, as the kernel issues it: the broadcast
 * {@code flush_tlb_kernel_range} over the whole pkmap area at the end of
 * {@code flush_all_zero_pkmaps} (mm/highmem.c), or the local
 * {@code local_flush_tlb_kernel_page} of one fixmap slot that ARM's
 * {@code arch_kmap_local_post_map}/{@code arch_kmap_local_post_unmap}
 * (arch/arm/include/asm/highmem.h) run after each kmap_local/kmap_atomic PTE write. No TLB is
 * modelled here: these are for a TLB model to consume ({@link Highmem#flushEvents()}).
 *
 * @param kind  {@link Kind#RANGE} or {@link Kind#LOCAL_PAGE}
 * @param cpu   the CPU that flushes its own TLB ({@link Kind#LOCAL_PAGE}); -1 for a broadcast
 * @param start first virtual address covered
 * @param end   one past the last address covered
 */
public record FlushEvent(Kind kind, int cpu, long start, long end) {

    /** Which flush. */
    public enum Kind {
        /** {@code flush_tlb_kernel_range(start, end)}: every CPU (broadcast on ARMv7 SMP). */
        RANGE,
        /** {@code local_flush_tlb_kernel_page(start)}: the calling CPU only. */
        LOCAL_PAGE
    }

    @Override
    public String toString() {
        return kind == Kind.RANGE
                ? String.format("flush_tlb_kernel_range(%08x, %08x)", start, end)
                : String.format("local_flush_tlb_kernel_page(%08x) cpu %d", start, cpu);
    }
}
