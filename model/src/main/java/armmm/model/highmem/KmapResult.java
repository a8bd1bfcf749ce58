package armmm.model.highmem;

/**
 * What {@code kmap}/{@code kmap_high} ({@code mm/highmem.c}) gives back: a virtual address, or
 * the report that the caller would sleep in {@code map_new_virtual} because every pkmap slot is
 * in use ({@code pkmap_map_wait}).
 */
public sealed interface KmapResult {

    /** The page is mapped at {@code vaddr} (its linear address for lowmem, a pkmap slot otherwise). */
    record Mapped(long vaddr) implements KmapResult { }

    /** Every one of the LAST_PKMAP slots holds a mapping in use: the task would block on {@code pkmap_map_wait}. */
    record WouldBlock() implements KmapResult { }
}
