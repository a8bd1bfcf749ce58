package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.zone.ZoneType;
import org.junit.jupiter.api.Test;

/**
 * The watermark seeded bugs of {@link PageBug} each reenact the formula of the kernel they name
 * (mm/page_alloc.c before the fix), on {@link TestBoards#small}'s zones (DMA min 128, protection 32
 * against HighMem; HighMem with 4096 free CMA pages). Each expected value is worked from that older
 * formula; the clean 6.1 answers for the same calls are in {@link WatermarkFastTest}.
 */
class WatermarkSeededBugsTest {
    private static final int HIGHMEM_IDX = 2;

    private static BuddyZone zone(PageBug bug, ZoneType t) {
        return TestBoards.small(1, Bugs.of(bug)).zone(t);
    }

    private static long free(BuddyZone z) {
        return z.vmstat.read(ZoneVmstat.NR_FREE_PAGES);
    }

    /** An order-0 {@code zone_watermark_fast} check passes with mark {@code bound - 1}, fails with {@code bound}. */
    private static void passesOnlyBelow(BuddyZone z, long bound, int allocFlags) {
        assertThat(Watermark.zoneWatermarkFast(z, 0, bound - 1, 0, allocFlags, 0)).isTrue();
        assertThat(Watermark.zoneWatermarkFast(z, 0, bound, 0, allocFlags, 0)).isFalse();
    }

    @Test
    void ignoringTheProtectionAndCountingCmaAndNoSecondLook() {
        BuddyZone dma = zone(PageBug.GFP_IGNORE_LOWMEM_RESERVE, ZoneType.DMA);
        // lowmem_reserve read as 0: f > (f - 32) + 0
        assertThat(Watermark.zoneWatermarkFast(dma, 0, free(dma) - 32, HIGHMEM_IDX, 0, 0)).isTrue();
        BuddyZone high = zone(PageBug.GFP_WMARK_COUNTS_CMA, ZoneType.HIGHMEM);
        // the 4096 free CMA pages stay in the count without ALLOC_CMA
        assertThat(Watermark.unusableFree(high, 0, 0)).isZero();
        BuddyZone boosted = zone(PageBug.GFP_ATOMIC_BOOSTED_WMARK, ZoneType.DMA);
        long f = free(boosted);
        boosted.watermarkBoost = f - 128;
        // no second look at min 128 for __GFP_ATOMIC: f > f fails
        assertThat(Watermark.zoneWatermarkFast(boosted, 0, f, 0, 0, Gfp.ATOMIC)).isFalse();
    }

    @Test
    void theShortcutBeforeF27ce0e14088TakesOnlyTheCmaPagesOff() {
        BuddyZone dma = zone(PageBug.GFP_WMARK_FAST_IGNORES_HIGHATOMIC, ZoneType.DMA);
        long f = free(dma);
        dma.nrReservedHighatomic = 1024;
        // f - 0 > f - 1000 although 1024 pages are the highatomic reserve
        assertThat(Watermark.zoneWatermarkFast(dma, 0, f - 1000, 0, 0, 0)).isTrue();
        // f > f fails, and __zone_watermark_ok's f - 1024 > f too
        passesOnlyBelow(dma, f, 0);
        BuddyZone high = zone(PageBug.GFP_WMARK_FAST_IGNORES_HIGHATOMIC, ZoneType.HIGHMEM);
        long h = free(high);
        // without ALLOC_CMA: h - 4096 > h - 4097, not > h - 4096
        passesOnlyBelow(high, h - 4096, 0);
        // with ALLOC_CMA nothing comes off: h > h - 1, not > h
        passesOnlyBelow(high, h, PageAllocator.ALLOC_CMA);
        // a 1024-page highatomic reserve the shortcut ignores: h > h - 1 passes there, where
        // __zone_watermark_ok's h - 1024 > h - 1 would not
        high.nrReservedHighatomic = 1024;
        assertThat(Watermark.zoneWatermarkFast(high, 0, h - 1, 0, PageAllocator.ALLOC_CMA, 0)).isTrue();
    }

    @Test
    void theShortcutBefore9282012fc0aaWrapsANegativeCount() {
        BuddyZone high = zone(PageBug.GFP_WMARK_FAST_NEGATIVE, ZoneType.HIGHMEM);
        long h = free(high);
        // unusable 0 + 4096 CMA pages: h - 4096 > h - 4097, not > h - 4096
        high.nrReservedHighatomic = 0;
        passesOnlyBelow(high, h - 4096, 0);
        // unusable h + 4096: h - (h + 4096) = -4096, as a 32-bit unsigned long 2^32 - 4096
        high.nrReservedHighatomic = h;
        passesOnlyBelow(high, (1L << 32) - 4096, 0);
    }

    @Test
    void theOrderLoopBefore97a16fc82a7cTakesTheLowerOrdersOff() {
        BuddyZone dma = zone(PageBug.GFP_WMARK_ORDER_LOOP, ZoneType.DMA);
        java.util.Arrays.fill(dma.nrFree, 0);
        dma.nrFree[0] = 100;
        dma.nrFree[1] = 50;
        // order 3's own 4 blocks (32 pages) are not taken off: the loop stops below the order
        dma.nrFree[3] = 4;
        // order 3, min 128, free F: F - 7 > 128; o = 0: F - 7 - 100 > 64; o = 1: F - 7 - 200 > 32;
        // o = 2: F - 207 > 16. All hold for F > 239.
        assertThat(Watermark.watermarkOk(dma, 3, 128, 0, 0, 240)).isTrue();
        assertThat(Watermark.watermarkOk(dma, 3, 128, 0, 0, 239)).isFalse();
        // the order-0 test alone: F - 7 > 128 + 0 for F = 136, then o = 0: 29 > 64 fails
        assertThat(Watermark.watermarkOk(dma, 3, 128, 0, 0, 136)).isFalse();
    }
}
