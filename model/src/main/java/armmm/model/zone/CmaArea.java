package armmm.model.zone;

/**
 * One CMA area ({@code struct cma}, mm/cma.h): reserved in memblock at boot by
 * {@code cma_declare_contiguous} (the default area from {@code cma=} or CONFIG_CMA_SIZE_MBYTES) or
 * {@code rmem_cma_setup} (a {@code reusable} reserved-memory node); its pages leave {@code managed}
 * at {@code memblock_free_all} and come back, pageblock by pageblock, when
 * {@code cma_activate_area} runs (core_initcall, mm/cma.c).
 *
 * @param name "reserved" for the default area, else the reserved-memory node's name
 * @param base physical base, page aligned
 * @param size bytes, a multiple of the page size
 */
public record CmaArea(String name, long base, long size) {
    /** The name of the default area, as mm/cma.c names it. */
    public static final String DEFAULT_NAME = "reserved";

    public CmaArea {
        if (base < 0 || size <= 0 || (base & (ZoneSetup.PAGE_SIZE - 1)) != 0 || (size & (ZoneSetup.PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException(String.format(
                    "CMA area must be page aligned and non-empty, found base %#x size %#x", base, size));
        }
    }

    /** The default area at {@code base}. */
    public CmaArea(long base, long size) {
        this(DEFAULT_NAME, base, size);
    }

    /** One past the last byte. */
    public long end() {
        return base + size;
    }

    /** First pfn. */
    public long startPfn() {
        return base >>> ZoneSetup.PAGE_SHIFT;
    }

    /** One past the last pfn. */
    public long endPfn() {
        return end() >>> ZoneSetup.PAGE_SHIFT;
    }
}
