package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A zone's vmstat counters against mm/vmstat.c: {@code calculate_normal_threshold},
 * {@code refresh_zone_stat_thresholds}' {@code percpu_drift_mark}, {@code __mod_zone_page_state}'s
 * fold when {@code |x| > stat_threshold}, {@code refresh_cpu_vm_stats}' fold, and the readers
 * {@code zone_page_state} (negative read as 0 on SMP) and {@code zone_page_state_snapshot}.
 */
class ZoneVmstatTest {
    private static ZoneVmstat vmstat(int cpus) {
        return new ZoneVmstat(cpus, new MemMap(List.of(), cpus, Bugs.NONE));
    }

    @Test
    void normalThresholdIsTwiceFlsCpusTimesOnePlusFlsOf128MiBUnitsCappedAt125() {
        // 189461 managed pages (armmp-1024M's DMA) are 5 units of 128 MiB: fls 3
        assertThat(ZoneVmstat.normalThreshold(189461, 1)).isEqualTo(2 * 1 * (1 + 3));
        assertThat(ZoneVmstat.normalThreshold(189461, 2)).isEqualTo(2 * 2 * (1 + 3));
        assertThat(ZoneVmstat.normalThreshold(189461, 3)).isEqualTo(2 * 2 * (1 + 3));
        assertThat(ZoneVmstat.normalThreshold(189461, 4)).isEqualTo(2 * 3 * (1 + 3));
        // below 128 MiB: fls(0) = 0
        assertThat(ZoneVmstat.normalThreshold(32767, 1)).isEqualTo(2);
        assertThat(ZoneVmstat.normalThreshold(32768, 1)).isEqualTo(4);
        assertThat(ZoneVmstat.normalThreshold(65535, 1)).isEqualTo(4);
        assertThat(ZoneVmstat.normalThreshold(65536, 1)).isEqualTo(6);
        // 2*fls(512)=20 times (1 + fls(8)) = 5: 100; 2*fls(1024)=22 times 5 = 110; times 6 = 132 -> 125
        assertThat(ZoneVmstat.normalThreshold(8L << 15, 512)).isEqualTo(100);
        assertThat(ZoneVmstat.normalThreshold(16L << 15, 1024)).isEqualTo(125);
        assertThat(ZoneVmstat.normalThreshold(1L << 32, 1)).isEqualTo(2 * (1 + 18));
    }

    @Test
    void aChangeFoldsOnlyWhenItsMagnitudePassesTheThreshold() {
        ZoneVmstat v = vmstat(2);
        v.refreshThresholds(189461, 128, 160, 192);
        assertThat(v.threshold()).isEqualTo(16);
        v.mod(0, ZoneVmstat.NR_FREE_PAGES, 16);
        assertThat(v.diff(0, ZoneVmstat.NR_FREE_PAGES)).isEqualTo(16);
        assertThat(v.global(ZoneVmstat.NR_FREE_PAGES)).isZero();
        v.mod(0, ZoneVmstat.NR_FREE_PAGES, 1);
        assertThat(v.global(ZoneVmstat.NR_FREE_PAGES)).isEqualTo(17);
        assertThat(v.diff(0, ZoneVmstat.NR_FREE_PAGES)).isZero();
        v.mod(1, ZoneVmstat.NR_FREE_PAGES, -16);
        assertThat(v.diff(1, ZoneVmstat.NR_FREE_PAGES)).isEqualTo(-16);
        assertThat(v.global(ZoneVmstat.NR_FREE_PAGES)).isEqualTo(17);
        v.mod(1, ZoneVmstat.NR_FREE_PAGES, -2);
        assertThat(v.global(ZoneVmstat.NR_FREE_PAGES)).isEqualTo(-1);
        assertThat(v.diff(1, ZoneVmstat.NR_FREE_PAGES)).isZero();
        // zone_page_state holds a negative count at 0; the snapshot adds the differences back
        assertThat(v.read(ZoneVmstat.NR_FREE_PAGES)).isZero();
        v.mod(0, ZoneVmstat.NR_FREE_PAGES, 5);
        v.mod(1, ZoneVmstat.NR_FREE_PAGES, 3);
        assertThat(v.snapshot(ZoneVmstat.NR_FREE_PAGES)).isEqualTo(7);
        assertThat(v.read(ZoneVmstat.NR_FREE_PAGES)).isZero();
        v.mod(0, ZoneVmstat.NR_FREE_CMA_PAGES, -4);
        assertThat(v.snapshot(ZoneVmstat.NR_FREE_CMA_PAGES)).isZero();
        // the other item is untouched by NR_FREE_PAGES' changes
        assertThat(v.diff(0, ZoneVmstat.NR_FREE_CMA_PAGES)).isEqualTo(-4);
        v.fold(0);
        assertThat(v.global(ZoneVmstat.NR_FREE_PAGES)).isEqualTo(4);
        assertThat(v.global(ZoneVmstat.NR_FREE_CMA_PAGES)).isEqualTo(-4);
        assertThat(v.diff(0, ZoneVmstat.NR_FREE_PAGES)).isZero();
        assertThat(v.diff(1, ZoneVmstat.NR_FREE_PAGES)).isEqualTo(3);
        assertThat(v.read(ZoneVmstat.NR_FREE_PAGES)).isEqualTo(4);
        assertThat(v.cpus()).isEqualTo(2);
    }

    @Test
    void beforeTheThresholdsAreSetEveryChangeFolds() {
        ZoneVmstat v = vmstat(2);
        v.refreshThresholds(-1, 128, 160, 192);
        assertThat(v.threshold()).isZero();
        assertThat(v.percpuDriftMark()).isZero();
        v.mod(1, ZoneVmstat.NR_FREE_PAGES, 1);
        assertThat(v.global(ZoneVmstat.NR_FREE_PAGES)).isEqualTo(1);
        assertThat(v.diff(1, ZoneVmstat.NR_FREE_PAGES)).isZero();
        v.mod(1, ZoneVmstat.NR_FREE_PAGES, -1);
        assertThat(v.global(ZoneVmstat.NR_FREE_PAGES)).isZero();
    }

    @Test
    void theDriftMarkIsSetOnlyWhenCpusTimesThresholdExceedsLowMinusMin() {
        ZoneVmstat v = vmstat(2);
        // threshold 16 on 2 CPUs: max_drift 32
        v.refreshThresholds(189461, 128, 160, 192);
        assertThat(v.percpuDriftMark()).isZero();
        v.refreshThresholds(189461, 128, 159, 192);
        assertThat(v.percpuDriftMark()).isEqualTo(192 + 32);
        v.refreshThresholds(189461, 0, 0, 0);
        assertThat(v.percpuDriftMark()).isEqualTo(32);
    }
}
