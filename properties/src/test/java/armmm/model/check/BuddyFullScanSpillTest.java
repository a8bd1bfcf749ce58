package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.page.MemMapLayout;
import armmm.model.page.MigrateType;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageOp;
import armmm.model.page.PageStateEdits;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A zone that ends off a MAX_ORDER_NR_PAGES boundary with ZONE_NORMAL after it (a machine's
 * {@code dma_zone_size}): ZONE_DMA [0x40000, 0x40810), ZONE_NORMAL [0x40810, 0x41800), one CPU,
 * only [0x40800, 0x41800) handed over. 6.1's {@code __free_pages_memory} (mm/memblock.c) frees by
 * alignment, not by zone: the order-11 block 0x40800 goes whole onto DMA's lists (its first page
 * is DMA's), 2032 of its pages NORMAL's, and 0x41000 onto NORMAL's. What the lower zone's lists
 * hold of the window [0x40800, 0x41000) is its to give (spec/invariants.md INV-BUDDY-01, -03,
 * INV-GFP-01, INV-CALL-01); anything beyond the window is not.
 */
class BuddyFullScanSpillTest {
    private final PageAllocator pa = spill();

    static PageAllocator spill() {
        long ram = 0x40000;
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, ram, 0x810, 0x810, 0x810, 16, 20, 24, new long[] {0, 8, 8, 8}, 30, 7);
        ZoneConfig normal = new ZoneConfig(ZoneType.NORMAL, 0x40810, 0xff0, 0xff0, 0xff0, 16, 20, 24, new long[4], 30, 7);
        ZoneConfig high = new ZoneConfig(ZoneType.HIGHMEM, 0, 0, 0, 0, 0, 0, 0, new long[4], 0, 1);
        PageAllocator pa = new PageAllocator(List.of(dma, normal, high), MemMapLayout.virt(0xef000000L, 0x41800), 1);
        pa.memblockFreeRange(0x40800, 0x41800);
        pa.setupPerCpuPagesets();
        pa.clearDirty();
        return pa;
    }

    private List<String> reasons() {
        return BuddyFullScan.scan(pa).stream().map(Violation::reason).toList();
    }

    @Test
    void theHandOverPutsTheWindowOnTheLowerZonesLists() {
        assertThat(pa.freeListHead(ZoneType.DMA, 11, MigrateType.MOVABLE)).isEqualTo(0x40800);
        assertThat(pa.freeListHead(ZoneType.NORMAL, 11, MigrateType.MOVABLE)).isEqualTo(0x41000);
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
    }

    /** The window is the aligned 2048 pages holding DMA's end; only a zone with ZONE_NORMAL after an unaligned end has one. */
    @Test
    void theSpillWindowIsTheAlignedBlockHoldingTheLowerZonesEnd() {
        assertThat(BuddyChecks.bootSpill(pa, 0x40810)).isTrue();
        assertThat(BuddyChecks.bootSpill(pa, 0x40800)).isFalse();
        assertThat(BuddyChecks.bootSpill(pa, 0x41800)).isFalse();
        // an unaligned end followed by DMA's own page (not NORMAL's)
        assertThat(BuddyChecks.bootSpill(pa, 0x40400 + 0x10)).isFalse();
        int dma = ZoneType.DMA.ordinal();
        assertThat(BuddyChecks.spillLower(pa, 0x40800, 2048)).isEqualTo(dma);
        assertThat(BuddyChecks.spillLower(pa, 0x40fff, 1)).isEqualTo(dma);
        assertThat(BuddyChecks.spillLower(pa, 0x407ff, 1)).isEqualTo(-1);
        assertThat(BuddyChecks.spillLower(pa, 0x40fff, 2)).isEqualTo(-1);
        assertThat(BuddyChecks.spillLower(pa, 0x41000, 1)).isEqualTo(-1);
        assertThat(BuddyChecks.inSpillWindow(pa, 0x40900, 1, dma)).isTrue();
        assertThat(BuddyChecks.inSpillWindow(pa, 0x40900, 1, -1)).isFalse();
        assertThat(BuddyChecks.inSpillWindow(pa, 0x41000, 1, dma)).isFalse();
        // an aligned end with NORMAL's page after it, and an unaligned end past mem_map
        assertThat(BuddyChecks.bootSpill(pa, 0x41000)).isFalse();
        assertThat(BuddyChecks.bootSpill(pa, 0x41810)).isFalse();
        // the two-zone allocator (no ZONE_MOVABLE, HighMem after an aligned DMA end) has no window
        assertThat(BuddyChecks.spillLower(BuddyFullScanStatesTest.twoZones(), 0x40800, 1)).isEqualTo(-1);
        // the per-step check of free blocks takes the window block as DMA's
        assertThat(BuddyChecks.freeBlocksWellFormed(pa, true)).isEmpty();
        assertThat(BuddyChecks.buddiesMerged(pa, true)).isEmpty();
    }

    /** DMA ending one page before a window boundary (0x40fff): the window is [0x40800, 0x41000), not the next one. */
    @Test
    void theWindowOfAnEndOnePageShortOfABoundary() {
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, 0x40000, 0xfff, 0xfff, 0xfff, 16, 20, 24, new long[] {0, 8, 8, 8}, 30, 7);
        ZoneConfig normal = new ZoneConfig(ZoneType.NORMAL, 0x40fff, 0x801, 0x801, 0x801, 16, 20, 24, new long[4], 30, 7);
        ZoneConfig high = new ZoneConfig(ZoneType.HIGHMEM, 0, 0, 0, 0, 0, 0, 0, new long[4], 0, 1);
        PageAllocator short1 = new PageAllocator(List.of(dma, normal, high), MemMapLayout.virt(0xef000000L, 0x41800), 1);
        assertThat(BuddyChecks.spillLower(short1, 0x40800, 1)).isEqualTo(ZoneType.DMA.ordinal());
        assertThat(BuddyChecks.spillLower(short1, 0x41000, 1)).isEqualTo(-1);
    }

    /**
     * Two order-4 allocations for GFP_DMA: 0x40800 (DMA's) and 0x40810, a NORMAL page from DMA's
     * lists, which GFP_DMA may have because it lies in the window; its 16 pages come off DMA's
     * count, not NORMAL's. A claim of NORMAL's 0x41000 for GFP_DMA is outside the window.
     */
    @Test
    void aPieceOfTheWindowIsTheLowerZonesToGive() {
        Result first = pa.allocPages(Gfp.GFP_DMA | Gfp.GFP_KERNEL, 4, 0);
        assertThat(pa.layout().pageToPfn(first.value())).isEqualTo(0x40800);
        PageOp.AllocPages op = new PageOp.AllocPages(Gfp.GFP_DMA | Gfp.GFP_KERNEL, 4, 0);
        PageCall c = PageCall.before(pa, op);
        Result second = pa.allocPages(op.gfp(), 4, 0);
        assertThat(pa.layout().pageToPfn(second.value())).isEqualTo(0x40810);
        assertThat(PageCallChecks.allocationShape(pa, c.after(second))).isEmpty();
        assertThat(BuddyChecks.zoneAllowed(pa)).isEmpty();
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
        // the same block claimed by a call that took nothing: neither zone's count dropped
        PageCall again = PageCall.before(pa, op);
        assertThat(PageCallChecks.allocationShape(pa, again.after(second))).extracting(Violation::reason)
                .containsExactly("free pages did not drop by the block");
        PageCall far = PageCall.before(pa, op);
        long normalPage = pa.layout().pfnToPage(0x41000);
        assertThat(PageCallChecks.allocationShape(pa, far.after(Result.of(normalPage)))).extracting(Violation::reason)
                .containsExactly("block from a zone the mask does not allow");
    }

    /** A per-CPU refill from DMA's lists takes window pages of NORMAL's span onto DMA's per-CPU list. */
    @Test
    void windowPagesOnTheLowerZonesPerCpuListAreItsOwn() {
        pa.allocPages(Gfp.GFP_DMA | Gfp.GFP_KERNEL, 4, 0);
        long p = pa.allocPagesPfn(Gfp.GFP_DMA | Gfp.GFP_KERNEL, 0, 0);
        assertThat(p).isBetween(0x40810L, 0x40fffL);
        assertThat(pa.zone(ZoneType.DMA).pcp(0).count()).isPositive();
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
    }

    /**
     * 0x40800 allocated at order 4 (0x40810, NORMAL's, left on DMA's list by expand) and freed:
     * page_is_buddy compares zones, so the two stay apart, both on DMA's lists, and that is no
     * missed merge; a GFP_DMA allocation of the whole window is DMA's, past its end.
     */
    @Test
    void buddiesAcrossTheZoneEndStayApartAndTheWholeWindowIsTheLowerZones() {
        long p = pa.allocPagesPfn(Gfp.GFP_DMA | Gfp.GFP_KERNEL, 4, 0);
        pa.freePagesPfn(p, 4, 0);
        assertThat(pa.isBuddy(0x40800) && pa.isBuddy(0x40810)).isTrue();
        assertThat(BuddyFullScan.scan(pa)).isEmpty();
        assertThat(BuddyChecks.buddiesMerged(pa, true)).isEmpty();
        PageAllocator whole = spill();
        // __GFP_MEMALLOC: 2048 free less 2047 is below any watermark, so only a pass without watermarks takes it
        assertThat(whole.allocPagesPfn(Gfp.GFP_DMA | Gfp.GFP_KERNEL | Gfp.MEMALLOC, 11, 0)).isEqualTo(0x40800);
        assertThat(BuddyFullScan.scan(whole)).isEmpty();
    }

    /**
     * DMA ending one page short of the window's end (0x40fff): the hand-over's block 0x40800 is
     * DMA's with one NORMAL page; a misaligned block crossing the end from below the window is not.
     */
    @Test
    void theWindowOfAnEndOnePageShortHoldsTheHandOversBlock() {
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, 0x40000, 0xfff, 0xfff, 0xfff, 16, 20, 24, new long[] {0, 8, 8, 8}, 30, 7);
        ZoneConfig normal = new ZoneConfig(ZoneType.NORMAL, 0x40fff, 0x801, 0x801, 0x801, 16, 20, 24, new long[4], 30, 7);
        ZoneConfig high = new ZoneConfig(ZoneType.HIGHMEM, 0, 0, 0, 0, 0, 0, 0, new long[4], 0, 1);
        PageAllocator p = new PageAllocator(List.of(dma, normal, high), MemMapLayout.virt(0xef000000L, 0x41800), 1);
        p.memblockFreeRange(0x40800, 0x41800);
        p.setupPerCpuPagesets();
        p.clearDirty();
        assertThat(p.freeListHead(ZoneType.DMA, 11, MigrateType.MOVABLE)).isEqualTo(0x40800);
        assertThat(BuddyFullScan.scan(p)).isEmpty();
        // an order-6 block listed at 0x407f0 (misaligned) runs from below the window across DMA's end... of the first board
        PageStateEdits.addFree(pa, ZoneType.DMA, 0x407f0, 6, MigrateType.MOVABLE);
        assertThat(BuddyFullScan.scan(pa).stream().map(Violation::reason).toList()).contains("free block outside its zone")
                .doesNotContain("free block misaligned");
    }

    /** NORMAL's block beyond the window on DMA's list: outside DMA (no spill reaches it). */
    @Test
    void aBlockBeyondTheWindowOnTheLowerZonesListIsOutside() {
        PageStateEdits.delFree(pa, ZoneType.NORMAL, 0x41000);
        PageStateEdits.addFree(pa, ZoneType.DMA, 0x41000, 11, MigrateType.MOVABLE);
        assertThat(reasons()).contains("free block outside its zone");
    }
}
