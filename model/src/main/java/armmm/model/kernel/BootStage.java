package armmm.model.kernel;

import armmm.model.zone.ZoneStage;

/**
 * The stages of a boot run as kernel calls ({@link BootOp}), in 6.1's {@code start_kernel} order
 * (init/main.c): {@code setup_arch}, {@code mm_init}, then the initcall levels of
 * {@code do_initcalls} that set the zones up, then the rest of {@code kernel_init}. Each stage
 * creates the subsystem states the model completes in it ({@code spec/boot.md}, "Boot as kernel
 * calls"); after the last one the kernel is the one {@link Kernel#boot} makes.
 */
public enum BootStage {
    /**
     * {@code setup_arch} (arch/arm/kernel/setup.c): {@code setup_machine_fdt} (the /memory nodes,
     * the DTB reserved), {@code parse_early_param}, {@code adjust_lowmem_bounds},
     * {@code arm_memblock_init} (the image, initrd, reserved-memory nodes, CMA),
     * {@code adjust_lowmem_bounds} again, {@code paging_init} with {@code free_area_init}; then the
     * memblock allocations {@code start_kernel} makes before {@code mm_init}
     * ({@code setup_command_line}, {@code setup_per_cpu_areas}, {@code vfs_caches_init_early}),
     * which the model's {@code Boot} runs in the same pass. Creates the layout, memblock and the
     * zones' spans ({@link ZoneStage#FREE_AREA_INIT}).
     */
    SETUP_ARCH("setup_arch", ZoneStage.FREE_AREA_INIT),
    /**
     * {@code mm_init} (init/main.c): {@code mem_init} -> {@code memblock_free_all}, the managed
     * pages ({@link ZoneStage#MEMBLOCK_FREE_ALL}). The model's buddy allocator, SLUB
     * ({@code kmem_cache_init}) and vmalloc ({@code vmalloc_init}) states are built with the late
     * frees already in them, so they are created by {@link #KERNEL_INIT}.
     */
    MM_INIT("mm_init", ZoneStage.MEMBLOCK_FREE_ALL),
    /** The core_initcall {@code cma_init_reserved_areas} (mm/cma.c): the CMA areas activated. */
    CMA_INIT_RESERVED_AREAS("cma_init_reserved_areas", ZoneStage.CMA_ACTIVATED),
    /** The postcore_initcall {@code init_per_zone_wmark_min} (mm/page_alloc.c): min_free_kbytes, watermarks, protection. */
    INIT_PER_ZONE_WMARK_MIN("init_per_zone_wmark_min", ZoneStage.WATERMARKS),
    /**
     * The rest of {@code kernel_init} (init/main.c): {@code free_initrd_mem} (the rootfs_initcall
     * populate_rootfs), {@code free_initmem}, {@code mark_rodata_ro}. Creates every remaining
     * subsystem in registry order: the MMU's final swapper_pg_dir, the buddy allocator, the
     * balloon, SLUB, vmalloc, highmem, user address spaces, the TLBs. Boot is over.
     */
    KERNEL_INIT("kernel_init", ZoneStage.BOOTED);

    private final String callName;
    private final ZoneStage zones;

    BootStage(String callName, ZoneStage zones) {
        this.callName = callName;
        this.zones = zones;
    }

    /** The call's name in a scenario, the kernel function's. */
    public String callName() {
        return callName;
    }

    /** How far this stage leaves the zones. */
    public ZoneStage zones() {
        return zones;
    }

    /** The stage after this one, or null after the last. */
    public BootStage next() {
        int i = ordinal() + 1;
        return i < values().length ? values()[i] : null;
    }
}
