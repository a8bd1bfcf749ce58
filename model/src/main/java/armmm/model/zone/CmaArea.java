package armmm.model.zone;

/**
 * One CMA area ({@code struct cma}, mm/cma.h) as {@code cma_declare_contiguous} reserved it in
 * memblock: its pages leave {@code managed} at {@code memblock_free_all} and come back, pageblock by
 * pageblock, when {@code cma_activate_area} runs (core_initcall, mm/cma.c).
 *
 * @param base physical base, page aligned
 * @param size bytes, a multiple of the page size
 */
public record CmaArea(long base, long size) {
    public CmaArea {
        if (base < 0 || size <= 0 || (base & (ZoneSetup.PAGE_SIZE - 1)) != 0 || (size & (ZoneSetup.PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException(String.format(
                    "CMA area must be page aligned and non-empty, found base %#x size %#x", base, size));
        }
    }

    /** First pfn. */
    public long startPfn() {
        return base >>> ZoneSetup.PAGE_SHIFT;
    }

    /** One past the last pfn. */
    public long endPfn() {
        return (base + size) >>> ZoneSetup.PAGE_SHIFT;
    }
}
