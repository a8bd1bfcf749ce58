/**
 * vmalloc: the kernel's virtual areas between {@code VMALLOC_START} and {@code VMALLOC_END}
 * (mm/vmalloc.c, include/linux/vmalloc.h; arch/arm/mm/ioremap.c and arch/arm/mm/mmu.c for
 * ARM's {@code ioremap} and the early static areas).
 *
 * <p>{@link armmm.model.vmalloc.VmapAreas} places {@code vmap_area}s as 6.1's
 * {@code alloc_vmap_area} does (lowest match in the free tree, alignment, the lazy purge);
 * {@link armmm.model.vmalloc.Vmalloc} builds {@code vmalloc}, {@code vmap}, {@code ioremap} and
 * their frees on it, taking pages from a {@link armmm.model.vmalloc.PageSource} and writing PTEs
 * through {@link armmm.model.vmalloc.KernelPtes}.
 */
package armmm.model.vmalloc;
