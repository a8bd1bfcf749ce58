package armmm.model.core;

/**
 * A user virtual address, below {@code TASK_SIZE} in a process's address space (arch/arm/include/asm/memory.h). One of the address types that cross subsystems
 * (spec/subsystems.md): a value of one kind cannot be passed where another is expected, and
 * turning one into another goes through the conversion of the subsystem that owns the mapping
 * ({@link LinearMap} for {@code __va}/{@code __pa}, the page allocator's mem_map for
 * {@code pfn_to_page}).
 *
 * @param value the user virtual address
 */
public record UserAddr(long value) {
    public UserAddr {
        if (value < 0 || value >= 1L << 32) {
            throw new IllegalArgumentException("user virtual address 0x" + Long.toHexString(value) + ", expected a 32-bit virtual address");
        }
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(value);
    }
}
