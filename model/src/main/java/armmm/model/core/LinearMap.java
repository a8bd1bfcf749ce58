package armmm.model.core;

/**
 * The kernel's linear map between physical and lowmem kernel virtual addresses, {@code __va} and
 * {@code __pa} (arch/arm/include/asm/memory.h). Subsystems below the layout (memblock) convert
 * through this interface, which the boot layout implements; without a board it is the identity,
 * as in tools/testing/memblock.
 */
public interface LinearMap {

    /** The identity: a bare kernel, where virtual and physical addresses are the same. */
    LinearMap IDENTITY = new LinearMap() {
        @Override
        public long linearVirt(long phys) {
            return phys;
        }

        @Override
        public long linearPhys(long virt) {
            return virt;
        }
    };

    /** {@code __va(phys)}: the lowmem virtual address of physical {@code phys}. */
    long linearVirt(long phys);

    /** {@code __pa(virt)}: the physical address of lowmem virtual {@code virt}. */
    long linearPhys(long virt);
}
