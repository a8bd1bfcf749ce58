/**
 * Early boot in the kernel's order as memblock sees it: arch/arm/kernel/setup.c
 * ({@code setup_arch}, {@code early_mem}), arch/arm/mm/mmu.c ({@code adjust_lowmem_bounds},
 * {@code paging_init}, {@code map_lowmem}, {@code devicemaps_init}, {@code kmap_init}),
 * arch/arm/mm/init.c ({@code arm_memblock_init}, {@code bootmem_init}), drivers/of/fdt.c and
 * of_reserved_mem.c, kernel/dma/contiguous.c and mm/cma.c, mm/page_alloc.c
 * ({@code free_area_init}, {@code alloc_large_system_hash}), mm/percpu.c, init/initramfs.c,
 * init/main.c ({@code setup_command_line}); and the replay of a {@code memblock=debug} log.
 */
package armmm.model.boot;
