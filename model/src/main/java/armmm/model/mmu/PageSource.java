package armmm.model.mmu;

/**
 * Where {@code pte_alloc_kernel} gets a page for a new PTE table: after boot,
 * {@code __get_free_page(GFP_PGTABLE_KERNEL)} from the buddy allocator (a lowmem page, zeroed).
 */
@FunctionalInterface
public interface PageSource {
    /** A zeroed lowmem page's frame number, or -1 when the allocator has none (-ENOMEM). */
    long allocPage();
}
