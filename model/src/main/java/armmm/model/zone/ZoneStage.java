package armmm.model.zone;

/**
 * How far boot has set the zones up, in the order 6.1's {@code start_kernel} does it: the zone
 * invariants apply from the stage that sets the fields they read ({@code spec/zones.md},
 * "Boot as kernel calls"). A kernel booted at once is {@link #BOOTED} from the start.
 */
public enum ZoneStage {
    /**
     * {@code paging_init} -> {@code free_area_init} (mm/page_alloc.c, from {@code setup_arch}): the
     * zone spans and present pages; nothing is managed yet.
     */
    FREE_AREA_INIT,
    /**
     * {@code mm_init} -> {@code mem_init} -> {@code memblock_free_all} (mm/memblock.c) and
     * {@code free_highpages} (arch/arm/mm/init.c): the managed pages, the CMA areas still reserved.
     */
    MEMBLOCK_FREE_ALL,
    /**
     * The core_initcall {@code cma_init_reserved_areas} (mm/cma.c): each CMA area's pageblocks
     * handed to the buddy allocator ({@code init_cma_reserved_pageblock}), managed and cma_pages grow.
     */
    CMA_ACTIVATED,
    /**
     * The postcore_initcall {@code init_per_zone_wmark_min} (mm/page_alloc.c): min_free_kbytes,
     * the watermarks, lowmem_reserve, the per-CPU list sizes.
     */
    WATERMARKS,
    /**
     * The rest of {@code kernel_init}: {@code free_initrd_mem} (from populate_rootfs) and
     * {@code free_initmem}, which raise managed and recompute nothing. Boot is over.
     */
    BOOTED;

    /** True when this stage is {@code other} or later. */
    public boolean reached(ZoneStage other) {
        return compareTo(other) >= 0;
    }
}
