package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The formulas of mm/page_alloc.c, against the values the kernel itself documents or printed. */
class WatermarksTest {

    @Test
    void minFreeKbytesFollowsTheKernelsOwnTable() {
        // calculate_min_free_kbytes documents 16MB: 512k, 128MB: 1448k, 1024MB: 4096k, 16384MB: 16384k
        assertThat(Watermarks.minFreeKbytes(16L << 8)).isEqualTo(512);
        assertThat(Watermarks.minFreeKbytes(128L << 8)).isEqualTo(1448);
        assertThat(Watermarks.minFreeKbytes(1024L << 8)).isEqualTo(4096);
        assertThat(Watermarks.minFreeKbytes(16384L << 8)).isEqualTo(16384);
    }

    @Test
    void minFreeKbytesIsClampedTo128And262144() {
        assertThat(Watermarks.minFreeKbytes(0)).isEqualTo(128);
        assertThat(Watermarks.minFreeKbytes(1L << 40)).isEqualTo(262144);
    }

    @Test
    void intSqrtIsTheFloorOfTheRoot() {
        assertThat(Watermarks.intSqrt(0)).isZero();
        assertThat(Watermarks.intSqrt(15)).isEqualTo(3);
        assertThat(Watermarks.intSqrt(16)).isEqualTo(4);
        assertThat(Watermarks.intSqrt(Long.MAX_VALUE / 4)).isEqualTo(1518500249L);
        // 10^18 - 1 rounds to 10^18 as a double, whose root 10^9 is one too many
        assertThat(Watermarks.intSqrt(999_999_999_999_999_999L)).isEqualTo(999_999_999L);
        assertThat(Watermarks.intSqrt(1_000_000_000_000_000_000L)).isEqualTo(1_000_000_000L);
    }

    @Test
    void batchIsAQuarterOfAThousandthRoundedToTwoToTheNMinusOne() {
        // the oracle's zoneinfo: 189461 -> 63, 167180 -> 31, 60253 -> 15, 36864 -> 7, tiny -> 1
        assertThat(Watermarks.batch(189461)).isEqualTo(63);
        assertThat(Watermarks.batch(167180)).isEqualTo(31);
        assertThat(Watermarks.batch(60253)).isEqualTo(15);
        assertThat(Watermarks.batch(36864)).isEqualTo(7);
        assertThat(Watermarks.batch(0)).isEqualTo(1);
        assertThat(Watermarks.batch(1L << 30)).isEqualTo(63);
    }

    @Test
    void highmemMinIsClampedAndItsStepFollowsTheLowmemShare() {
        // the oracle's 3072M board: min_free_kbytes 3432, lowmem 184125 pages at postcore
        long[] wm = Watermarks.zoneWatermarks(3432, 589823, 184125, true, 10);
        assertThat(wm).containsExactly(128, 815, 1502);
    }

    @Test
    void lowmemReserveSumsTheZonesAboveOverTheRatio() {
        long[][] r = Watermarks.lowmemReserve(new long[] {189461, 0, 65536, 0}, new int[] {256, 32, 0, 0});
        assertThat(r[0]).containsExactly(0, 0, 256, 256);
        assertThat(r[1]).containsExactly(0, 0, 0, 0);
        assertThat(r[2]).containsExactly(0, 0, 0, 0);
    }

    @Test
    void vmstatThresholdGrowsWithMemoryAndCpus() {
        assertThat(Watermarks.statThreshold(189461, 1)).isEqualTo(8);
        assertThat(Watermarks.statThreshold(65536, 1)).isEqualTo(6);
        assertThat(Watermarks.statThreshold(1L << 40, 64)).isEqualTo(125);
    }
}
