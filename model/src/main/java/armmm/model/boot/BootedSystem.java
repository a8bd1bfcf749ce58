package armmm.model.boot;

import armmm.model.board.Board;
import armmm.model.layout.Layout;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import armmm.model.zone.CmaArea;
import java.util.List;

/**
 * What early boot leaves behind, just before {@code memblock_free_all} (mm/memblock.c) hands
 * memory to the buddy allocator. Everything is immutable except {@link #memblock()}, the live
 * allocator, which the one kernel booted from it owns; {@link #memory()} and {@link #reserved()}
 * are snapshots taken at the same moment.
 *
 * @param board             the board booted
 * @param layout            the virtual layout
 * @param memblock          the live memblock after early boot
 * @param memory            memblock.memory at the end of early boot
 * @param reserved          memblock.reserved at the end of early boot
 * @param allocations       every early allocation in the kernel's order
 * @param log               the kernel messages the model printed on the way (warnings, "cma: Reserved ...")
 * @param debugLog          the lines {@code memblock=debug} prints from {@code arm_memblock_init} on, callers without offsets
 * @param vmallocSize       {@code vmalloc_size} after {@code early_vmalloc}
 * @param lowmemLimit       {@code arm_lowmem_limit}
 * @param memblockLimit     the memblock limit {@code adjust_lowmem_bounds} set before paging_init
 * @param minLowPfn         {@code min_low_pfn}
 * @param maxLowPfn         {@code max_low_pfn}
 * @param maxPfn            {@code max_pfn}
 * @param nodeStartPfn      node 0's first pfn
 * @param maxZonePfn        {@code max_zone_pfn[]} handed to free_area_init: DMA, Normal, HighMem, Movable
 * @param memMapPhys        the physical address of the node's memory map allocation
 * @param memMapSize        its size in bytes
 * @param nrKernelPages     {@code nr_kernel_pages} after free_area_init_core
 * @param nrAllPages        {@code nr_all_pages}
 * @param initrdStart       the reserved initrd range's first byte (page rounded), 0 without an initrd
 * @param initrdEnd         one past it
 * @param initSize          bytes of the init sections (what {@code free_initmem} later returns)
 * @param cmaAreas          the CMA areas, in the order they were declared
 * @param dentryHashEntries the dentry hash table's entries
 * @param inodeHashEntries  the inode hash table's entries
 * @param zoneMovablePfn    {@code zone_movable_pfn[0]}: where ZONE_MOVABLE starts with {@code movablecore=}, 0 for none
 */
public record BootedSystem(Board board, Layout layout, Memblock memblock, List<Region> memory, List<Region> reserved,
                           List<EarlyAllocation> allocations, List<String> log, List<String> debugLog, long vmallocSize, long lowmemLimit,
                           long memblockLimit, long minLowPfn, long maxLowPfn, long maxPfn, long nodeStartPfn,
                           List<Long> maxZonePfn, long memMapPhys, long memMapSize, long nrKernelPages,
                           long nrAllPages, long initrdStart, long initrdEnd, long initSize, List<CmaArea> cmaAreas,
                           long dentryHashEntries, long inodeHashEntries, long zoneMovablePfn) {
    public BootedSystem {
        memory = List.copyOf(memory);
        reserved = List.copyOf(reserved);
        allocations = List.copyOf(allocations);
        log = List.copyOf(log);
        debugLog = List.copyOf(debugLog);
        maxZonePfn = List.copyOf(maxZonePfn);
        cmaAreas = List.copyOf(cmaAreas);
        if (maxLowPfn > maxPfn) {
            throw new IllegalArgumentException("max_low_pfn " + maxLowPfn + " exceeds max_pfn " + maxPfn);
        }
    }

    /** Total bytes of the CMA areas ({@code CmaTotal}). */
    public long cmaTotal() {
        return cmaAreas.stream().mapToLong(CmaArea::size).sum();
    }

    /** {@code movablecore=} in pages ({@code cmdline_parse_core}: bytes >> PAGE_SHIFT), 0 when not given or given in %. */
    public long movablecorePages() {
        long bytes = board.cmdline().movablecore();
        return bytes < 0 ? 0 : bytes >>> 12;
    }

    /** Physical {@code __init_begin}: the init sections free_initmem returns to the buddy allocator. */
    public long initBeginPhys() {
        return layout.linearPhys(layout.initBegin());
    }

    /** Physical {@code __init_end}. */
    public long initEndPhys() {
        return layout.linearPhys(layout.initEnd());
    }

    /** The first allocation made by {@code caller}, or null. */
    public EarlyAllocation allocationBy(String caller) {
        for (EarlyAllocation a : allocations) {
            if (a.caller().equals(caller)) {
                return a;
            }
        }
        return null;
    }
}
