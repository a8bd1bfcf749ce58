package armmm.model.page;

import armmm.model.layout.Layout;
import armmm.model.zone.CmaArea;
import armmm.model.zone.LateFree;
import armmm.model.zone.ManagedPages;
import armmm.model.zone.ZoneInputs;
import armmm.model.zone.ZoneSetup;
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
        return new MemMapLayout(layout.memMap(), layout.physOffset(), layout.pageOffset(), layout.maxLowPfn(),
                layout.structPageSize());
    }

    /** The allocator after boot for the zones {@code setup} computed, with {@code cpus} CPUs. */
    public static PageAllocator handOver(ZoneSetup setup, MemMapLayout memMap, int cpus) {
        return handOver(setup, memMap, cpus, armmm.model.core.Bugs.NONE);
    }

    /** {@link #handOver(ZoneSetup, MemMapLayout, int)} running the {@link PageBug}s in {@code bugs}. */
    public static PageAllocator handOver(ZoneSetup setup, MemMapLayout memMap, int cpus, armmm.model.core.Bugs bugs) {
        ZoneInputs in = setup.inputs();
        PageAllocator pa = new PageAllocator(setup.zones(), memMap, cpus, bugs);
        long maxLow = in.maxLowPfn();
        // build_all_zonelists runs before mem_init: the flag is set before any page is freed
        pa.setMobilityGroupingDisabled(MobilityGrouping.disabled(
                MobilityGrouping.vmTotalPages(setup.zones(), memMap.structPageSize(), maxLow)));
        // the same free ranges that give the zones their managed pages
        List<long[]> free = ManagedPages.freePfnRanges(in.memory(), in.reserved());
        for (long[] r : free) {
            // __free_memory_core stops at max_low_pfn
            long e = Math.min(r[1], maxLow);
            if (r[0] < e) {
                pa.memblockFreeRange(r[0], e);
            }
        }
        for (long[] r : free) {
            // free_highpages (arch/arm/mm/init.c) takes the rest
            long s = Math.max(r[0], maxLow);
            if (s < r[1]) {
                pa.freeHighpages(s, r[1]);
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
}
