package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * mm/vmstat.c (Linux 6.1): {@code refresh_zone_stat_thresholds} sets {@code percpu_drift_mark} to
 * high + max_drift only when max_drift (online CPUs x threshold) is strictly above low - min; and
 * {@code __mod_zone_page_state} folds the CPU's whole difference (earlier changes and this one),
 * which the seeded bug PAGE_VMSTAT_FOLD_DROPS_DIFF gets wrong by folding only the new change.
 */
class ZoneVmstatDriftTest {
    private static MemMap memMap(Bugs bugs) {
        ZoneConfig c = new ZoneConfig(ZoneType.DMA, TestBoards.RAM, 4096, 4096, 4096, 0, 0, 0, new long[4], 0, 1);
        return new MemMap(List.of(c), 4, bugs);
    }

    @Test
    void theDriftMarkNeedsADriftAboveLowLessMin() {
        ZoneVmstat v = new ZoneVmstat(4, memMap(Bugs.NONE));
        // 4 CPUs, 11264 managed: 2 x fls(4) x (1 + fls(0)) = 6, max_drift 24
        v.refreshThresholds(11264, 100, 124, 150);
        assertThat(v.threshold()).isEqualTo(6);
        assertThat(v.percpuDriftMark()).isZero();
        v.refreshThresholds(11264, 100, 123, 150);
        assertThat(v.percpuDriftMark()).isEqualTo(150 + 24);
        // a populated zone managing no page still gets 2 x fls(4) x (1 + fls(0)) = 6
        v.refreshThresholds(0, 0, 0, 0);
        assertThat(v.threshold()).isEqualTo(6);
        assertThat(v.percpuDriftMark()).isEqualTo(24);
    }

    @Test
    void aFoldTakesTheWholeDifferenceUnlessTheSeededBugDropsIt() {
        ZoneVmstat v = new ZoneVmstat(1, memMap(Bugs.NONE));
        // 1 CPU: threshold 2 x 1 x 1 = 2; +2 stays in the difference, +1 more makes 3 > 2 and folds 3
        v.refreshThresholds(4096, 0, 0, 0);
        v.mod(0, ZoneVmstat.NR_FREE_PAGES, 2);
        assertThat(v.global(ZoneVmstat.NR_FREE_PAGES)).isZero();
        v.mod(0, ZoneVmstat.NR_FREE_PAGES, 1);
        assertThat(v.global(ZoneVmstat.NR_FREE_PAGES)).isEqualTo(3);
        assertThat(v.diff(0, ZoneVmstat.NR_FREE_PAGES)).isZero();

        MemMap buggy = memMap(Bugs.of(PageBug.PAGE_VMSTAT_FOLD_DROPS_DIFF));
        buggy.handedOver = true;
        ZoneVmstat b = new ZoneVmstat(1, buggy);
        b.refreshThresholds(4096, 0, 0, 0);
        b.mod(0, ZoneVmstat.NR_FREE_PAGES, 2);
        b.mod(0, ZoneVmstat.NR_FREE_PAGES, 1);
        assertThat(b.global(ZoneVmstat.NR_FREE_PAGES)).isEqualTo(1);
        assertThat(b.diff(0, ZoneVmstat.NR_FREE_PAGES)).isZero();
    }
}
