package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.balloon.BalloonOp;
import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import org.junit.jupiter.api.Test;

/**
 * The edges of the sysctl handlers on the 1 GiB virt board (oracle armmp-1024M: DMA manages
 * 189461 pages, HighMem 65536), worked from mm/page_alloc.c:
 * {@code lowmem_reserve_ratio_sysctl_handler} zeroes only ratios below 1;
 * {@code percpu_pagelist_high_fraction_sysctl_handler} puts the old fraction back when the new one
 * is neither 0 nor at least 8, and recomputes nothing when the fraction did not change ("No
 * change?"), even if the managed counts moved since.
 */
class ZoneSysctlEdgesTest {
    private static Kernel board(Bugs bugs) {
        return Kernel.boot(Board.virt(1L << 30), bugs);
    }

    private static Result write(Kernel k, String path, String text) {
        return k.apply(new ZoneOp.Sysctl(path, text));
    }

    private static ZoneSetup setup(Kernel k) {
        return k.zones().orElseThrow();
    }

    @Test
    void eachSysctlIsFoundByItsPath() {
        for (ZoneSysctl s : ZoneSysctl.values()) {
            assertThat(ZoneSysctl.byPath(s.path())).isEqualTo(s);
        }
        assertThat(ZoneSysctl.MIN_FREE_KBYTES.path()).isEqualTo("vm.min_free_kbytes");
        assertThat(ZoneSysctl.PERCPU_PAGELIST_HIGH_FRACTION.path()).isEqualTo("vm.percpu_pagelist_high_fraction");
        assertThat(ZoneSysctl.byPath("vm.min_free_kbytes ")).isNull();
    }

    /** A ratio of 1 is kept: DMA's protection against HighMem is then all 65536 HighMem pages. */
    @Test
    void aRatioOfOneIsKept() {
        Kernel k = board(Bugs.NONE);
        assertThat(write(k, "vm.lowmem_reserve_ratio", "1 32 0 0").isRefused()).isFalse();
        assertThat(setup(k).tuning().lowmemReserveRatio()).containsExactly(1, 32, 0, 0);
        assertThat(setup(k).zone(ZoneType.DMA).lowmemReserve()).containsExactly(0, 0, 65536, 65536);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void aRefusedFractionLeavesTheOldOne() {
        Kernel k = board(Bugs.NONE);
        write(k, "vm.percpu_pagelist_high_fraction", "8");
        ZoneSetup before = setup(k);
        long stamp = k.state(NodeZones.class).stamp();
        assertThat(write(k, "vm.percpu_pagelist_high_fraction", "7").toString()).contains("-EINVAL");
        assertThat(setup(k)).isSameAs(before);
        assertThat(setup(k).tuning().percpuPagelistHighFraction()).isEqualTo(8);
        assertThat(k.state(NodeZones.class).stamp()).isEqualTo(stamp);
        // the planted handler that forgets to put it back keeps 7, and still says -EINVAL
        Kernel bad = board(Bugs.of(ZoneBug.ZONE_FRACTION_EINVAL_KEEPS_VALUE));
        assertThat(write(bad, "vm.percpu_pagelist_high_fraction", "7").toString()).contains("-EINVAL");
        assertThat(setup(bad).tuning().percpuPagelistHighFraction()).isEqualTo(7);
    }

    /**
     * Fraction 8, then 256 HighMem pages into the balloon (HighMem manages 65280), then 8 again:
     * no change, so HighMem's pcp high stays 65536 / 8 = 8192 and not 65280 / 8 = 8160; a write of
     * 16 recomputes from the counts now: 65280 / 16 = 4080.
     */
    @Test
    void theSameFractionAgainRecomputesNothing() {
        Kernel k = board(Bugs.NONE);
        write(k, "vm.percpu_pagelist_high_fraction", "8");
        assertThat(setup(k).zone(ZoneType.HIGHMEM).pcpHigh()).isEqualTo(8192);
        assertThat(((Result.Value) k.apply(new BalloonOp.Inflate(256, 0))).value()).isEqualTo(256);
        assertThat(setup(k).zone(ZoneType.HIGHMEM).managedPages()).isEqualTo(65280);
        long stamp = k.state(NodeZones.class).stamp();
        assertThat(write(k, "vm.percpu_pagelist_high_fraction", "8").isRefused()).isFalse();
        assertThat(setup(k).zone(ZoneType.HIGHMEM).pcpHigh()).isEqualTo(8192);
        assertThat(k.state(NodeZones.class).stamp()).isEqualTo(stamp);
        assertThat(write(k, "vm.percpu_pagelist_high_fraction", "16").isRefused()).isFalse();
        assertThat(setup(k).zone(ZoneType.HIGHMEM).pcpHigh()).isEqualTo(4080);
        assertThat(k.check()).isEmpty();
    }
}
