package armmm.model.vmalloc;

import armmm.model.memblock.Memblock;
import armmm.model.page.PageAllocator;

/**
 * The model's buddy allocator and memblock as vmalloc's {@link PageSource}: order-0 pages on
 * CPU 0, {@code totalram_pages} as the managed pages of all zones at the time of the call.
 */
public final class BuddyPageSource implements PageSource {
    private final PageAllocator pages;
    private final Memblock memblock;
    private final long totalram;

    /**
     * @param pages    the page allocator
     * @param memblock memblock after boot ({@code memblock_is_map_memory})
     * @param totalram {@code totalram_pages()} (managed pages)
     */
    public BuddyPageSource(PageAllocator pages, Memblock memblock, long totalram) {
        this.pages = pages;
        this.memblock = memblock;
        this.totalram = totalram;
    }

    /** The page allocator behind this source. */
    public PageAllocator allocator() {
        return pages;
    }

    @Override
    public long allocPage(long gfp) {
        return pages.allocPagesPfn(gfp, 0, 0);
    }

    @Override
    public void freePage(long pfn) {
        pages.freePagesPfn(pfn, 0, 0);
    }

    @Override
    public long totalramPages() {
        return totalram;
    }

    @Override
    public boolean isMapMemory(long phys) {
        return memblock.isMapMemory(phys);
    }

    @Override
    public long pfnToPage(long pfn) {
        return pages.layout().pfnToPage(pfn);
    }

    @Override
    public long pageToPfn(long page) {
        long pfn = pages.layout().pageToPfn(page);
        return pages.hasPfn(pfn) ? pfn : -1;
    }
}
