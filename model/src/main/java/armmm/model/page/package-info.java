/**
 * mem_map and the buddy page allocator: struct page state as compact arrays, free_area lists,
 * per-CPU page lists, GFP masks and zonelists. Models mm/page_alloc.c, mm/internal.h,
 * include/linux/mmzone.h, include/linux/page-flags.h, include/linux/gfp.h,
 * include/linux/gfp_types.h, the hand-over in mm/memblock.c ({@code memblock_free_all}) and
 * arch/arm/mm/init.c ({@code free_highpages}), and mm/cma.c's pageblock activation.
 */
package armmm.model.page;
