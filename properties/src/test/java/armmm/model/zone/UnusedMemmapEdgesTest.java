package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.memblock.Region;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code free_unused_memmap} and {@code free_memmap} (mm/memblock.c) at their edges, worked by
 * hand: ranges from {@code for_each_mem_pfn_range} (PFN_UP(base) to PFN_DOWN(end); a region with
 * no whole page is skipped), each start rounded down to its pageblock ({@code pageblock_start_pfn}),
 * nothing freed before the first bank ({@code prev_end} 0), {@code prev_end} the bank's end rounded
 * up to a pageblock; the struct pages of [prev_end, start) freed from PAGE_ALIGN of the first to the
 * page holding the end; and {@code memblock_phys_free} taking exactly that range out of the reserved
 * regions. mem_map at 0x48000000 for pfns from 0x40000, 36 bytes a page; pageblocks of 1024 pages.
 */
class UnusedMemmapEdgesTest {
    private static final long MEM_MAP = 0x4800_0000L;

    private static long structPage(long pfn) {
        return MEM_MAP + (pfn - 0x40000) * 36;
    }

    private static Region r(long base, long end) {
        return new Region(base, end - base, 0);
    }

    /**
     * Banks at 0x40000000 (256 MiB), 0x5ffff000 (one page below 0x60000000, up to 0x70000000), a
     * region of half a page at 0x70000800 (no whole page), and 0x80000000 (16 MiB). Holes:
     * [0x50000, 0x5fc00) (the second bank's start 0x5ffff rounds down to its pageblock 0x5fc00):
     * struct pages 0x48240000 up to 0x48000000 + 0x1fc00 x 36 = 0x48477000 (page aligned); and [0x70000, 0x80000):
     * 0x486c0000 to 0x48900000. The reserved region below mem_map and the one above stay.
     */
    @Test
    void holesAfterUnalignedAndEmptyBanks() {
        List<Region> memory = List.of(r(0x4000_0000L, 0x5000_0000L), r(0x5fff_f000L, 0x7000_0000L),
                r(0x7000_0800L, 0x7000_1000L), r(0x8000_0000L, 0x8100_0000L));
        List<Region> reserved = List.of(r(0x4780_0000L, 0x4790_0000L), r(MEM_MAP, 0x4890_0000L),
                r(0x4900_0000L, 0x4900_1000L));
        assertThat(UnusedMemmap.free(memory, reserved, 1024, UnusedMemmapEdgesTest::structPage)).containsExactly(
                r(0x4780_0000L, 0x4790_0000L), r(MEM_MAP, 0x4824_0000L), r(0x4847_7000L, 0x486c_0000L),
                r(0x4900_0000L, 0x4900_1000L));
    }

    /** {@code memblock_phys_free}: what touches the range only at an end is kept whole, nothing empty is left. */
    @Test
    void subtractTakesExactlyTheRange() {
        List<Region> regions = List.of(r(0x1000, 0x3000), r(0x3000, 0x5000), r(0x5000, 0x6000), r(0x8000, 0x9000));
        assertThat(UnusedMemmap.subtract(regions, 0x3000, 0x5000)).containsExactly(r(0x1000, 0x3000), r(0x5000, 0x6000),
                r(0x8000, 0x9000));
        assertThat(UnusedMemmap.subtract(regions, 0x2000, 0x8800)).containsExactly(r(0x1000, 0x2000), r(0x8800, 0x9000));
        assertThat(UnusedMemmap.subtract(regions, 0x1800, 0x2800)).containsExactly(r(0x1000, 0x1800), r(0x2800, 0x3000),
                r(0x3000, 0x5000), r(0x5000, 0x6000), r(0x8000, 0x9000));
    }
}
