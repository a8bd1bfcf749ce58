package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import org.junit.jupiter.api.Test;

/**
 * Edges of the zone set-up: {@code boost_watermark} (mm/page_alloc.c) refuses a zone of fewer
 * than 4 pageblocks of managed pages ({@code pageblock_nr_pages * 4 > zone_managed_pages}) and
 * takes one of exactly 4; {@code refresh_zone_stat_thresholds} (mm/vmstat.c) sets a threshold
 * only for populated zones ({@code for_each_populated_zone}), {@code calculate_normal_threshold}
 * = 2 x fls(cpus) x (1 + fls(managed >> 15)), at most 125.
 */
class ZoneSetupEdgesTest {
    private static final long PAGEBLOCK = 1024;

    /** high 1000, factor 15000: the cap is max(1024, 1500) = 1500; one boost adds a pageblock. */
    @Test
    void aZoneOfFourPageblocksIsBoostedAndASmallerOneIsNot() {
        assertThat(WatermarkBoost.boosted(4 * PAGEBLOCK, 1000, 0, PAGEBLOCK, 15000, Bugs.NONE)).isEqualTo(1024);
        assertThat(WatermarkBoost.boosted(4 * PAGEBLOCK - 1, 1000, 0, PAGEBLOCK, 15000, Bugs.NONE)).isEqualTo(-1);
        assertThat(WatermarkBoost.boosted(PAGEBLOCK, 1000, 0, PAGEBLOCK, 15000, Bugs.NONE)).isEqualTo(-1);
        // the planted bug boosts the small zone anyway
        assertThat(WatermarkBoost.boosted(4 * PAGEBLOCK - 1, 1000, 0, PAGEBLOCK, 15000,
                Bugs.of(ZoneBug.ZONE_BOOST_SMALL_ZONE))).isEqualTo(1024);
        // a high watermark of 0 gives no cap: no boost
        assertThat(WatermarkBoost.boosted(8 * PAGEBLOCK, 0, 0, PAGEBLOCK, 15000, Bugs.NONE)).isEqualTo(-1);
    }

    /**
     * The 1 GiB virt board, one CPU: DMA (about 185000 managed pages: 185000 >> 15 = 5, fls 3)
     * 2 x 1 x 4 = 8; HighMem (65536: 2, fls 2) 2 x 1 x 3 = 6; Normal and Movable are empty: 0.
     */
    @Test
    void onlyPopulatedZonesGetAStatThreshold() {
        ZoneSetup s = ZoneSetup.compute(VirtBoards.virt(1024, 1));
        assertThat(s.statThreshold().toArray()).containsExactly(8, 0, 6, 0);
        assertThat(s.populated(ZoneType.DMA)).isTrue();
        assertThat(s.populated(ZoneType.HIGHMEM)).isTrue();
        assertThat(s.populated(ZoneType.NORMAL)).isFalse();
        assertThat(s.populated(ZoneType.MOVABLE)).isFalse();
    }
}
