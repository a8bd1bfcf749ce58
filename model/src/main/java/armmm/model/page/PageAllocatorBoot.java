package armmm.model.page;

import armmm.model.layout.Layout;
import armmm.model.memblock.Region;
import armmm.model.zone.CmaArea;
import armmm.model.zone.LateFree;
import armmm.model.zone.ZoneInputs;
import armmm.model.zone.ZoneSetup;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands a booted system's memory to the buddy allocator in the kernel's order: {@code mem_init}
 * ({@code memblock_free_all} for lowmem, {@code free_highpages} for highmem, arch/arm/mm/init.c),
 * {@code setup_per_cpu_pageset}, the CMA areas ({@code cma_init_reserved_areas}, mm/cma.c), then
 * the late frees ({@code free_initrd_mem}, {@code free_initmem}).
 */
public final class PageAllocatorBoot {
    private PageAllocatorBoot() {
    }

    /** mem_map's place as the virtual layout computed it. */
    public static MemMapLayout memMap(Layout layout) {
        return new MemMapLayout(layout.memMap(), layout.physOffset(), layout.pageOffset(), layout.maxLowPfn());
    }

    /** The allocator after boot for the zones {@code setup} computed, with {@code cpus} CPUs. */
    public static PageAllocator handOver(ZoneSetup setup, MemMapLayout memMap, int cpus) {
        ZoneInputs in = setup.inputs();
        PageAllocator pa = new PageAllocator(setup.zones(), memMap, cpus);
        long maxLow = in.maxLowPfn();
        List<long[]> free = freeRanges(in.memory(), in.reserved());
        for (long[] r : free) {
            // __free_memory_core: PFN_UP(start) .. min(PFN_DOWN(end), max_low_pfn)
            long s = (r[0] + 0xfff) >>> 12;
            long e = Math.min(r[1] >>> 12, maxLow);
            if (s < e) {
                pa.memblockFreeRange(s, e);
            }
        }
        for (long[] r : free) {
            long s = Math.max((r[0] + 0xfff) >>> 12, maxLow);
            long e = r[1] >>> 12;
            if (s < e) {
                pa.freeHighpages(s, e);
            }
        }
        pa.setupPerCpuPagesets();
        for (CmaArea a : in.cma()) {
            pa.activateCmaArea(a.startPfn(), a.endPfn() - a.startPfn());
        }
        for (LateFree f : in.lateFrees()) {
            pa.freeReservedArea(f.startPfn(), f.endPfn());
        }
        pa.clearDirty();
        return pa;
    }

    /**
     * {@code for_each_free_mem_range(MEMBLOCK_NONE)}: the memory regions without NOMAP (or any
     * other flag), minus the reserved regions, as physical [start, end) pairs in address order.
     */
    static List<long[]> freeRanges(List<Region> memory, List<Region> reserved) {
        List<long[]> out = new ArrayList<>();
        for (Region m : memory) {
            if (m.flags() != 0) {
                continue;
            }
            long cursor = m.base();
            long end = m.end();
            for (Region r : reserved) {
                if (r.end() <= cursor || r.base() >= end) {
                    continue;
                }
                if (r.base() > cursor) {
                    out.add(new long[] {cursor, r.base()});
                }
                cursor = Math.max(cursor, r.end());
            }
            if (cursor < end) {
                out.add(new long[] {cursor, end});
            }
        }
        return out;
    }
}
