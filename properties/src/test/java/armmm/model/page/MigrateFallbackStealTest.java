package armmm.model.page;

import static armmm.model.page.PageAllocator.ALLOC_CMA;
import static armmm.model.page.PageAllocator.ALLOC_KSWAPD;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.zone.ZoneBug;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code __rmqueue} and the migratetype fallback of mm/page_alloc.c (Linux 6.1) on hand-laid free
 * lists: {@code __rmqueue} taking CMA first when {@code zone_page_state(NR_FREE_CMA_PAGES)} is
 * above half of {@code zone_page_state(NR_FREE_PAGES)}, then the own type, then CMA, then a
 * fallback; {@code __rmqueue_fallback} walking the orders from the top and, for a Movable request
 * that may not steal, taking the smallest fallback block ({@code find_smallest});
 * {@code fallbacks[]} (Unmovable: Reclaimable, Movable; Movable: Reclaimable, Unmovable;
 * Reclaimable: Unmovable, Movable; none for the other types); {@code can_steal_fallback} (order at
 * least {@code pageblock_order / 2} = 5, an Unmovable or Reclaimable request, or grouping by
 * mobility disabled); {@code steal_suitable_fallback} (a HighAtomic pageblock gives its block
 * alone; an order-11 block takes its pageblock over; otherwise {@code boost_watermark}, and with
 * whole-block stealing {@code move_freepages_block}, claiming the pageblock when its free pages
 * plus the pages "alike" reach {@code 1 << (pageblock_order - 1)} = 1024);
 * {@code move_freepages_block} staying inside the pageblock and the zone; and
 * {@code reserve_highatomic_pageblock} (at most managed / 100 + one pageblock).
 *
 * <p>Each test lays blocks with {@code __free_one_page} on a fresh one-zone mem_map of 16384
 * frames (8 pageblocks of 2048; managed 16384, high watermark 192) at pfn 0x40000, so frame
 * {@code f} is pfn 0x40000 + f and pageblock {@code f >> 11}; no two laid blocks are buddies of
 * one order, so none merge. The boost is min(0 + 2048, max(2048, 192 x 15000 / 10000 = 288)) =
 * 2048 on a zone of at least 4 pageblocks.
 */
class MigrateFallbackStealTest {
    private static final int UNMOVABLE = MigrateType.UNMOVABLE.ordinal();
    private static final int MOVABLE = MigrateType.MOVABLE.ordinal();
    private static final int RECLAIMABLE = MigrateType.RECLAIMABLE.ordinal();
    private static final int HIGHATOMIC = MigrateType.HIGHATOMIC.ordinal();
    private static final int CMA = MigrateType.CMA.ordinal();

    private MemMap m;
    private FreeLists lists;
    private MigrateFallback fb;
    private BuddyZone z;

    MigrateFallbackStealTest() {
        zone(TestBoards.RAM, 16384, 16384, Bugs.NONE);
    }

    /** A fresh mem_map of one DMA zone [start, start + spanned). */
    private void zone(long start, long spanned, long managed, Bugs bugs) {
        ZoneConfig c = new ZoneConfig(ZoneType.DMA, start, spanned, spanned, managed, 128, 160, 192,
                new long[4], 60, 15);
        m = new MemMap(List.of(c), 1, bugs);
        lists = new FreeLists(m);
        fb = new MigrateFallback(m, lists);
        z = m.zones[0];
    }

    /** Frees a block of {@code order} at frame {@code f} onto list {@code mt}. */
    private void put(int f, int order, int mt) {
        lists.freeOnePage(z, f, order, mt, false);
    }

    private void pageblock(int index, int mt) {
        m.blockMt[index] = (byte) mt;
    }

    private int listOf(int f) {
        assertThat(m.flags[f] & MemMap.F_BUDDY).as("frame %d free", f).isNotZero();
        return m.listMt[f];
    }

    @Test
    void cmaComesFirstOnlyWhenItIsMoreThanHalfTheFreePages() {
        pageblock(7, CMA);
        put(4, 0, MOVABLE);
        put(14336, 0, CMA);
        // NR_FREE_CMA_PAGES 1 is not above NR_FREE_PAGES 2 / 2: the request's own list first
        assertThat(fb.rmqueueOne(z, 0, MOVABLE, ALLOC_CMA)).isEqualTo(4);

        zone(TestBoards.RAM, 16384, 16384, Bugs.NONE);
        pageblock(7, CMA);
        put(4, 0, MOVABLE);
        put(14336, 0, CMA);
        put(14338, 0, CMA);
        // 2 > 3 / 2: CMA first
        assertThat(fb.rmqueueOne(z, 0, MOVABLE, ALLOC_CMA)).isIn(14336, 14338);
        // without ALLOC_CMA never
        assertThat(fb.rmqueueOne(z, 0, MOVABLE, 0)).isEqualTo(4);
        assertThat(fb.rmqueueOne(z, 0, MOVABLE, 0)).isEqualTo(-1);
    }

    @Test
    void cmaServesAfterTheOwnListAndBeforeAFallback() {
        pageblock(1, UNMOVABLE);
        pageblock(7, CMA);
        put(2048, 0, UNMOVABLE);
        put(14336, 0, CMA);
        put(4, 0, MOVABLE);
        put(6, 0, MOVABLE);
        // 1 CMA page of 4: the Movable list first, head first
        int first = fb.rmqueueOne(z, 0, MOVABLE, ALLOC_CMA);
        int second = fb.rmqueueOne(z, 0, MOVABLE, ALLOC_CMA);
        assertThat(List.of(first, second)).containsExactlyInAnyOrder(4, 6);
        // the Movable list is empty: __rmqueue_cma_fallback before __rmqueue_fallback
        assertThat(fb.rmqueueOne(z, 0, MOVABLE, ALLOC_CMA)).isEqualTo(14336);
        // without CMA left, the Unmovable block is stolen
        assertThat(fb.rmqueueOne(z, 0, MOVABLE, ALLOC_CMA)).isEqualTo(2048);
        assertThat(fb.rmqueueOne(z, 0, MOVABLE, ALLOC_CMA)).isEqualTo(-1);
    }

    @Test
    void cmaFirstServesFrameZeroAndFallsThroughWhenItHasNoBlockOfTheOrder() {
        pageblock(0, CMA);
        put(0, 0, CMA);
        put(2, 0, CMA);
        put(4096, 0, MOVABLE);
        // 2 > 3 / 2: __rmqueue_cma_fallback's block at frame 0 is a page
        assertThat(fb.rmqueueOne(z, 0, MOVABLE, ALLOC_CMA)).isIn(0, 2);
        assertThat(fb.rmqueueOne(z, 0, MOVABLE, ALLOC_CMA)).isIn(0, 2);

        zone(TestBoards.RAM, 16384, 16384, Bugs.NONE);
        pageblock(7, CMA);
        put(14336, 0, CMA);
        put(14338, 0, CMA);
        put(14340, 0, CMA);
        put(4096, 1, MOVABLE);
        // 3 > 5 / 2 but no CMA block of order 1: the Movable list serves
        assertThat(fb.rmqueueOne(z, 1, MOVABLE, ALLOC_CMA)).isEqualTo(4096);
    }

    @Test
    void cmaAfterTheOwnListServesFrameZero() {
        pageblock(0, CMA);
        pageblock(1, UNMOVABLE);
        put(0, 0, CMA);
        put(2048, 1, UNMOVABLE);
        // 1 > 3 / 2 is false; the Movable list is empty; CMA's frame 0 before any fallback
        assertThat(fb.rmqueueOne(z, 0, MOVABLE, ALLOC_CMA)).isZero();
        assertThat(listOf(2048)).isEqualTo(UNMOVABLE);
    }

    @Test
    void theNoFallbackBugFindsNothingOnceBootIsOver() {
        zone(TestBoards.RAM, 16384, 16384, Bugs.of(PageBug.GFP_NO_MIGRATETYPE_FALLBACK));
        put(2048, 3, UNMOVABLE);
        put(4096, 3, UNMOVABLE);
        assertThat(fb.rmqueueOne(z, 0, MOVABLE, 0)).isPositive();
        m.handedOver = true;
        assertThat(fb.rmqueueOne(z, 3, MOVABLE, 0)).isEqualTo(-1);
    }

    @Test
    void withoutAllocCmaAMovableRequestStealsRatherThanTakeCma() {
        pageblock(1, UNMOVABLE);
        pageblock(7, CMA);
        put(2048, 0, UNMOVABLE);
        put(14336, 0, CMA);
        assertThat(fb.rmqueueOne(z, 0, MOVABLE, 0)).isEqualTo(2048);
        assertThat(fb.rmqueueOne(z, 0, MOVABLE, 0)).isEqualTo(-1);
        assertThat(listOf(14336)).isEqualTo(CMA);
    }

    @Test
    void typesWithoutAFallbackRowFindNothing() {
        put(2048, 3, UNMOVABLE);
        put(4096, 3, MOVABLE);
        put(6144, 3, RECLAIMABLE);
        // fallbacks[MIGRATE_HIGHATOMIC .. MIGRATE_ISOLATE] are empty
        assertThat(fb.rmqueueOne(z, 0, HIGHATOMIC, 0)).isEqualTo(-1);
        assertThat(fb.rmqueueOne(z, 0, CMA, 0)).isEqualTo(-1);
        assertThat(listOf(2048)).isEqualTo(UNMOVABLE);
        assertThat(listOf(4096)).isEqualTo(MOVABLE);
        assertThat(listOf(6144)).isEqualTo(RECLAIMABLE);
    }

    @Test
    void anUnmovableRequestStealsTheLargestBlockAndClaimsTheMovablePageblock() {
        // pageblock 0 (Movable): order 3 at 8, order 6 at 64; pageblock 1: an order-0 block at its first page
        put(8, 3, MOVABLE);
        put(64, 6, MOVABLE);
        put(2048, 0, MOVABLE);
        int f = fb.rmqueueOne(z, 0, UNMOVABLE, 0);
        // the order-6 block is found first (orders from the top); move_freepages_block takes every free
        // block of pageblock 0 from its first page to the Unmovable lists: 72 pages free, alike
        // 2048 - 72, so the pageblock is claimed; the retry takes the smallest Unmovable block
        assertThat(f).isEqualTo(8);
        assertThat(m.blockMt[0]).isEqualTo((byte) UNMOVABLE);
        assertThat(listOf(64)).isEqualTo(UNMOVABLE);
        // pageblock 1 is not touched
        assertThat(listOf(2048)).isEqualTo(MOVABLE);
        assertThat(m.blockMt[1]).isEqualTo((byte) MOVABLE);
        // boost_watermark: a block below pageblock_order; ZONE_BOOSTED_WATERMARK only with ALLOC_KSWAPD
        assertThat(z.watermarkBoost).isEqualTo(2048);
        assertThat(z.boostedWatermark).isFalse();
    }

    @Test
    void aBoostingStealWithAllocKswapdFlagsTheZone() {
        put(64, 6, MOVABLE);
        assertThat(fb.rmqueueOne(z, 0, UNMOVABLE, ALLOC_KSWAPD)).isEqualTo(64);
        assertThat(z.watermarkBoost).isEqualTo(2048);
        assertThat(z.boostedWatermark).isTrue();
    }

    @Test
    void aMovableRequestThatMayNotStealTakesTheSmallestFallbackBlockAlone() {
        pageblock(2, UNMOVABLE);
        put(4096, 2, UNMOVABLE);
        put(4096 + 16, 4, UNMOVABLE);
        int f = fb.rmqueueOne(z, 0, MOVABLE, 0);
        // order 4 is found first but below 5 a Movable request may not steal: find_smallest gives the
        // order-2 block, moved alone to the Movable list, split for the request
        assertThat(f).isEqualTo(4096);
        assertThat(listOf(4096 + 16)).isEqualTo(UNMOVABLE);
        assertThat(listOf(4096 + 2)).isEqualTo(MOVABLE);
        assertThat(m.order[4096 + 2]).isEqualTo((byte) 1);
        assertThat(m.blockMt[2]).isEqualTo((byte) UNMOVABLE);
        assertThat(z.watermarkBoost).isEqualTo(2048);
    }

    @Test
    void aMovableRequestStealsAWholeBlockFromOrderFive() {
        pageblock(2, UNMOVABLE);
        put(4096, 5, UNMOVABLE);
        put(4096 + 64, 3, UNMOVABLE);
        int f = fb.rmqueueOne(z, 0, MOVABLE, 0);
        // order 5 may be stolen whole: both blocks to the Movable lists, 40 pages free and none
        // alike (no movable pages in the model) is below 1024, so the pageblock stays Unmovable
        assertThat(f).isEqualTo(4096 + 64);
        assertThat(listOf(4096)).isEqualTo(MOVABLE);
        assertThat(m.blockMt[2]).isEqualTo((byte) UNMOVABLE);
    }

    /** Pageblock 2 Unmovable with blocks of orders 9 down to 0 (1023 pages), plus {@code last} at its last page. */
    private void halfPageblock(boolean last) {
        pageblock(2, UNMOVABLE);
        int off = 4096;
        for (int o = 9; o >= 0; o--) {
            put(off, o, UNMOVABLE);
            off += 1 << o;
        }
        if (last) {
            put(4096 + 2047, 0, UNMOVABLE);
        }
    }

    @Test
    void aMovableRequestClaimsThePageblockWithHalfOfItFree() {
        halfPageblock(true);
        fb.rmqueueOne(z, 0, MOVABLE, 0);
        // 1023 + the last page = 1024 free pages moved: 1024 >= 1 << 10, claimed
        assertThat(m.blockMt[2]).isEqualTo((byte) MOVABLE);
        assertThat(listOf(4096 + 2047)).isEqualTo(MOVABLE);
        assertThat(listOf(4096)).isEqualTo(MOVABLE);
    }

    @Test
    void aMovableRequestLeavesThePageblockWithOnePageLessThanHalfFree() {
        halfPageblock(false);
        fb.rmqueueOne(z, 0, MOVABLE, 0);
        assertThat(m.blockMt[2]).isEqualTo((byte) UNMOVABLE);
        assertThat(listOf(4096)).isEqualTo(MOVABLE);
    }

    @Test
    void anUnmovableRequestDoesNotClaimAReclaimablePageblockWithFewFreePages() {
        pageblock(3, RECLAIMABLE);
        put(6144, 2, RECLAIMABLE);
        put(6144 + 8, 3, RECLAIMABLE);
        // Unmovable may steal at any order; alike is 0 outside a Movable pageblock: 12 < 1024
        assertThat(fb.rmqueueOne(z, 0, UNMOVABLE, 0)).isEqualTo(6144);
        assertThat(m.blockMt[3]).isEqualTo((byte) RECLAIMABLE);
        assertThat(listOf(6144 + 8)).isEqualTo(UNMOVABLE);
    }

    @Test
    void aReclaimableRequestClaimsAMovablePageblock() {
        pageblock(1, MOVABLE);
        put(2048 + 4, 2, MOVABLE);
        assertThat(fb.rmqueueOne(z, 0, RECLAIMABLE, 0)).isEqualTo(2048 + 4);
        // fallbacks[Reclaimable] = Unmovable, Movable; 4 free + alike 2044 >= 1024
        assertThat(m.blockMt[1]).isEqualTo((byte) RECLAIMABLE);
        assertThat(listOf(2048 + 6)).isEqualTo(RECLAIMABLE);
    }

    @Test
    void withMobilityGroupingDisabledEveryStealTakesThePageblock() {
        m.mobilityDisabled = true;
        pageblock(2, UNMOVABLE);
        put(4096, 2, UNMOVABLE);
        put(4096 + 16, 4, UNMOVABLE);
        // can_steal_fallback is true for any order, and the pageblock is claimed whatever is free
        assertThat(fb.rmqueueOne(z, 0, MOVABLE, 0)).isEqualTo(4096);
        assertThat(m.blockMt[2]).isEqualTo((byte) MOVABLE);
        assertThat(listOf(4096 + 16)).isEqualTo(MOVABLE);
    }

    @Test
    void aHighatomicPageblockGivesOnlyTheBlockItself() {
        pageblock(2, HIGHATOMIC);
        put(4096, 6, UNMOVABLE);
        put(4096 + 128, 3, UNMOVABLE);
        assertThat(fb.rmqueueOne(z, 0, MOVABLE, 0)).isEqualTo(4096);
        // no boost, no claim, the other block stays
        assertThat(m.blockMt[2]).isEqualTo((byte) HIGHATOMIC);
        assertThat(listOf(4096 + 128)).isEqualTo(UNMOVABLE);
        assertThat(z.watermarkBoost).isZero();
    }

    @Test
    void anOrderElevenBlockTakesItsPageblockOverWithoutABoost() {
        put(8192, 11, MOVABLE);
        assertThat(fb.rmqueueOne(z, 0, UNMOVABLE, ALLOC_KSWAPD)).isEqualTo(8192);
        assertThat(m.blockMt[4]).isEqualTo((byte) UNMOVABLE);
        assertThat(m.blockMt[5]).isEqualTo((byte) MOVABLE);
        assertThat(z.watermarkBoost).isZero();
        assertThat(z.boostedWatermark).isFalse();
        assertThat(listOf(8192 + 1024)).isEqualTo(UNMOVABLE);
    }

    @Test
    void aRequestOfTheOnlyFallbackOrderFindsIt() {
        put(64, 3, MOVABLE);
        assertThat(fb.rmqueueOne(z, 3, UNMOVABLE, 0)).isEqualTo(64);
        assertThat(fb.rmqueueOne(z, 3, UNMOVABLE, 0)).isEqualTo(-1);
    }

    @Test
    void aPageblockPastTheZoneEndIsNotMovedWhole() {
        // the zone ends one page before pageblock 7 does: move_freepages_block gives 0
        zone(TestBoards.RAM, 16383, 16383, Bugs.NONE);
        put(14336, 3, MOVABLE);
        put(16382, 0, MOVABLE);
        assertThat(fb.rmqueueOne(z, 0, UNMOVABLE, 0)).isEqualTo(14336);
        // single_page: neither claimed nor the other block moved
        assertThat(m.blockMt[7]).isEqualTo((byte) MOVABLE);
        assertThat(listOf(16382)).isEqualTo(MOVABLE);
    }

    @Test
    void aPageblockBeforeTheZoneStartIsMovedFromTheBlockOn() {
        // the zone starts half-way into pageblock 0: frame 0 is pfn 0x40400
        zone(TestBoards.RAM + 1024, 16384 - 1024, 16384 - 1024, Bugs.NONE);
        put(0, 9, MOVABLE);
        put(512, 8, MOVABLE);
        put(1024, 0, MOVABLE);
        assertThat(fb.rmqueueOne(z, 0, UNMOVABLE, 0)).isEqualTo(512);
        // from the order-9 block to the pageblock's end: 768 pages, claimed (alike 1280)
        assertThat(m.blockMt[0]).isEqualTo((byte) UNMOVABLE);
        assertThat(listOf(0)).isEqualTo(UNMOVABLE);
        // frame 1024 is pfn 0x40800, the next pageblock
        assertThat(listOf(1024)).isEqualTo(MOVABLE);
    }

    @Test
    void aSmallZoneIsNotBoostedUnlessTheSeededBugIsActive() {
        // 4 pageblocks x 2048 = 8192 > 8191 managed: boost_watermark returns false
        zone(TestBoards.RAM, 16384, 8191, Bugs.NONE);
        put(64, 6, MOVABLE);
        fb.rmqueueOne(z, 0, UNMOVABLE, ALLOC_KSWAPD);
        assertThat(z.watermarkBoost).isZero();
        assertThat(z.boostedWatermark).isFalse();
        // ZONE_BOOST_SMALL_ZONE (the check before ab70cdb0d416) acts once boot has handed over
        zone(TestBoards.RAM, 16384, 8191, Bugs.of(ZoneBug.ZONE_BOOST_SMALL_ZONE));
        put(64, 6, MOVABLE);
        put(4096, 6, MOVABLE);
        // __free_one_page lists at the head: the block freed last is found first
        assertThat(fb.rmqueueOne(z, 0, UNMOVABLE, 0)).isEqualTo(4096);
        assertThat(z.watermarkBoost).isZero();
        m.handedOver = true;
        // a Reclaimable request (the Unmovable lists now hold the rest of the first block) steals the other
        assertThat(fb.rmqueueOne(z, 0, RECLAIMABLE, 0)).isEqualTo(64);
        assertThat(z.watermarkBoost).isEqualTo(2048);
    }

    @Test
    void reserveHighatomicPageblockStopsAtOnePercentPlusAPageblock() {
        put(2048 + 8, 3, MOVABLE);
        put(2048 + 64, 6, MOVABLE);
        // max_managed = 16384 / 100 + 2048 = 2211
        z.nrReservedHighatomic = 2211;
        fb.reserveHighatomicPageblock(z, 2048);
        assertThat(z.nrReservedHighatomic).isEqualTo(2211);
        assertThat(m.blockMt[1]).isEqualTo((byte) MOVABLE);
        z.nrReservedHighatomic = 2210;
        fb.reserveHighatomicPageblock(z, 2048);
        assertThat(z.nrReservedHighatomic).isEqualTo(2210 + 2048);
        assertThat(m.blockMt[1]).isEqualTo((byte) HIGHATOMIC);
        assertThat(listOf(2048 + 8)).isEqualTo(HIGHATOMIC);
        assertThat(listOf(2048 + 64)).isEqualTo(HIGHATOMIC);
    }

    @Test
    void onlyMergeablePageblocksAreReserved() {
        pageblock(1, HIGHATOMIC);
        pageblock(7, CMA);
        fb.reserveHighatomicPageblock(z, 2048);
        fb.reserveHighatomicPageblock(z, 14336);
        assertThat(z.nrReservedHighatomic).isZero();
        assertThat(m.blockMt[7]).isEqualTo((byte) CMA);
        pageblock(2, RECLAIMABLE);
        fb.reserveHighatomicPageblock(z, 4096);
        assertThat(z.nrReservedHighatomic).isEqualTo(2048);
        assertThat(m.blockMt[2]).isEqualTo((byte) HIGHATOMIC);
    }

    @Test
    void migratetypeIsMergeableBelowPcptypes() {
        // migratetype_is_mergeable: mt < MIGRATE_PCPTYPES
        assertThat(MigrateType.UNMOVABLE.isMergeable()).isTrue();
        assertThat(MigrateType.RECLAIMABLE.isMergeable()).isTrue();
        assertThat(MigrateType.HIGHATOMIC.isMergeable()).isFalse();
        assertThat(MigrateType.CMA.isMergeable()).isFalse();
        assertThat(MigrateType.ISOLATE.isMergeable()).isFalse();
        assertThat(MigrateType.byKernelName("HighAtomic")).isEqualTo(MigrateType.HIGHATOMIC);
        assertThat(MigrateType.byKernelName("Highatomic")).isNull();
    }
}
