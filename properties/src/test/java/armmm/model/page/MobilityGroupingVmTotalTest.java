package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code page_group_by_mobility_disabled} as {@code build_all_zonelists} (mm/page_alloc.c, Linux
 * 6.1) decides it: {@code vm_total_pages} is the sum over populated zones of
 * {@code free_area_init_core}'s estimate (present pages, less {@code calc_memmap_size} =
 * PAGE_ALIGN(spanned x sizeof(struct page)) >> PAGE_SHIFT when the zone is not HighMem and the
 * memmap fits), and grouping is off below {@code pageblock_nr_pages * MIGRATE_TYPES} = 2048 x 6 =
 * 12288 pages. {@code sizeof(struct page)} is 32 on this ARM build.
 */
class MobilityGroupingVmTotalTest {
    private static final int STRUCT_PAGE = 32;
    private static final long MAX_LOW = 0x70000;

    private static ZoneConfig zone(ZoneType t, long start, long spanned, long present) {
        return new ZoneConfig(t, start, spanned, present, present, 0, 0, 0, new long[4], 0, 1);
    }

    @Test
    void calcMemmapSizeRoundsTheStructPagesUpToWholePages() {
        // 196608 x 32 = 6291456 bytes = 1536 pages exactly
        assertThat(MobilityGrouping.calcMemmapSize(196608, 196608, STRUCT_PAGE)).isEqualTo(1536);
        // 100 x 32 = 3200 bytes: one page
        assertThat(MobilityGrouping.calcMemmapSize(100, 90, STRUCT_PAGE)).isEqualTo(1);
        // 129 x 32 = 4128 bytes: two pages
        assertThat(MobilityGrouping.calcMemmapSize(129, 129, STRUCT_PAGE)).isEqualTo(2);
        assertThat(MobilityGrouping.calcMemmapSize(0, 0, STRUCT_PAGE)).isZero();
    }

    @Test
    void lowmemZonesLoseTheirMemmapAndHighmemZonesDoNot() {
        ZoneConfig dma = zone(ZoneType.DMA, 0x40000, 196608, 196608);
        ZoneConfig normal = zone(ZoneType.NORMAL, 0, 0, 0);
        ZoneConfig high = zone(ZoneType.HIGHMEM, MAX_LOW, 65536, 65536);
        // DMA 196608 - 1536, HighMem 65536 whole, the empty Normal zone nothing
        assertThat(MobilityGrouping.vmTotalPages(List.of(dma, normal, high), STRUCT_PAGE, MAX_LOW))
                .isEqualTo(196608 - 1536 + 65536);
        // Movable carved from HighMem (starting at max_low_pfn) keeps its memmap out of lowmem
        ZoneConfig movableHigh = zone(ZoneType.MOVABLE, MAX_LOW, 4096, 4096);
        assertThat(MobilityGrouping.vmTotalPages(List.of(movableHigh), STRUCT_PAGE, MAX_LOW)).isEqualTo(4096);
        // one page below max_low_pfn it is lowmem: 4096 - 32
        ZoneConfig movableLow = zone(ZoneType.MOVABLE, MAX_LOW - 1, 4096, 4096);
        assertThat(MobilityGrouping.vmTotalPages(List.of(movableLow), STRUCT_PAGE, MAX_LOW)).isEqualTo(4096 - 32);
        // a zone whose spanned holes are all absent counts nothing
        ZoneConfig holes = zone(ZoneType.NORMAL, 0x40000, 4096, 0);
        assertThat(MobilityGrouping.vmTotalPages(List.of(holes), STRUCT_PAGE, MAX_LOW)).isZero();
    }

    @Test
    void aMemmapThatDoesNotFitIsNotTakenOff() {
        // spanned 4096: memmap 32 pages; 32 present pages lose all of them, 31 keep theirs
        assertThat(MobilityGrouping.vmTotalPages(List.of(zone(ZoneType.DMA, 0x40000, 4096, 32)), STRUCT_PAGE, MAX_LOW))
                .isZero();
        assertThat(MobilityGrouping.vmTotalPages(List.of(zone(ZoneType.DMA, 0x40000, 4096, 31)), STRUCT_PAGE, MAX_LOW))
                .isEqualTo(31);
    }

    @Test
    void groupingIsOffBelowSixPageblocks() {
        assertThat(MobilityGrouping.disabled(12287)).isTrue();
        assertThat(MobilityGrouping.disabled(12288)).isFalse();
        assertThat(MobilityGrouping.MIGRATE_TYPES).isEqualTo(6);
    }
}
