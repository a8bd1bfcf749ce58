/**
 * A board to boot: RAM banks and reserved-memory nodes (drivers/of/fdt.c,
 * drivers/of/of_reserved_mem.c), the kernel command line (arch/arm/kernel/setup.c
 * {@code early_mem}, arch/arm/mm/mmu.c {@code early_vmalloc}, kernel/dma/contiguous.c
 * {@code early_cma}, lib/cmdline.c {@code memparse}), what QEMU's {@code -M virt} loader does
 * (hw/arm/boot.c) and the kernel build's facts.
 */
package armmm.model.board;
