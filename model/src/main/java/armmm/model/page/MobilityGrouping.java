package armmm.model.page;

import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;

/**
 * {@code page_group_by_mobility_disabled} as {@code build_all_zonelists} (mm/page_alloc.c) sets
 * it at boot: grouping by mobility is turned off when {@code vm_total_pages}, which
 * {@code nr_free_zone_pages(gfp_zone(GFP_HIGHUSER_MOVABLE))} computes before the watermarks
 * exist, is below {@code pageblock_nr_pages * MIGRATE_TYPES}. At that point each zone's
 * {@code managed_pages} is {@code free_area_init_core}'s estimate: present pages less the
 * pages of its own mem_map ({@code calc_memmap_size}) for a zone that is not HighMem.
 *
 * <p>Turned off, {@code gfp_migratetype} gives MIGRATE_UNMOVABLE for every mask, so no request
 * gets ALLOC_CMA ({@code gfp_to_alloc_flags_cma}), and {@code set_pageblock_migratetype} turns
 * every stolen mobility pageblock Unmovable ({@code steal_suitable_fallback} always claims it).
 */
public final class MobilityGrouping {
    /** MIGRATE_TYPES of this build (CMA and memory isolation configured). */
    public static final int MIGRATE_TYPES = MigrateType.COUNT;

    private MobilityGrouping() {
    }

    /**
     * {@code vm_total_pages} at {@code build_all_zonelists}: over the populated zones, present
     * pages less {@code calc_memmap_size(spanned, present)} unless the zone is HighMem (or Movable
     * carved from HighMem, which starts at or above {@code maxLowPfn}).
     */
    public static long vmTotalPages(List<ZoneConfig> zones, int structPageSize, long maxLowPfn) {
        long total = 0;
        for (ZoneConfig z : zones) {
            if (z.isEmpty() || z.presentPages() == 0) {
                continue;
            }
            boolean highmem = z.type() == ZoneType.HIGHMEM || z.type() == ZoneType.MOVABLE && z.startPfn() >= maxLowPfn;
            long size = z.presentPages();
            if (!highmem) {
                long memmap = calcMemmapSize(z.spannedPages(), z.presentPages(), structPageSize);
                if (size >= memmap) {
                    size -= memmap;
                }
            }
            total += size;
        }
        return total;
    }

    /**
     * {@code calc_memmap_size}: the pages of struct page for the zone's span (FLATMEM: the
     * sparse-memory shortcut to present pages does not apply to this build).
     */
    static long calcMemmapSize(long spanned, long present, int structPageSize) {
        long bytes = spanned * structPageSize;
        long page = 1L << MemMapLayout.PAGE_SHIFT;
        return (bytes + page - 1) >>> MemMapLayout.PAGE_SHIFT;
    }

    /** {@code page_group_by_mobility_disabled} for that {@code vm_total_pages}. */
    public static boolean disabled(long vmTotalPages) {
        return vmTotalPages < (long) PageAllocator.PAGEBLOCK_NR_PAGES * MIGRATE_TYPES;
    }
}
