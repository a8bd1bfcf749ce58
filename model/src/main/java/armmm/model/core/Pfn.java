package armmm.model.core;

/**
 * A page frame number, {@code phys >> PAGE_SHIFT} (include/asm-generic/memory_model.h {@code __phys_to_pfn}). One of the address types that cross subsystems
 * (spec/subsystems.md): a value of one kind cannot be passed where another is expected, and
 * turning one into another goes through the conversion of the subsystem that owns the mapping
 * ({@link LinearMap} for {@code __va}/{@code __pa}, the page allocator's mem_map for
 * {@code pfn_to_page}).
 *
 * @param value the pfn
 */
public record Pfn(long value) {
    public Pfn {
        if (value < 0 || value >= 1L << 32) {
            throw new IllegalArgumentException("pfn 0x" + Long.toHexString(value) + ", expected a page frame number of this 32-bit build");
        }
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(value);
    }
}
