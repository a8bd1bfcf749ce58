/**
 * The ARM32 kernel virtual memory layout and {@code __pa}/{@code __va}
 * (arch/arm/include/asm/memory.h, pgtable.h, highmem.h, fixmap.h; arch/arm/mm/mmu.c
 * {@code adjust_lowmem_bounds}; arch/arm/mm/init.c {@code pfn_valid}).
 */
package armmm.model.layout;
