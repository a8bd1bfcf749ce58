/**
 * Zones, watermarks, {@code lowmem_reserve} and per-CPU list sizes as boot decides them:
 * {@code free_area_init}, {@code find_zone_movable_pfns_for_nodes}, {@code calculate_node_totalpages},
 * {@code memblock_free_all}, {@code init_per_zone_wmark_min}, {@code __setup_per_zone_wmarks},
 * {@code setup_per_zone_lowmem_reserve}, {@code zone_batchsize}, {@code zone_highsize}
 * (mm/page_alloc.c, mm/memblock.c, include/linux/mmzone.h), {@code zone_sizes_init},
 * {@code free_highpages} (arch/arm/mm/init.c), {@code cma_activate_area} (mm/cma.c) and
 * {@code calculate_normal_threshold} (mm/vmstat.c).
 */
package armmm.model.zone;
