package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Gfp;
import armmm.model.core.Pfn;
import armmm.model.kernel.Kernel;
import armmm.model.page.MigrateType;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageOp;
import armmm.model.zone.ZoneOp;
import armmm.model.zone.ZoneType;
import org.junit.jupiter.api.Test;

/**
 * What {@link PageCall#before} records of the state a page call starts from, read against the
 * kernel-visible state of the 24 MiB virt board (one CPU, one populated zone, ZONE_DMA): the mask
 * an allocation runs with ({@code __get_free_pages} clears __GFP_HIGHMEM, include/linux/gfp.h),
 * the {@code free_area} lists of the zonelist's zones from the request's order up (what
 * {@code __rmqueue_smallest} can take), whether this CPU's list of the request's order and
 * migratetype has a page ({@code rmqueue_pcplist}, orders up to PAGE_ALLOC_COSTLY_ORDER only),
 * the struct page a free names, and the blocks of a drained CPU's lists.
 */
class PageCallBeforeTest {
    private final Kernel k = Kernel.boot(Board.virt(24L << 20));
    private final PageAllocator pa = k.pages();
    private static final int DMA = ZoneType.DMA.ordinal();

    private long page(long pfn) {
        return pa.layout().pfnToPage(new Pfn(pfn)).value();
    }

    /** The bit of each migratetype whose {@code free_area[o]} list is not empty, walked from the heads. */
    private int listsNow(int o) {
        int bits = 0;
        for (MigrateType mt : MigrateType.values()) {
            if (pa.freeListHead(ZoneType.DMA, o, mt) >= 0) {
                bits |= 1 << mt.ordinal();
            }
        }
        return bits;
    }

    @Test
    void onlyPageCallsOnAnAllocatorAreRecorded() {
        assertThat(PageCall.before(null, new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0))).isNull();
        assertThat(PageCall.before(pa, new ZoneOp.Sysctl("vm/min_free_kbytes", "1024"))).isNull();
        assertThat(PageCall.before(pa, new PageOp.VmstatUpdate(0))).isNull();
        assertThat(PageCall.before(pa, new PageOp.RefreshVmStats())).isNull();
    }

    @Test
    void anAllocationRecordsItsMaskOrderCpuAndTheUnpopulatedZonesAsNone() {
        PageCall a = PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_KERNEL | Gfp.COMP, 3, 0));
        assertThat(a.gfp).isEqualTo(Gfp.GFP_KERNEL | Gfp.COMP);
        assertThat(a.order).isEqualTo(3);
        assertThat(a.cpu).isZero();
        assertThat(a.frame).isNull();
        // only ZONE_DMA manages pages on this board
        assertThat(a.zones[DMA]).isNotNull();
        assertThat(a.zones[ZoneType.NORMAL.ordinal()]).isNull();
        assertThat(a.zones[ZoneType.HIGHMEM.ordinal()]).isNull();
        assertThat(a.zones[DMA].freePages()).isEqualTo(pa.zone(ZoneType.DMA).freePages());
        // alloc_page is order 0
        PageCall one = PageCall.before(pa, new PageOp.AllocPage(Gfp.GFP_ATOMIC, 0));
        assertThat(one.gfp).isEqualTo(Gfp.GFP_ATOMIC);
        assertThat(one.order).isZero();
        assertThat(one.zones[DMA]).isNotNull();
        // __get_free_pages clears __GFP_HIGHMEM (it returns a lowmem address)
        PageCall g = PageCall.before(pa, new PageOp.GetFreePages(Gfp.GFP_HIGHUSER, 2, 0));
        assertThat(g.gfp).isEqualTo(Gfp.GFP_USER);
        assertThat(g.order).isEqualTo(2);
    }

    /** The lists from the request's order up, for a zone of the zonelist; nothing below the order, nothing for a free. */
    @Test
    void theListsAreRecordedFromTheOrderUpForTheZonelistsZones() {
        // an order-0 allocation, the rest of its per-CPU refill drained back: its buddies free at orders 0 and 1
        long p = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0)).value();
        k.apply(new PageOp.DrainLocalPages(0));
        for (int order : new int[] {0, 1}) {
            PageCall a = PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_DMA, order, 0));
            int[] lists = a.zones[DMA].nonEmptyLists();
            for (int o = 0; o < PageAllocator.MAX_ORDER; o++) {
                assertThat(lists[o]).as("order %d of a request of order %d", o, order).isEqualTo(o < order ? 0 : listsNow(o));
            }
        }
        // p's buddy is free at order 0, so the order-1 request's record must leave order 0 out
        assertThat(listsNow(0)).isNotZero();
        // a free and a drain read no lists
        PageCall f = PageCall.before(pa, new PageOp.FreePages(p, 0, 0));
        assertThat(f.zones[DMA].nonEmptyLists()).containsOnly(0);
        assertThat(f.zones[DMA].pcpHasPage()).isFalse();
        // nor an allocation on a CPU below 0
        assertThat(PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, -1)).zones[DMA].nonEmptyLists()).containsOnly(0);
    }

    /**
     * This CPU's list of the request's order and migratetype: order 0 after a free of an order-0
     * Unmovable page, order 3 (PAGE_ALLOC_COSTLY_ORDER) after a free of an order-3 block; never
     * at order 4, on another CPU, for another migratetype, or on a CPU the board does not have.
     */
    @Test
    void thisCpusListIsLookedAtUpToTheCostlyOrder() {
        long p0 = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0)).value();
        long p3 = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 3, 0)).value();
        long p4 = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 4, 0)).value();
        k.apply(new PageOp.DrainLocalPages(0));
        assertThat(PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0)).zones[DMA].pcpHasPage()).isFalse();
        k.apply(new PageOp.FreePages(p0, 0, 0));
        k.apply(new PageOp.FreePages(p3, 3, 0));
        k.apply(new PageOp.FreePages(p4, 4, 0));
        assertThat(PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0)).zones[DMA].pcpHasPage()).isTrue();
        assertThat(PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_KERNEL, 3, 0)).zones[DMA].pcpHasPage()).isTrue();
        assertThat(PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_KERNEL, 4, 0)).zones[DMA].pcpHasPage()).isFalse();
        assertThat(PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_KERNEL, 1, 0)).zones[DMA].pcpHasPage()).isFalse();
        // the Movable list of order 0 is empty: the page went to the Unmovable one (24 MiB has grouping by
        // mobility disabled, every request Unmovable: turned on here, as on a board of 48 MiB or more)
        pa.setMobilityGroupingDisabled(false);
        assertThat(PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_HIGHUSER_MOVABLE, 0, 0)).zones[DMA].pcpHasPage()).isFalse();
        assertThat(PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 1)).zones[DMA].pcpHasPage()).isFalse();
        assertThat(PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, -1)).zones[DMA].pcpHasPage()).isFalse();
        assertThat(PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_KERNEL, -1, 0)).zones[DMA].pcpHasPage()).isFalse();
        // the pages cached count as the zone's: 1 + 8 (the order-4 block went to the free lists, above the costly order)
        assertThat(PageCall.before(pa, new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0)).zones[DMA].pcpPages()).isEqualTo(9);
    }

    /** A drain walks the CPU's lists: each block with its zone, pfn, order and first page's count. */
    @Test
    void aDrainRecordsEveryBlockOfTheCpusLists() {
        long p0 = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0)).value();
        long p2 = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 2, 0)).value();
        k.apply(new PageOp.DrainLocalPages(0));
        k.apply(new PageOp.FreePages(p0, 0, 0));
        k.apply(new PageOp.FreePages(p2, 2, 0));
        PageCall d = PageCall.before(pa, new PageOp.DrainLocalPages(0));
        assertThat(d.drained).containsExactlyInAnyOrder(new PageCall.PcpBlock(DMA, pa.layout().pageToPfn(p0), 0, 0),
                new PageCall.PcpBlock(DMA, pa.layout().pageToPfn(p2), 2, 0));
        assertThat(d.cpu).isZero();
        assertThat(PageCall.before(pa, new PageOp.DrainLocalPages(1)).drained).isNull();
        assertThat(PageCall.before(pa, new PageOp.DrainLocalPages(-1)).drained).isNull();
    }

    /** The struct page a free or a split names: zone, count, PG_reserved, PG_head, order, PG_slab. */
    @Test
    void aFreeRecordsTheStructPageItNames() {
        long c = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL | Gfp.COMP, 2, 0)).value();
        long cp = pa.layout().pageToPfn(c);
        PageCall f = PageCall.before(pa, new PageOp.FreePages(c, 2, 0));
        assertThat(f.frame).isEqualTo(new PageCall.FrameBefore(cp, DMA, 1, false, true, 2, false));
        assertThat(f.order).isEqualTo(2);
        long s = k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 1, 0)).value();
        long sp = pa.layout().pageToPfn(s);
        pa.setPageSlab(sp, true);
        PageCall split = PageCall.before(pa, new PageOp.SplitPage(s, 1));
        assertThat(split.frame).isEqualTo(new PageCall.FrameBefore(sp, DMA, 1, false, false, 1, true));
        assertThat(split.order).isEqualTo(1);
        assertThat(split.cpu).isZero();
        long v = k.apply(new PageOp.GetFreePages(Gfp.GFP_KERNEL, 0, 0)).value();
        PageCall fv = PageCall.before(pa, new PageOp.FreePagesVirt(v, 0, 0));
        assertThat(fv.frame.pfn()).isEqualTo(pa.layout().virtToPfn(v));
        assertThat(PageCall.before(pa, new PageOp.FreePagesVirt(0, 0, 0)).frame).isNull();
        // a PG_reserved frame of the kernel image, and the pfns just outside mem_map
        long r = firstReserved();
        assertThat(PageCall.before(pa, new PageOp.FreePages(page(r), 0, 0)).frame)
                .isEqualTo(new PageCall.FrameBefore(r, DMA, 1, true, false, 0, false));
        assertThat(PageCall.before(pa, new PageOp.FreePages(page(pa.basePfn() + pa.frameCount()), 0, 0)).frame).isNull();
        assertThat(PageCall.before(pa, new PageOp.FreePages(page(pa.basePfn() - 1), 0, 0)).frame).isNull();
        assertThat(PageCall.before(pa, new PageOp.FreePages(page(pa.basePfn()), 0, 0)).frame.pfn()).isEqualTo(pa.basePfn());
    }

    private long firstReserved() {
        for (long p = pa.basePfn(); ; p++) {
            if (pa.isReserved(p)) {
                return p;
            }
        }
    }

    /**
     * On the two-zone allocator of {@link BuddyFullScanStatesTest} (no ZONE_MOVABLE at all; HighMem
     * above DMA, one order-11 block free in each's share): a GFP_DMA request's zonelist is DMA
     * alone, so HighMem's lists and per-CPU pages are not recorded; a GFP_HIGHUSER request's are.
     */
    @Test
    void theZonesAboveTheRequestsZonelistAreCountedButNotLookedInto() {
        PageAllocator two = BuddyFullScanStatesTest.twoZones();
        int high = ZoneType.HIGHMEM.ordinal();
        long h = two.allocPagesPfn(Gfp.GFP_HIGHUSER, 0, 0);
        two.freePagesPfn(h, 0, 0);
        long d = two.allocPagesPfn(Gfp.GFP_DMA | Gfp.GFP_KERNEL, 0, 0);
        two.freePagesPfn(d, 0, 0);
        PageCall dma = PageCall.before(two, new PageOp.AllocPages(Gfp.GFP_DMA | Gfp.GFP_KERNEL, 0, 0));
        assertThat(dma.zones[high].nonEmptyLists()).containsOnly(0);
        assertThat(dma.zones[high].pcpHasPage()).isFalse();
        assertThat(dma.zones[high].pcpPages()).isPositive();
        assertThat(dma.zones[DMA].pcpHasPage()).isTrue();
        assertThat(dma.zones[ZoneType.MOVABLE.ordinal()]).isNull();
        PageCall user = PageCall.before(two, new PageOp.AllocPages(Gfp.GFP_HIGHUSER, 0, 0));
        assertThat(user.zones[high].nonEmptyLists()[PageAllocator.MAX_ORDER - 2]).isNotZero();
        assertThat(user.zones[high].pcpHasPage()).isTrue();
        assertThat(PageCall.zoneOfPfn(two, h)).isEqualTo(high);
        assertThat(PageCall.zoneOfPfn(two, 0x41000)).isEqualTo(-1);
        PageCall drain = PageCall.before(two, new PageOp.DrainLocalPages(0));
        assertThat(drain.drained).extracting(PageCall.PcpBlock::zone).contains(DMA, high);
    }

    /** A per-CPU list that loops back on itself: the drain's record stops after as many entries as mem_map has frames. */
    @Test
    void aLoopingPerCpuListIsWalkedAtMostOnceAFrame() {
        PageAllocator two = BuddyFullScanStatesTest.twoZones();
        long h = two.allocPagesPfn(Gfp.GFP_HIGHUSER, 0, 0);
        two.freePagesPfn(h, 0, 0);
        long head = two.pcpListHead(ZoneType.HIGHMEM, 0, 0);
        armmm.model.page.PageStateEdits.next(two, head, head);
        PageCall drain = PageCall.before(two, new PageOp.DrainLocalPages(0));
        assertThat(drain.drained.stream().filter(b -> b.pfn() == head).count()).isEqualTo(two.frameCount());
    }

    /** The zone of a pfn from the zones' spans: ZONE_DMA's first and last pfn, none just outside. */
    @Test
    void theZoneOfAPfnIsTheZoneWhoseSpanHoldsIt() {
        long start = pa.zone(ZoneType.DMA).config().startPfn();
        long end = pa.zone(ZoneType.DMA).config().endPfn();
        assertThat(PageCall.zoneOfPfn(pa, start)).isEqualTo(DMA);
        assertThat(PageCall.zoneOfPfn(pa, end - 1)).isEqualTo(DMA);
        assertThat(PageCall.zoneOfPfn(pa, end)).isEqualTo(-1);
        assertThat(PageCall.zoneOfPfn(pa, start - 1)).isEqualTo(-1);
    }
}
