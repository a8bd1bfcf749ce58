package armmm.model.zone;

import armmm.model.core.Bugs;
import armmm.model.memblock.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * Zone geometry of node 0: where each zone starts, how many pages it spans and how many of them
 * exist. {@code free_area_init}, {@code find_usable_zone_for_movable},
 * {@code find_zone_movable_pfns_for_nodes}, {@code adjust_zone_range_for_zone_movable},
 * {@code zone_spanned_pages_in_node}, {@code zone_absent_pages_in_node} and
 * {@code calculate_node_totalpages} (mm/page_alloc.c); the limits come from {@code zone_sizes_init}
 * (arch/arm/mm/init.c).
 *
 * @param startPfn       {@code zone_start_pfn} per zone (0 for an empty zone, as the kernel sets it)
 * @param spanned        {@code spanned_pages} per zone
 * @param present        {@code present_pages} per zone
 * @param movableZone    {@code movable_zone}: the highest zone with a possible range
 * @param zoneMovablePfn {@code zone_movable_pfn[0]}: where ZONE_MOVABLE starts, 0 without it
 * @param nodeStartPfn   first pfn of memblock.memory
 * @param nodeEndPfn     one past the last pfn of memblock.memory
 */
public record ZoneSpans(PerZone startPfn, PerZone spanned, PerZone present, ZoneType movableZone, long zoneMovablePfn,
                        long nodeStartPfn, long nodeEndPfn) {

    private static final int NZ = ZoneType.values().length;

    /** Computes the zone geometry for {@code in}. */
    public static ZoneSpans compute(ZoneInputs in) {
        return compute(in, Bugs.NONE);
    }

    /** Computes the zone geometry for {@code in}, running the {@link ZoneBug}s in {@code bugs}. */
    public static ZoneSpans compute(ZoneInputs in, Bugs bugs) {
        List<long[]> ranges = pfnRanges(in.memory());
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("memblock.memory holds no whole page");
        }
        long nodeStart = ranges.get(0)[0];
        long nodeEnd = ranges.get(ranges.size() - 1)[1];

        // arch_zone_{lowest,highest}_possible_pfn: each zone begins where the previous one ends
        long[] maxZonePfn = new long[NZ];
        maxZonePfn[ZoneType.DMA.ordinal()] = Math.min(in.dmaPfnLimit(), in.maxLowPfn());
        maxZonePfn[ZoneType.NORMAL.ordinal()] = in.maxLowPfn();
        maxZonePfn[ZoneType.HIGHMEM.ordinal()] = in.maxPfn();
        long[] lowest = new long[NZ];
        long[] highest = new long[NZ];
        long start = nodeStart;
        for (ZoneType z : ZoneType.values()) {
            if (z == ZoneType.MOVABLE) {
                continue;
            }
            long end = Math.max(maxZonePfn[z.ordinal()], start);
            lowest[z.ordinal()] = start;
            highest[z.ordinal()] = end;
            start = end;
        }
        ZoneType movableZone = ZoneType.DMA;
        for (int z = ZoneType.HIGHMEM.ordinal(); z >= 0; z--) {
            if (highest[z] > lowest[z]) {
                movableZone = ZoneType.values()[z];
                break;
            }
        }
        long zoneMovablePfn = zoneMovablePfn(in, ranges, nodeEnd, lowest[movableZone.ordinal()]);

        long[] startPfn = new long[NZ];
        long[] spanned = new long[NZ];
        long[] present = new long[NZ];
        List<long[]> presentRanges = bugs.has(ZoneBug.ZONE_NOMAP_ABSENT) ? pfnRanges(mapped(in.memory())) : ranges;
        for (ZoneType z : ZoneType.values()) {
            long[] span = zoneRange(z, nodeStart, nodeEnd, lowest, highest, zoneMovablePfn, movableZone, bugs);
            long size = span[1] - span[0];
            if (size > 0) {
                startPfn[z.ordinal()] = span[0];
                spanned[z.ordinal()] = size;
                present[z.ordinal()] = size - absent(presentRanges, span[0], span[1]);
            }
        }
        return new ZoneSpans(PerZone.of(startPfn), PerZone.of(spanned), PerZone.of(present), movableZone, zoneMovablePfn,
                nodeStart, nodeEnd);
    }

    /** The [start, end) pfns zone {@code z} spans inside the node; start == end when empty. */
    private static long[] zoneRange(ZoneType z, long nodeStart, long nodeEnd, long[] lowest, long[] highest,
                                    long zoneMovablePfn, ZoneType movableZone, Bugs bugs) {
        int i = z.ordinal();
        long s = clamp(nodeStart, lowest[i], highest[i]);
        long e = clamp(nodeEnd, lowest[i], highest[i]);
        if (zoneMovablePfn != 0) {
            if (z == ZoneType.MOVABLE) {
                s = zoneMovablePfn;
                e = Math.min(nodeEnd, highest[movableZone.ordinal()]);
            } else if (bugs.has(ZoneBug.ZONE_MOVABLE_NOT_CARVED)) {
                return new long[] {s, e};
            } else if (s < zoneMovablePfn && e > zoneMovablePfn) {
                e = zoneMovablePfn;
            } else if (s >= zoneMovablePfn) {
                s = e;
            }
        }
        if (e < nodeStart || s > nodeEnd) {
            return new long[] {0, 0};
        }
        e = Math.min(e, nodeEnd);
        s = Math.max(s, nodeStart);
        return new long[] {s, Math.max(s, e)};
    }

    /**
     * {@code find_zone_movable_pfns_for_nodes} for one node and {@code movablecore=} only (no
     * {@code kernelcore=}, no mirror, no movable_node): the kernel keeps
     * {@code totalpages - movablecore} pages (movablecore rounded up to MAX_ORDER_NR_PAGES) below the
     * movable zone, counting all pages below {@code movable_zone}'s start as kernel pages.
     */
    private static long zoneMovablePfn(ZoneInputs in, List<long[]> ranges, long nodeEnd, long usableStart) {
        return findZoneMovablePfn(ranges, in.movablecorePages(), in.maxOrderNrPages(), nodeEnd, usableStart);
    }

    /**
     * {@code find_zone_movable_pfns_for_nodes} for one node and {@code movablecore=} only: the
     * first pfn of ZONE_MOVABLE, 0 for none. Boot's {@code free_area_init} and the zone setup both
     * ask it.
     *
     * @param ranges           the node's memory as pfn ranges ({@link #pfnRanges})
     * @param movablecorePages movablecore= in pages, 0 for none
     * @param maxOrderNrPages  MAX_ORDER_NR_PAGES
     * @param nodeEnd          one past the node's last pfn
     * @param usableStart      the first pfn of {@code movable_zone}
     */
    public static long findZoneMovablePfn(List<long[]> ranges, long movablecorePages, long maxOrderNrPages,
                                          long nodeEnd, long usableStart) {
        if (movablecorePages == 0) {
            return 0;
        }
        long total = 0;
        for (long[] r : ranges) {
            total += r[1] - r[0];
        }
        long movable = Math.min(total, roundUp(movablecorePages, maxOrderNrPages));
        long requiredKernel = total - movable;
        if (requiredKernel == 0 || requiredKernel >= total) {
            return 0;
        }
        long remaining = requiredKernel;
        long movablePfn = 0;
        for (long[] r : ranges) {
            long s = Math.max(r[0], movablePfn);
            long e = r[1];
            if (s >= e) {
                continue;
            }
            if (s < usableStart) {
                long kernelPages = Math.min(e, usableStart) - s;
                remaining -= Math.min(kernelPages, remaining);
                if (e <= usableStart) {
                    movablePfn = e;
                    continue;
                }
                s = usableStart;
            }
            long size = Math.min(e - s, remaining);
            movablePfn = s + size;
            remaining -= size;
            if (remaining == 0) {
                break;
            }
        }
        movablePfn = roundUp(movablePfn, maxOrderNrPages);
        return movablePfn >= nodeEnd ? 0 : movablePfn;
    }

    /** {@code __absent_pages_in_range}: pages of [start, end) no memblock.memory range covers. */
    private static long absent(List<long[]> ranges, long start, long end) {
        long covered = 0;
        for (long[] r : ranges) {
            covered += Math.max(0, Math.min(r[1], end) - Math.max(r[0], start));
        }
        return (end - start) - covered;
    }

    /**
     * {@code for_each_mem_pfn_range}: each memory region as whole pages, PFN_UP(base) to
     * PFN_DOWN(end), NOMAP included; adjacent regions merged for simplicity of the callers.
     */
    public static List<long[]> pfnRanges(List<Region> memory) {
        List<long[]> out = new ArrayList<>();
        for (Region r : memory) {
            long s = (r.base() + ZoneSetup.PAGE_SIZE - 1) >>> ZoneSetup.PAGE_SHIFT;
            long e = r.end() >>> ZoneSetup.PAGE_SHIFT;
            if (s >= e) {
                continue;
            }
            if (!out.isEmpty() && out.get(out.size() - 1)[1] == s) {
                out.get(out.size() - 1)[1] = e;
            } else {
                out.add(new long[] {s, e});
            }
        }
        return out;
    }

    private static List<Region> mapped(List<Region> memory) {
        return memory.stream().filter(r -> (r.flags() & armmm.model.memblock.Memblock.NOMAP) == 0).toList();
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(v, hi));
    }

    private static long roundUp(long v, long to) {
        return (v + to - 1) / to * to;
    }

    /** The zone holding {@code pfn}, or null when no zone spans it. */
    public ZoneType zoneOf(long pfn) {
        // Movable first: it is carved out of the top of movable_zone
        for (int i = NZ - 1; i >= 0; i--) {
            ZoneType t = ZoneType.values()[i];
            if (spanned.get(t) > 0 && pfn >= startPfn.get(t) && pfn < startPfn.get(t) + spanned.get(t)) {
                return t;
            }
        }
        return null;
    }

    /** {@code is_highmem_idx} (include/linux/mmzone.h): HighMem, and Movable when it lies in HighMem. */
    public boolean isHighmem(ZoneType z) {
        return z == ZoneType.HIGHMEM || (z == ZoneType.MOVABLE && movableZone == ZoneType.HIGHMEM);
    }
}
