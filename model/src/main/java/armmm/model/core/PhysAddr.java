package armmm.model.core;

/**
 * A physical address, {@code phys_addr_t} of this non-LPAE build (32 bits; include/linux/types.h). One of the address types that cross subsystems
 * (spec/subsystems.md): a value of one kind cannot be passed where another is expected, and
 * turning one into another goes through the conversion of the subsystem that owns the mapping
 * ({@link LinearMap} for {@code __va}/{@code __pa}, the page allocator's mem_map for
 * {@code pfn_to_page}).
 *
 * @param value the physical address
 */
public record PhysAddr(long value) {
    public PhysAddr {
        if (value < 0 || value >= 1L << 32) {
            throw new IllegalArgumentException("physical address 0x" + Long.toHexString(value) + ", expected a 32-bit physical address");
        }
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(value);
    }
}
