package armmm.model.memblock;

/**
 * One {@code struct memblock_region} (include/linux/memblock.h): a physical range and its flags.
 *
 * @param base  the first byte
 * @param size  the length in bytes
 * @param flags {@code MEMBLOCK_*} flags ({@link Memblock#NOMAP}, ...)
 */
public record Region(long base, long size, int flags) {
    public Region {
        if (base < 0 || size < 0 || base + size > Memblock.PHYS_LIMIT) {
            throw new IllegalArgumentException(String.format(
                    "region [%#x+%#x] must lie in the 32-bit physical space, found end %#x", base, size, base + size));
        }
    }

    /** One past the last byte. */
    public long end() {
        return base + size;
    }
}
