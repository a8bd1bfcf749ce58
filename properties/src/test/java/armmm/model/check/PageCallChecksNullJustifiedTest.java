package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.page.MigrateType;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageOp;
import armmm.model.page.PageStateEdits;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * INV-CALL-02 ({@link PageCallChecks#nullJustified}) on hand-set states before a NULL: ZONE_DMA
 * of the 24 MiB virt board as the call found it, with min 100 and {@code lowmem_reserve} 10
 * against every higher zone, and the free count, CMA and high-atomic pages, boost, lists and
 * per-CPU page set by each test. A NULL is justified exactly when {@code __zone_watermark_ok}
 * (mm/page_alloc.c: free - (2^order - 1) - unusable > min' + lowmem_reserve[gfp_zone], min'
 * halved for ALLOC_MIN_RESERVE and a further quarter off for ALLOC_NON_BLOCK;
 * {@code __zone_watermark_unusable_free}: the high-atomic reserve unless ALLOC_RESERVES, the free
 * CMA pages unless ALLOC_CMA; {@code wmark_pages} adds the boost, which {@code zone_watermark_fast}
 * drops for an order-0 __GFP_ATOMIC request) fails or no list the pass may take from holds a block
 * of the order or above ({@code rmqueue_pcplist}, {@code __rmqueue_smallest},
 * {@code __rmqueue_fallback}, the high-atomic reserve in {@code rmqueue_buddy}). Each boundary is
 * tested on both sides: the "could serve" side is the violation.
 */
class PageCallChecksNullJustifiedTest {
    private static final int DMA = ZoneType.DMA.ordinal();
    private static final String SERVED = "NULL while a zone could serve";
    private final Kernel k = Kernel.boot(Board.virt(24L << 20));
    private final PageAllocator pa = k.pages();
    private final ZoneConfig config = pa.zone(ZoneType.DMA).config().withWatermarks(100, 125, 150)
            .withLowmemReserve(new long[] {0, 10, 10, 10});

    PageCallChecksNullJustifiedTest() {
        // 24 MiB is below pageblock_nr_pages x MIGRATE_TYPES (2048 x 6 pages), so build_all_zonelists
        // disables grouping by mobility; these tests want the Movable type and CMA, so grouping is on
        pa.setMobilityGroupingDisabled(false);
    }

    private static int bit(MigrateType... mts) {
        int b = 0;
        for (MigrateType mt : mts) {
            b |= 1 << mt.ordinal();
        }
        return b;
    }

    /** A state before: statFree, CMA, high-atomic, boost; the lists of {@code listOrder} holding {@code lists}. */
    private List<String> nullAfter(long gfp, int order, long statFree, long cma, long highatomic, long boost, int listOrder,
                                   int lists, boolean pcpHasPage) {
        PageCall c = PageCall.before(pa, new PageOp.AllocPages(gfp, order, 0));
        int[] nonEmpty = new int[PageAllocator.MAX_ORDER];
        if (listOrder >= 0) {
            nonEmpty[listOrder] = lists;
        }
        c.zones[DMA] = new PageCall.ZoneBefore(config, statFree, cma, statFree, cma, highatomic, 0, nonEmpty, pcpHasPage, boost);
        return PageCallChecks.nullJustified(pa, c.after(Result.of(0))).stream().map(Violation::reason).toList();
    }

    private List<String> nullAfter(long gfp, int order, long statFree) {
        return nullAfter(gfp, order, statFree, 0, 0, 0, order, bit(MigrateType.UNMOVABLE, MigrateType.MOVABLE), false);
    }

    /** GFP_KERNEL order 0: free > min 100 + protection 10 (gfp_zone NORMAL's), so 111 serves and 110 does not. */
    @Test
    void theMinWatermarkAndProtectionBoundTheFreeCount() {
        assertThat(nullAfter(Gfp.GFP_KERNEL, 0, 111)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_KERNEL, 0, 110)).isEmpty();
        // GFP_DMA: gfp_zone DMA, protection lowmem_reserve[DMA] 0: 101 serves, 100 does not
        assertThat(nullAfter(Gfp.GFP_DMA | Gfp.GFP_KERNEL, 0, 101)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_DMA | Gfp.GFP_KERNEL, 0, 100)).isEmpty();
        // order 2 counts 2^2 - 1 = 3 pages out: 114 - 3 = 111 serves, 113 does not
        assertThat(nullAfter(Gfp.GFP_KERNEL, 2, 114)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_KERNEL, 2, 113)).isEmpty();
    }

    /** The details name the zone, its count, min and protection, and the request. */
    @Test
    void theViolationSaysWhichZoneCouldServe() {
        PageCall c = PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0));
        int[] nonEmpty = new int[PageAllocator.MAX_ORDER];
        nonEmpty[0] = bit(MigrateType.UNMOVABLE);
        c.zones[DMA] = new PageCall.ZoneBefore(config, 111, 0, 111, 0, 0, 0, nonEmpty, false, 0);
        assertThat(PageCallChecks.nullJustified(pa, c.after(Result.of(0)))).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-CALL-02");
            assertThat(v.details()).isEqualTo("zone DMA had zone_page_state(NR_FREE_PAGES) 111 (min 100, protection 10) and a"
                    + " free block of order 0 or more for " + Gfp.format(Gfp.GFP_KERNEL) + " order 0, yet the allocation returned NULL");
        });
    }

    /** nr_reserved_highatomic is unusable without ALLOC_RESERVES; free CMA pages without ALLOC_CMA (not Movable). */
    @Test
    void highAtomicAndCmaPagesCountOnlyForPassesThatMayUseThem() {
        int lists = bit(MigrateType.UNMOVABLE, MigrateType.MOVABLE);
        // GFP_KERNEL: 116 - 5 high-atomic = 111 serves; 115 - 5 = 110 does not
        assertThat(nullAfter(Gfp.GFP_KERNEL, 0, 116, 0, 5, 0, 0, lists, false)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_KERNEL, 0, 115, 0, 5, 0, 0, lists, false)).isEmpty();
        // GFP_ATOMIC (ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK): min 100 - 50 = 50, - 50/4 = 38; + 10 = 48;
        // the high-atomic pages count: 49 serves with 5 of them, 48 does not
        assertThat(nullAfter(Gfp.GFP_ATOMIC, 0, 49, 0, 5, 0, 0, lists, false)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_ATOMIC, 0, 48, 0, 5, 0, 0, lists, false)).isEmpty();
        // GFP_KERNEL: 116 - 5 CMA = 111 serves; 115 - 5 does not
        assertThat(nullAfter(Gfp.GFP_KERNEL, 0, 116, 5, 0, 0, 0, lists, false)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_KERNEL, 0, 115, 5, 0, 0, 0, lists, false)).isEmpty();
        // Movable (gfp_zone MOVABLE, protection 10): CMA counts, 111 serves with 5 of it, 110 does not
        assertThat(nullAfter(Gfp.GFP_HIGHUSER_MOVABLE, 0, 111, 5, 0, 0, 0, lists, false)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_HIGHUSER_MOVABLE, 0, 110, 5, 0, 0, 0, lists, false)).isEmpty();
        // with grouping by mobility disabled every request is Unmovable: no ALLOC_CMA, so 111 - 5 does not serve
        pa.setMobilityGroupingDisabled(true);
        assertThat(nullAfter(Gfp.GFP_HIGHUSER_MOVABLE, 0, 111, 5, 0, 0, 0, lists, false)).isEmpty();
        assertThat(nullAfter(Gfp.GFP_HIGHUSER_MOVABLE, 1, 1000, 0, 0, 0, 1, bit(MigrateType.CMA), false)).isEmpty();
    }

    /**
     * A boost of 20 raises the mark to 120 (+ 10: 131 serves, 130 does not), except for an order-0
     * __GFP_ATOMIC request, which zone_watermark_fast checks again at plain min (48 as above).
     */
    @Test
    void theBoostRaisesTheMarkExceptForAnOrder0AtomicRequest() {
        int lists = bit(MigrateType.UNMOVABLE);
        assertThat(nullAfter(Gfp.GFP_KERNEL, 0, 131, 0, 0, 20, 0, lists, false)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_KERNEL, 0, 130, 0, 0, 20, 0, lists, false)).isEmpty();
        assertThat(nullAfter(Gfp.GFP_ATOMIC, 0, 49, 0, 0, 20, 0, lists, false)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_ATOMIC, 0, 48, 0, 0, 20, 0, lists, false)).isEmpty();
        // order 1 GFP_ATOMIC keeps the boost: 120 - 60 = 60, - 15 = 45; + 10 = 55; free - 1 > 55: 57 serves, 56 does not
        assertThat(nullAfter(Gfp.GFP_ATOMIC, 1, 57, 0, 0, 20, 1, lists, false)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_ATOMIC, 1, 56, 0, 0, 20, 1, lists, false)).isEmpty();
        // GFP_NOWAIT (non-blocking, no __GFP_HIGH): no lowered min, the boost kept: 131 serves, 130 does not
        assertThat(nullAfter(Gfp.GFP_NOWAIT, 0, 131, 0, 0, 20, 0, lists, false)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_NOWAIT, 0, 130, 0, 0, 20, 0, lists, false)).isEmpty();
    }

    /**
     * The lists a pass may take from, with the count well above the mark (1000): the three
     * mobility lists; CMA only for Movable; HighAtomic through the order loop with
     * ALLOC_HIGHATOMIC (order above 0, __GFP_HIGH and non-blocking), and at order 0 for a
     * non-blocking request; this CPU's list at order 0 only; a block of the order or above.
     */
    @Test
    void aBlockMustBeOnAListThePassMayTakeFrom() {
        for (MigrateType mt : new MigrateType[] {MigrateType.UNMOVABLE, MigrateType.MOVABLE, MigrateType.RECLAIMABLE}) {
            assertThat(nullAfter(Gfp.GFP_KERNEL, 1, 1000, 0, 0, 0, 1, bit(mt), false)).as("%s", mt).containsExactly(SERVED);
        }
        assertThat(nullAfter(Gfp.GFP_KERNEL, 1, 1000, 0, 0, 0, 1, bit(MigrateType.CMA), false)).isEmpty();
        assertThat(nullAfter(Gfp.GFP_HIGHUSER_MOVABLE, 1, 1000, 0, 0, 0, 1, bit(MigrateType.CMA), false)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_HIGHUSER_MOVABLE, 1, 1000, 0, 0, 0, 1, bit(MigrateType.ISOLATE), false)).isEmpty();
        int ha = bit(MigrateType.HIGHATOMIC);
        assertThat(nullAfter(Gfp.GFP_KERNEL, 1, 1000, 0, 0, 0, 1, ha, false)).isEmpty();
        assertThat(nullAfter(Gfp.GFP_ATOMIC, 1, 1000, 0, 0, 0, 1, ha, false)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_NOWAIT, 1, 1000, 0, 0, 0, 1, ha, false)).isEmpty();
        assertThat(nullAfter(Gfp.GFP_NOWAIT, 0, 1000, 0, 0, 0, 0, ha, false)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_KERNEL, 0, 1000, 0, 0, 0, 0, ha, false)).isEmpty();
        // with __GFP_MEMALLOC (ALLOC_NO_WATERMARKS) the order-0 high-atomic look of rmqueue_buddy is not what serves
        assertThat(nullAfter(Gfp.GFP_NOWAIT | Gfp.MEMALLOC, 0, 1000, 0, 0, 0, 0, ha, false)).isEmpty();
        // the order and above: a block at order 10 serves order 1, one at order 0 does not
        assertThat(nullAfter(Gfp.GFP_KERNEL, 1, 1000, 0, 0, 0, PageAllocator.MAX_ORDER - 1, bit(MigrateType.UNMOVABLE), false))
                .containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_KERNEL, 1, 1000, 0, 0, 0, 0, bit(MigrateType.UNMOVABLE), false)).isEmpty();
        // this CPU's list serves order 0 only (a page there, no free block)
        assertThat(nullAfter(Gfp.GFP_KERNEL, 0, 1000, 0, 0, 0, -1, 0, true)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_HIGHUSER_MOVABLE, 0, 1000, 0, 0, 0, -1, 0, true)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_KERNEL, 1, 1000, 0, 0, 0, -1, 0, true)).isEmpty();
        assertThat(nullAfter(Gfp.GFP_KERNEL, 0, 1000, 0, 0, 0, -1, 0, false)).isEmpty();
    }

    /** __GFP_MEMALLOC ignores the watermarks: any block serves, even with the count below min. */
    @Test
    void memallocNeedsOnlyABlock() {
        assertThat(nullAfter(Gfp.GFP_KERNEL | Gfp.MEMALLOC, 0, 5)).containsExactly(SERVED);
        assertThat(nullAfter(Gfp.GFP_KERNEL | Gfp.MEMALLOC, 0, 5, 0, 0, 0, -1, 0, false)).isEmpty();
        // __GFP_NOMEMALLOC takes it back
        assertThat(nullAfter(Gfp.GFP_KERNEL | Gfp.MEMALLOC | Gfp.NOMEMALLOC, 0, 5)).isEmpty();
    }

    /** Orders outside 0..MAX_ORDER-1, a mask gfp_zone BUGs on, a refusal or a value: no NULL to judge. */
    @Test
    void onlyANullOfAPossibleRequestIsJudged() {
        assertThat(nullAfter(Gfp.GFP_KERNEL, -1, 1000, 0, 0, 0, 0, bit(MigrateType.UNMOVABLE), true)).isEmpty();
        assertThat(nullAfter(Gfp.GFP_KERNEL | Gfp.MEMALLOC, -1, 1000, 0, 0, 0, 0, bit(MigrateType.UNMOVABLE), true)).isEmpty();
        assertThat(nullAfter(Gfp.GFP_KERNEL, PageAllocator.MAX_ORDER, 1000, 0, 0, 0, PageAllocator.MAX_ORDER - 1,
                bit(MigrateType.UNMOVABLE), false)).isEmpty();
        PageCall c = PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0));
        int[] nonEmpty = new int[PageAllocator.MAX_ORDER];
        nonEmpty[0] = bit(MigrateType.UNMOVABLE);
        c.zones[DMA] = new PageCall.ZoneBefore(config, 1000, 0, 1000, 0, 0, 0, nonEmpty, true, 0);
        assertThat(PageCallChecks.nullJustified(pa, c.after(Result.of(0x12345000L)))).isEmpty();
        assertThat(PageCallChecks.nullJustified(pa, c.after(Result.refused("x")))).isEmpty();
        assertThat(PageCallChecks.nullJustified(pa, c.after(Result.of(0)))).hasSize(1);
    }

    /**
     * A NULL whose result carries 6.1's Bad page state report (check_new_pages found the blocks
     * it took unfit and leaked them): judged on the lists the call left, here with every block of
     * order 9 and 10 gone; without the report, on the lists before.
     */
    @Test
    void aNullAfterABadPageReportIsJudgedOnTheListsLeft() {
        PageCall c = PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_KERNEL, 9, 0));
        assertThat(c.zones[DMA].nonEmptyLists()[10] | c.zones[DMA].nonEmptyLists()[9]).isNotZero();
        for (int o = 9; o < PageAllocator.MAX_ORDER; o++) {
            for (MigrateType mt : MigrateType.values()) {
                for (long p = pa.freeListHead(ZoneType.DMA, o, mt); p >= 0; p = pa.freeListHead(ZoneType.DMA, o, mt)) {
                    PageStateEdits.delFree(pa, ZoneType.DMA, p);
                }
            }
        }
        Result report = Result.warned(0, "BUG: Bad page state in process swapper/0  pfn:41000");
        assertThat(PageCallChecks.nullJustified(pa, c.after(report))).isEmpty();
        assertThat(PageCallChecks.nullJustified(pa, c.after(Result.of(0)))).extracting(Violation::reason).containsExactly(SERVED);
    }
}
