package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A zone's limits replaced at run time (mm/page_alloc.c, Linux 6.1): {@code __setup_per_zone_wmarks}
 * sets {@code watermark_boost} to 0 with the new watermarks, a write that changes only
 * {@code lowmem_reserve} or the per-CPU sizes leaves it; {@code pageset_update} gives every CPU's
 * pageset the new {@code high} and {@code batch}; the vmstat thresholds keep the managed pages boot
 * left ({@code refresh_zone_stat_thresholds} runs again only on CPU hotplug).
 */
class BuddyZoneRetuneTest {
    @Test
    void retuneTakesTheNewLimitsAndResetsTheBoostOnlyWithNewWatermarks() {
        ZoneConfig c = new ZoneConfig(ZoneType.DMA, TestBoards.RAM, 16384, 16384, 11264, 128, 160, 192,
                new long[4], 60, 15);
        MemMap m = new MemMap(List.of(c), 2, Bugs.NONE);
        BuddyZone z = m.zones[0];
        assertThat(z.bootManagedPages()).isEqualTo(11264);
        z.watermarkBoost = 2048;
        z.pcp[1].lastWasFree = true;
        z.retune(c.withManagedPages(10000).withPcp(90, 20), false);
        assertThat(z.config().managedPages()).isEqualTo(10000);
        assertThat(z.bootManagedPages()).isEqualTo(11264);
        assertThat(z.watermarkBoost()).isEqualTo(2048);
        assertThat(z.pcp(0).high()).isEqualTo(90);
        assertThat(z.pcp(1).batch()).isEqualTo(20);
        assertThat(z.pcp(1).lastWasFree()).isFalse();
        z.retune(c.withWatermarks(100, 125, 150), true);
        assertThat(z.watermarkBoost()).isZero();
        assertThat(z.config().high()).isEqualTo(150);
    }
}
