package armmm.model.vmalloc;

/**
 * The kernel page-table operations vmalloc needs ({@code vmap_pages_range},
 * {@code vunmap_range_noflush}, {@code flush_tlb_kernel_range}, and the walk of
 * {@code vmalloc_to_page}), as the interface vmalloc codes against until the MMU model's
 * page-table API plugs in behind it.
 */
public interface KernelPtes {

    /** The protection of a kernel PTE vmalloc writes. */
    enum Prot {
        /** {@code PAGE_KERNEL}: normal memory, read-write, never executable. */
        KERNEL,
        /** {@code PAGE_KERNEL_RO}-like: normal memory, read-only. */
        KERNEL_RO,
        /** {@code MT_DEVICE}'s {@code prot_pte}: device memory, read-write (ioremap). */
        DEVICE
    }

    /**
     * {@code vmap_pte_range}: maps the page at {@code va} to frame {@code pfn}, allocating the PTE
     * table first ({@code pte_alloc_kernel}); false when no page could be had for it (-ENOMEM).
     */
    boolean map(long va, long pfn, Prot prot);

    /** {@code vunmap_range_noflush}: clears every PTE in {@code [start, end)}; the TLB may still hold them. */
    void unmap(long start, long end);

    /** {@code flush_tlb_kernel_range}: no stale translation of {@code [start, end)} survives. */
    void flushTlbKernelRange(long start, long end);

    /** The frame mapped at {@code va}, or -1 when its PTE is clear (a walk: {@code vmalloc_to_page}). */
    long pfnAt(long va);

    /** The protection of the PTE at {@code va}, or null when it is clear. */
    Prot protAt(long va);
}
