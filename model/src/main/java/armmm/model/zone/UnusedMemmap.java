package armmm.model.zone;

import armmm.model.memblock.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * {@code free_unused_memmap} (mm/memblock.c), the first step of {@code memblock_free_all} on this
 * FLATMEM build with CONFIG_HAVE_ARCH_PFN_VALID: the struct pages describing a hole between two
 * memory ranges (pageblock-aligned outwards: the end of one range rounded up, the start of the next
 * rounded down) are given back with {@code memblock_phys_free}, whole pages of mem_map only
 * ({@code free_memmap}). On a board with one bank nothing changes.
 */
public final class UnusedMemmap {
    private UnusedMemmap() {
    }

    /**
     * The reserved regions after {@code free_unused_memmap}.
     *
     * @param memory           memblock.memory
     * @param reserved         memblock.reserved before
     * @param pageblockNrPages {@code pageblock_nr_pages}
     * @param structPagePhys   the physical address of pfn's struct page ({@code __pa(pfn_to_page(pfn))})
     */
    public static List<Region> free(List<Region> memory, List<Region> reserved, long pageblockNrPages,
                                    LongUnaryOperator structPagePhys) {
        List<Region> out = new ArrayList<>(reserved);
        long prevEnd = 0;
        for (Region m : memory) {
            long start = (m.base() + ZoneSetup.PAGE_SIZE - 1) >>> ZoneSetup.PAGE_SHIFT;
            long end = m.end() >>> ZoneSetup.PAGE_SHIFT;
            if (start >= end) {
                continue;
            }
            start = start / pageblockNrPages * pageblockNrPages;
            if (prevEnd != 0 && prevEnd < start) {
                long pg = roundUpPage(structPagePhys.applyAsLong(prevEnd));
                long pgEnd = structPagePhys.applyAsLong(start) & -ZoneSetup.PAGE_SIZE;
                if (pg < pgEnd) {
                    out = subtract(out, pg, pgEnd);
                }
            }
            prevEnd = (end + pageblockNrPages - 1) / pageblockNrPages * pageblockNrPages;
        }
        return out;
    }

    /** {@code memblock_phys_free}: [start, end) leaves the reserved regions, splitting them as needed. */
    static List<Region> subtract(List<Region> regions, long start, long end) {
        List<Region> out = new ArrayList<>();
        for (Region r : regions) {
            if (r.end() <= start || r.base() >= end) {
                out.add(r);
                continue;
            }
            if (r.base() < start) {
                out.add(new Region(r.base(), start - r.base(), r.flags()));
            }
            if (r.end() > end) {
                out.add(new Region(end, r.end() - end, r.flags()));
            }
        }
        return out;
    }

    private static long roundUpPage(long addr) {
        return (addr + ZoneSetup.PAGE_SIZE - 1) & -ZoneSetup.PAGE_SIZE;
    }
}
