package armmm.model.core;

/**
 * A kernel virtual address: a linear-map address, a {@code struct page *} in mem_map, a vmalloc or fixmap address (above {@code TASK_SIZE}; arch/arm/include/asm/memory.h). One of the address types that cross subsystems
 * (spec/subsystems.md): a value of one kind cannot be passed where another is expected, and
 * turning one into another goes through the conversion of the subsystem that owns the mapping
 * ({@link LinearMap} for {@code __va}/{@code __pa}, the page allocator's mem_map for
 * {@code pfn_to_page}).
 *
 * @param value the kernel virtual address
 */
public record KernelAddr(long value) {
    public KernelAddr {
        if (value < 0 || value >= 1L << 32) {
            throw new IllegalArgumentException("kernel virtual address 0x" + Long.toHexString(value) + ", expected a 32-bit virtual address");
        }
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(value);
    }
}
