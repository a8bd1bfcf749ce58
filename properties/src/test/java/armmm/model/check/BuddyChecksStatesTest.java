package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.core.Violation;
import armmm.model.page.MigrateType;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageOp;
import armmm.model.page.PageStateEdits;
import armmm.model.page.PageStateEdits.Bit;
import armmm.model.page.ZoneSnapshot;
import armmm.model.page.ZoneVmstat;
import armmm.model.core.Result;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each per-step check of {@link BuddyChecks} (INV-BUDDY-01..08, INV-PAGE-01/02, INV-GFP-01..03,
 * spec/invariants.md) on a hand-built state of the small two-zone allocator of
 * {@link BuddyFullScanStatesTest} (DMA 0x40000-0x407ff with 64 PG_reserved frames, free blocks
 * of orders 6..10 at 0x40040, 0x40080, 0x40100, 0x40200, 0x40400; HighMem 0x40800-0x40fff, one
 * free block of order 11; DMA min 16 and {@code lowmem_reserve} {0, 0, 8, 8}, HighMem min 16,
 * low 20, high 24) that breaks exactly one of its conditions, and on the neighbouring state 6.1
 * allows. The rules are mm/page_alloc.c's ({@code __free_one_page}, {@code page_is_buddy},
 * {@code free_unref_page_commit}, {@code boost_watermark}, {@code get_page_from_freelist},
 * {@code __zone_watermark_ok}) and mm/vmstat.c's ({@code __mod_zone_page_state},
 * {@code calculate_normal_threshold}).
 */
class BuddyChecksStatesTest {
    private static final long RAM = BuddyFullScanStatesTest.RAM;
    private final PageAllocator pa = BuddyFullScanStatesTest.twoZones();

    private static List<String> reasons(List<Violation> vs) {
        return vs.stream().map(Violation::reason).toList();
    }

    @Test
    void theHandOverBreaksNothing() {
        assertThat(BuddyChecks.fullScan(pa)).isEmpty();
        assertThat(BuddyChecks.vmstatLagBounded(pa)).isEmpty();
        assertThat(BuddyChecks.fullScanClean(pa)).isTrue();
        assertThat(BuddyChecks.fullScanClean(null)).isTrue();
        assertThat(BuddyChecks.complete(pa)).isEmpty();
        // no allocation yet: nothing for the GFP checks to judge
        assertThat(BuddyChecks.zoneAllowed(pa)).isEmpty();
        assertThat(BuddyChecks.zonelistOrder(pa)).isEmpty();
        assertThat(BuddyChecks.watermarkKept(pa)).isEmpty();
        PageStateEdits.nrFree(pa, ZoneType.DMA, 6, 0);
        assertThat(BuddyChecks.fullScanClean(pa)).isFalse();
        assertThat(reasons(BuddyChecks.complete(pa))).containsExactly("nr_free does not match the free lists",
                "nr_free does not match the free lists");
    }

    @Test
    void pagesAreConservedAndNrFreePagesIsTheListedPages() {
        PageStateEdits.allocatedPages(pa, ZoneType.DMA, 1);
        assertThat(BuddyChecks.conservation(pa, false)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-BUDDY-01");
            assertThat(v.reason()).isEqualTo("pages not conserved");
            assertThat(v.details()).isEqualTo("zone DMA: free 1984 + pcp 0 + allocated 1 + reserved 64 = 2049, spanned 2048");
        });
        PageStateEdits.allocatedPages(pa, ZoneType.DMA, 0);
        PageStateEdits.freePages(pa, ZoneType.HIGHMEM, 2047);
        assertThat(BuddyChecks.conservation(pa, false)).singleElement().satisfies(v -> {
            assertThat(v.reason()).isEqualTo("NR_FREE_PAGES wrong");
            assertThat(v.details()).isEqualTo("zone HighMem: NR_FREE_PAGES 2047, pages on the free lists 2048");
        });
    }

    @Test
    void nrFreeCountsTheBlocksListed() {
        PageStateEdits.nrFree(pa, ZoneType.HIGHMEM, 11, 2);
        assertThat(BuddyChecks.nrFreeMatchesLists(pa, false)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-BUDDY-02");
            assertThat(v.details()).isEqualTo("zone HighMem order 11: nr_free 2, blocks listed 1");
        });
    }

    /** An order-4 block at 0x40088, 8 pages off its alignment (the rest of the order-7 block PG_reserved). */
    @Test
    void aFreeBlockIsAlignedToItsOrder() {
        PageStateEdits.delFree(pa, ZoneType.DMA, 0x40080);
        PageStateEdits.addFree(pa, ZoneType.DMA, 0x40088, 4, MigrateType.MOVABLE);
        assertThat(BuddyChecks.freeBlocksWellFormed(pa, true)).singleElement().satisfies(v -> {
            assertThat(v.reason()).isEqualTo("free block misaligned");
            assertThat(v.details()).isEqualTo("pfn:40088 order 4");
        });
        // the per-step check looks at the frames the call touched only
        pa.clearDirty();
        assertThat(BuddyChecks.freeBlocksWellFormed(pa, false)).isEmpty();
        PageStateEdits.touched(pa, 0x40088);
        assertThat(reasons(BuddyChecks.freeBlocksWellFormed(pa, false))).containsExactly("free block misaligned");
    }

    /** page_zone of a free block's head naming the other zone: the block lies outside that zone. */
    @Test
    void aFreeBlockLiesInsideItsZone() {
        PageStateEdits.zoneOf(pa, 0x40400, ZoneType.HIGHMEM.ordinal());
        assertThat(BuddyChecks.freeBlocksWellFormed(pa, true)).singleElement().satisfies(v -> {
            assertThat(v.reason()).isEqualTo("free block outside its zone");
            assertThat(v.details()).isEqualTo("pfn:40400 order 10 zone HighMem");
        });
        PageStateEdits.zoneOf(pa, 0x40400, ZoneType.DMA.ordinal());
        // HighMem's block named DMA's: it starts at DMA's end (0x40800, aligned: no boot spill) and runs past it
        PageStateEdits.zoneOf(pa, 0x40800, ZoneType.DMA.ordinal());
        assertThat(reasons(BuddyChecks.freeBlocksWellFormed(pa, true))).containsExactly("free block outside its zone");
    }

    @Test
    void aFreeBlockIsOnItsListAndHoldsNoReference() {
        // 0x40400 is the only order-10 block: its list's head taken away leaves it on no list
        PageStateEdits.freeHead(pa, ZoneType.DMA, 10, MigrateType.MOVABLE, -1);
        assertThat(BuddyChecks.freeBlocksWellFormed(pa, true)).singleElement().satisfies(v -> {
            assertThat(v.reason()).isEqualTo("free block not on its list");
            assertThat(v.details()).isEqualTo("pfn:40400 order 10 is PageBuddy but not linked on free_area[10].free_list[Movable]");
        });
        PageStateEdits.freeHead(pa, ZoneType.DMA, 10, MigrateType.MOVABLE, 0x40400);
        PageStateEdits.refcount(pa, 0x40200, 1);
        assertThat(reasons(BuddyChecks.freeBlocksWellFormed(pa, true))).containsExactly("nonzero _refcount");
        PageStateEdits.refcount(pa, 0x40200, -1);
        assertThat(BuddyChecks.freeBlocksWellFormed(pa, true)).isEmpty();
        pa.setDebugVm(true);
        assertThat(reasons(BuddyChecks.freeBlocksWellFormed(pa, true))).containsExactly("nonzero _refcount");
    }

    /** A page inside a free block allocated, on a per-CPU list or PG_reserved; the page after the block is not its. */
    @Test
    void aFreeBlockOverlapsNothing() {
        for (Bit b : new Bit[] {Bit.ALLOC, Bit.PCP, Bit.RESERVED}) {
            PageStateEdits.bit(pa, 0x407ff, b, true);
            assertThat(reasons(BuddyChecks.freeBlocksWellFormed(pa, true))).as("%s", b).containsExactly("free block overlaps a page in use");
            PageStateEdits.bit(pa, 0x407ff, b, false);
        }
        PageStateEdits.bit(pa, 0x407ff, Bit.BUDDY, true);
        assertThat(reasons(BuddyChecks.freeBlocksWellFormed(pa, true))).contains("free block overlaps a page in use");
        PageStateEdits.bit(pa, 0x407ff, Bit.BUDDY, false);
        // 0x40800 after 0x40400's 1024 pages is HighMem's free block: no overlap
        assertThat(BuddyChecks.freeBlocksWellFormed(pa, true)).isEmpty();
    }

    @Test
    void cmaAndIsolateBlocksAreOnTheirOwnLists() {
        pa.setPageblockMigratetype(0x40800, MigrateType.CMA);
        assertThat(BuddyChecks.listTypeMatchesPageblock(pa, true)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-BUDDY-04");
            assertThat(v.details()).isEqualTo("pfn:40800 order 11 on the Movable list, pageblock CMA");
        });
        pa.setPageblockMigratetype(0x40800, MigrateType.ISOLATE);
        assertThat(reasons(BuddyChecks.listTypeMatchesPageblock(pa, true))).containsExactly("free page on the wrong migratetype list");
        PageStateEdits.delFree(pa, ZoneType.HIGHMEM, 0x40800);
        PageStateEdits.addFree(pa, ZoneType.HIGHMEM, 0x40800, 11, MigrateType.ISOLATE);
        assertThat(BuddyChecks.listTypeMatchesPageblock(pa, true)).isEmpty();
        pa.setPageblockMigratetype(0x40800, MigrateType.RECLAIMABLE);
        assertThat(reasons(BuddyChecks.listTypeMatchesPageblock(pa, true))).containsExactly("free page on the wrong migratetype list");
    }

    /**
     * 0x40400 split by hand into two free order-9 buddies: not merged; the same pair with one half
     * in another zone (page_is_buddy checks the zone) or of another order is no violation.
     */
    @Test
    void freeBuddiesOfOneZoneAndOrderAreMerged() {
        PageStateEdits.delFree(pa, ZoneType.DMA, 0x40400);
        PageStateEdits.addFree(pa, ZoneType.DMA, 0x40400, 9, MigrateType.MOVABLE);
        PageStateEdits.addFree(pa, ZoneType.DMA, 0x40600, 9, MigrateType.MOVABLE);
        assertThat(BuddyChecks.buddiesMerged(pa, true)).extracting(Violation::details)
                .containsExactly("pfn:40400 and pfn:40600 are both free at order 9", "pfn:40600 and pfn:40400 are both free at order 9");
        PageStateEdits.zoneOf(pa, 0x40600, ZoneType.HIGHMEM.ordinal());
        assertThat(BuddyChecks.buddiesMerged(pa, true)).isEmpty();
        PageStateEdits.zoneOf(pa, 0x40600, ZoneType.DMA.ordinal());
        PageStateEdits.order(pa, 0x40600, 8);
        assertThat(BuddyChecks.buddiesMerged(pa, true)).isEmpty();
        // at MAX_ORDER - 1 there is nothing to merge into: HighMem's block as two order-11 halves of a
        // 4096-page block would be free buddies, and are not looked at
        PageStateEdits.order(pa, 0x40600, 9);
        PageStateEdits.order(pa, 0x40000, 11);
        PageStateEdits.bit(pa, 0x40000, Bit.BUDDY, true);
        assertThat(reasons(BuddyChecks.buddiesMerged(pa, true))).containsExactly("buddy not merged", "buddy not merged");
    }

    /** HighMem of 2047 pages: its last free page 0x40ffe has its buddy 0x40fff outside mem_map; nothing to merge. */
    @Test
    void aBuddyOutsideMemMapIsNoBuddy() {
        PageAllocator odd = BuddyFullScanStatesTest.twoZones(1, 2047);
        assertThat(odd.isBuddy(0x40ffe) && odd.order(0x40ffe) == 0).isTrue();
        assertThat(BuddyChecks.fullScan(odd)).isEmpty();
    }

    /** Per-CPU counts: each CPU's count against its lists, the zone's total against the pages listed, the drain at high. */
    @Test
    void perCpuCountsMatchTheirListsAndAFreeAtHighDrains() {
        long p = pa.allocPagesPfn(Gfp.GFP_KERNEL, 0, 0);
        pa.freePagesPfn(p, 0, 0);
        int count = pa.zone(ZoneType.DMA).pcp(0).count();
        assertThat(BuddyChecks.pcpWithinHigh(pa, false)).isEmpty();
        PageStateEdits.pcpListLength(pa, ZoneType.DMA, 0, 0, pa.zone(ZoneType.DMA).pcp(0).listLength(0) + 1);
        assertThat(BuddyChecks.pcpWithinHigh(pa, false)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-BUDDY-06");
            assertThat(v.details()).isEqualTo("zone DMA cpu 0: count " + count + ", listed " + (count + 1));
        });
        PageStateEdits.pcpListLength(pa, ZoneType.DMA, 0, 0, pa.zone(ZoneType.DMA).pcp(0).listLength(0) - 1);
        PageStateEdits.pcpListPages(pa, ZoneType.DMA, count + 1);
        assertThat(BuddyChecks.pcpWithinHigh(pa, false)).singleElement().satisfies(v ->
                assertThat(v.details()).isEqualTo("zone DMA: counts " + count + ", pages listed " + (count + 1)));
        PageStateEdits.pcpListPages(pa, ZoneType.DMA, count);
        // a free that left count at high (count itself here) and added to it: not drained
        PageStateEdits.pcpLastFree(pa, ZoneType.DMA, 0, count, true, count - 1);
        assertThat(BuddyChecks.pcpWithinHigh(pa, false)).singleElement().satisfies(v -> {
            assertThat(v.reason()).isEqualTo("pcp not drained at high");
            assertThat(v.details()).isEqualTo("zone DMA cpu 0: count " + (count - 1) + " -> " + count + " after a free, high " + count);
        });
        // below high, a free that did not add (it drained what it added), or no free last: no violation
        PageStateEdits.pcpLastFree(pa, ZoneType.DMA, 0, count + 1, true, count - 1);
        assertThat(BuddyChecks.pcpWithinHigh(pa, false)).isEmpty();
        PageStateEdits.pcpLastFree(pa, ZoneType.DMA, 0, count, true, count);
        assertThat(BuddyChecks.pcpWithinHigh(pa, false)).isEmpty();
        PageStateEdits.pcpLastFree(pa, ZoneType.DMA, 0, count, false, count - 1);
        assertThat(BuddyChecks.pcpWithinHigh(pa, false)).isEmpty();
    }

    /** A zone of 10000 pages managing {@code managed}, high watermark {@code high}. */
    private void zone(long managed, long high) {
        PageStateEdits.config(pa, ZoneType.DMA, new ZoneConfig(ZoneType.DMA, RAM, 10000, 10000, managed, 16, 20, high,
                new long[] {0, 0, 8, 8}, 30, 7));
    }

    private List<String> boost(long boost) {
        PageStateEdits.watermarkBoost(pa, ZoneType.DMA, boost);
        return reasons(BuddyChecks.boostBounded(pa));
    }

    /**
     * watermark_boost: never below 0; 0 in a zone managing fewer than four pageblocks (4 x 2048 =
     * 8192 pages, ab70cdb0d416); at most max(pageblock_nr_pages 2048, high x 15000 / 10000).
     */
    @Test
    void theBoostIsBoundedByTheZoneAndItsCap() {
        zone(8192, 1000);
        assertThat(boost(0)).isEmpty();
        assertThat(boost(-1)).containsExactly("negative watermark boost");
        // high 1000: 1000 x 1.5 = 1500, below a pageblock: the cap is 2048
        assertThat(boost(2048)).isEmpty();
        assertThat(BuddyChecks.boostBounded(pa)).isEmpty();
        PageStateEdits.watermarkBoost(pa, ZoneType.DMA, 2049);
        assertThat(BuddyChecks.boostBounded(pa)).singleElement().satisfies(v -> {
            assertThat(v.reason()).isEqualTo("watermark boost above its cap");
            assertThat(v.details()).isEqualTo("zone DMA: boost 2049 > max(2048, high 1000 x 15000 / 10000 = 1500)");
        });
        // high 2000: 3000
        zone(8192, 2000);
        assertThat(boost(3000)).isEmpty();
        assertThat(boost(3001)).containsExactly("watermark boost above its cap");
        zone(8191, 2000);
        assertThat(boost(1)).containsExactly("small zone boosted");
        assertThat(boost(0)).isEmpty();
        zone(8192, 0);
        assertThat(boost(1)).containsExactly("zone boosted without a high watermark or factor");
    }

    /** A factor written later (0 here) does not take back a cap of an earlier one: the largest bounds. */
    @Test
    void theLargestCapSinceBootBoundsTheBoost() {
        zone(8192, 2000);
        PageStateEdits.boostFactorSinceBoot(pa, 0);
        PageStateEdits.boostFactorSinceBoot(pa, 20000);
        // 2000 x 2 = 4000 with 20000
        assertThat(boost(4000)).isEmpty();
        PageStateEdits.watermarkBoost(pa, ZoneType.DMA, 4001);
        assertThat(BuddyChecks.boostBounded(pa)).singleElement().satisfies(v ->
                assertThat(v.details()).isEqualTo("zone DMA: boost 4001 > max(2048, high 2000 x 20000 / 10000 = 4000)"));
    }

    /**
     * Two factors with the same cap (high 1: 1 x 15000 / 10000 and 1 x 19999 / 10000 are both 1): the
     * report names the first; and a larger factor whose product wraps (286332 x 10000 x 15000 / 10000
     * in 32 bits: 12704) does not lower the cap of a smaller one (10000: 2863320000).
     */
    @Test
    void theCapIsTheLargestAndNamesItsFactor() {
        zone(8192, 1);
        PageStateEdits.boostFactorSinceBoot(pa, 19999);
        PageStateEdits.watermarkBoost(pa, ZoneType.DMA, 2049);
        assertThat(BuddyChecks.boostBounded(pa)).singleElement().satisfies(v ->
                assertThat(v.details()).isEqualTo("zone DMA: boost 2049 > max(2048, high 1 x 15000 / 10000 = 1)"));
        zone(8192, 286332L * 10000);
        PageStateEdits.boostFactorSinceBoot(pa, 10000);
        assertThat(boost(20000)).isEmpty();
        zone(8191, 2000);
        PageStateEdits.watermarkBoost(pa, ZoneType.DMA, 1);
        assertThat(BuddyChecks.boostBounded(pa)).singleElement().satisfies(v ->
                assertThat(v.details()).isEqualTo("zone DMA: boost 1 with 8191 managed pages, fewer than four pageblocks (8192)"));
    }

    /**
     * mult_frac(high, factor, 10000) in a 32-bit unsigned long: (high / 10000) x factor wrapped,
     * plus ((high % 10000) x factor wrapped) / 10000, wrapped.
     */
    @Test
    void theCapIsMultFracIn32Bits() {
        // 123456: 12 x 15000 = 180000, 3456 x 15000 / 10000 = 5184
        assertThat(BuddyChecks.boostCap(123456, 15000)).isEqualTo(185184);
        // 286332 x 15000 = 4294980000, 2^32 = 4294967296: wraps to 12704
        assertThat(BuddyChecks.boostCap(286332L * 10000, 15000)).isEqualTo(12704);
        // 9999 x 500000 = 4999500000 wraps to 704532704, / 10000 = 70453; whole 0
        assertThat(BuddyChecks.boostCap(9999, 500000)).isEqualTo(70453);
        // whole 429496 x 10000 = 4294960000 and part 9999 x 10000 / 10000 = 9999: 4294969999 wraps to 2703
        assertThat(BuddyChecks.boostCap(4294969999L, 10000)).isEqualTo(2703);
    }

    /**
     * stat_threshold: 0 before the first kernel call, then calculate_normal_threshold of the
     * managed pages at boot's end: 2 x fls(1 CPU) x (1 + fls(1984 >> 15 = 0)) = 2 for DMA, and the same
     * for HighMem; ZONE_NORMAL, which presents no page, stays at 0.
     */
    @Test
    void theVmstatThresholdIsTheKernelsFormula() {
        // boot not over: every threshold 0
        pa.setHandedOver(false);
        assertThat(pa.zone(ZoneType.DMA).vmstat().threshold()).isZero();
        assertThat(BuddyChecks.vmstatLagBounded(pa)).isEmpty();
        PageStateEdits.statThreshold(pa, ZoneType.DMA, 1984);
        assertThat(reasons(BuddyChecks.vmstatLagBounded(pa))).containsExactly("stat_threshold wrong");
        pa.setHandedOver(true);
        assertThat(pa.zone(ZoneType.DMA).vmstat().threshold()).isEqualTo(2);
        assertThat(pa.zone(ZoneType.NORMAL).vmstat().threshold()).isZero();
        assertThat(BuddyChecks.vmstatLagBounded(pa)).isEmpty();
        // as if it managed 2^20 pages: 2 x 1 x (1 + fls(32) = 6) = 14
        PageStateEdits.statThreshold(pa, ZoneType.DMA, 1L << 20);
        assertThat(BuddyChecks.vmstatLagBounded(pa)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-BUDDY-08");
            assertThat(v.details()).isEqualTo("zone DMA: stat_threshold 14, calculate_normal_threshold 2");
        });
        PageStateEdits.statThreshold(pa, ZoneType.NORMAL, 1984);
        assertThat(reasons(BuddyChecks.vmstatLagBounded(pa))).containsExactly("stat_threshold wrong", "stat_threshold wrong");
    }

    /**
     * A change of 1 to CPU 0's difference alone (within the threshold of 2, so not folded): the
     * counters sum to one more than the pages listed.
     */
    @Test
    void theCountersSumToTheExactCount() {
        PageStateEdits.modVmstat(pa, ZoneType.HIGHMEM, 0, ZoneVmstat.NR_FREE_PAGES, 1);
        assertThat(BuddyChecks.vmstatLagBounded(pa)).singleElement().satisfies(v -> {
            assertThat(v.reason()).isEqualTo("vmstat counter lost a change");
            assertThat(v.details()).isEqualTo("zone HighMem NR_FREE_PAGES: vm_stat 2048 + per-CPU diffs = 2049, exact 2048"
                    + " (lag 0, bound 2 x 1 CPUs)");
        });
        PageStateEdits.modVmstat(pa, ZoneType.HIGHMEM, 0, ZoneVmstat.NR_FREE_PAGES, -1);
        PageStateEdits.modVmstat(pa, ZoneType.HIGHMEM, 0, ZoneVmstat.NR_FREE_CMA_PAGES, 1);
        assertThat(reasons(BuddyChecks.vmstatLagBounded(pa))).containsExactly("vmstat counter lost a change");
    }

    /**
     * Two CPUs, each with a difference of 10 (one +10, one -10, so the sum is exact) kept under a
     * threshold raised for the purpose, then the threshold put back to the formula's 4 (2 x fls(2) x 1):
     * each difference is above it.
     */
    @Test
    void noCpuDifferenceExceedsTheThreshold() {
        PageAllocator two = BuddyFullScanStatesTest.twoZones(2, 2048);
        two.setHandedOver(true);
        assertThat(two.zone(ZoneType.DMA).vmstat().threshold()).isEqualTo(4);
        PageStateEdits.statThreshold(two, ZoneType.DMA, 1L << 20);
        PageStateEdits.modVmstat(two, ZoneType.DMA, 0, ZoneVmstat.NR_FREE_PAGES, 4);
        PageStateEdits.modVmstat(two, ZoneType.DMA, 1, ZoneVmstat.NR_FREE_PAGES, -4);
        PageStateEdits.statThreshold(two, ZoneType.DMA, 1984);
        assertThat(BuddyChecks.vmstatLagBounded(two)).isEmpty();
        PageStateEdits.statThreshold(two, ZoneType.DMA, 1L << 20);
        PageStateEdits.modVmstat(two, ZoneType.DMA, 0, ZoneVmstat.NR_FREE_PAGES, 1);
        PageStateEdits.modVmstat(two, ZoneType.DMA, 1, ZoneVmstat.NR_FREE_PAGES, -1);
        PageStateEdits.statThreshold(two, ZoneType.DMA, 1984);
        assertThat(BuddyChecks.vmstatLagBounded(two)).extracting(Violation::details).containsExactly(
                "zone DMA NR_FREE_PAGES: cpu 0 vm_stat_diff 5, stat_threshold 4",
                "zone DMA NR_FREE_PAGES: cpu 1 vm_stat_diff -5, stat_threshold 4");
    }

    /** INV-PAGE-01: an allocation's head holds a reference (a leaked one need not); a free or per-CPU page none. */
    @Test
    void referenceCountsFollowThePagesState() {
        long p = pa.allocPagesPfn(Gfp.GFP_KERNEL, 2, 0);
        PageStateEdits.refcount(pa, p, 0);
        assertThat(BuddyChecks.refcounts(pa, true)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-PAGE-01");
            assertThat(v.details()).isEqualTo(String.format("pfn:%05x refcount 0", p));
        });
        PageStateEdits.bit(pa, p, Bit.LEAKED, true);
        assertThat(BuddyChecks.refcounts(pa, true)).isEmpty();
        long q = pa.allocPagesPfn(Gfp.GFP_KERNEL, 0, 0);
        pa.freePagesPfn(q, 0, 0);
        assertThat(pa.isOnPcp(q)).isTrue();
        PageStateEdits.refcount(pa, q, 1);
        assertThat(reasons(BuddyChecks.refcounts(pa, true))).containsExactly("nonzero _refcount");
        PageStateEdits.refcount(pa, q, -1);
        assertThat(BuddyChecks.refcounts(pa, true)).isEmpty();
        pa.setDebugVm(true);
        assertThat(reasons(BuddyChecks.refcounts(pa, true))).containsExactly("nonzero _refcount");
        pa.setDebugVm(false);
        PageStateEdits.refcount(pa, q, 0);
        PageStateEdits.refcount(pa, 0x40800, 1);
        assertThat(reasons(BuddyChecks.refcounts(pa, true))).containsExactly("nonzero _refcount");
    }

    /** A full scan reports at most 20 violations: 25 allocated pages without a reference give 20. */
    @Test
    void aFullScanStopsAt20Reports() {
        for (int i = 0; i < 25; i++) {
            long p = pa.allocPagesPfn(Gfp.GFP_KERNEL, 0, 0);
            PageStateEdits.refcount(pa, p, 0);
        }
        assertThat(BuddyChecks.refcounts(pa, true)).hasSize(20);
    }

    /** INV-PAGE-02: one state per frame; no page of a live allocation in another state; per-CPU list heads free. */
    @Test
    void eachFrameIsInOneState() {
        long p = pa.allocPagesPfn(Gfp.GFP_KERNEL, 2, 0);
        assertThat(BuddyChecks.exclusiveState(pa, true)).isEmpty();
        PageStateEdits.bit(pa, p, Bit.BUDDY, true);
        assertThat(BuddyChecks.exclusiveState(pa, true)).singleElement().satisfies(v -> {
            assertThat(v.reason()).isEqualTo("page both free and in use");
            assertThat(v.details()).isEqualTo(String.format("pfn:%05x buddy true pcp false allocated true reserved false", p));
        });
        PageStateEdits.bit(pa, p, Bit.BUDDY, false);
        for (Bit b : new Bit[] {Bit.PCP, Bit.RESERVED}) {
            PageStateEdits.bit(pa, p, b, true);
            assertThat(reasons(BuddyChecks.exclusiveState(pa, true))).as("%s", b).containsExactly("page both free and in use");
            PageStateEdits.bit(pa, p, b, false);
        }
        // a reserved frame on a per-CPU list, not allocated
        PageStateEdits.bit(pa, RAM, Bit.PCP, true);
        assertThat(reasons(BuddyChecks.exclusiveState(pa, true))).containsExactly("page both free and in use");
        PageStateEdits.bit(pa, RAM, Bit.PCP, false);
        for (Bit b : new Bit[] {Bit.BUDDY, Bit.PCP, Bit.ALLOC, Bit.RESERVED}) {
            PageStateEdits.bit(pa, p + 3, b, true);
            assertThat(reasons(BuddyChecks.exclusiveState(pa, true))).as("%s", b).containsExactly("allocations overlap");
            PageStateEdits.bit(pa, p + 3, b, false);
        }
        // the frame after the block is not the block's
        PageStateEdits.bit(pa, p + 4, Bit.RESERVED, true);
        assertThat(reasons(BuddyChecks.exclusiveState(pa, true))).doesNotContain("allocations overlap");
        PageStateEdits.bit(pa, p + 4, Bit.RESERVED, false);
    }

    /** An order-1 allocation on mem_map's last frame: its second page would lie outside mem_map, and is not looked at. */
    @Test
    void anAllocationAtTheEndOfMemMapIsReadUpToItsEnd() {
        PageStateEdits.bit(pa, 0x40fff, Bit.ALLOC, true);
        PageStateEdits.order(pa, 0x40fff, 1);
        assertThat(BuddyChecks.exclusiveState(pa, true)).isEmpty();
    }

    @Test
    void aPerCpuListsHeadIsAFreePage() {
        long q = pa.allocPagesPfn(Gfp.GFP_KERNEL, 0, 0);
        pa.freePagesPfn(q, 0, 0);
        assertThat(BuddyChecks.exclusiveState(pa, true)).isEmpty();
        // the first page of CPU 0's order-0 Unmovable list (pindex 0)
        long p = pa.pcpListHead(ZoneType.DMA, 0, 0);
        PageStateEdits.bit(pa, p, Bit.PCP, false);
        assertThat(BuddyChecks.exclusiveState(pa, true)).singleElement().satisfies(v -> {
            assertThat(v.reason()).isEqualTo("allocated page still on a per-CPU list");
            assertThat(v.details()).startsWith("zone DMA cpu 0 list 0 head ");
        });
        PageStateEdits.bit(pa, p, Bit.PCP, true);
        PageStateEdits.bit(pa, p, Bit.ALLOC, true);
        assertThat(reasons(BuddyChecks.exclusiveState(pa, true))).containsExactly("page both free and in use",
                "allocated page still on a per-CPU list");
    }

    // ------------------------------------------------------------------ INV-GFP-*

    private static final int ALLOC_WMARK_LOW = 0x01;
    private static final int ALLOC_WMARK_HIGH = 0x02;
    private static final int ALLOC_NO_WATERMARKS = 0x04;
    private static final int ALLOC_OOM = 0x08;
    private static final int ALLOC_NON_BLOCK = 0x10;
    private static final int ALLOC_MIN_RESERVE = 0x20;
    private static final int ALLOC_CMA = 0x80;
    private static final int HIGHMEM = ZoneType.HIGHMEM.ordinal();
    private static final int DMA = ZoneType.DMA.ordinal();

    /** An allocation the allocator made, then its trace rewritten: {@code gfp} order {@code order} served at {@code pfn}. */
    private void traced(long gfp, int order, long pfn, int flags) {
        pa.allocPagesPfn(Gfp.GFP_KERNEL, 0, 0);
        int zone = PageCall.zoneOfPfn(pa, pfn);
        PageStateEdits.lastAlloc(pa, gfp, order, GfpRules.highestZone(gfp), pfn, zone, flags);
    }

    private static ZoneSnapshot snapshot(long statFree, long statCma, long highatomic, boolean pcp, int maxOrder, int maxCma,
                                         long boost) {
        return new ZoneSnapshot(statFree, statCma, statFree, statCma, highatomic, pcp, maxOrder, maxCma, boost);
    }

    @Test
    void anAllocationComesFromAZoneItsMaskAllows() {
        traced(Gfp.GFP_KERNEL, 0, 0x40900, 0);
        assertThat(BuddyChecks.zoneAllowed(pa)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-GFP-01");
            assertThat(v.details()).isEqualTo("pfn:40900 in zone HighMem for " + Gfp.format(Gfp.GFP_KERNEL));
        });
        traced(Gfp.GFP_HIGHUSER, 0, 0x40900, 0);
        assertThat(BuddyChecks.zoneAllowed(pa)).isEmpty();
        traced(Gfp.GFP_KERNEL, 0, 0x40500, 0);
        assertThat(BuddyChecks.zoneAllowed(pa)).isEmpty();
        // GFP_DMA: gfp_zone DMA (index 0) allows DMA, not HighMem
        traced(Gfp.GFP_DMA | Gfp.GFP_KERNEL, 0, 0x40500, 0);
        assertThat(BuddyChecks.zoneAllowed(pa)).isEmpty();
        traced(Gfp.GFP_DMA | Gfp.GFP_KERNEL, 0, 0x40900, 0);
        assertThat(reasons(BuddyChecks.zoneAllowed(pa))).containsExactly("page from a zone the GFP mask does not allow");
        // GFP_ZONE_BAD: __GFP_DMA with __GFP_HIGHMEM allows no zone
        traced(Gfp.GFP_KERNEL | Gfp.DMA | Gfp.HIGHMEM, 0, 0x40500, 0);
        assertThat(BuddyChecks.zoneAllowed(pa)).singleElement().satisfies(v -> assertThat(v.details())
                .isEqualTo("pfn:40500 in zone DMA for " + Gfp.format(Gfp.GFP_KERNEL | Gfp.DMA | Gfp.HIGHMEM)));
        // a NULL has no zone
        traced(Gfp.GFP_KERNEL, 0, -1, 0);
        assertThat(BuddyChecks.zoneAllowed(pa)).isEmpty();
        assertThat(BuddyChecks.zonelistOrder(pa)).isEmpty();
        assertThat(BuddyChecks.watermarkKept(pa)).isEmpty();
    }

    /** A page in no zone's span (a hole between DMA [0x40000, 0x40800) and HighMem [0x40c00, 0x41000)) suits no mask. */
    @Test
    void aPageInNoZoneSuitsNoMask() {
        PageAllocator holed = BuddyFullScanStatesTest.holed();
        holed.allocPagesPfn(Gfp.GFP_HIGHUSER, 0, 0);
        PageStateEdits.lastAlloc(holed, Gfp.GFP_HIGHUSER, 0, HIGHMEM, 0x40900, -1, 0);
        assertThat(BuddyChecks.zoneAllowed(holed)).singleElement().satisfies(v ->
                assertThat(v.details()).isEqualTo("pfn:40900 in zone none for " + Gfp.format(Gfp.GFP_HIGHUSER)));
    }

    /** GFP_HIGHUSER served from DMA while HighMem, first in its zonelist, had {@code s} before the call. */
    private List<String> passedOver(int flags, int order, ZoneSnapshot s) {
        traced(Gfp.GFP_HIGHUSER, order, 0x40500, flags);
        PageStateEdits.lastAllocZone(pa, HIGHMEM, s);
        return reasons(BuddyChecks.zonelistOrder(pa));
    }

    private static final String NOT_IN_ORDER = "zonelist not walked in order";

    /**
     * HighMem (min 16, low 20, high 24, no protection) could have served when its free count less
     * 2^order - 1 and the unusable pages was above the pass's mark and it had a block: each bound
     * on both sides (mm/page_alloc.c {@code __zone_watermark_ok}).
     */
    @Test
    void aZoneBeforeTheOneUsedCouldNotServe() {
        assertThat(passedOver(0, 0, snapshot(17, 0, 0, false, 0, -1, 0))).containsExactly(NOT_IN_ORDER);
        assertThat(passedOver(0, 0, snapshot(16, 0, 0, false, 0, -1, 0))).isEmpty();
        assertThat(passedOver(ALLOC_WMARK_LOW, 0, snapshot(21, 0, 0, false, 0, -1, 0))).containsExactly(NOT_IN_ORDER);
        assertThat(passedOver(ALLOC_WMARK_LOW, 0, snapshot(20, 0, 0, false, 0, -1, 0))).isEmpty();
        assertThat(passedOver(ALLOC_WMARK_HIGH, 0, snapshot(25, 0, 0, false, 0, -1, 0))).containsExactly(NOT_IN_ORDER);
        assertThat(passedOver(ALLOC_WMARK_HIGH, 0, snapshot(24, 0, 0, false, 0, -1, 0))).isEmpty();
        // order 2: 2^2 - 1 = 3 out
        assertThat(passedOver(0, 2, snapshot(20, 0, 0, false, 2, -1, 0))).containsExactly(NOT_IN_ORDER);
        assertThat(passedOver(0, 2, snapshot(19, 0, 0, false, 2, -1, 0))).isEmpty();
        // a boost of 10 raises min to 26
        assertThat(passedOver(0, 0, snapshot(27, 0, 0, false, 0, -1, 10))).containsExactly(NOT_IN_ORDER);
        assertThat(passedOver(0, 0, snapshot(26, 0, 0, false, 0, -1, 10))).isEmpty();
        // the high-atomic reserve is unusable without ALLOC_RESERVES: 22 - 5 = 17 serves, 21 - 5 does not; ALLOC_OOM counts it
        assertThat(passedOver(0, 0, snapshot(22, 0, 5, false, 0, -1, 0))).containsExactly(NOT_IN_ORDER);
        assertThat(passedOver(0, 0, snapshot(21, 0, 5, false, 0, -1, 0))).isEmpty();
        assertThat(passedOver(ALLOC_OOM, 0, snapshot(17, 0, 5, false, 0, -1, 0))).containsExactly(NOT_IN_ORDER);
        // free CMA pages are unusable without ALLOC_CMA
        assertThat(passedOver(0, 0, snapshot(21, 5, 0, false, 0, -1, 0))).isEmpty();
        assertThat(passedOver(0, 0, snapshot(22, 5, 0, false, 0, -1, 0))).containsExactly(NOT_IN_ORDER);
        assertThat(passedOver(ALLOC_CMA, 0, snapshot(17, 5, 0, false, 0, -1, 0))).containsExactly(NOT_IN_ORDER);
        // ALLOC_MIN_RESERVE: 16 - 8 = 8; with ALLOC_NON_BLOCK too: 8 - 2 = 6
        assertThat(passedOver(ALLOC_MIN_RESERVE, 0, snapshot(9, 0, 0, false, 0, -1, 0))).containsExactly(NOT_IN_ORDER);
        assertThat(passedOver(ALLOC_MIN_RESERVE, 0, snapshot(8, 0, 0, false, 0, -1, 0))).isEmpty();
        assertThat(passedOver(ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK, 0, snapshot(7, 0, 0, false, 0, -1, 0))).containsExactly(NOT_IN_ORDER);
        assertThat(passedOver(ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK, 0, snapshot(6, 0, 0, false, 0, -1, 0))).isEmpty();
        assertThat(passedOver(ALLOC_NON_BLOCK, 0, snapshot(16, 0, 0, false, 0, -1, 0))).isEmpty();
    }

    /**
     * GFP_HIGHUSER_MOVABLE (gfp_zone MOVABLE, no ZONE_MOVABLE here) passed over HighMem, whose
     * lowmem_reserve against Movable is set to 8: 16 + 8, so 25 serves and 24 does not.
     */
    @Test
    void theProtectionOfTheZonePassedOverCounts() {
        ZoneConfig h = pa.zone(ZoneType.HIGHMEM).config();
        PageStateEdits.config(pa, ZoneType.HIGHMEM, h.withLowmemReserve(new long[] {0, 0, 0, 8}));
        traced(Gfp.GFP_HIGHUSER_MOVABLE, 0, 0x40500, 0);
        PageStateEdits.lastAllocZone(pa, HIGHMEM, snapshot(25, 0, 0, false, 0, -1, 0));
        assertThat(reasons(BuddyChecks.zonelistOrder(pa))).containsExactly(NOT_IN_ORDER);
        PageStateEdits.lastAllocZone(pa, HIGHMEM, snapshot(24, 0, 0, false, 0, -1, 0));
        assertThat(BuddyChecks.zonelistOrder(pa)).isEmpty();
    }

    /** zone_watermark_fast looks again at plain min for an order-0 __GFP_ATOMIC request at WMARK_MIN: the boost is off. */
    @Test
    void anOrder0AtomicRequestAtMinIgnoresTheBoost() {
        long atomic = Gfp.GFP_ATOMIC | Gfp.HIGHMEM;
        traced(atomic, 0, 0x40500, 0);
        PageStateEdits.lastAllocZone(pa, HIGHMEM, snapshot(17, 0, 0, false, 0, -1, 10));
        assertThat(reasons(BuddyChecks.zonelistOrder(pa))).containsExactly(NOT_IN_ORDER);
        // at WMARK_LOW the boost stays: 20 + 10
        traced(atomic, 0, 0x40500, ALLOC_WMARK_LOW);
        PageStateEdits.lastAllocZone(pa, HIGHMEM, snapshot(30, 0, 0, false, 0, -1, 10));
        assertThat(BuddyChecks.zonelistOrder(pa)).isEmpty();
        // order 1 keeps it too: 18 - 1 is not above 26 (it is above 16)
        traced(atomic, 1, 0x40500, 0);
        PageStateEdits.lastAllocZone(pa, HIGHMEM, snapshot(18, 0, 0, false, 1, -1, 10));
        assertThat(BuddyChecks.zonelistOrder(pa)).isEmpty();
        // and a request without __GFP_ATOMIC
        traced(Gfp.GFP_HIGHUSER, 0, 0x40500, 0);
        PageStateEdits.lastAllocZone(pa, HIGHMEM, snapshot(17, 0, 0, false, 0, -1, 10));
        assertThat(BuddyChecks.zonelistOrder(pa)).isEmpty();
    }

    /** The zone passed over needs a usable block: a free one of the order or above, a CMA one with ALLOC_CMA, this CPU's page. */
    @Test
    void aZonePassedOverHadNoUsableBlock() {
        assertThat(passedOver(0, 2, snapshot(1000, 0, 0, false, 1, -1, 0))).isEmpty();
        assertThat(passedOver(0, 2, snapshot(1000, 0, 0, false, 1, 2, 0))).isEmpty();
        assertThat(passedOver(ALLOC_CMA, 2, snapshot(1000, 0, 0, false, 1, 2, 0))).containsExactly(NOT_IN_ORDER);
        assertThat(passedOver(ALLOC_CMA, 2, snapshot(1000, 0, 0, false, 1, 1, 0))).isEmpty();
        assertThat(passedOver(0, 0, snapshot(1000, 0, 0, true, -1, -1, 0))).containsExactly(NOT_IN_ORDER);
        // ALLOC_NO_WATERMARKS: a block is enough, whatever the count
        assertThat(passedOver(ALLOC_NO_WATERMARKS, 0, snapshot(0, 0, 0, false, 0, -1, 0))).containsExactly(NOT_IN_ORDER);
        assertThat(passedOver(ALLOC_NO_WATERMARKS, 0, snapshot(0, 0, 0, false, -1, -1, 0))).isEmpty();
        // the zone used itself, and zones below it, are not judged
        traced(Gfp.GFP_HIGHUSER, 0, 0x40900, 0);
        PageStateEdits.lastAllocZone(pa, HIGHMEM, snapshot(1000, 0, 0, true, 10, -1, 0));
        PageStateEdits.lastAllocZone(pa, DMA, snapshot(1000, 0, 0, true, 10, -1, 0));
        assertThat(BuddyChecks.zonelistOrder(pa)).isEmpty();
        // a mask gfp_zone BUGs on has no zonelist
        traced(Gfp.GFP_KERNEL | Gfp.DMA | Gfp.HIGHMEM, 0, 0x40500, 0);
        PageStateEdits.lastAllocZone(pa, HIGHMEM, snapshot(1000, 0, 0, true, 10, -1, 0));
        assertThat(BuddyChecks.zonelistOrder(pa)).isEmpty();
    }

    /**
     * After a call whose result carries a Bad page state report (blocks check_new_pages found
     * unfit, leaked), HighMem is judged on the lists it left: its order-11 block still there (it
     * could serve), then taken off (it could not).
     */
    @Test
    void aZonePassedOverAfterABadPageReportIsJudgedOnItsListsNow() {
        traced(Gfp.GFP_HIGHUSER, 0, 0x40500, 0);
        PageStateEdits.lastAllocZone(pa, HIGHMEM, snapshot(1000, 0, 0, false, -1, -1, 0));
        PageCall call = PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_HIGHUSER, 0, 0));
        pa.setStepRecord(call.after(Result.warned(0, "BUG: Bad page state in process swapper/0  pfn:40800")));
        assertThat(reasons(BuddyChecks.zonelistOrder(pa))).containsExactly(NOT_IN_ORDER);
        PageStateEdits.delFree(pa, ZoneType.HIGHMEM, 0x40800);
        assertThat(BuddyChecks.zonelistOrder(pa)).isEmpty();
        // on a CMA list: usable with ALLOC_CMA only; on the Isolate list never
        PageStateEdits.addFree(pa, ZoneType.HIGHMEM, 0x40800, 11, MigrateType.CMA);
        assertThat(BuddyChecks.zonelistOrder(pa)).isEmpty();
        traced(Gfp.GFP_HIGHUSER, 0, 0x40500, ALLOC_CMA);
        PageStateEdits.lastAllocZone(pa, HIGHMEM, snapshot(1000, 0, 0, false, -1, -1, 0));
        assertThat(reasons(BuddyChecks.zonelistOrder(pa))).containsExactly(NOT_IN_ORDER);
        PageStateEdits.delFree(pa, ZoneType.HIGHMEM, 0x40800);
        PageStateEdits.addFree(pa, ZoneType.HIGHMEM, 0x40800, 11, MigrateType.ISOLATE);
        assertThat(BuddyChecks.zonelistOrder(pa)).isEmpty();
        PageStateEdits.delFree(pa, ZoneType.HIGHMEM, 0x40800);
        PageStateEdits.addFree(pa, ZoneType.HIGHMEM, 0x40800, 11, MigrateType.HIGHATOMIC);
        assertThat(BuddyChecks.zonelistOrder(pa)).isEmpty();
        // without the report the snapshot decides (no block in it)
        pa.setStepRecord(call.after(Result.of(0)));
        PageStateEdits.delFree(pa, ZoneType.HIGHMEM, 0x40800);
        PageStateEdits.addFree(pa, ZoneType.HIGHMEM, 0x40800, 11, MigrateType.MOVABLE);
        assertThat(BuddyChecks.zonelistOrder(pa)).isEmpty();
    }

    /**
     * INV-GFP-03: GFP_HIGHUSER served from DMA (protection lowmem_reserve[HighMem] 8) without
     * reserves: zone_page_state - unusable - 2^order at least min 16 + 8.
     */
    @Test
    void anAllocationWithoutReservesKeepsMinAndProtection() {
        traced(Gfp.GFP_HIGHUSER, 0, 0x40500, 0);
        PageStateEdits.lastAllocZone(pa, DMA, snapshot(25, 0, 0, false, 0, -1, 0));
        assertThat(BuddyChecks.watermarkKept(pa)).isEmpty();
        PageStateEdits.lastAllocZone(pa, DMA, snapshot(24, 0, 0, false, 0, -1, 0));
        assertThat(BuddyChecks.watermarkKept(pa)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-GFP-03");
            assertThat(v.details()).isEqualTo("zone DMA: zone_page_state(NR_FREE_PAGES) 24 - unusable 0 - 1 < min 16 + protection 8 for "
                    + Gfp.format(Gfp.GFP_HIGHUSER) + " order 0");
        });
        // order 2: 4 pages
        traced(Gfp.GFP_HIGHUSER, 2, 0x40500, 0);
        PageStateEdits.lastAllocZone(pa, DMA, snapshot(28, 0, 0, false, 2, -1, 0));
        assertThat(BuddyChecks.watermarkKept(pa)).isEmpty();
        PageStateEdits.lastAllocZone(pa, DMA, snapshot(27, 0, 0, false, 2, -1, 0));
        assertThat(BuddyChecks.watermarkKept(pa)).singleElement().satisfies(v -> assertThat(v.details())
                .isEqualTo("zone DMA: zone_page_state(NR_FREE_PAGES) 27 - unusable 0 - 4 < min 16 + protection 8 for "
                        + Gfp.format(Gfp.GFP_HIGHUSER) + " order 2"));
        // the high-atomic pages always unusable; CMA unless Movable
        traced(Gfp.GFP_HIGHUSER, 0, 0x40500, 0);
        PageStateEdits.lastAllocZone(pa, DMA, snapshot(30, 0, 6, false, 0, -1, 0));
        assertThat(reasons(BuddyChecks.watermarkKept(pa))).containsExactly("zone below its min watermark");
        PageStateEdits.lastAllocZone(pa, DMA, snapshot(30, 6, 0, false, 0, -1, 0));
        assertThat(reasons(BuddyChecks.watermarkKept(pa))).containsExactly("zone below its min watermark");
        traced(Gfp.GFP_HIGHUSER_MOVABLE, 0, 0x40500, 0);
        PageStateEdits.lastAllocZone(pa, DMA, snapshot(30, 6, 0, false, 0, -1, 0));
        assertThat(BuddyChecks.watermarkKept(pa)).isEmpty();
        // a pass with reserves, or a mask gfp_zone BUGs on: not judged
        traced(Gfp.GFP_HIGHUSER, 0, 0x40500, ALLOC_MIN_RESERVE);
        PageStateEdits.lastAllocZone(pa, DMA, snapshot(0, 0, 0, false, 0, -1, 0));
        assertThat(BuddyChecks.watermarkKept(pa)).isEmpty();
        traced(Gfp.GFP_HIGHUSER, 0, 0x40500, ALLOC_NO_WATERMARKS);
        PageStateEdits.lastAllocZone(pa, DMA, snapshot(0, 0, 0, false, 0, -1, 0));
        assertThat(BuddyChecks.watermarkKept(pa)).isEmpty();
        traced(Gfp.GFP_KERNEL | Gfp.DMA | Gfp.HIGHMEM, 0, 0x40500, 0);
        PageStateEdits.lastAllocZone(pa, DMA, snapshot(0, 0, 0, false, 0, -1, 0));
        assertThat(BuddyChecks.watermarkKept(pa)).isEmpty();
    }
}
