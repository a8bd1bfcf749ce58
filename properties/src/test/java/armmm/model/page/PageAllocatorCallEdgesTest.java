package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.check.BuddyChecks;
import armmm.model.core.Gfp;
import armmm.model.core.Pfn;
import armmm.model.core.Result;
import armmm.model.zone.ZoneType;
import org.junit.jupiter.api.Test;

/**
 * The allocator's entry points at their edges, each refusal as the kernel reports it and leaving
 * every frame as it was (mm/page_alloc.c: {@code __alloc_pages}, {@code __get_free_pages} clearing
 * __GFP_HIGHMEM, {@code free_pages}' VM_BUG_ON(!virt_addr_valid), {@code split_page}'s
 * VM_BUG_ON_PAGE checks, {@code drain_local_pages}, {@code vmstat_update}; include/linux/gfp.h's
 * GFP_ZONE_BAD), on {@link TestBoards#small} with 2 CPUs.
 */
class PageAllocatorCallEdgesTest {
    private final PageAllocator pa = TestBoards.small(2);
    private final long freeDma = pa.zone(ZoneType.DMA).freePages();

    private void unchanged() {
        assertThat(pa.zone(ZoneType.DMA).freePages()).isEqualTo(freeDma);
        assertThat(pa.pcpCount(0) + pa.pcpCount(1)).isZero();
        assertThat(BuddyChecks.fullScan(pa)).isEmpty();
    }

    private long page(long pfn) {
        return pa.layout().pfnToPage(new Pfn(pfn)).value();
    }

    @Test
    void impossibleCpusAndBadMasksAreRefusedBeforeAnythingMoves() {
        assertThat(pa.allocPages(Gfp.GFP_KERNEL, 0, 2).isRefused()).isTrue();
        assertThat(pa.allocPages(Gfp.GFP_KERNEL, 0, -1).isRefused()).isTrue();
        Result bad = pa.allocPages(Gfp.GFP_KERNEL | Gfp.DMA | Gfp.HIGHMEM, 0, 0);
        assertThat(bad).isInstanceOf(Result.Refused.class);
        assertThat(((Result.Refused) bad).reason()).isEqualTo("GFP_ZONE_BAD");
        assertThat(pa.allocPages(Gfp.GFP_KERNEL | Gfp.MOVABLE | Gfp.RECLAIMABLE, 0, 0).isRefused()).isTrue();
        assertThat(pa.getFreePages(Gfp.GFP_KERNEL | Gfp.DMA | Gfp.DMA32, 0, 0).isRefused()).isTrue();
        assertThat(pa.getFreePages(Gfp.GFP_KERNEL, 0, 2).isRefused()).isTrue();
        assertThat(pa.allocPagesPfn(Gfp.GFP_KERNEL | Gfp.DMA | Gfp.HIGHMEM, 0, 0)).isEqualTo(-1);
        assertThat(pa.allocPagesPfn(Gfp.GFP_KERNEL, 0, 5)).isEqualTo(-1);
        assertThat(pa.allocFrames(Gfp.GFP_KERNEL, 0, 5)).isNull();
        assertThat(pa.drainLocalPages(2).isRefused()).isTrue();
        assertThat(pa.drainLocalPages(-1).isRefused()).isTrue();
        assertThat(pa.vmstatUpdate(2).isRefused()).isTrue();
        assertThat(pa.vmstatUpdate(-1).isRefused()).isTrue();
        unchanged();
    }

    @Test
    void getFreePagesClearsHighmemAndReturnsALinearMapAddress() {
        Result r = pa.getFreePages(Gfp.GFP_HIGHUSER, 2, 1);
        long va = r.value();
        assertThat(va).isBetween(0xc000_0000L, 0xc000_0000L + (16384L << 12) - 1);
        long pfn = pa.layout().virtToPfn(va);
        assertThat(pa.zoneIndex(pfn)).isEqualTo(ZoneType.DMA.ordinal());
        assertThat(pa.order(pfn)).isEqualTo(2);
        assertThat(pa.freePagesVirt(va, 2, 1)).isEqualTo(Result.VOID);
        // free_pages(0, order) does nothing
        assertThat(pa.freePagesVirt(0, 0, 0)).isEqualTo(Result.VOID);
        Result invalid = pa.freePagesVirt(0xffff_0000L, 0, 0);
        assertThat(((Result.Refused) invalid).reason()).isEqualTo("!virt_addr_valid");
        assertThat(pa.freePagesVirt(-1, 0, 0).isRefused()).isTrue();
        assertThat(pa.freePagesVirt(1L << 32, 0, 0).isRefused()).isTrue();
        // the last lowmem page's address is valid, the first past lowmem is not
        assertThat(pa.freePagesVirt(0xc000_0000L + (16384L << 12), 0, 0).isRefused()).isTrue();
        assertThat(pa.freePagesVirt(0xc000_0000L - 0x1000, 0, 0).isRefused()).isTrue();
        pa.drainLocalPages(1);
        unchanged();
    }

    @Test
    void freesOfPointersOutsideMemMapAreRefused() {
        long first = page(TestBoards.RAM);
        long last = page(TestBoards.RAM + 16384 + 8192 - 1);
        long size = page(TestBoards.RAM + 1) - first;
        assertThat(pa.freePages(first - size, 0, 0).isRefused()).isTrue();
        assertThat(pa.freePages(last + size, 0, 0).isRefused()).isTrue();
        assertThat(pa.freePages(-1, 0, 0).isRefused()).isTrue();
        assertThat(pa.freePages(1L << 32, 0, 0).isRefused()).isTrue();
        assertThat(pa.freePagesPfn(TestBoards.RAM - 1, 0, 0).isRefused()).isTrue();
        assertThat(pa.freePagesPfn(TestBoards.RAM + 16384 + 8192, 0, 0).isRefused()).isTrue();
        assertThat(pa.splitPage(first - size, 0).isRefused()).isTrue();
        assertThat(pa.splitPage(last + size, 0).isRefused()).isTrue();
        unchanged();
    }

    @Test
    void splitPageRefusesCompoundFreeAndMisorderedBlocks() {
        long comp = pa.allocPages(Gfp.GFP_KERNEL | Gfp.COMP, 2, 0).value();
        assertThat(pa.splitPage(comp, 2).isRefused()).isTrue();
        long free = page(TestBoards.RAM + 16384); // HighMem's first block, free
        assertThat(pa.splitPage(free, 0).isRefused()).isTrue();
        long plain = pa.allocPages(Gfp.GFP_KERNEL, 3, 0).value();
        Result wrong = pa.splitPage(plain, 2);
        assertThat(((Result.Refused) wrong).reason()).isEqualTo("wrong order");
        assertThat(pa.splitPage(plain, 3)).isEqualTo(Result.VOID);
        long pfn = pa.layout().pageToPfn(plain);
        for (long p = pfn; p < pfn + 8; p++) {
            assertThat(pa.refcount(p)).isEqualTo(1);
            assertThat(pa.order(p)).isZero();
            assertThat(pa.isAllocated(p)).isTrue();
        }
        // each page now frees on its own, at order 0
        for (long p = pfn; p < pfn + 8; p++) {
            assertThat(pa.freePagesPfn(p, 0, 0).isRefused()).isFalse();
        }
        assertThat(pa.freePages(comp, 2, 0).isRefused()).isFalse();
        pa.drainLocalPages(0);
        unchanged();
    }

    @Test
    void vmstatUpdateFoldsOnlyThatCpusDifferences() {
        // threshold 4 here (2 x fls(2) x (1 + fls(11264 >> 15))): an order-1 free of 2 pages stays in the diff
        long a = pa.allocPages(Gfp.GFP_KERNEL, 4, 1).value();
        pa.vmstatUpdate(1);
        long global = pa.zone(ZoneType.DMA).vmstat().global(ZoneVmstat.NR_FREE_PAGES);
        assertThat(global).isEqualTo(freeDma - 16);
        long b = pa.allocPages(Gfp.GFP_KERNEL, 1, 1).value();
        pa.drainLocalPages(1);
        long diff = pa.zone(ZoneType.DMA).vmstat().diff(1, ZoneVmstat.NR_FREE_PAGES);
        long exact = pa.zone(ZoneType.DMA).freePages();
        assertThat(pa.zone(ZoneType.DMA).vmstat().global(ZoneVmstat.NR_FREE_PAGES) + diff).isEqualTo(exact);
        assertThat(pa.vmstatUpdate(0)).isEqualTo(Result.VOID);
        assertThat(pa.zone(ZoneType.DMA).vmstat().diff(1, ZoneVmstat.NR_FREE_PAGES)).isEqualTo(diff);
        assertThat(pa.vmstatUpdate(1)).isEqualTo(Result.VOID);
        assertThat(pa.zone(ZoneType.DMA).vmstat().diff(1, ZoneVmstat.NR_FREE_PAGES)).isZero();
        assertThat(pa.zone(ZoneType.DMA).vmstat().global(ZoneVmstat.NR_FREE_PAGES)).isEqualTo(exact);
        pa.freePages(a, 4, 0);
        pa.freePages(b, 1, 1);
        pa.drainLocalPages(1);
        assertThat(pa.refreshVmStats()).isEqualTo(Result.VOID);
        assertThat(pa.zone(ZoneType.DMA).vmstat().global(ZoneVmstat.NR_FREE_PAGES)).isEqualTo(freeDma);
        unchanged();
    }
}
