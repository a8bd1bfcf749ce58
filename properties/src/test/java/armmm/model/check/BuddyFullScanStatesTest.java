package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.core.Violation;
import armmm.model.page.MemMapLayout;
import armmm.model.page.MigrateType;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageStateEdits;
import armmm.model.page.PageStateEdits.Bit;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The complete check's walk ({@link BuddyFullScan}) on hand-built states of a small allocator:
 * 8 MiB from pfn 0x40000, ZONE_DMA over the first 2048 pages (its first 64 PG_reserved: the
 * kernel image) and ZONE_HIGHMEM over the next 2048, one CPU, handed over as mem_init does
 * (mm/memblock.c {@code __free_pages_memory}: DMA's free range as blocks of orders 6, 7, 8, 9
 * and 10 at 0x40040, 0x40080, 0x40100, 0x40200, 0x40400; mm/highmem.c: HighMem's pages one by
 * one, merged into one block of order 11 (MAX_ORDER - 1 of this build) at 0x40800). Each test breaks one condition
 * of INV-BUDDY-01..06 or INV-PAGE-01/02 (spec/invariants.md) by a stray store into a
 * {@code struct page}, a list link or a count, and checks the walk reports it, and only what
 * that store breaks; the neighbouring state the kernel allows is judged clean.
 */
class BuddyFullScanStatesTest {
    static final long RAM = 0x40000;
    static final long HIGH = RAM + 2048;
    private final PageAllocator pa = twoZones();

    /** DMA [0x40000, 0x40800) with 64 reserved frames, HighMem [0x40800, 0x41000), one CPU. */
    static PageAllocator twoZones() {
        return twoZones(1, 2048);
    }

    /** DMA as {@link #twoZones()}, HighMem [0x40800, 0x40800 + highPages), {@code cpus} CPUs. */
    static PageAllocator twoZones(int cpus, long highPages) {
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, RAM, 2048, 2048, 1984, 16, 20, 24, new long[] {0, 0, 8, 8}, 30, 7);
        ZoneConfig normal = new ZoneConfig(ZoneType.NORMAL, 0, 0, 0, 0, 0, 0, 0, new long[4], 0, 1);
        ZoneConfig high = new ZoneConfig(ZoneType.HIGHMEM, HIGH, highPages, highPages, highPages, 16, 20, 24, new long[4], 30, 7);
        PageAllocator pa = new PageAllocator(List.of(dma, normal, high), MemMapLayout.virt(0xef000000L, HIGH), cpus);
        pa.memblockFreeRange(RAM + 64, HIGH);
        pa.freeHighpages(HIGH, HIGH + highPages);
        pa.setupPerCpuPagesets();
        pa.clearDirty();
        return pa;
    }

    /**
     * DMA [0x40000, 0x40800) and HighMem [0x40c00, 0x41000), both free, the 1024 frames between them
     * in mem_map but in no zone (PG_reserved, as memmap_init leaves a hole), one CPU.
     */
    static PageAllocator holed() {
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, RAM, 2048, 2048, 2048, 16, 20, 24, new long[4], 30, 7);
        ZoneConfig normal = new ZoneConfig(ZoneType.NORMAL, 0, 0, 0, 0, 0, 0, 0, new long[4], 0, 1);
        ZoneConfig high = new ZoneConfig(ZoneType.HIGHMEM, 0x40c00, 1024, 1024, 1024, 16, 20, 24, new long[4], 30, 7);
        PageAllocator pa = new PageAllocator(List.of(dma, normal, high), MemMapLayout.virt(0xef000000L, HIGH), 1);
        pa.memblockFreeRange(RAM, HIGH);
        pa.freeHighpages(0x40c00, 0x41000);
        pa.setupPerCpuPagesets();
        pa.clearDirty();
        return pa;
    }

    private List<String> reasons() {
        return BuddyFullScan.scan(pa).stream().map(Violation::reason).toList();
    }

    @Test
    void theHandOverIsCleanAndAsComputed() {
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
        assertThat(pa.isBuddy(0x40040) && pa.order(0x40040) == 6).isTrue();
        assertThat(pa.isBuddy(0x40400) && pa.order(0x40400) == 10).isTrue();
        assertThat(pa.isBuddy(0x40800) && pa.order(0x40800) == 11).isTrue();
        assertThat(pa.zone(ZoneType.MOVABLE)).isNull();
    }

    /** Allocations of every kind, pages on the per-CPU lists, a leaked compound page: all accounted for. */
    @Test
    void liveAllocationsAndPerCpuPagesAreClean() {
        long p0 = pa.allocPagesPfn(Gfp.GFP_KERNEL, 0, 0);
        long p1 = pa.allocPagesPfn(Gfp.GFP_KERNEL, 1, 0);
        long c2 = pa.allocPagesPfn(Gfp.GFP_KERNEL | Gfp.COMP, 2, 0);
        long h = pa.allocPagesPfn(Gfp.GFP_HIGHUSER, 4, 0);
        pa.freePagesPfn(p1, 1, 0);
        assertThat(pa.zoneIndex(h)).isEqualTo(ZoneType.HIGHMEM.ordinal());
        assertThat(pa.isOnPcp(p1)).isTrue();
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
        // a compound page whose free bad_page reported: its count 0, leaked with its tails
        PageStateEdits.refcount(pa, c2, 0);
        PageStateEdits.bit(pa, c2, Bit.LEAKED, true);
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
        // the same without the leak mark: no allocation, so its tails have no live head and 4 pages are nowhere
        PageStateEdits.bit(pa, c2, Bit.LEAKED, false);
        assertThat(reasons()).containsExactly("tail page without its compound head", "tail page without its compound head",
                "tail page without its compound head", "pages not conserved");
        assertThat(p0).isPositive();
    }

    @Test
    void aStaleNrFreeOrFreeCountIsCaught() {
        PageStateEdits.nrFree(pa, ZoneType.DMA, 6, 2);
        assertThat(BuddyFullScan.scan(pa)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-BUDDY-02");
            assertThat(v.reason()).isEqualTo("nr_free does not match the free lists");
            assertThat(v.details()).isEqualTo("zone DMA order 6: nr_free 2, blocks found walking the lists 1 (full scan)");
        });
        PageStateEdits.nrFree(pa, ZoneType.DMA, 6, 1);
        PageStateEdits.freePages(pa, ZoneType.HIGHMEM, 2047);
        assertThat(BuddyFullScan.scan(pa)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-BUDDY-01");
            assertThat(v.details()).isEqualTo("zone HighMem: NR_FREE_PAGES 2047, NR_FREE_CMA_PAGES 0; pages on the walked lists"
                    + " 2048, of them CMA 0 (full scan)");
        });
        PageStateEdits.freePages(pa, ZoneType.HIGHMEM, 2048);
        PageStateEdits.freeCma(pa, ZoneType.HIGHMEM, 1);
        assertThat(reasons()).containsExactly("NR_FREE_PAGES wrong");
    }

    /** The CMA pages on the walked CMA lists are NR_FREE_CMA_PAGES; on any other list they are not. */
    @Test
    void freeCmaPagesAreThePagesOnTheCmaLists() {
        PageStateEdits.delFree(pa, ZoneType.HIGHMEM, 0x40800);
        pa.setPageblockMigratetype(0x40800, MigrateType.CMA);
        PageStateEdits.addFree(pa, ZoneType.HIGHMEM, 0x40800, 11, MigrateType.CMA);
        assertThat(pa.zone(ZoneType.HIGHMEM).freeCmaPages()).isEqualTo(2048);
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
        PageStateEdits.freeCma(pa, ZoneType.HIGHMEM, 0);
        assertThat(reasons()).containsExactly("NR_FREE_PAGES wrong");
    }

    /** A block on a list with PageBuddy cleared, or with another order in page_private. */
    @Test
    void aListedBlockMustBeAFreeBlockOfItsListsOrder() {
        PageStateEdits.order(pa, 0x40400, 9);
        assertThat(reasons()).containsExactly("listed block is not a free block of that order");
        PageStateEdits.order(pa, 0x40400, 10);
        PageStateEdits.bit(pa, 0x40400, Bit.BUDDY, false);
        assertThat(BuddyFullScan.scan(pa)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-BUDDY-03");
            assertThat(v.reason()).isEqualTo("listed block is not a free block of that order");
            assertThat(v.details()).isEqualTo("pfn:40400 on free_area[10].free_list[Movable] of DMA: PageBuddy false, order 10"
                    + " (full scan)");
        });
    }

    /**
     * An order-4 block listed at 0x40088 (8 pages off its alignment) where the order-7 block
     * 0x40080 was; the other 112 pages of that block marked PG_reserved, so that every page is
     * still accounted for.
     */
    @Test
    void aMisalignedFreeBlockIsCaught() {
        PageStateEdits.delFree(pa, ZoneType.DMA, 0x40080);
        PageStateEdits.addFree(pa, ZoneType.DMA, 0x40088, 4, MigrateType.MOVABLE);
        reserve(0x40080, 0x40088);
        reserve(0x40098, 0x40100);
        PageStateEdits.reservedPages(pa, ZoneType.DMA, 64 + 112);
        assertThat(reasons()).containsExactly("free block misaligned");
    }

    private void reserve(long from, long to) {
        for (long p = from; p < to; p++) {
            PageStateEdits.bit(pa, p, Bit.RESERVED, true);
            PageStateEdits.refcount(pa, p, 1);
        }
    }

    /** A free block's head with a reference (INV-PAGE-01); below 0 only without CONFIG_DEBUG_VM. */
    @Test
    void aFreeBlockHoldsNoReference() {
        PageStateEdits.refcount(pa, 0x40200, 1);
        assertThat(BuddyFullScan.scan(pa)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-PAGE-01");
            assertThat(v.reason()).isEqualTo("nonzero _refcount");
        });
        PageStateEdits.refcount(pa, 0x40200, -1);
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
        pa.setDebugVm(true);
        assertThat(reasons()).containsExactly("nonzero _refcount");
    }

    /**
     * The CMA and Isolate lists hold exactly the blocks of CMA and Isolate pageblocks (HighMem's
     * order-11 block is one pageblock here): each mismatch once, both ways.
     */
    @Test
    void cmaAndIsolateBlocksAreOnTheirOwnLists() {
        PageStateEdits.delFree(pa, ZoneType.HIGHMEM, 0x40800);
        PageStateEdits.addFree(pa, ZoneType.HIGHMEM, 0x40800, 11, MigrateType.ISOLATE);
        assertThat(BuddyFullScan.scan(pa)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-BUDDY-04");
            assertThat(v.details()).isEqualTo("pfn:40800 on free_area[11].free_list[Isolate] of HighMem, pageblock Movable (full scan)");
        });
        pa.setPageblockMigratetype(0x40800, MigrateType.ISOLATE);
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
        // a CMA pageblock on the Isolate list: wrong for CMA and for Isolate
        pa.setPageblockMigratetype(0x40800, MigrateType.CMA);
        assertThat(reasons()).containsExactly("free page on the wrong migratetype list", "free page on the wrong migratetype list");
        PageStateEdits.delFree(pa, ZoneType.HIGHMEM, 0x40800);
        PageStateEdits.addFree(pa, ZoneType.HIGHMEM, 0x40800, 11, MigrateType.MOVABLE);
        assertThat(reasons()).containsExactly("free page on the wrong migratetype list");
        // the three mobility types mix freely
        pa.setPageblockMigratetype(0x40800, MigrateType.RECLAIMABLE);
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
    }

    /** An order-8 block listed inside the order-10 block 0x40400: the order-10 block is not counted. */
    @Test
    void twoListEntriesMustNotOverlap() {
        PageStateEdits.addFree(pa, ZoneType.DMA, 0x40500, 8, MigrateType.MOVABLE);
        assertThat(reasons()).containsExactlyInAnyOrder("free block overlaps another list entry",
                "nr_free does not match the free lists", "NR_FREE_PAGES wrong", "pages not conserved");
    }

    /** A page inside a free block with a reference, PageBuddy, PG_reserved or PageTail. */
    @Test
    void aFreeBlocksOtherPagesAreFree() {
        PageStateEdits.refcount(pa, 0x40401, 1);
        assertThat(BuddyFullScan.scan(pa)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-BUDDY-03");
            assertThat(v.reason()).isEqualTo("free block overlaps a page in use");
            assertThat(v.details()).isEqualTo("pfn:40400 on free_area[10].free_list[Movable] of DMA contains pfn:40401 (refcount 1,"
                    + " PageBuddy false, PG_reserved false, PageTail false) (full scan)");
        });
        PageStateEdits.refcount(pa, 0x40401, -1);
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
        PageStateEdits.refcount(pa, 0x40401, 0);
        PageStateEdits.refcount(pa, 0x407ff, 1);
        assertThat(reasons()).containsExactly("free block overlaps a page in use");
        PageStateEdits.refcount(pa, 0x407ff, 0);
        PageStateEdits.bit(pa, 0x40401, Bit.BUDDY, true);
        assertThat(reasons()).containsExactly("free block overlaps a page in use", "free block not on its list");
        PageStateEdits.bit(pa, 0x40401, Bit.BUDDY, false);
        PageStateEdits.bit(pa, 0x40401, Bit.RESERVED, true);
        assertThat(reasons()).containsExactly("free block overlaps a page in use", "page both free and in use", "pages not conserved");
        PageStateEdits.bit(pa, 0x40401, Bit.RESERVED, false);
        PageStateEdits.bit(pa, 0x40401, Bit.TAIL, true);
        assertThat(reasons()).containsExactly("free block overlaps a page in use", "tail page without its compound head");
    }

    /** HighMem's block on DMA's list: DMA ends on a window boundary (0x40800), so nothing past it is DMA's. */
    @Test
    void aBlockPastAnAlignedZoneEndIsOutside() {
        PageStateEdits.delFree(pa, ZoneType.HIGHMEM, 0x40800);
        PageStateEdits.addFree(pa, ZoneType.DMA, 0x40800, 11, MigrateType.MOVABLE);
        assertThat(reasons()).contains("free block outside its zone");
    }

    /**
     * A compound page whose head is PG_reserved (so the walk visits its tails one by one): tails of
     * a live head of their order are fine, only their pages are counted nowhere; a head whose
     * count went to 0 with the pages leaked is as good.
     */
    @Test
    void tailsOfALiveCompoundHeadAreFine() {
        long c = pa.allocPagesPfn(Gfp.GFP_KERNEL | Gfp.COMP, 2, 0);
        PageStateEdits.bit(pa, c, Bit.RESERVED, true);
        assertThat(reasons()).containsExactly("pages not conserved");
        PageStateEdits.refcount(pa, c, 0);
        PageStateEdits.bit(pa, c, Bit.LEAKED, true);
        assertThat(reasons()).containsExactly("pages not conserved");
        PageStateEdits.bit(pa, c, Bit.LEAKED, false);
        assertThat(reasons()).containsExactly("tail page without its compound head", "tail page without its compound head",
                "tail page without its compound head", "pages not conserved");
        PageStateEdits.refcount(pa, c, 1);
        PageStateEdits.order(pa, c, 1);
        assertThat(reasons()).contains("tail page without its compound head");
        PageStateEdits.order(pa, c, 2);
        PageStateEdits.bit(pa, c, Bit.HEAD, false);
        assertThat(reasons()).contains("tail page without its compound head");
    }

    /** A per-CPU list entry inside a live allocation (the list's count kept): the allocation overlaps it. */
    @Test
    void anAllocationOverlappingAListEntryIsCaught() {
        long p = pa.allocPagesPfn(Gfp.GFP_KERNEL, 2, 0);
        PageStateEdits.next(pa, p + 1, -1);
        PageStateEdits.pcpHead(pa, ZoneType.DMA, 0, 2, p + 1);
        PageStateEdits.pcpCount(pa, ZoneType.DMA, 0, pa.zone(ZoneType.DMA).pcp(0).count() + 1);
        assertThat(reasons()).containsExactly("allocations overlap", "pages not conserved");
    }

    /** A block moved to the other zone's list: outside that zone's span, and on no list of its own. */
    @Test
    void aFreeBlockOnAnotherZonesListIsOutsideItsZone() {
        PageStateEdits.delFree(pa, ZoneType.DMA, 0x40400);
        PageStateEdits.addFree(pa, ZoneType.HIGHMEM, 0x40400, 10, MigrateType.MOVABLE);
        PageStateEdits.bit(pa, 0x40400, Bit.BUDDY, false);
        assertThat(reasons()).containsExactlyInAnyOrder("free block outside its zone", "nr_free does not match the free lists",
                "NR_FREE_PAGES wrong", "pages not conserved");
    }

    /** A PageBuddy frame on no free list; an allocated frame with PageBuddy. */
    @Test
    void aPageBuddyFrameMustBeOnAList() {
        long p = pa.allocPagesPfn(Gfp.GFP_KERNEL, 2, 0);
        PageStateEdits.bit(pa, p, Bit.BUDDY, true);
        assertThat(BuddyFullScan.scan(pa)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-BUDDY-03");
            assertThat(v.reason()).isEqualTo("free block not on its list");
        });
    }

    /** An allocated block's other pages: none allocated, reserved or PageBuddy; the page after it is not its. */
    @Test
    void allocationsMustNotOverlap() {
        long p = pa.allocPagesPfn(Gfp.GFP_KERNEL, 2, 0);
        PageStateEdits.refcount(pa, p + 3, 1);
        assertThat(BuddyFullScan.scan(pa)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-PAGE-02");
            assertThat(v.reason()).isEqualTo("allocations overlap");
        });
        PageStateEdits.refcount(pa, p + 3, 0);
        PageStateEdits.bit(pa, p + 1, Bit.RESERVED, true);
        assertThat(reasons()).containsExactly("allocations overlap");
        PageStateEdits.bit(pa, p + 1, Bit.RESERVED, false);
        PageStateEdits.bit(pa, p + 1, Bit.BUDDY, true);
        assertThat(reasons()).containsExactly("allocations overlap");
        PageStateEdits.bit(pa, p + 1, Bit.BUDDY, false);
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
    }

    /**
     * HighMem's last page allocated at order 1 runs past the zone's end (0x41000, aligned, so no
     * spill): the rest of the block it was in taken off the list and PG_reserved.
     */
    @Test
    void anAllocationMustNotRunPastItsZone() {
        PageStateEdits.delFree(pa, ZoneType.HIGHMEM, 0x40800);
        reserve(0x40800, 0x40fff);
        PageStateEdits.refcount(pa, 0x40fff, 1);
        PageStateEdits.order(pa, 0x40fff, 1);
        assertThat(reasons()).containsExactly("allocation outside its zone", "pages not conserved");
        PageStateEdits.order(pa, 0x40fff, 0);
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
    }

    /** Two free buddies of order 9 (0x40400 split by hand, not merged): reported once, for the pair. */
    @Test
    void freeBuddiesMustBeMerged() {
        PageStateEdits.delFree(pa, ZoneType.DMA, 0x40400);
        PageStateEdits.addFree(pa, ZoneType.DMA, 0x40400, 9, MigrateType.MOVABLE);
        PageStateEdits.addFree(pa, ZoneType.DMA, 0x40600, 9, MigrateType.MOVABLE);
        assertThat(BuddyFullScan.scan(pa)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-BUDDY-05");
            assertThat(v.details()).isEqualTo("pfn:40400 and pfn:40600 are both free at order 9 (full scan)");
        });
        // buddies of different orders are no pair: 0x40600 as two order-8 blocks
        PageStateEdits.delFree(pa, ZoneType.DMA, 0x40600);
        PageStateEdits.addFree(pa, ZoneType.DMA, 0x40600, 8, MigrateType.MOVABLE);
        PageStateEdits.addFree(pa, ZoneType.DMA, 0x40700, 8, MigrateType.MOVABLE);
        assertThat(reasons()).containsExactly("buddy not merged");
        assertThat(BuddyFullScan.scan(pa).get(0).details()).startsWith("pfn:40600 and pfn:40700");
    }

    // ------------------------------------------------------------------ per-CPU lists

    /** Pages on CPU 0's lists after an order-0 and an order-1 free, and the count that must match them. */
    @Test
    void thePerCpuCountMustMatchItsLists() {
        long p1 = pa.allocPagesPfn(Gfp.GFP_KERNEL, 1, 0);
        pa.freePagesPfn(p1, 1, 0);
        int count = pa.zone(ZoneType.DMA).pcp(0).count();
        assertThat(count).isPositive();
        PageStateEdits.pcpCount(pa, ZoneType.DMA, 0, count + 1);
        assertThat(BuddyFullScan.scan(pa)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("INV-BUDDY-06");
            assertThat(v.details()).isEqualTo("zone DMA cpu 0: count " + (count + 1) + ", pages found walking the lists " + count
                    + " (full scan)");
        });
    }

    /** A per-CPU block's first page with a reference or PageBuddy; its other pages free. */
    @Test
    void aPerCpuBlockIsFree() {
        long p1 = pa.allocPagesPfn(Gfp.GFP_KERNEL, 1, 0);
        pa.freePagesPfn(p1, 1, 0);
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
        PageStateEdits.refcount(pa, p1, 1);
        assertThat(reasons()).containsExactly("per-CPU page in use");
        PageStateEdits.refcount(pa, p1, -1);
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
        PageStateEdits.refcount(pa, p1, 0);
        PageStateEdits.refcount(pa, p1 + 1, 1);
        assertThat(reasons()).containsExactly("per-CPU block overlaps a page in use");
        PageStateEdits.refcount(pa, p1 + 1, -1);
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
        PageStateEdits.refcount(pa, p1 + 1, 0);
        PageStateEdits.bit(pa, p1 + 1, Bit.TAIL, true);
        assertThat(reasons()).contains("per-CPU block overlaps a page in use");
        PageStateEdits.bit(pa, p1 + 1, Bit.TAIL, false);
        PageStateEdits.bit(pa, p1 + 1, Bit.RESERVED, true);
        assertThat(reasons()).contains("per-CPU block overlaps a page in use");
        PageStateEdits.bit(pa, p1 + 1, Bit.RESERVED, false);
        PageStateEdits.bit(pa, p1, Bit.BUDDY, true);
        assertThat(reasons()).contains("per-CPU page in use");
        PageStateEdits.bit(pa, p1, Bit.BUDDY, false);
        // the page after the order-1 block is not the block's
        PageStateEdits.refcount(pa, p1 + 2, -1);
        assertThat(reasons()).doesNotContain("per-CPU block overlaps a page in use");
    }

    /** A HighMem page on DMA's per-CPU list (an empty list of it pointed at the page, the count kept). */
    @Test
    void aPerCpuPageOutsideItsZoneIsCaught() {
        int pindex = 2; // order 0, MIGRATE_RECLAIMABLE: empty here
        PageStateEdits.delFree(pa, ZoneType.HIGHMEM, 0x40800);
        reserve(0x40801, 0x41000);
        PageStateEdits.next(pa, 0x40800, -1);
        PageStateEdits.pcpHead(pa, ZoneType.DMA, 0, pindex, 0x40800);
        PageStateEdits.pcpCount(pa, ZoneType.DMA, 0, pa.zone(ZoneType.DMA).pcp(0).count() + 1);
        assertThat(reasons()).containsExactly("per-CPU page outside its zone", "pages not conserved", "pages not conserved");
    }

    /** A page inside a free block, also at the head of a per-CPU list: on two lists. */
    @Test
    void aPageOnAFreeBlockAndAPerCpuListIsOnTwoLists() {
        int pindex = 2;
        PageStateEdits.next(pa, 0x40401, -1);
        PageStateEdits.pcpHead(pa, ZoneType.DMA, 0, pindex, 0x40401);
        PageStateEdits.pcpCount(pa, ZoneType.DMA, 0, pa.zone(ZoneType.DMA).pcp(0).count() + 1);
        assertThat(reasons()).containsExactly("page on two lists", "pages not conserved");
    }

    /** A PG_reserved frame at the head of a per-CPU list (its count 0): free and in use at once. */
    @Test
    void aReservedFrameOnAListIsBothFreeAndInUse() {
        int pindex = 2;
        PageStateEdits.refcount(pa, RAM, 0);
        PageStateEdits.next(pa, RAM, -1);
        PageStateEdits.pcpHead(pa, ZoneType.DMA, 0, pindex, RAM);
        PageStateEdits.pcpCount(pa, ZoneType.DMA, 0, pa.zone(ZoneType.DMA).pcp(0).count() + 1);
        assertThat(reasons()).containsExactly("page both free and in use", "pages not conserved");
    }

    /**
     * A list that loops (its last entry linked back to itself, as a second add of a listed entry
     * leaves it): the walk meets the entry again, reports it as listed twice and the list as not
     * ending, once, and stops there; on the free list what it counted before (one block) still
     * matches nr_free, so nothing else is reported; the per-CPU list loses the pages after the entry.
     */
    @Test
    void aLoopingListIsReportedOnceAsNotEnding() {
        PageStateEdits.next(pa, 0x40800, 0x40800);
        assertThat(reasons()).containsExactly("free block overlaps another list entry", "free list does not end");
        PageStateEdits.next(pa, 0x40800, -1);
        long p = pa.allocPagesPfn(Gfp.GFP_KERNEL, 0, 0);
        pa.freePagesPfn(p, 0, 0);
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
        PageStateEdits.next(pa, p, p);
        assertThat(reasons()).containsSubsequence("page on two lists", "per-CPU list does not end")
                .containsOnlyOnce("per-CPU list does not end").hasSizeLessThan(20);
    }

    /**
     * A link to a frame mem_map does not have (past its end): the entry is reported as outside its
     * zone and the walk ends there, since no struct page holds a next link to read; the count the
     * list no longer reaches shows as a mismatch.
     */
    @Test
    void aLinkOutOfMemMapIsReportedNotFollowed() {
        PageStateEdits.freeHead(pa, ZoneType.HIGHMEM, 11, MigrateType.MOVABLE, 0x41000);
        assertThat(reasons()).contains("free block outside its zone").doesNotContain("free list does not end");
        PageStateEdits.freeHead(pa, ZoneType.HIGHMEM, 11, MigrateType.MOVABLE, 0x40800);
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
        long p = pa.allocPagesPfn(Gfp.GFP_KERNEL, 0, 0);
        pa.freePagesPfn(p, 0, 0);
        PageStateEdits.next(pa, p, 0x41000);
        assertThat(reasons()).contains("per-CPU page outside its zone");
    }
}
