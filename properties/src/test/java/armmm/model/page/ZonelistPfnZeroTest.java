package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code __alloc_pages} (mm/page_alloc.c, Linux 6.1) on a board whose RAM starts at physical 0
 * (PHYS_OFFSET 0, as on the Raspberry Pi): pfn 0 is a page like any other, so a fast pass that
 * gives pfn 0 has succeeded (no slow pass follows) and its trace names the zone. One DMA zone of
 * 16384 frames at pfn 0 (watermarks 1, 2, 3) with a free order-4 block at pfn 0 and an order-10 one
 * at pfn 1024, both Movable, asked of {@link Zonelist#allocPfn} for a Movable order-4 block, which
 * {@code __rmqueue_smallest} takes from the smallest order that has one.
 */
class ZonelistPfnZeroTest {
    private MemMap m;
    private Zonelist zl;

    private void board(Bugs bugs) {
        ZoneConfig c = new ZoneConfig(ZoneType.DMA, 0, 16384, 16384, 16384, 1, 2, 3, new long[4], 60, 15);
        m = new MemMap(List.of(c), 1, bugs);
        FreeLists lists = new FreeLists(m);
        MigrateFallback fb = new MigrateFallback(m, lists);
        BadPage bad = new BadPage(m, MemMapLayout.virt(TestBoards.MEM_MAP, 16384));
        zl = new Zonelist(m, lists, fb, new PcpLists(m, lists, fb, bad), new Kswapd(m), bad);
        lists.freeOnePage(m.zones[0], 0, 4, MigrateType.MOVABLE.ordinal(), false);
        lists.freeOnePage(m.zones[0], 1024, 10, MigrateType.MOVABLE.ordinal(), false);
    }

    @Test
    void pfnZeroIsAnAllocation() {
        board(Bugs.NONE);
        assertThat(zl.allocPfn(Gfp.GFP_KERNEL | Gfp.MOVABLE, 4, 0)).isZero();
        assertThat(zl.lastAlloc().pfn()).isZero();
        assertThat(zl.lastAlloc().zone()).isZero();
        assertThat(zl.lastAlloc().allocFlags()).isEqualTo(PageAllocator.ALLOC_WMARK_LOW | PageAllocator.ALLOC_KSWAPD | PageAllocator.ALLOC_CMA);
        assertThat(m.zones[0].allocatedPages).isEqualTo(16);
    }

    @Test
    void theCompAllocNullBugIsNullNotPfnZero() {
        board(Bugs.of(PageBug.PAGE_COMP_ALLOC_NULL));
        m.handedOver = true;
        assertThat(zl.allocPfn(Gfp.GFP_KERNEL | Gfp.COMP, 1, 0)).isEqualTo(-1);
        assertThat(m.zones[0].allocatedPages).isZero();
    }
}
