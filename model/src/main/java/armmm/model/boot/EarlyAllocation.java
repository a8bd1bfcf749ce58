package armmm.model.boot;

/**
 * One early memblock allocation made during boot, as {@code memblock=debug} logs it
 * ({@code memblock_alloc_try_nid[_raw]} or {@code memblock_phys_alloc_range}), with the address
 * the model chose.
 *
 * @param caller  the kernel function that asked ({@code early_alloc}, {@code free_area_init}, ...)
 * @param size    bytes asked for
 * @param align   alignment asked for
 * @param minAddr lower limit ({@code from=})
 * @param maxAddr upper limit ({@code max_addr=}; 0 is MEMBLOCK_ALLOC_ACCESSIBLE)
 * @param kind    which memblock entry point
 * @param address the physical address chosen, 0 when the allocation failed
 */
public record EarlyAllocation(String caller, long size, long align, long minAddr, long maxAddr, Kind kind, long address) {
    /** The memblock entry point used. */
    public enum Kind {
        /** {@code memblock_alloc_try_nid}: zeroed. */
        TRY_NID,
        /** {@code memblock_alloc_try_nid_raw}: not zeroed, same placement. */
        TRY_NID_RAW,
        /** {@code memblock_phys_alloc_range} / {@code memblock_alloc_range_nid} (CMA). */
        PHYS_RANGE
    }

    /** One past the last byte. */
    public long end() {
        return address + size;
    }
}
