package armmm.model.boot;

import armmm.model.board.Board;
import armmm.model.board.BuildConfig;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import armmm.model.zone.ZoneSpans;
import java.util.List;

/**
 * {@code bootmem_init} (arch/arm/mm/init.c) and {@code free_area_init} (mm/page_alloc.c) as far
 * as memblock sees them: the pfn limits, ZONE_MOVABLE, the node's memory map, each zone's
 * pageblock bitmap, and {@code nr_kernel_pages}/{@code nr_all_pages}.
 */
final class FreeAreaInit {
    /** {@code NR_PAGEBLOCK_BITS}. */
    static final long NR_PAGEBLOCK_BITS = 4;
    private static final long PAGE = EarlyMemblock.PAGE;

    private FreeAreaInit() {
    }

    /** What free_area_init found and allocated. */
    static final class ZoneSizes {
        long minLowPfn;
        long maxLowPfn;
        long maxPfn;
        long nodeStart;
        List<Long> maxZonePfn;
        long memMapPhys;
        long memMapSize;
        long memMapVirt;
        long nrKernelPages;
        long nrAllPages;
        long zoneMovablePfn;
    }

    /** {@code bootmem_init}: find_limits, zone_sizes_init, free_area_init (mm/page_alloc.c). */
    static ZoneSizes run(EarlyMemblock em, Board board) {
        BuildConfig build = board.build();
        Memblock mb = em.memblock();
        long physOffset = board.physOffset();
        ZoneSizes z = new ZoneSizes();
        mb.allowResize();
        z.maxLowPfn = mb.currentLimit() >>> 12;
        z.minLowPfn = (em.startOfDram() + PAGE - 1) >>> 12;
        z.maxPfn = em.endOfDram() >>> 12;
        long dmaPfnLimit = board.armDmaPfnLimit(); // setup_dma_zone (arch/arm/mm/init.c)
        long dmaEnd = Math.min(dmaPfnLimit, z.maxLowPfn);
        z.maxZonePfn = List.of(dmaEnd, z.maxLowPfn, z.maxPfn, 0L);
        // node span: every memory region counts, no-map ones too (for_each_mem_pfn_range)
        long nodeStart = Long.MAX_VALUE;
        long nodeEnd = 0;
        for (Region r : mb.memory()) {
            nodeStart = Math.min(nodeStart, (r.base() + PAGE - 1) >>> 12);
            nodeEnd = Math.max(nodeEnd, r.end() >>> 12);
        }
        z.nodeStart = nodeStart;
        // alloc_node_mem_map: MAX_ORDER_NR_PAGES-aligned struct pages, not zeroed
        long mo = build.maxOrderNrPages();
        long start = nodeStart & -mo;
        long end = EarlyMemblock.roundUp(nodeEnd, mo);
        z.memMapSize = (end - start) * build.structPageSize();
        z.memMapPhys = em.alloc("free_area_init", z.memMapSize, build.smpCacheBytes(), 0, 0, EarlyAllocation.Kind.TRY_NID_RAW);
        if (z.memMapPhys == 0) {
            throw new BootException(board.ramOption(), String.format("Failed to allocate %d bytes for node 0 memory map", z.memMapSize));
        }
        long offset = nodeStart - start;
        long memMap = ((z.memMapPhys - physOffset + build.pageOffset()) & 0xffff_ffffL) + offset * build.structPageSize();
        // FLATMEM: mem_map is moved back when the node does not start at ARCH_PFN_OFFSET
        if (physOffset >>> 12 != nodeStart) {
            memMap -= offset * build.structPageSize();
        }
        z.memMapVirt = memMap & 0xffff_ffffL;
        // free_area_init: the architecture's zone bounds, then ZONE_MOVABLE carved out of the top zone
        long[] low = new long[4];
        long[] high = new long[4];
        long prev = nodeStart;
        for (int j = 0; j < 3; j++) {
            low[j] = prev;
            high[j] = Math.max(z.maxZonePfn.get(j), low[j]);
            prev = high[j];
        }
        int movableZone = high[2] > low[2] ? 2 : high[1] > low[1] ? 1 : 0;
        long movableStart = zoneMovablePfn(mb, board, nodeStart, nodeEnd, low[movableZone]);
        z.zoneMovablePfn = movableStart;
        // free_area_init_core: per zone, memmap accounting and the pageblock flags bitmap
        for (int j = 0; j < 4; j++) {
            long zs = Math.min(Math.max(nodeStart, low[j]), high[j]);
            long ze = Math.min(Math.max(nodeEnd, low[j]), high[j]);
            if (movableStart != 0) {
                // adjust_zone_range_for_zone_movable
                if (j == 3) {
                    zs = movableStart;
                    ze = Math.min(nodeEnd, high[movableZone]);
                } else if (zs < movableStart && ze > movableStart) {
                    ze = movableStart;
                } else if (zs >= movableStart) {
                    zs = ze;
                }
            }
            long size = ze < nodeStart || zs > nodeEnd ? 0 : Math.min(ze, nodeEnd) - Math.max(zs, nodeStart);
            zs = Math.max(zs, nodeStart);
            long present = presentPages(mb, zs, zs + size);
            long memmapPages = EarlyMemblock.pageAlign(size * build.structPageSize()) >>> 12;
            long free = present;
            boolean highmem = j == 2 || (j == 3 && movableZone == 2); // is_highmem_idx
            if (!highmem && free >= memmapPages) {
                free -= memmapPages;
            }
            if (!highmem) {
                z.nrKernelPages += free;
            } else if (z.nrKernelPages > memmapPages * 2) {
                z.nrKernelPages -= memmapPages;
            }
            z.nrAllPages += free;
            if (size != 0) {
                em.alloc("setup_usemap", usemapSize(build, zs, size), build.smpCacheBytes(), 0, 0, EarlyAllocation.Kind.TRY_NID);
            }
        }
        return z;
    }

    /**
     * The first pfn of ZONE_MOVABLE for {@code movablecore=} (bytes or a percentage of all
     * memory), 0 for none: {@code find_zone_movable_pfns_for_nodes}, as the zone setup computes it.
     */
    private static long zoneMovablePfn(Memblock mb, Board board, long nodeStart, long nodeEnd, long usableStart) {
        long movable = board.cmdline().movablecore() >= 0 ? board.cmdline().movablecore() >>> 12 : 0;
        if (board.cmdline().movablecorePercent() > 0) {
            // in ARM's 32-bit unsigned long, as find_zone_movable_pfns_for_nodes computes it: it wraps
            movable = ((presentPages(mb, 0, 1L << 20) * 100 * board.cmdline().movablecorePercent()) & 0xFFFF_FFFFL) / 10000;
        }
        return ZoneSpans.findZoneMovablePfn(ZoneSpans.pfnRanges(mb.memory()), movable, board.build().maxOrderNrPages(),
                nodeEnd, usableStart);
    }

    /** {@code usemap_size} (mm/page_alloc.c): NR_PAGEBLOCK_BITS per pageblock, in whole longs. */
    private static long usemapSize(BuildConfig build, long zoneStartPfn, long zoneSize) {
        long pb = 1L << build.pageblockOrder();
        long size = zoneSize + (zoneStartPfn & (pb - 1));
        long bits = (EarlyMemblock.roundUp(size, pb) >>> build.pageblockOrder()) * NR_PAGEBLOCK_BITS;
        return EarlyMemblock.roundUp(bits, 32) / 8;
    }

    static long presentPages(Memblock mb, long startPfn, long endPfn) {
        long n = 0;
        for (Region r : mb.memory()) {
            long s = Math.max(startPfn, (r.base() + PAGE - 1) >>> 12);
            long e = Math.min(endPfn, r.end() >>> 12);
            n += Math.max(0, e - s);
        }
        return n;
    }

    // ---- setup_arch after paging_init, start_kernel ---------------------------------------------

}
