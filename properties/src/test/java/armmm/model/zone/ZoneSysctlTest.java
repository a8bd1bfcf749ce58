package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.check.ZoneChecks;
import armmm.model.kernel.Kernel;
import armmm.model.page.BuddyZone;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Writes to the zone sysctls on the 1 GiB virt board (oracle armmp-1024M: after boot ZONE_DMA
 * manages 189461 pages, HighMem 65536; min_free_kbytes 3475, watermark_scale_factor 10), each
 * worked by hand from 6.1's handlers and {@code __setup_per_zone_wmarks},
 * {@code setup_per_zone_lowmem_reserve}, {@code zone_batchsize} and {@code zone_highsize}.
 */
class ZoneSysctlTest {
    private static final long GIB = 1L << 30;

    private static Kernel board() {
        return Kernel.boot(Board.virt(GIB));
    }

    private static Result write(Kernel k, String path, String text) {
        return k.apply(new ZoneOp.Sysctl(path, text));
    }

    private static ZoneConfig zone(Kernel k, ZoneType t) {
        return k.zones().orElseThrow().zone(t);
    }

    /** The allocator's half of the zone holds what the zone holds (6.1 has one struct zone). */
    private static void assertAllocatorAgrees(Kernel k) {
        for (ZoneType t : ZoneType.values()) {
            BuddyZone z = k.pages().zone(t);
            ZoneConfig c = zone(k, t);
            assertThat(z.config()).as("%s", t).isEqualTo(c);
            assertThat(z.pcp(0).high()).as("%s pcp high", t).isEqualTo(c.pcpHigh());
            assertThat(z.pcp(0).batch()).as("%s pcp batch", t).isEqualTo(c.pcpBatch());
        }
        assertThat(k.check()).isEmpty();
    }

    @Test
    void minFreeKbytesRecomputesTheWatermarksFromTheManagedPagesNow() {
        Kernel k = board();
        assertThat(write(k, "vm.min_free_kbytes", "8192").isRefused()).isFalse();
        ZoneSetup s = k.zones().orElseThrow();
        assertThat(s.minFreeKbytes()).isEqualTo(8192);
        assertThat(s.tuning().userMinFreeKbytes()).isEqualTo(8192);
        // pages_min 2048, lowmem 189461 pages: DMA tmp 2048, step max(512, 189)
        ZoneConfig dma = zone(k, ZoneType.DMA);
        assertThat(new long[] {dma.min(), dma.low(), dma.high()}).containsExactly(2048, 2560, 3072);
        // HighMem: min clamp(64, 32, 128); tmp 2048 x 65536 / 189461 = 708, step max(177, 65)
        ZoneConfig high = zone(k, ZoneType.HIGHMEM);
        assertThat(new long[] {high.min(), high.low(), high.high()}).containsExactly(64, 241, 418);
        // zone_pcp_update: batch 63 and 15 as at boot, high the new low watermark (one CPU)
        assertThat(new int[] {dma.pcpHigh(), dma.pcpBatch(), high.pcpHigh(), high.pcpBatch()})
                .containsExactly(2560, 63, 241, 15);
        // protection is not recomputed by this write
        assertThat(dma.lowmemReserve()).containsExactly(0, 0, 256, 256);
        assertAllocatorAgrees(k);
    }

    @Test
    void watermarkScaleFactorWidensTheSteps() {
        Kernel k = board();
        assertThat(write(k, "vm.watermark_scale_factor", "1000").isRefused()).isFalse();
        ZoneConfig dma = zone(k, ZoneType.DMA);
        // pages_min 3475 >> 2 = 868; step max(217, 189461 x 1000 / 10000 = 18946)
        assertThat(new long[] {dma.min(), dma.low(), dma.high()}).containsExactly(868, 19814, 38760);
        ZoneConfig high = zone(k, ZoneType.HIGHMEM);
        // tmp 868 x 65536 / 189461 = 300, step max(75, 6553)
        assertThat(new long[] {high.min(), high.low(), high.high()}).containsExactly(64, 6617, 13170);
        assertThat(dma.pcpHigh()).isEqualTo(19814);
        assertAllocatorAgrees(k);
    }

    @Test
    void theScaleFactorsBoundsAreOneAndThreeThousand() {
        Kernel k = board();
        ZoneConfig before = zone(k, ZoneType.DMA);
        for (String bad : new String[] {"0", "3001", "-5", "ten", "", "10x", "99999999999"}) {
            Result r = write(k, "vm.watermark_scale_factor", bad);
            assertThat(r.isRefused()).as("'%s'", bad).isTrue();
            assertThat(r.toString()).contains("-EINVAL");
        }
        assertThat(zone(k, ZoneType.DMA)).isEqualTo(before);
        assertThat(k.zones().orElseThrow().tuning().watermarkScaleFactor()).isEqualTo(10);
        assertThat(write(k, "vm.watermark_scale_factor", "3000").isRefused()).isFalse();
        assertThat(write(k, "vm.watermark_scale_factor", "0x10").isRefused()).isFalse();
        assertThat(k.zones().orElseThrow().tuning().watermarkScaleFactor()).isEqualTo(16);
        assertThat(write(k, "vm.watermark_scale_factor", " 010\n").isRefused()).isFalse();
        assertThat(k.zones().orElseThrow().tuning().watermarkScaleFactor()).as("octal").isEqualTo(8);
    }

    @Test
    void minFreeKbytesTakesZeroAndNoUpperBoundButNoNegative() {
        Kernel k = board();
        assertThat(write(k, "vm.min_free_kbytes", "-1").isRefused()).isTrue();
        assertThat(k.zones().orElseThrow().minFreeKbytes()).isEqualTo(3475);
        assertThat(write(k, "vm.min_free_kbytes", "2147483648").isRefused()).as("above INT_MAX").isTrue();
        assertThat(write(k, "vm.min_free_kbytes", "0").isRefused()).isFalse();
        assertThat(zone(k, ZoneType.DMA).min()).isZero();
        assertThat(write(k, "vm.min_free_kbytes", "1048576").isRefused()).isFalse();
        assertThat(k.zones().orElseThrow().minFreeKbytes()).as("above calculate_min_free_kbytes' cap").isEqualTo(1048576);
        assertThat(zone(k, ZoneType.DMA).min()).isEqualTo(262144);
        assertAllocatorAgrees(k);
    }

    @Test
    void lowmemReserveRatioIsNeverRefusedAndZeroesWhatIsBelowOne() {
        Kernel k = board();
        assertThat(write(k, "vm.lowmem_reserve_ratio", "32 32 0 0").isRefused()).isFalse();
        // DMA against HighMem and Movable: 65536 / 32
        assertThat(zone(k, ZoneType.DMA).lowmemReserve()).containsExactly(0, 0, 2048, 2048);
        // a bad value after a good one: the first stays written, the handler returns 0 and recomputes
        assertThat(write(k, "vm.lowmem_reserve_ratio", "-7 x").isRefused()).isFalse();
        assertThat(k.zones().orElseThrow().tuning().lowmemReserveRatio()).containsExactly(0, 32, 0, 0);
        assertThat(zone(k, ZoneType.DMA).lowmemReserve()).containsExactly(0, 0, 0, 0);
        // more values than zones: the kernel reads four
        assertThat(write(k, "vm.lowmem_reserve_ratio", "128 32 0 0 9").isRefused()).isFalse();
        assertThat(zone(k, ZoneType.DMA).lowmemReserve()).containsExactly(0, 0, 512, 512);
        assertAllocatorAgrees(k);
    }

    @Test
    void aPagelistHighFractionSizesTheListsFromTheManagedPages() {
        Kernel k = board();
        for (String bad : new String[] {"1", "7", "-8"}) {
            assertThat(write(k, "vm.percpu_pagelist_high_fraction", bad).isRefused()).as(bad).isTrue();
        }
        assertThat(write(k, "vm.percpu_pagelist_high_fraction", "8").isRefused()).isFalse();
        // 189461 / 8 = 23682 and 65536 / 8 = 8192, one CPU; batch unchanged
        assertThat(zone(k, ZoneType.DMA).pcpHigh()).isEqualTo(23682);
        assertThat(zone(k, ZoneType.HIGHMEM).pcpHigh()).isEqualTo(8192);
        assertThat(zone(k, ZoneType.DMA).pcpBatch()).isEqualTo(63);
        // watermarks untouched
        assertThat(zone(k, ZoneType.DMA).low()).isEqualTo(1085);
        assertAllocatorAgrees(k);
        assertThat(write(k, "vm.percpu_pagelist_high_fraction", "0").isRefused()).isFalse();
        assertThat(zone(k, ZoneType.DMA).pcpHigh()).isEqualTo(1085);
        assertAllocatorAgrees(k);
    }

    @Test
    void anUnknownSysctlIsNoSuchFile() {
        Result r = write(board(), "vm.no_such_knob", "1");
        assertThat(r.isRefused()).isTrue();
        assertThat(r.toString()).contains("-ENOENT");
    }

    /** The four bugs planted on the recompute leave boot alone and show after one write. */
    @Test
    void theRecomputeBugsActOnlyAfterBoot() {
        record Case(ZoneBug bug, String path, String text, String id) {
        }
        List<Case> cases = List.of(new Case(ZoneBug.ZONE_WMARK_SWAPPED, "vm.min_free_kbytes", "4096", "INV-ZONE-04"),
                new Case(ZoneBug.ZONE_WMARK_FROM_FINAL_MANAGED, "vm.watermark_scale_factor", "10", "INV-ZONE-05"),
                new Case(ZoneBug.ZONE_RESERVE_NOT_CUMULATIVE, "vm.lowmem_reserve_ratio", "256 32 0 0", "INV-ZONE-06"),
                new Case(ZoneBug.ZONE_MIN_FREE_WRITE_CLAMPED, "vm.min_free_kbytes", "64", "INV-ZONE-07"),
                new Case(ZoneBug.ZONE_PCP_HIGH_NO_FLOOR, "vm.min_free_kbytes", "3475", "INV-ZONE-08"));
        for (Case c : cases) {
            // 2 GiB with movablecore: a Movable zone above HighMem, so protection sums two zones;
            // eight CPUs, so HighMem's low watermark over the CPUs falls below 4 x batch
            Kernel k = Kernel.boot(Board.virt(2 * GIB).withCpus(8).withArgs("movablecore=128M"), Bugs.of(c.bug()));
            assertThat(k.check()).as("boot with %s", c.bug()).isEmpty();
            write(k, c.path(), c.text());
            assertThat(ZoneChecks.check(k.zones().orElseThrow()).stream().map(Violation::id))
                    .as("%s after %s %s", c.bug(), c.path(), c.text()).contains(c.id());
        }
    }

    /**
     * The kernel reads bytes and knows its own white space (lib/ctype.c {@code isspace}: 9..13, 32):
     * a unit separator (0x1f) or an em space (UTF-8 e2 80 83) before the number is no space, so the
     * number is not a digit and the write is -EINVAL; a vertical tab is space. A carriage return
     * right after the number is not in {@code proc_wspace_sep}: -EINVAL, and INV-CALL-05 agrees.
     */
    @Test
    void onlyTheKernelsWhiteSpaceIsSkipped() {
        Kernel k = board();
        for (String bad : new String[] {"\u001f8192", "\u20038192", "8192\r", "8192\u000b"}) {
            Result r = write(k, "vm.min_free_kbytes", bad);
            assertThat(r.toString()).as("%s", bad.chars().boxed().toList()).contains("-EINVAL");
            assertThat(k.zones().orElseThrow().minFreeKbytes()).isEqualTo(3475);
            assertThat(k.check()).as("%s", bad.chars().boxed().toList()).isEmpty();
        }
        for (String good : new String[] {"\u000b\f\r 8192", "8192 \r", "8192\t\u000b"}) {
            assertThat(write(k, "vm.min_free_kbytes", good).isRefused()).as("%s", good.chars().boxed().toList()).isFalse();
            assertThat(k.zones().orElseThrow().minFreeKbytes()).isEqualTo(8192);
            assertThat(k.check()).isEmpty();
            write(k, "vm.min_free_kbytes", "3475");
        }
    }

    /** {@code __do_proc_dointvec} reads at most PAGE_SIZE - 1 = 4095 bytes of a write. */
    @Test
    void aWriteIsReadOnlyUpToPageSizeLessOne() {
        Kernel k = board();
        Result r = write(k, "vm.min_free_kbytes", " ".repeat(4095) + "8192");
        assertThat(r.toString()).contains("-EINVAL");
        assertThat(k.zones().orElseThrow().minFreeKbytes()).isEqualTo(3475);
        assertThat(k.check()).isEmpty();
        // 4091 spaces and "8192": the last byte read is the number's last digit
        assertThat(write(k, "vm.min_free_kbytes", " ".repeat(4091) + "8192").isRefused()).isFalse();
        assertThat(k.zones().orElseThrow().minFreeKbytes()).isEqualTo(8192);
        // 4092 spaces: "819" is read, the 2 is past the end
        assertThat(write(k, "vm.min_free_kbytes", " ".repeat(4092) + "8192").isRefused()).isFalse();
        assertThat(k.zones().orElseThrow().minFreeKbytes()).isEqualTo(819);
        // a non-ASCII digit (ARABIC-INDIC FIVE) is no digit to the kernel: the first value stays, the handler returns 0
        assertThat(write(k, "vm.lowmem_reserve_ratio", "64 \u0665").isRefused()).isFalse();
        assertThat(k.zones().orElseThrow().tuning().lowmemReserveRatio()).containsExactly(64, 32, 0, 0);
        assertThat(k.check()).isEmpty();
    }
}
