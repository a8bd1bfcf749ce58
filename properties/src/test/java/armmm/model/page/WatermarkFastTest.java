package armmm.model.page;

import static armmm.model.page.PageAllocator.ALLOC_CMA;
import static armmm.model.page.PageAllocator.ALLOC_HIGHATOMIC;
import static armmm.model.page.PageAllocator.ALLOC_MIN_RESERVE;
import static armmm.model.page.PageAllocator.ALLOC_OOM;
import static armmm.model.page.PageAllocator.ALLOC_WMARK_LOW;
import static armmm.model.page.PageAllocator.MAX_ORDER;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.zone.ZoneType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The rest of mm/page_alloc.c's watermark checks (Linux 6.1) on {@link TestBoards#small}'s zones
 * (DMA min 128, low 160, high 192, 11264 managed pages, {@code lowmem_reserve} 32 against HighMem;
 * HighMem with 4096 free CMA pages): {@code wmark_pages} adding {@code watermark_boost};
 * {@code __zone_watermark_unusable_free} counting {@code nr_reserved_highatomic} without
 * ALLOC_RESERVES; the order loop of {@code __zone_watermark_ok} looking only at the lists the
 * request may use (the PCP types always, MIGRATE_CMA with ALLOC_CMA, MIGRATE_HIGHATOMIC with
 * ALLOC_HIGHATOMIC or ALLOC_OOM); {@code zone_watermark_fast}'s order-0 shortcut (the usable count
 * held at 0, then strictly above mark plus protection) and its second look at the unboosted min for
 * an order-0 __GFP_ATOMIC request checked against WMARK_MIN; {@code zone_watermark_ok_safe} reading
 * {@code zone_page_state_snapshot} only below {@code percpu_drift_mark}. Every expected value below is
 * worked from those formulas; the list states of the order-loop tests are set by hand, since the loop
 * reads nothing but {@code nr_free} and whether each list is empty.
 */
class WatermarkFastTest {
    private final PageAllocator pa = TestBoards.small(1);
    private final BuddyZone dma = pa.zone(ZoneType.DMA);
    private final BuddyZone high = pa.zone(ZoneType.HIGHMEM);
    /** ZONE_HIGHMEM's index: DMA's {@code lowmem_reserve} against it is 32. */
    private static final int HIGHMEM_IDX = 2;

    private long free(BuddyZone z) {
        return z.vmstat.read(ZoneVmstat.NR_FREE_PAGES);
    }

    /** Empties every free list of {@code z} but one block at {@code order} on {@code mt}'s list, at mem_map index 0. */
    private static void onlyBlock(BuddyZone z, int order, int mt) {
        Arrays.fill(z.head, -1);
        Arrays.fill(z.nrFree, 0);
        z.nrFree[order] = 1;
        z.head[order * MigrateType.COUNT + mt] = 0;
    }

    @Test
    void wmarkPagesAddsTheBoost() {
        dma.watermarkBoost = 50;
        // _watermark[i] + watermark_boost: 128 + 50, 160 + 50, 192 + 50
        assertThat(Watermark.wmark(dma, 0)).isEqualTo(178);
        assertThat(Watermark.wmark(dma, 1)).isEqualTo(210);
        assertThat(Watermark.wmark(dma, 2)).isEqualTo(242);
    }

    @Test
    void theHighatomicReserveIsUnusableWithoutAllocReserves() {
        dma.nrReservedHighatomic = 1024;
        // (1 << order) - 1, + nr_reserved_highatomic unless ALLOC_RESERVES; DMA has no free CMA pages
        assertThat(Watermark.unusableFree(dma, 0, 0)).isEqualTo(1024);
        assertThat(Watermark.unusableFree(dma, 3, 0)).isEqualTo(7 + 1024);
        assertThat(Watermark.unusableFree(dma, 3, ALLOC_HIGHATOMIC)).isEqualTo(7);
        assertThat(Watermark.unusableFree(dma, 0, ALLOC_MIN_RESERVE)).isZero();
        assertThat(Watermark.unusableFree(dma, 0, ALLOC_OOM)).isZero();
        // the CMA pages come off even for a reserve user without ALLOC_CMA: 4096 + 0
        high.nrReservedHighatomic = 1024;
        assertThat(Watermark.unusableFree(high, 0, ALLOC_OOM)).isEqualTo(4096);
        assertThat(Watermark.unusableFree(high, 0, ALLOC_OOM | ALLOC_CMA)).isZero();
    }

    @Test
    void theOrderLoopLooksOnlyAtTheListsTheRequestMayUse() {
        int movable = MigrateType.MOVABLE.ordinal();
        int highatomic = MigrateType.HIGHATOMIC.ordinal();
        int cma = MigrateType.CMA.ordinal();
        onlyBlock(dma, 5, movable);
        // a PCP-type block of order 5 serves orders up to 5, not 6
        assertThat(Watermark.hasSuitableBlock(dma, 5, 0)).isTrue();
        assertThat(Watermark.hasSuitableBlock(dma, 3, 0)).isTrue();
        assertThat(Watermark.hasSuitableBlock(dma, 6, 0)).isFalse();
        onlyBlock(dma, 5, highatomic);
        assertThat(Watermark.hasSuitableBlock(dma, 5, 0)).isFalse();
        assertThat(Watermark.hasSuitableBlock(dma, 5, ALLOC_CMA)).isFalse();
        assertThat(Watermark.hasSuitableBlock(dma, 5, ALLOC_HIGHATOMIC)).isTrue();
        assertThat(Watermark.hasSuitableBlock(dma, 4, ALLOC_OOM)).isTrue();
        assertThat(Watermark.hasSuitableBlock(dma, 6, ALLOC_OOM)).isFalse();
        onlyBlock(dma, 5, cma);
        assertThat(Watermark.hasSuitableBlock(dma, 5, 0)).isFalse();
        assertThat(Watermark.hasSuitableBlock(dma, 5, ALLOC_HIGHATOMIC | ALLOC_OOM)).isFalse();
        assertThat(Watermark.hasSuitableBlock(dma, 5, ALLOC_CMA)).isTrue();
        assertThat(Watermark.hasSuitableBlock(dma, 6, ALLOC_CMA)).isFalse();
    }

    @Test
    void orderZeroPassesOnTheCountAloneAHigherOrderNeedsABlock() {
        long f = free(dma);
        onlyBlock(dma, 5, MigrateType.HIGHATOMIC.ordinal());
        // order 0: f - 0 > 128 + 0, the lists are not looked at
        assertThat(Watermark.watermarkOk(dma, 0, 128, 0, 0, f)).isTrue();
        // order 3: f - 7 > 128 passes the count, but only a MIGRATE_HIGHATOMIC block is free
        assertThat(Watermark.watermarkOk(dma, 3, 128, 0, 0, f)).isFalse();
        assertThat(Watermark.watermarkOk(dma, 3, 128, 0, ALLOC_HIGHATOMIC, f)).isTrue();
        // zone_watermark_fast of order 3 takes no order-0 shortcut: the same answer
        assertThat(Watermark.zoneWatermarkFast(dma, 3, 128, 0, 0, 0)).isFalse();
    }

    @Test
    void theFastPathNeedsTheUsableCountStrictlyAboveMarkPlusProtection() {
        long f = free(dma);
        // usable = f (no highatomic reserve, no CMA); f > (f - 33) + 32, not f > (f - 32) + 32
        assertThat(Watermark.zoneWatermarkFast(dma, 0, f - 33, HIGHMEM_IDX, 0, 0)).isTrue();
        assertThat(Watermark.zoneWatermarkFast(dma, 0, f - 32, HIGHMEM_IDX, 0, 0)).isFalse();
        assertThat(Watermark.zoneWatermarkFast(dma, 0, f - 1, 0, 0, 0)).isTrue();
        assertThat(Watermark.zoneWatermarkFast(dma, 0, f, 0, 0, 0)).isFalse();
    }

    @Test
    void theFastPathTakesTheHighatomicReserveOffAndHoldsTheCountAtZero() {
        long f = free(dma);
        dma.nrReservedHighatomic = 1024;
        // usable f - 1024 > f - 1000 is false, and __zone_watermark_ok agrees
        assertThat(Watermark.zoneWatermarkFast(dma, 0, f - 1000, 0, 0, 0)).isFalse();
        assertThat(Watermark.zoneWatermarkFast(dma, 0, f - 1025, 0, 0, 0)).isTrue();
        long h = free(high);
        high.nrReservedHighatomic = h;
        // unusable h + 4096 > h: usable held at 0, and 0 > 32 is false; f - unusable < 0 fails too
        assertThat(Watermark.zoneWatermarkFast(high, 0, 32, 0, 0, 0)).isFalse();
    }

    @Test
    void anAtomicOrderZeroRequestAtMinIgnoresTheBoost() {
        long f = free(dma);
        long boost = f - 128;
        dma.watermarkBoost = boost;
        long boostedMin = Watermark.wmark(dma, 0);
        assertThat(boostedMin).isEqualTo(f);
        // against min + boost = f: f > f fails both checks; the second look at min 128: f > 128
        assertThat(Watermark.zoneWatermarkFast(dma, 0, boostedMin, 0, 0, Gfp.ATOMIC)).isTrue();
        // not __GFP_ATOMIC, not WMARK_MIN, or not order 0: no second look
        assertThat(Watermark.zoneWatermarkFast(dma, 0, boostedMin, 0, 0, 0)).isFalse();
        assertThat(Watermark.zoneWatermarkFast(dma, 0, boostedMin, 0, ALLOC_WMARK_LOW, Gfp.ATOMIC)).isFalse();
        assertThat(Watermark.zoneWatermarkFast(dma, 1, boostedMin, 0, 0, Gfp.ATOMIC)).isFalse();
        dma.watermarkBoost = 0;
        // no boost: no second look, f > f fails
        assertThat(Watermark.zoneWatermarkFast(dma, 0, f, 0, 0, Gfp.ATOMIC)).isFalse();
    }

    @Test
    void theSecondLookIsAtTheUnboostedMinExactly() {
        long f = free(dma);
        dma.watermarkBoost = 1;
        long boostedMin = Watermark.wmark(dma, 0);
        assertThat(boostedMin).isEqualTo(129);
        // highatomic reserve f - 129 leaves 129 counted: 129 > 129 fails at min + boost, 129 > 128 passes at min
        dma.nrReservedHighatomic = f - 129;
        assertThat(Watermark.zoneWatermarkFast(dma, 0, boostedMin, 0, 0, Gfp.ATOMIC)).isTrue();
        // reserve f - 128 leaves 128: 128 > 128 fails at min too
        dma.nrReservedHighatomic = f - 128;
        assertThat(Watermark.zoneWatermarkFast(dma, 0, boostedMin, 0, 0, Gfp.ATOMIC)).isFalse();
    }

    @Test
    void whatTheShortcutMissesTheFullCheckPasses() {
        long f = free(dma);
        // order 3 takes no shortcut: f - 7 > 128, and DMA has free blocks of order 10 on the PCP-type lists
        assertThat(Watermark.zoneWatermarkFast(dma, 3, 128, 0, 0, 0)).isTrue();
        // order 0 with ALLOC_MIN_RESERVE: the shortcut's f > f fails, __zone_watermark_ok's f > f - f / 2 passes
        assertThat(Watermark.zoneWatermarkFast(dma, 0, f, 0, ALLOC_MIN_RESERVE, 0)).isTrue();
    }

    @Test
    void okSafeReadsTheSnapshotOnlyBelowTheDriftMark() {
        PageAllocator eight = TestBoards.small(8);
        BuddyZone z = eight.zone(ZoneType.DMA);
        ZoneVmstat v = z.vmstat;
        // calculate_normal_threshold: 2 x fls(8) x (1 + fls(11264 >> 15)) = 8; drift 8 x 8 = 64 > low - min
        // = 32, so percpu_drift_mark = high + 64
        assertThat(v.threshold()).isEqualTo(8);
        assertThat(v.percpuDriftMark()).isEqualTo(256);
        for (int cpu = 0; cpu < 8; cpu++) {
            v.fold(cpu);
        }
        long exact = v.read(ZoneVmstat.NR_FREE_PAGES);
        // |200 - exact| passes the threshold: folded, the counter is 200; then 5 stays on CPU 1
        v.mod(0, ZoneVmstat.NR_FREE_PAGES, 200 - exact);
        v.mod(1, ZoneVmstat.NR_FREE_PAGES, 5);
        // 200 < 256: the snapshot 205 > 200 passes, 205 > 205 does not
        assertThat(Watermark.watermarkOkSafe(z, 0, 200, 0)).isTrue();
        assertThat(Watermark.watermarkOkSafe(z, 0, 205, 0)).isFalse();
        // counter 256, not below the drift mark: the lagging 256 > 256 fails though the snapshot is 261
        v.mod(0, ZoneVmstat.NR_FREE_PAGES, 56);
        assertThat(Watermark.watermarkOkSafe(z, 0, 256, 0)).isFalse();
        assertThat(Watermark.watermarkOkSafe(z, 0, 255, 0)).isTrue();
        // one CPU: threshold 2 x 1 x 1 = 2, drift 2 <= 32, no drift mark: the lagging count only
        dma.vmstat.fold(0);
        long f = free(dma);
        dma.vmstat.mod(0, ZoneVmstat.NR_FREE_PAGES, 1);
        assertThat(dma.vmstat.snapshot(ZoneVmstat.NR_FREE_PAGES)).isEqualTo(f + 1);
        assertThat(dma.vmstat.percpuDriftMark()).isZero();
        assertThat(Watermark.watermarkOkSafe(dma, 0, f - 1, 0)).isTrue();
        assertThat(Watermark.watermarkOkSafe(dma, 0, f, 0)).isFalse();
        // order 11 is past MAX_ORDER - 1: no block can serve it
        assertThat(Watermark.watermarkOkSafe(dma, MAX_ORDER, 0, 0)).isFalse();
    }
}
