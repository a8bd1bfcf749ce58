package armmm.model.mmu;

/**
 * What the table walk reads: 32-bit little-endian words of physical memory, as the walker of
 * an ARMv7-A MMU fetches descriptors (ARMv7-A ARM B3.5). A word nobody wrote reads as zero.
 */
@FunctionalInterface
public interface PhysicalMemory {
    /** The word at the 4-byte aligned physical address {@code pa}. */
    int readWord(long pa);
}
