package armmm.model.memblock;

/**
 * A live block handed out by the memblock allocator ({@code memblock_alloc_range_nid},
 * mm/memblock.c), kept so that the invariants can check where it was placed.
 *
 * @param base  the physical address returned
 * @param size  the length in bytes
 * @param align the alignment used (after {@code align == 0} became {@code SMP_CACHE_BYTES})
 * @param limit the upper bound the search ran under (the end after {@code current_limit} and
 *              {@code MEMBLOCK_ALLOC_ACCESSIBLE} were applied); the block lies below it
 */
public record Allocation(long base, long size, long align, long limit) {
    public Allocation {
        if (size <= 0 || align <= 0) {
            throw new IllegalArgumentException(String.format(
                    "an allocation has a positive size and alignment, found size %#x align %#x", size, align));
        }
    }

    /** One past the last byte. */
    public long end() {
        return base + size;
    }
}
