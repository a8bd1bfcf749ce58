package armmm.model.memblock;

/**
 * One {@code struct memblock_region} (include/linux/memblock.h): a physical range and its flags.
 *
 * <p>Base and size are {@code phys_addr_t} values (32 bits on non-LPAE ARM). The record does not
 * insist that {@code base + size} stays below {@link Memblock#PHYS_ADDR_MAX}: that is the
 * invariant INV-MEMBLOCK-05, which a planted bug must be able to break without an exception.
 *
 * @param base  the first byte
 * @param size  the length in bytes
 * @param flags {@code MEMBLOCK_*} flags ({@link Memblock#NOMAP}, ...)
 */
public record Region(long base, long size, int flags) {
    public Region {
        if (base < 0 || base >= Memblock.PHYS_LIMIT || size < 0 || size > Memblock.PHYS_LIMIT) {
            throw new IllegalArgumentException(String.format(
                    "region base and size must be 32-bit phys_addr_t values, found base %#x size %#x", base, size));
        }
    }

    /** One past the last byte. */
    public long end() {
        return base + size;
    }

    /** True when {@code [b, b + s)} and this region share a byte ({@code memblock_addrs_overlap}). */
    public boolean overlaps(long b, long s) {
        return base < b + s && b < base + size;
    }
}
