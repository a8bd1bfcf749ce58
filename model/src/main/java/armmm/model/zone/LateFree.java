package armmm.model.zone;

/**
 * Pages still reserved in memblock at {@code memblock_free_all} that the kernel hands to the buddy
 * allocator later with {@code free_reserved_area} (mm/page_alloc.c): the initrd
 * ({@code free_initrd_mem}, arch/arm/mm/init.c, after {@code init_per_zone_wmark_min}) and the
 * init sections ({@code free_initmem}, at the end of boot). Each adds to its zone's {@code managed}
 * but not to the watermarks, which were computed before.
 *
 * @param what     what is freed ("initrd", "initmem"), for reports
 * @param startPfn first pfn freed
 * @param endPfn   one past the last pfn freed
 */
public record LateFree(String what, long startPfn, long endPfn) {
    public LateFree {
        if (startPfn < 0 || endPfn < startPfn) {
            throw new IllegalArgumentException("late free " + what + ": found pfns [" + startPfn + ", " + endPfn
                    + "), expected 0 <= start <= end");
        }
    }

    /** The pfns covering bytes [start, end), rounded outwards as {@code free_initrd_mem} rounds them. */
    public static LateFree ofBytes(String what, long start, long end) {
        return new LateFree(what, start >>> ZoneSetup.PAGE_SHIFT, (end + ZoneSetup.PAGE_SIZE - 1) >>> ZoneSetup.PAGE_SHIFT);
    }

    /** Number of pages. */
    public long pages() {
        return endPfn - startPfn;
    }
}
