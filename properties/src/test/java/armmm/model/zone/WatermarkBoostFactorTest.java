package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.core.Gfp;
import armmm.model.kernel.Kernel;
import armmm.model.page.PageOp;
import org.junit.jupiter.api.Test;

/**
 * {@code vm.watermark_boost_factor} (kernel/sysctl.c {@code vm_table}: {@code proc_dointvec_minmax},
 * {@code extra1 = SYSCTL_ZERO}) as a call, and {@code boost_watermark} (mm/page_alloc.c) reading it:
 * a factor of 0 never boosts, otherwise the cap is {@code mult_frac(high, factor, 10000)} in ARM32's
 * 32-bit {@code unsigned long}. Worked by hand.
 */
class WatermarkBoostFactorTest {
    private static final long PAGEBLOCK = 1024;

    private static Result write(Kernel k, String text) {
        return k.apply(new ZoneOp.Sysctl("vm.watermark_boost_factor", text));
    }

    @Test
    void aWriteWithinBoundsIsTakenByTheZonesAndTheAllocatorAndRecomputesNothing() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        ZoneSetup before = k.zones().orElseThrow();
        assertThat(before.tuning().watermarkBoostFactor()).isEqualTo(15000);
        assertThat(k.pages().watermarkBoostFactor()).isEqualTo(15000);
        assertThat(write(k, "0").isRefused()).isFalse();
        ZoneSetup after = k.zones().orElseThrow();
        assertThat(after.tuning().watermarkBoostFactor()).isZero();
        assertThat(k.pages().watermarkBoostFactor()).isZero();
        // no handler of its own: the zones' limits stay what they were
        assertThat(after.zones()).isEqualTo(before.zones());
        assertThat(after.minFreeKbytes()).isEqualTo(before.minFreeKbytes());
        assertThat(k.check()).isEmpty();
    }

    @Test
    void aNegativeFactorIsRefusedWithTheOldValueKept() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        assertThat(write(k, "5000").isRefused()).isFalse();
        Result r = write(k, "-1");
        assertThat(r.isRefused()).isTrue();
        assertThat(r.toString()).contains("-EINVAL");
        assertThat(k.zones().orElseThrow().tuning().watermarkBoostFactor()).isEqualTo(5000);
        assertThat(k.pages().watermarkBoostFactor()).isEqualTo(5000);
        // above INT_MAX proc_dointvec refuses too
        assertThat(write(k, "2147483648").isRefused()).isTrue();
        assertThat(k.pages().watermarkBoostFactor()).isEqualTo(5000);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void boostWatermarkReadsTheFactor() {
        // 8192 managed pages (8 pageblocks), high 1000, no boost yet
        assertThat(WatermarkBoost.boosted(8192, 1000, 0, PAGEBLOCK, 0, Bugs.NONE)).isEqualTo(-1);
        // factor 15000: cap max(1024, 1500) = 1500; one step takes 0 to 1024, the next to 1500
        assertThat(WatermarkBoost.boosted(8192, 1000, 0, PAGEBLOCK, 15000, Bugs.NONE)).isEqualTo(1024);
        assertThat(WatermarkBoost.boosted(8192, 1000, 1024, PAGEBLOCK, 15000, Bugs.NONE)).isEqualTo(1500);
        // factor 50000: cap 5000; 1024 + 1024 = 2048
        assertThat(WatermarkBoost.boosted(8192, 1000, 1024, PAGEBLOCK, 50000, Bugs.NONE)).isEqualTo(2048);
        // factor 1: mult_frac(1000, 1, 10000) = 0, and a zero cap never boosts
        assertThat(WatermarkBoost.boosted(8192, 1000, 0, PAGEBLOCK, 1, Bugs.NONE)).isEqualTo(-1);
        // factor 10: cap 1, raised to a pageblock
        assertThat(WatermarkBoost.boosted(8192, 1000, 0, PAGEBLOCK, 10, Bugs.NONE)).isEqualTo(1024);
    }

    @Test
    void theCapWrapsIn32Bits() {
        // high 9999, factor INT_MAX: quot 0, rem 9999; 9999 x 2147483647 = 21472688986353,
        // mod 2^32 = 2147473649, / 10000 = 214747 (unwrapped it would be 2147268912)
        assertThat(WatermarkBoost.multFrac32(9999, Integer.MAX_VALUE)).isEqualTo(214747);
        // high 123456, factor 400000: no wrap, 123456 x 40 = 4938240
        assertThat(WatermarkBoost.multFrac32(123456, 400000)).isEqualTo(4938240);
    }

    @Test
    void aBoostMadeUnderTheOldFactorStaysAndNoNewOneIsMadeAtZero() {
        // 56 MiB, all lowmem: an unmovable order-5 request then a movable one steal from a
        // Movable block below pageblock_order and boost ZONE_DMA (the WatermarkBoostProperties chain)
        Kernel k = Kernel.boot(Board.virt(56L << 20));
        k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL | Gfp.RECLAIMABLE, 5, 0));
        k.apply(new PageOp.AllocPages(Gfp.IO | Gfp.FS, 5, 0));
        long boost = k.pages().zone(ZoneType.DMA).watermarkBoost();
        assertThat(boost).isPositive();
        assertThat(write(k, "0").isRefused()).isFalse();
        // no 6.1 handler takes a boost back: it stays until kswapd or setup_per_zone_wmarks clears it
        assertThat(k.pages().zone(ZoneType.DMA).watermarkBoost()).isEqualTo(boost);
        assertThat(k.pages().watermarkBoostFactorsSinceBoot()).containsExactly(0L, 15000L);
        assertThat(k.check()).isEmpty();
        // a min_free_kbytes write runs __setup_per_zone_wmarks, which clears every boost
        assertThat(write2(k, "vm.min_free_kbytes", "4096").isRefused()).isFalse();
        assertThat(k.pages().zone(ZoneType.DMA).watermarkBoost()).isZero();
        assertThat(k.check()).isEmpty();
    }

    private static Result write2(Kernel k, String path, String text) {
        return k.apply(new ZoneOp.Sysctl(path, text));
    }
}
