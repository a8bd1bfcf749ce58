package armmm.model.page;

import static armmm.model.page.PageAllocator.ALLOC_CMA;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-CPU lists of mm/page_alloc.c (Linux 6.1 as Debian builds it, CONFIG_PCP_BATCH_SCALE_MAX
 * 5) on hand-laid free lists: {@code rmqueue_pcplist} halving {@code free_factor} and refilling an
 * empty list with {@code rmqueue_bulk} ({@code batch} scaled to {@code max(batch >> order, 2)}
 * unless it is 1; {@code NR_FREE_PAGES} less every page taken, {@code NR_FREE_CMA_PAGES} less each
 * CMA block listed); {@code free_unref_page} (MIGRATE_ISOLATE straight to the buddy lists, CMA and
 * HighAtomic on the Movable list) with {@code free_unref_page_commit} draining at {@code high}, or
 * everything when freeing a high order (1..3) with {@code free_factor} set; {@code nr_pcp_free}
 * (1 below {@code batch}; else {@code batch << free_factor} clamped to [batch, high - batch], the
 * factor growing while below {@code high - batch} and 5); {@code free_pcppages_bulk} from the
 * list freed into, round-robin, each list from its tail until empty or the count is met.
 *
 * <p>One DMA zone of 16384 frames at pfn 0x40000 (frame {@code f} is pfn 0x40000 + f, pageblock
 * {@code f >> 11}), one CPU, {@code high} 60 and {@code batch} 15 unless a test sets them. The vmstat
 * threshold is 0 (no {@code refresh_zone_stat_thresholds}), so the counters are exact.
 */
class PcpListsBatchTest {
    private static final int UNMOVABLE = MigrateType.UNMOVABLE.ordinal();
    private static final int MOVABLE = MigrateType.MOVABLE.ordinal();
    private static final int CMA = MigrateType.CMA.ordinal();
    private static final int ISOLATE = MigrateType.ISOLATE.ordinal();
    private static final int HIGHATOMIC = MigrateType.HIGHATOMIC.ordinal();

    private MemMap m;
    private FreeLists lists;
    private PcpLists pcpLists;
    private BuddyZone z;
    private PerCpuPages pcp;

    PcpListsBatchTest() {
        reset(Bugs.NONE);
    }

    /** A fresh zone with the seeded bugs {@code bugs}, the per-CPU lists set up. */
    private void reset(Bugs bugs) {
        ZoneConfig c = new ZoneConfig(ZoneType.DMA, TestBoards.RAM, 16384, 16384, 16384, 128, 160, 192,
                new long[4], 60, 15);
        m = new MemMap(List.of(c), 1, bugs);
        lists = new FreeLists(m);
        BadPage bad = new BadPage(m, MemMapLayout.virt(TestBoards.MEM_MAP, TestBoards.RAM + 16384));
        pcpLists = new PcpLists(m, lists, new MigrateFallback(m, lists), bad);
        pcpLists.setUp();
        z = m.zones[0];
        pcp = z.pcp[0];
    }

    private void put(int f, int order, int mt) {
        lists.freeOnePage(z, f, order, mt, false);
    }

    private long free() {
        return z.vmstat.global(ZoneVmstat.NR_FREE_PAGES);
    }

    private long cma() {
        return z.vmstat.global(ZoneVmstat.NR_FREE_CMA_PAGES);
    }

    /** Frees order-{@code order} pages at frames {@code from}, {@code from + step}, ... through the per-CPU list. */
    private void freePcp(int from, int n, int order) {
        for (int i = 0; i < n; i++) {
            pcpLists.freeUnrefPage(z, from + (i << order) * 2, order, 0);
        }
    }

    @Test
    void aRefillTakesABatchAndTheFirstBlockOnTheList() {
        put(0, 4, MOVABLE);
        pcp.freeFactor = 3;
        int f = pcpLists.rmqueuePcplist(z, 0, MOVABLE, 0, pcp);
        // rmqueue_bulk: 15 pages of the 16 onto the list's tail in the order __rmqueue gave them, the
        // first of them (frame 0, the lower half kept by expand) taken
        assertThat(f).isZero();
        assertThat(pcp.count).isEqualTo(14);
        assertThat(pcp.listLen[MOVABLE]).isEqualTo(14);
        assertThat(free()).isEqualTo(1);
        assertThat(z.pcpListPages).isEqualTo(14);
        // no CMA block among them: NR_FREE_CMA_PAGES untouched
        assertThat(cma()).isZero();
        assertThat(m.flags[0] & MemMap.F_PCP).isZero();
        // free_factor >>= 1
        assertThat(pcp.freeFactor).isEqualTo(1);
        // the next takes the list's head without a refill
        int g = pcpLists.rmqueuePcplist(z, 0, MOVABLE, 0, pcp);
        assertThat(g).isNotZero();
        assertThat(pcp.count).isEqualTo(13);
        assertThat(free()).isEqualTo(1);
        assertThat(pcp.freeFactor).isZero();
    }

    @Test
    void aListWhoseHeadIsFrameZeroIsNotEmpty() {
        put(64, 4, MOVABLE);
        pcpLists.freeUnrefPage(z, 0, 0, 0);
        assertThat(pcp.count).isEqualTo(1);
        assertThat(pcpLists.rmqueuePcplist(z, 0, MOVABLE, 0, pcp)).isZero();
        // no refill: the buddy lists keep their 16 pages
        assertThat(pcp.count).isZero();
        assertThat(free()).isEqualTo(16);
    }

    @Test
    void aBatchOfOneIsNotScaled() {
        put(0, 4, MOVABLE);
        pcp.batch = 1;
        assertThat(pcpLists.rmqueuePcplist(z, 0, MOVABLE, 0, pcp)).isZero();
        assertThat(pcp.count).isZero();
        assertThat(free()).isEqualTo(15);
    }

    @Test
    void theBatchIsScaledByOrderToAtLeastTwo() {
        put(0, 6, MOVABLE);
        // order 2: max(15 >> 2, 2) = 3 blocks of 4 pages
        pcpLists.rmqueuePcplist(z, 2, MOVABLE, 0, pcp);
        assertThat(pcp.count).isEqualTo(2 * 4);
        assertThat(free()).isEqualTo(64 - 12);
        // order 3: max(15 >> 3, 2) = 2 blocks of 8
        pcpLists.rmqueuePcplist(z, 3, MOVABLE, 0, pcp);
        assertThat(pcp.count).isEqualTo(8 + 8);
        assertThat(free()).isEqualTo(64 - 12 - 16);
    }

    @Test
    void anEmptyZoneGivesNothing() {
        assertThat(pcpLists.rmqueuePcplist(z, 0, MOVABLE, 0, pcp)).isEqualTo(-1);
        assertThat(pcp.count).isZero();
        assertThat(free()).isZero();
    }

    @Test
    void aRefillOfCmaBlocksTakesThemOffNrFreeCmaPages() {
        m.blockMt[7] = (byte) CMA;
        put(14336, 5, CMA);
        // CMA 32 of 32 free pages: __rmqueue takes CMA first; order 1: max(15 >> 1, 2) = 7 blocks
        pcpLists.rmqueuePcplist(z, 1, MOVABLE, ALLOC_CMA, pcp);
        assertThat(cma()).isEqualTo(32 - 14);
        assertThat(free()).isEqualTo(32 - 14);
        assertThat(pcp.count).isEqualTo(12);
    }

    @Test
    void aBadPageAtRefillIsLeakedAndStillCountedAsTaken() {
        // check_pcp_refill without CONFIG_DEBUG_VM: a page with a reference left is reported and skipped
        put(4, 0, MOVABLE);
        put(6, 0, MOVABLE);
        m.refcount[4] = 0;
        m.refcount[6] = 1;
        m.underflowSeen = true;
        int f = pcpLists.rmqueuePcplist(z, 0, MOVABLE, 0, pcp);
        assertThat(f).isEqualTo(4);
        assertThat(m.flags[6] & MemMap.F_LEAKED).isNotZero();
        assertThat(z.allocatedPages).isEqualTo(1);
        // i counts both: NR_FREE_PAGES less 2
        assertThat(free()).isZero();
        assertThat(pcp.count).isZero();
        assertThat(m.reports).hasSize(1);
        assertThat(cma()).isZero();
        assertThat(z.freeCma).isZero();
    }

    @Test
    void withDebugVmTheRefillDoesNotCheck() {
        put(4, 0, MOVABLE);
        put(6, 0, MOVABLE);
        m.underflowSeen = true;
        m.debugVm = true;
        pcpLists.rmqueuePcplist(z, 0, MOVABLE, 0, pcp);
        assertThat(pcp.count).isEqualTo(1);
        assertThat(m.reports).isEmpty();
    }

    @Test
    void aLeakedCmaBlockLeavesTheCmaCounterEqualToTheCmaLists() {
        m.blockMt[7] = (byte) CMA;
        put(14336, 0, CMA);
        put(14338, 0, CMA);
        m.refcount[14336] = 1;
        m.refcount[14338] = 0;
        m.underflowSeen = true;
        pcpLists.rmqueuePcplist(z, 0, MOVABLE, ALLOC_CMA, pcp);
        // 6.1 leaves NR_FREE_CMA_PAGES as it was for the leaked block; the model takes it off so that
        // the counter stays the sum of the CMA free lists (PcpLists#rmqueueBulk): both off, none listed
        assertThat(cma()).isZero();
        assertThat(z.freeCma).isZero();
        // an order-1 CMA block leaked: 2 pages off
        reset(Bugs.NONE);
        m.blockMt[7] = (byte) CMA;
        put(14336, 1, CMA);
        m.refcount[14336] = 1;
        m.underflowSeen = true;
        pcpLists.rmqueuePcplist(z, 1, MOVABLE, ALLOC_CMA, pcp);
        assertThat(cma()).isZero();
        assertThat(free()).isZero();
    }

    @Test
    void thePcpNotUnlinkedBugLeavesTheBlockOnTheList() {
        reset(Bugs.of(PageBug.PAGE_PCP_NOT_UNLINKED));
        m.handedOver = true;
        put(0, 4, MOVABLE);
        assertThat(pcpLists.rmqueuePcplist(z, 0, MOVABLE, 0, pcp)).isZero();
        assertThat(pcp.count).isEqualTo(14);
        assertThat(pcp.listLen[MOVABLE]).isEqualTo(15);
        assertThat(pcp.head[MOVABLE]).isZero();
    }

    @Test
    void theNoDrainBugLetsTheListPassHigh() {
        reset(Bugs.of(PageBug.BUDDY_PCP_NO_DRAIN));
        m.handedOver = true;
        freePcp(0, 61, 0);
        assertThat(pcp.count).isEqualTo(61);
        assertThat(free()).isZero();
    }

    @Test
    void theLosingDrainLosesTheBlockThatMeetsTheCount() {
        reset(Bugs.of(PageBug.BUDDY_DRAIN_LOSES_BLOCK));
        m.handedOver = true;
        pcp.high = 3;
        pcp.batch = 1;
        pcp.freeFactor = 1;
        // list 1 = [0, 2, 4]; at count 3: nr_pcp_free = clamp(1 << 1, 1, 2) = 2 from the tail: 4 is
        // freed (count 1 left, the list not empty), 2 meets the count and is lost, 0 stays
        pcpLists.freeUnrefPage(z, 4, 0, 0);
        pcpLists.freeUnrefPage(z, 2, 0, 0);
        pcpLists.freeUnrefPage(z, 0, 0, 0);
        assertThat(pcp.count).isEqualTo(1);
        assertThat(m.flags[4] & MemMap.F_BUDDY).isNotZero();
        assertThat(m.flags[2] & (MemMap.F_BUDDY | MemMap.F_PCP)).isZero();
        assertThat(m.flags[0] & MemMap.F_PCP).isNotZero();
        assertThat(free()).isEqualTo(1);
    }

    @Test
    void aDrainGoesOnAlongItsListWhenTheNextBlockIsFrameZero() {
        pcp.high = 4;
        pcp.batch = 1;
        pcp.freeFactor = 1;
        m.blockMt[1] = (byte) UNMOVABLE;
        // list 0 = [2048]; list 1 = [0, 2, 4]; count 4 = high: clamp(1 << 1, 1, 3) = 2 pages from
        // list 1's tail, 4 then 2, frame 0 at its head being a page like any other
        pcpLists.freeUnrefPage(z, 2048, 0, 0);
        pcpLists.freeUnrefPage(z, 4, 0, 0);
        pcpLists.freeUnrefPage(z, 2, 0, 0);
        pcpLists.freeUnrefPage(z, 0, 0, 0);
        assertThat(pcp.count).isEqualTo(2);
        assertThat(m.flags[2] & MemMap.F_BUDDY).isNotZero();
        assertThat(m.flags[2048] & MemMap.F_PCP).isNotZero();
        assertThat(m.flags[0] & MemMap.F_PCP).isNotZero();
    }

    @Test
    void aDrainTakesTheLastListBeforeWrappingRound() {
        pcp.high = 1000;
        m.blockMt[1] = (byte) UNMOVABLE;
        m.blockMt[3] = (byte) MigrateType.RECLAIMABLE.ordinal();
        // list 11: one order-3 Reclaimable block; list 0: 17 Unmovable pages
        pcpLists.freeUnrefPage(z, 6144, 3, 0);
        freePcp(2048, 17, 0);
        // list 10 (order 3 Movable) reaches count 33 = high: nr_pcp_free = clamp(16, 16, 17) = 16,
        // from list 10 (8 pages) on to list 11 (8): list 0 keeps its 17
        pcp.high = 33;
        pcp.batch = 16;
        pcpLists.freeUnrefPage(z, 64, 3, 0);
        assertThat(pcp.listLen[10]).isZero();
        assertThat(pcp.listLen[11]).isZero();
        assertThat(pcp.listLen[0]).isEqualTo(17);
        assertThat(pcp.count).isEqualTo(17);
    }

    @Test
    void aDrainPassesEmptyListsUpToTheNextFullOne() {
        pcp.high = 1000;
        m.blockMt[1] = (byte) UNMOVABLE;
        // list 9: an order-3 Unmovable block; list 0: 10 Unmovable pages
        pcpLists.freeUnrefPage(z, 2048 + 64, 3, 0);
        freePcp(2048, 10, 0);
        // list 4 (order 1 Movable) makes count 20 = high: clamp(10, 10, 10) = 10 pages, from list 4
        // (2) over the empty lists 5..8 to list 9 (8)
        pcp.high = 20;
        pcp.batch = 10;
        pcpLists.freeUnrefPage(z, 8, 1, 0);
        assertThat(pcp.listLen[4]).isZero();
        assertThat(pcp.listLen[9]).isZero();
        assertThat(pcp.listLen[0]).isEqualTo(10);
    }

    @Test
    void freesOfIsolatedPagesGoStraightToTheBuddyLists() {
        m.blockMt[1] = (byte) ISOLATE;
        pcpLists.freeUnrefPage(z, 2048, 0, 0);
        assertThat(pcp.count).isZero();
        assertThat(m.flags[2048] & MemMap.F_BUDDY).isNotZero();
        assertThat(m.listMt[2048]).isEqualTo((byte) ISOLATE);
        // __free_one_page does not count MIGRATE_ISOLATE pages free
        assertThat(free()).isZero();
    }

    @Test
    void cmaAndHighatomicPagesWaitOnTheMovableListAndKeepTheirType() {
        m.blockMt[7] = (byte) CMA;
        m.blockMt[2] = (byte) HIGHATOMIC;
        pcpLists.freeUnrefPage(z, 14336, 0, 0);
        pcpLists.freeUnrefPage(z, 4096, 1, 0);
        assertThat(pcp.listLen[MOVABLE]).isEqualTo(1);
        assertThat(pcp.listLen[3 + MOVABLE]).isEqualTo(1);
        assertThat(pcp.count).isEqualTo(3);
        assertThat(m.pcpMt[14336]).isEqualTo((byte) CMA);
        assertThat(m.pcpMt[4096]).isEqualTo((byte) HIGHATOMIC);
        pcpLists.drainPagesZone(z, 0);
        assertThat(m.listMt[14336]).isEqualTo((byte) CMA);
        assertThat(m.listMt[4096]).isEqualTo((byte) HIGHATOMIC);
        assertThat(cma()).isEqualTo(1);
        assertThat(free()).isEqualTo(3);
    }

    @Test
    void beforeSetupPerCpuPagesetEveryFreeGoesToTheBuddyLists() {
        ZoneConfig c = new ZoneConfig(ZoneType.DMA, TestBoards.RAM, 16384, 16384, 16384, 128, 160, 192,
                new long[4], 60, 15);
        MemMap boot = new MemMap(List.of(c), 1, Bugs.NONE);
        FreeLists bootLists = new FreeLists(boot);
        PcpLists early = new PcpLists(boot, bootLists, new MigrateFallback(boot, bootLists),
                new BadPage(boot, MemMapLayout.virt(TestBoards.MEM_MAP, TestBoards.RAM + 16384)));
        boot.blockMt[7] = (byte) CMA;
        BuddyZone bz = boot.zones[0];
        early.freeUnrefPage(bz, 0, 0, 0);
        early.freeUnrefPage(bz, 14336, 0, 0);
        assertThat(bz.pcp[0].count).isZero();
        assertThat(boot.listMt[0]).isEqualTo((byte) MOVABLE);
        assertThat(boot.listMt[14336]).isEqualTo((byte) CMA);
        assertThat(bz.vmstat.global(ZoneVmstat.NR_FREE_PAGES)).isEqualTo(2);
        assertThat(bz.vmstat.global(ZoneVmstat.NR_FREE_CMA_PAGES)).isEqualTo(1);
    }

    @Test
    void theListDrainsABatchWhenItsCountReachesHigh() {
        // 59 order-0 frees stay; the 60th reaches high 60: nr_pcp_free = clamp(15 << 0, 15, 45) = 15
        freePcp(0, 59, 0);
        assertThat(pcp.count).isEqualTo(59);
        assertThat(free()).isZero();
        freePcp(118, 1, 0);
        assertThat(pcp.count).isEqualTo(45);
        assertThat(free()).isEqualTo(15);
        // free_factor 0 -> 1 (15 < 45); the next drain frees 30 and makes it 2 (30 < 45)
        assertThat(pcp.freeFactor).isEqualTo(1);
        freePcp(200, 15, 0);
        assertThat(pcp.count).isEqualTo(30);
        assertThat(pcp.freeFactor).isEqualTo(2);
        // the list's oldest pages (its tail) went first: frame 0 was the first freed
        assertThat(m.flags[0] & MemMap.F_BUDDY).isNotZero();
        assertThat(m.flags[118] & MemMap.F_PCP).isNotZero();
    }

    @Test
    void theFreeFactorStopsGrowingAtHighLessBatch() {
        // high 45, batch 15: max_nr_free 30; 15 < 30 makes the factor 1, 30 < 30 does not make it 2
        pcp.high = 45;
        freePcp(0, 45, 0);
        assertThat(pcp.freeFactor).isEqualTo(1);
        assertThat(pcp.count).isEqualTo(30);
        freePcp(200, 15, 0);
        assertThat(pcp.count).isEqualTo(15);
        assertThat(pcp.freeFactor).isEqualTo(1);
    }

    @Test
    void theFreeFactorStopsAtTheBatchScaleMax() {
        pcp.high = 4000;
        pcp.freeFactor = 5;
        freePcp(0, 4000, 0);
        // 15 << 5 = 480 < 3985, but the factor is already CONFIG_PCP_BATCH_SCALE_MAX
        assertThat(pcp.freeFactor).isEqualTo(5);
        assertThat(pcp.count).isEqualTo(4000 - 480);
    }

    @Test
    void aHighBelowTheBatchFreesOnePage() {
        pcp.high = 10;
        freePcp(0, 10, 0);
        assertThat(pcp.count).isEqualTo(9);
        assertThat(free()).isEqualTo(1);
    }

    @Test
    void aHighEqualToTheBatchFreesNothing() {
        // min_nr_free 15, max_nr_free 0: clamp(15, 15, 0) = 0
        pcp.high = 15;
        freePcp(0, 15, 0);
        assertThat(pcp.count).isEqualTo(15);
        assertThat(free()).isZero();
    }

    @Test
    void highOrderFreesWithAFreeFactorDrainEverything() {
        freePcp(0, 3, 0);
        pcp.freeFactor = 1;
        // an order-0 free with free_factor set is no high-order free: no drain below high
        freePcp(6, 1, 0);
        assertThat(pcp.count).isEqualTo(4);
        // order 3 (PAGE_ALLOC_COSTLY_ORDER): free_high, high taken as 0, nr_pcp_free = count
        pcpLists.freeUnrefPage(z, 64, 3, 0);
        assertThat(pcp.count).isZero();
        assertThat(free()).isEqualTo(4 + 8);
        // without the factor (a drain for free_high leaves it as it was) an order-1 free stays
        assertThat(pcp.freeFactor).isEqualTo(1);
        pcp.freeFactor = 0;
        pcpLists.freeUnrefPage(z, 128, 1, 0);
        assertThat(pcp.count).isEqualTo(2);
        pcp.freeFactor = 1;
        pcpLists.freeUnrefPage(z, 132, 1, 0);
        assertThat(pcp.count).isZero();
    }

    @Test
    void aDrainStartsAtTheListFreedIntoAndStopsAtTheCount() {
        pcp.high = 3;
        pcp.batch = 1;
        m.blockMt[1] = (byte) UNMOVABLE;
        // A (Unmovable) on list 0, then B and C on list 1 (Movable); C makes count 3 = high:
        // nr_pcp_free = clamp(1, 1, 2) = 1 from list 1's tail, B
        pcpLists.freeUnrefPage(z, 2048, 0, 0);
        pcpLists.freeUnrefPage(z, 10, 0, 0);
        pcpLists.freeUnrefPage(z, 12, 0, 0);
        assertThat(pcp.count).isEqualTo(2);
        assertThat(m.flags[10] & MemMap.F_BUDDY).isNotZero();
        assertThat(m.flags[12] & MemMap.F_PCP).isNotZero();
        assertThat(m.flags[2048] & MemMap.F_PCP).isNotZero();
        // free_factor 1 now: the next drain is clamp(2, 1, 2) = 2, from list 1 (D, C) only
        pcpLists.freeUnrefPage(z, 14, 0, 0);
        assertThat(pcp.count).isEqualTo(1);
        assertThat(m.flags[2048] & MemMap.F_PCP).isNotZero();
        assertThat(m.flags[12] & MemMap.F_BUDDY).isNotZero();
    }

    @Test
    void aDrainWrapsRoundToTheFirstLists() {
        m.blockMt[1] = (byte) UNMOVABLE;
        // list 0 (order 0 Unmovable) and list 4 (order 1 Movable); a high-order free into list 4 with
        // free_factor set drains all from list 4 on, wrapping round past list 11 to list 0
        pcpLists.freeUnrefPage(z, 2048, 0, 0);
        pcpLists.freeUnrefPage(z, 2050, 0, 0);
        pcp.freeFactor = 1;
        pcpLists.freeUnrefPage(z, 8, 1, 0);
        assertThat(pcp.count).isZero();
        assertThat(free()).isEqualTo(4);
        assertThat(m.flags[2048] & MemMap.F_BUDDY).isNotZero();
    }

    @Test
    void drainPagesZoneEmptiesEveryListUpToTheLast() {
        // list 11: order 3 Reclaimable; list 0 empty at the start
        m.blockMt[3] = (byte) MigrateType.RECLAIMABLE.ordinal();
        pcp.high = 1000;
        pcpLists.freeUnrefPage(z, 6144, 3, 0);
        pcpLists.freeUnrefPage(z, 6160, 3, 0);
        pcpLists.freeUnrefPage(z, 0, 0, 0);
        assertThat(pcp.listLen[11]).isEqualTo(2);
        pcpLists.drainPagesZone(z, 0);
        assertThat(pcp.count).isZero();
        assertThat(pcp.listLen[11]).isZero();
        assertThat(z.pcpListPages).isZero();
        assertThat(free()).isEqualTo(17);
        assertThat(m.flags[0] & MemMap.F_BUDDY).isNotZero();
    }

    @Test
    void theDrainThatLosesBlocksLosesTheLastOfEachList() {
        reset(Bugs.of(PageBug.BUDDY_DRAIN_LOSES_BLOCK));
        PcpListsBatchTest t = this;
        t.m.handedOver = true;
        t.pcp.high = 1000;
        t.pcpLists.freeUnrefPage(t.z, 0, 0, 0);
        t.pcpLists.freeUnrefPage(t.z, 2, 1, 0);
        t.pcpLists.freeUnrefPage(t.z, 8, 1, 0);
        t.pcpLists.drainPagesZone(t.z, 0);
        // list 1 (frame 0 alone) loses it; list 4 ([8, 2], the tail first) frees 2 and loses 8, its last
        assertThat(t.pcp.count).isZero();
        assertThat(t.free()).isEqualTo(2);
        assertThat(t.m.flags[2] & MemMap.F_BUDDY).isNotZero();
        assertThat(t.m.flags[0] & MemMap.F_BUDDY).isZero();
        assertThat(t.m.flags[8] & MemMap.F_BUDDY).isZero();
        assertThat(t.m.order[8]).isZero();
    }
}
