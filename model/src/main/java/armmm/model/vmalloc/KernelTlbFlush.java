package armmm.model.vmalloc;

/**
 * A {@code flush_tlb_kernel_range(start, end)} the vmalloc code issues (mm/vmalloc.c), recorded
 * for the TLB model of another subsystem to replay from the calling CPU, as the address-space
 * code records its user flushes. In 6.1 the vmalloc calls the model has flush in one place only:
 * {@code __purge_vmap_area_lazy}, over the span from the lowest {@code va_start} to the highest
 * {@code va_end} of the lazily freed areas it purges ({@code vfree}, {@code vunmap} and
 * {@code iounmap} clear their PTEs with {@code vunmap_range_noflush} in
 * {@code free_unmap_vmap_area} and leave the flush to the purge, since
 * {@code debug_pagealloc_enabled_static()} is false on the armmp kernel booted without
 * {@code debug_pagealloc=on}; {@code vm_unmap_aliases} with no vmap blocks purges, and its
 * {@code flush} argument is 0, so it adds no flush of its own; {@code ioremap} and the
 * allocations only write PTEs that were clear, which needs no flush).
 *
 * @param start the first address flushed
 * @param end   one past the last
 * @param site  the kernel function that flushes
 */
public record KernelTlbFlush(long start, long end, Site site) {
    /** Where vmalloc flushes. */
    public enum Site {
        /**
         * {@code __purge_vmap_area_lazy}'s {@code flush_tlb_kernel_range}: reached from
         * {@code purge_vmap_area_lazy}, {@code vm_unmap_aliases} ({@code _vm_unmap_aliases}), the
         * drain once {@code vmap_lazy_nr} passes {@code lazy_max_pages}, and {@code alloc_vmap_area}'s
         * retry after a failed search.
         */
        PURGE_VMAP_AREA_LAZY
    }

    @Override
    public String toString() {
        return String.format("flush_tlb_kernel_range [%08x, %08x) (%s)", start, end,
                site.name().toLowerCase(java.util.Locale.ROOT));
    }
}
