/**
 * The two-level ARMv7-A MMU as 32-bit Linux 6.1 uses it: the short-descriptor hardware walk
 * (ARMv7-A ARM, B3.5 and B3.7), the kernel's first- and second-level tables
 * (arch/arm/include/asm/pgtable-2level.h, pgtable-2level-hwdef.h, pgalloc.h) and the way
 * {@code paging_init} builds {@code swapper_pg_dir} (arch/arm/mm/mmu.c, proc-v7-2level.S
 * {@code cpu_v7_set_pte_ext}).
 */
package armmm.model.mmu;
