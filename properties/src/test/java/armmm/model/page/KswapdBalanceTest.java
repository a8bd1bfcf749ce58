package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Node 0's kswapd as mm/vmscan.c (Linux 6.1) decides to wake and what a pass that reclaims nothing
 * leaves: {@code wakeup_kswapd} gives up on a hopeless node ({@code kswapd_failures >=
 * MAX_RECLAIM_RETRIES}) and on a node that is balanced and not boosted; {@code pgdat_balanced}
 * asks, for each managed zone up to {@code highest_zoneidx}, {@code zone_watermark_ok_safe(zone,
 * order, high_wmark_pages(zone), highest_zoneidx)} and is true when one passes or when no zone is
 * managed; {@code pgdat_watermark_boosted} looks for a managed zone up to the index with a boost;
 * {@code balance_pgdat} returns at once for a balanced, unboosted node, and otherwise (nothing to
 * reclaim) counts a failure and takes the boost off each zone up to the index.
 *
 * <p>The zones are {@link TestBoards#small}'s (DMA min 128, low 160, high 192, protection 32
 * against HighMem and Movable; Normal empty; HighMem min 32, low 40, high 48; no Movable zone),
 * on a mem_map of their own with nothing freed: each test sets {@code NR_FREE_PAGES} by hand (the
 * threshold is 0 before {@code refresh_zone_stat_thresholds}, so each change folds at once and
 * {@code zone_page_state} reads it exactly) and, for orders above 0, the lists the order loop of
 * {@code __zone_watermark_ok} reads.
 */
class KswapdBalanceTest {
    private static final int DMA = 0;
    private static final int NORMAL = 1;
    private static final int HIGHMEM = 2;
    private static final int MOVABLE = 3;

    private static ZoneConfig dma() {
        return new ZoneConfig(ZoneType.DMA, TestBoards.RAM, 16384, 16384, 16384 - 5120, 128, 160, 192,
                new long[] {0, 0, 32, 32}, 60, 15);
    }

    private static ZoneConfig normal() {
        return new ZoneConfig(ZoneType.NORMAL, 0, 0, 0, 0, 0, 0, 0, new long[4], 0, 1);
    }

    private static ZoneConfig high() {
        return new ZoneConfig(ZoneType.HIGHMEM, TestBoards.RAM + 16384, 8192, 8192, 8192, 32, 40, 48, new long[4], 30, 7);
    }

    private final MemMap m = new MemMap(List.of(dma(), normal(), high()), 1, Bugs.NONE);
    private final Kswapd kswapd = new Kswapd(m);

    /** Sets the zone's NR_FREE_PAGES (folded at once: threshold 0). */
    private void free(int zone, long pages) {
        BuddyZone z = m.zones[zone];
        z.modFree(pages - z.vmstat.global(ZoneVmstat.NR_FREE_PAGES), false);
    }

    /** Puts one free block of {@code order} on the zone's Movable list (what the order loop reads). */
    private void block(int zone, int order) {
        BuddyZone z = m.zones[zone];
        z.nrFree[order]++;
        z.head[order * MigrateType.COUNT + MigrateType.MOVABLE.ordinal()] = 0;
    }

    @Test
    void aNodeBelowItsHighWatermarksWakesKswapdAndItsPassFailsOnce() {
        free(DMA, 100);
        free(HIGHMEM, 10);
        assertThat(kswapd.woken()).isFalse();
        kswapd.wakeup(0, HIGHMEM);
        assertThat(kswapd.woken()).isTrue();
        kswapd.run();
        // nothing reclaimable: kswapd_failures++, and it sleeps again
        assertThat(kswapd.failures).isEqualTo(1);
        assertThat(kswapd.woken()).isFalse();
        // a run with no wake-up pending does nothing
        kswapd.run();
        assertThat(kswapd.failures).isEqualTo(1);
    }

    @Test
    void oneZoneAtItsHighWatermarkBalancesTheNode() {
        // HighMem: free > high (48) + lowmem_reserve[HighMem] (0); DMA far below its own
        free(DMA, 0);
        free(HIGHMEM, 49);
        kswapd.wakeup(0, HIGHMEM);
        assertThat(kswapd.woken()).isFalse();
        // 48 is not above 48: unbalanced
        free(HIGHMEM, 48);
        kswapd.wakeup(0, HIGHMEM);
        assertThat(kswapd.woken()).isTrue();
    }

    @Test
    void onlyZonesUpToTheHighestIndexCountAndEachWithThatIndexsProtection() {
        free(DMA, 100);
        free(HIGHMEM, 5000);
        // highest_zoneidx DMA: HighMem's plenty does not balance it
        kswapd.wakeup(0, DMA);
        assertThat(kswapd.woken()).isTrue();
        kswapd.run();
        assertThat(kswapd.failures).isEqualTo(1);

        free(HIGHMEM, 0);
        // DMA at 200: above high 192 + lowmem_reserve[DMA] 0, not above 192 + lowmem_reserve[HighMem] 32
        free(DMA, 200);
        kswapd.wakeup(0, DMA);
        assertThat(kswapd.woken()).isFalse();
        kswapd.wakeup(0, HIGHMEM);
        assertThat(kswapd.woken()).isTrue();
        kswapd.run();
        assertThat(kswapd.failures).isEqualTo(2);
        // 225 > 224: balanced against HighMem too
        free(DMA, 225);
        kswapd.wakeup(0, HIGHMEM);
        assertThat(kswapd.woken()).isFalse();
        // and against Movable, an index with no zone (protection 32 too)
        kswapd.wakeup(0, MOVABLE);
        assertThat(kswapd.woken()).isFalse();
        free(DMA, 224);
        kswapd.wakeup(0, MOVABLE);
        assertThat(kswapd.woken()).isTrue();
        // the pass walks zones 0..3 with no Movable zone there, and takes no boost it never had
        m.zones[DMA].watermarkBoost = 7;
        m.zones[HIGHMEM].watermarkBoost = 9;
        kswapd.run();
        assertThat(kswapd.failures).isEqualTo(3);
        assertThat(m.zones[DMA].watermarkBoost).isZero();
        assertThat(m.zones[HIGHMEM].watermarkBoost).isZero();
    }

    @Test
    void aHigherOrderNeedsABlockOfThatOrderOnAList() {
        free(DMA, 1000);
        block(DMA, 2);
        // order 2: free > 192 and a block of order >= 2 on a PCP-type list
        kswapd.wakeup(2, DMA);
        assertThat(kswapd.woken()).isFalse();
        kswapd.wakeup(3, DMA);
        assertThat(kswapd.woken()).isTrue();
        // balance_pgdat reads kswapd_order (3): still unbalanced, a failed pass
        kswapd.run();
        assertThat(kswapd.failures).isEqualTo(1);
        // woken for order 3, the pass finds the node balanced for it (a block came back): no failure
        kswapd.wakeup(3, DMA);
        block(DMA, 3);
        kswapd.run();
        assertThat(kswapd.failures).isEqualTo(1);
        assertThat(kswapd.woken()).isFalse();
    }

    @Test
    void aPendingWakeUpKeepsTheLargestOrderAndIndex() {
        free(DMA, 100);
        free(HIGHMEM, 10);
        kswapd.wakeup(3, HIGHMEM);
        kswapd.wakeup(0, DMA);
        // by the pass HighMem has plenty and DMA a free count above 224 but no block above order 2:
        // balanced for (order 0, DMA) or (order 3, DMA); for order 3 with index HighMem only HighMem's
        // order loop could pass, and it has no block
        free(DMA, 1000);
        block(DMA, 2);
        free(HIGHMEM, 5000);
        m.zones[DMA].watermarkBoost = 0;
        kswapd.run();
        // kswapd_order 3 and kswapd_highest_zoneidx HighMem: unbalanced, a failed pass
        assertThat(kswapd.failures).isEqualTo(1);
    }

    @Test
    void aBoostWakesKswapdOnABalancedNodeAndItsPassTakesTheBoostsOff() {
        free(DMA, 1000);
        free(HIGHMEM, 5000);
        // a boost on a zone above the index does not count
        m.zones[HIGHMEM].watermarkBoost = 512;
        kswapd.wakeup(0, DMA);
        assertThat(kswapd.woken()).isFalse();
        // nor one on a zone that manages no pages (Normal)
        m.zones[NORMAL].watermarkBoost = 3;
        kswapd.wakeup(0, NORMAL);
        assertThat(kswapd.woken()).isFalse();
        // a boost on DMA does: balanced (1000 > 192 + 64) but pgdat_watermark_boosted
        m.zones[DMA].watermarkBoost = 64;
        kswapd.wakeup(0, DMA);
        assertThat(kswapd.woken()).isTrue();
        kswapd.run();
        // the boosted pass reclaims nothing: a failure, and DMA's boost is taken off, not HighMem's
        assertThat(kswapd.failures).isEqualTo(1);
        assertThat(m.zones[DMA].watermarkBoost).isZero();
        assertThat(m.zones[HIGHMEM].watermarkBoost).isEqualTo(512);
        // HighMem's boost, the highest index: woken for it, and the pass takes it off
        kswapd.wakeup(0, HIGHMEM);
        assertThat(kswapd.woken()).isTrue();
        kswapd.run();
        assertThat(kswapd.failures).isEqualTo(2);
        assertThat(m.zones[HIGHMEM].watermarkBoost).isZero();
    }

    @Test
    void aBalancedUnboostedNodeAtThePassIsLeftAsItIs() {
        free(DMA, 100);
        kswapd.wakeup(0, DMA);
        assertThat(kswapd.woken()).isTrue();
        // before kswapd runs the node becomes balanced: balance_pgdat returns without a failure
        free(DMA, 193);
        kswapd.run();
        assertThat(kswapd.failures).isZero();
        assertThat(kswapd.woken()).isFalse();
        // a boost on HighMem, above the pass's index 0, keeps nothing from returning early either
        m.zones[HIGHMEM].watermarkBoost = 100;
        free(DMA, 100);
        kswapd.wakeup(0, DMA);
        free(DMA, 193);
        kswapd.run();
        assertThat(kswapd.failures).isZero();
        assertThat(m.zones[HIGHMEM].watermarkBoost).isEqualTo(100);
    }

    @Test
    void aHopelessNodeIsNotWokenAfterSixteenFailures() {
        free(DMA, 100);
        for (int i = 0; i < Kswapd.MAX_RECLAIM_RETRIES; i++) {
            assertThat(kswapd.failures).isEqualTo(i);
            kswapd.wakeup(0, DMA);
            assertThat(kswapd.woken()).as("wake-up %d", i).isTrue();
            kswapd.run();
        }
        assertThat(kswapd.failures).isEqualTo(16);
        kswapd.wakeup(0, DMA);
        assertThat(kswapd.woken()).isFalse();
        // even for a boost
        m.zones[DMA].watermarkBoost = 64;
        kswapd.wakeup(0, DMA);
        assertThat(kswapd.woken()).isFalse();
    }

    /**
     * {@code wakeup_kswapd} writes {@code kswapd_order} and {@code kswapd_highest_zoneidx} before it
     * looks at the node, so a wake-up given up on a balanced node still raises the order kswapd's
     * next pass reads. Here an order-3 request on a node balanced for it records 3 without waking;
     * an order-0 request then wakes kswapd (free 100 < high 192); by the pass DMA is back at 1000
     * free with no block above order 2, balanced for order 0 but not for 3: the pass runs for the
     * recorded order 3 and fails (a pass for order 0 would have returned at once).
     */
    @Test
    void aWakeUpGivenUpOnABalancedNodeStillRecordsItsOrder() {
        free(DMA, 1000);
        block(DMA, 3);
        kswapd.wakeup(3, DMA);
        assertThat(kswapd.woken()).isFalse();
        free(DMA, 100);
        kswapd.wakeup(0, DMA);
        assertThat(kswapd.woken()).isTrue();
        free(DMA, 1000);
        m.zones[DMA].nrFree[3] = 0;
        block(DMA, 2);
        kswapd.run();
        assertThat(kswapd.failures).isEqualTo(1);
        // the pass cleared its wake-up: a later order-0 wake-up on this node, balanced for 0, is given up
        kswapd.wakeup(0, DMA);
        assertThat(kswapd.woken()).isFalse();
        // and kswapd() reset kswapd_order to 0 when it read it: the next pass, woken by an order-0
        // request at 100 free, finds DMA back at 1000 with its order-2 block, balanced for order 0,
        // and returns (a pass still reading order 3 would fail a second time)
        free(DMA, 100);
        kswapd.wakeup(0, DMA);
        assertThat(kswapd.woken()).isTrue();
        free(DMA, 1000);
        kswapd.run();
        assertThat(kswapd.failures).isEqualTo(1);
    }

    @Test
    void aNodeWithNoManagedZoneUpToTheIndexCountsAsBalanced() {
        // DMA present but managing nothing, no Normal zone at all, HighMem short of its mark
        ZoneConfig emptyDma = new ZoneConfig(ZoneType.DMA, TestBoards.RAM, 16384, 16384, 0, 128, 160, 192,
                new long[] {0, 0, 32, 32}, 60, 15);
        MemMap m2 = new MemMap(List.of(emptyDma, high()), 1, Bugs.NONE);
        Kswapd k2 = new Kswapd(m2);
        // pgdat_balanced: no managed zone up to Normal, mark stays -1: balanced, so no wake-up
        k2.wakeup(0, NORMAL);
        assertThat(k2.woken()).isFalse();
        // a boost on the unmanaged DMA does not count as pgdat_watermark_boosted
        m2.zones[DMA].watermarkBoost = 64;
        k2.wakeup(0, NORMAL);
        assertThat(k2.woken()).isFalse();
        // up to HighMem its zone counts: free 0 is below 48
        k2.wakeup(0, HIGHMEM);
        assertThat(k2.woken()).isTrue();
        k2.run();
        assertThat(k2.failures).isEqualTo(1);
    }

    /**
     * {@code wake_all_kswapds} calls {@code wakeup_kswapd} only for a managed zone of the zonelist up
     * to the request's index, and {@code wakeup_kswapd} returns before it records anything for a zone
     * that is not managed: a request whose zones up to its index manage nothing (a GFP_DMA order-3
     * request on a DMA zone whose pages are all reserved) leaves {@code kswapd_order} as it was. So a
     * later order-0 wake-up for HighMem runs a pass for order 0: HighMem, back at 1000 free with no
     * block above order 2 by then, is balanced for order 0 and the pass returns without a failure
     * (a pass for order 3 would have failed).
     */
    @Test
    void aRequestWhoseZonesManageNothingRecordsNoOrder() {
        ZoneConfig emptyDma = new ZoneConfig(ZoneType.DMA, TestBoards.RAM, 16384, 16384, 0, 128, 160, 192,
                new long[] {0, 0, 32, 32}, 60, 15);
        MemMap m2 = new MemMap(List.of(emptyDma, high()), 1, Bugs.NONE);
        Kswapd k2 = new Kswapd(m2);
        k2.wakeup(3, DMA);
        assertThat(k2.woken()).isFalse();
        BuddyZone h = m2.zones[HIGHMEM];
        // HighMem at 10 free, below its high mark 48: woken
        h.modFree(10, false);
        k2.wakeup(0, HIGHMEM);
        assertThat(k2.woken()).isTrue();
        // by the pass: 1000 free, one order-2 block and none above (balanced for order 0, not for 3)
        h.modFree(990, false);
        h.nrFree[2]++;
        h.head[2 * MigrateType.COUNT + MigrateType.MOVABLE.ordinal()] = 0;
        k2.run();
        assertThat(k2.failures).isZero();
    }
}
