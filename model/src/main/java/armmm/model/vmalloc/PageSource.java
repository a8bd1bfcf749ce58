package armmm.model.vmalloc;

/**
 * The page allocator as vmalloc uses it ({@code alloc_pages_bulk_array_node},
 * {@code __free_pages}, {@code totalram_pages}) and memblock's {@code memblock_is_map_memory}
 * that ARM's ioremap asks.
 */
public interface PageSource {

    /** One order-0 page for {@code gfp}: its pfn, or -1 for NULL. */
    long allocPage(long gfp);

    /** {@code __free_pages(page, 0)}. */
    void freePage(long pfn);

    /** {@code totalram_pages()}. */
    long totalramPages();

    /** {@code memblock_is_map_memory(phys)}: RAM the linear map may cover. */
    boolean isMapMemory(long phys);

    /** The {@code struct page *} of {@code pfn} ({@code pfn_to_page}). */
    long pfnToPage(long pfn);

    /** The pfn of a {@code struct page *}, or -1 when {@code page} is not one. */
    long pageToPfn(long page);
}
