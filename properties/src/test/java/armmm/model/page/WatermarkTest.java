package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.zone.ZoneType;
import org.junit.jupiter.api.Test;

/**
 * {@code __zone_watermark_ok} and {@code wmark_pages} (mm/page_alloc.c) at their boundaries on
 * {@link TestBoards#small}'s zones (DMA min 128, low 160, high 192, no CMA; HighMem min 32 with 4096
 * free CMA pages): the request passes only when the free pages less the unusable ones (2^order - 1,
 * the highatomic reserve without ALLOC_RESERVES, the free CMA pages without ALLOC_CMA) exceed min plus
 * the protection; ALLOC_MIN_RESERVE takes half of min, ALLOC_NON_BLOCK with it a further quarter,
 * ALLOC_OOM half of what is left; ALLOC_NON_BLOCK alone lowers nothing.
 */
class WatermarkTest {
    private final PageAllocator pa = TestBoards.small(1);
    private final BuddyZone dma = pa.zone(ZoneType.DMA);
    private final BuddyZone high = pa.zone(ZoneType.HIGHMEM);

    private boolean ok(BuddyZone z, int order, long mark, long reserve, int flags, long free) {
        return Watermark.watermarkOk(z, order, mark, reserve, flags, free);
    }

    @Test
    void theMarksAreTheZonesWatermarks() {
        assertThat(Watermark.wmark(dma, 0)).isEqualTo(128);
        assertThat(Watermark.wmark(dma, 1)).isEqualTo(160);
        assertThat(Watermark.wmark(dma, 2)).isEqualTo(192);
    }

    @Test
    void orderZeroNeedsMoreThanMinPlusTheProtection() {
        assertThat(ok(dma, 0, 128, 0, 0, 129)).isTrue();
        assertThat(ok(dma, 0, 128, 0, 0, 128)).isFalse();
        assertThat(ok(dma, 0, 128, 32, 0, 161)).isTrue();
        assertThat(ok(dma, 0, 128, 32, 0, 160)).isFalse();
    }

    @Test
    void theReserveFlagsLowerMinAsTheKernelDoes() {
        int minReserve = PageAllocator.ALLOC_MIN_RESERVE;
        int nonBlock = PageAllocator.ALLOC_NON_BLOCK;
        int oom = PageAllocator.ALLOC_OOM;
        // 128 - 64 = 64
        assertThat(ok(dma, 0, 128, 0, minReserve, 65)).isTrue();
        assertThat(ok(dma, 0, 128, 0, minReserve, 64)).isFalse();
        // 64 - 16 = 48
        assertThat(ok(dma, 0, 128, 0, minReserve | nonBlock, 49)).isTrue();
        assertThat(ok(dma, 0, 128, 0, minReserve | nonBlock, 48)).isFalse();
        // ALLOC_NON_BLOCK alone: min stays 128
        assertThat(ok(dma, 0, 128, 0, nonBlock, 129)).isTrue();
        assertThat(ok(dma, 0, 128, 0, nonBlock, 128)).isFalse();
        // ALLOC_OOM: 128 - 64 = 64; with ALLOC_MIN_RESERVE 64 - 32 = 32
        assertThat(ok(dma, 0, 128, 0, oom, 65)).isTrue();
        assertThat(ok(dma, 0, 128, 0, oom, 64)).isFalse();
        assertThat(ok(dma, 0, 128, 0, minReserve | oom, 33)).isTrue();
        assertThat(ok(dma, 0, 128, 0, minReserve | oom, 32)).isFalse();
        // odd min: 129 - 64 = 65, then 65 - 16 = 49
        assertThat(ok(dma, 0, 129, 0, minReserve | nonBlock, 50)).isTrue();
        assertThat(ok(dma, 0, 129, 0, minReserve | nonBlock, 49)).isFalse();
    }

    @Test
    void aHigherOrderCountsItsOwnPagesLessOneAsUnusable() {
        // order 4: 15 pages off the count; DMA has free blocks of order 11
        assertThat(ok(dma, 4, 128, 0, 0, 144)).isTrue();
        assertThat(ok(dma, 4, 128, 0, 0, 143)).isFalse();
        assertThat(Watermark.hasSuitableBlock(dma, 11, 0)).isTrue();
        assertThat(Watermark.unusableFree(dma, 4, 0)).isEqualTo(15);
        assertThat(Watermark.unusableFree(dma, 0, 0)).isZero();
    }

    @Test
    void freeCmaPagesCountOnlyForAllocCma() {
        assertThat(high.freeCmaPages()).isEqualTo(4096);
        assertThat(Watermark.unusableFree(high, 0, 0)).isEqualTo(4096);
        assertThat(Watermark.unusableFree(high, 0, PageAllocator.ALLOC_CMA)).isZero();
        assertThat(Watermark.unusableFree(high, 2, PageAllocator.ALLOC_CMA)).isEqualTo(3);
        assertThat(ok(high, 0, 32, 0, 0, 4096 + 33)).isTrue();
        assertThat(ok(high, 0, 32, 0, 0, 4096 + 32)).isFalse();
        assertThat(ok(high, 0, 32, 0, PageAllocator.ALLOC_CMA, 33)).isTrue();
        assertThat(ok(high, 0, 32, 0, PageAllocator.ALLOC_CMA, 32)).isFalse();
    }
}
