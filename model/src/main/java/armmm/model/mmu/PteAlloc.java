package armmm.model.mmu;

/**
 * What {@code pte_alloc_kernel} (include/linux/mm.h, {@code __pte_alloc_kernel} in mm/memory.c)
 * found or did for one address.
 */
public enum PteAlloc {
    /** The pmd already pointed at a PTE table. */
    PRESENT,
    /** A page was taken and the pmd populated with {@code _PAGE_KERNEL_TABLE}. */
    ALLOCATED,
    /** The page allocator had nothing: the caller sees -ENOMEM. */
    NO_MEMORY,
    /** The pmd maps a section (lowmem, the device tree): no PTE table can go there. */
    SECTION;

    /** Whether a PTE can now be written at the address. */
    public boolean ok() {
        return this == PRESENT || this == ALLOCATED;
    }
}
