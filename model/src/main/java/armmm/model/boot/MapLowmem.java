package armmm.model.boot;

import java.util.ArrayList;
import java.util.List;
import armmm.model.memblock.Region;

/**
 * What {@code map_lowmem} (arch/arm/mm/mmu.c) hands to {@code create_mapping}: each memory
 * region without {@code MEMBLOCK_NOMAP} up to {@code arm_lowmem_limit}, with the kernel's own
 * sections [{@code kernel_sec_start}, {@code kernel_sec_end}) carved out, because
 * {@code map_kernel} maps those afterwards. Boot counts the PTE tables these pieces need, and the
 * page-table builder maps them: both take the pieces from here so that they agree on edge cases,
 * such as a region that lies wholly inside the kernel's sections, where 6.1 stops the walk
 * ({@code break}) and maps nothing more.
 */
public final class MapLowmem {
    private MapLowmem() {
    }

    /**
     * One {@code create_mapping} call of {@code MT_MEMORY_RW}: physical [start, end).
     *
     * <p>When a region starts at {@code kernel_sec_start} and ends at or before
     * {@code kernel_sec_end} (RAM no larger than the kernel's sections, or a no-map hole between
     * {@code _end} and {@code kernel_sec_end}), 6.1 moves the start to {@code kernel_sec_end} and
     * passes {@code end - start} to {@code create_mapping} as an unsigned length: it wraps, and
     * {@code __create_mapping} writes sections from {@code kernel_sec_end}'s address round the
     * address space (the user half and the modules area of {@code swapper_pg_dir} included). The
     * model does not reproduce that garbage: such a piece maps nothing. Its memory is mapped by
     * {@code map_kernel}'s sections either way.
     */
    public record Piece(long start, long end) {
        /** Whether 6.1 would hand {@code create_mapping} a wrapped length (or none) for this piece. */
        public boolean wraps() {
            return end <= start;
        }
    }

    /**
     * The pieces, in the order 6.1's loop maps them.
     *
     * @param mapped the memory regions {@code for_each_mem_range} visits (NOMAP ones left out)
     * @param lowmemLimit {@code arm_lowmem_limit}
     * @param kernelSecStart {@code kernel_sec_start}: the section the kernel's mapping starts at (PHYS_OFFSET)
     * @param kernelSecEnd {@code kernel_sec_end}: the section boundary after {@code _end}
     */
    public static List<Piece> pieces(List<Region> mapped, long lowmemLimit, long kernelSecStart, long kernelSecEnd) {
        List<Piece> out = new ArrayList<>();
        for (Region r : mapped) {
            long start = r.base();
            long end = Math.min(r.end(), lowmemLimit);
            if (start >= end) {
                break;
            }
            // a region inside the kernel's sections: 6.1 ends the walk here, later regions included
            if (start > kernelSecStart && end < kernelSecEnd) {
                break;
            }
            if (kernelSecStart >= start && kernelSecStart <= end) {
                if (start < kernelSecStart && end > kernelSecEnd) {
                    out.add(new Piece(start, kernelSecStart));
                    out.add(new Piece(kernelSecEnd, end));
                    break;
                }
                if (kernelSecStart == start) {
                    start = kernelSecEnd;
                }
                if (kernelSecEnd == end) {
                    end = kernelSecStart;
                }
            } else if (kernelSecStart < start && kernelSecEnd > start && kernelSecEnd < end) {
                start = kernelSecEnd;
            } else if (kernelSecStart > start && kernelSecStart < end && kernelSecEnd > end) {
                end = kernelSecStart;
            }
            out.add(new Piece(start, end));
        }
        return out;
    }
}
