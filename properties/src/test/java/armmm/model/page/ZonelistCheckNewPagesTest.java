package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code rmqueue_buddy}'s loop on {@code check_new_pages} (mm/page_alloc.c, Linux 6.1, every
 * build): a block taken off the free lists whose pages are not as a free page must be (here a
 * {@code _refcount} left above 0, which only a double free's underflow makes possible) is
 * reported, counted off NR_FREE_PAGES like any block taken, and left out; the loop takes the next
 * block. Laid by hand on a one-zone mem_map (16384 frames at pfn 0x40000) and asked of
 * {@code get_page_from_freelist} directly with ALLOC_NO_WATERMARKS.
 */
class ZonelistCheckNewPagesTest {
    @Test
    void aBadBlockIsReportedLeakedAndTheNextOneServes() {
        ZoneConfig c = new ZoneConfig(ZoneType.DMA, TestBoards.RAM, 16384, 16384, 16384, 128, 160, 192,
                new long[4], 60, 15);
        MemMap m = new MemMap(List.of(c), 1, Bugs.NONE);
        FreeLists lists = new FreeLists(m);
        MigrateFallback fb = new MigrateFallback(m, lists);
        BadPage bad = new BadPage(m, MemMapLayout.virt(TestBoards.MEM_MAP, TestBoards.RAM + 16384));
        Zonelist zl = new Zonelist(m, lists, fb, new PcpLists(m, lists, fb, bad), new Kswapd(m), bad);
        BuddyZone z = m.zones[0];
        java.util.Arrays.fill(m.refcount, 0, 32, 0);
        // frame 3 kept a reference; the two order-4 blocks merge into one of order 5, which
        // __rmqueue_smallest splits, giving its lower half (frame 0) first and listing frame 16
        m.refcount[3] = 1;
        lists.freeOnePage(z, 16, 4, MigrateType.MOVABLE.ordinal(), false);
        lists.freeOnePage(z, 0, 4, MigrateType.MOVABLE.ordinal(), false);
        m.underflowSeen = true;
        long pfn = zl.getPageFromFreelist(Gfp.GFP_HIGHUSER_MOVABLE, 4, PageAllocator.ALLOC_NO_WATERMARKS,
                ZoneType.DMA.ordinal(), MigrateType.MOVABLE.ordinal(), 0);
        assertThat(pfn).isEqualTo(TestBoards.RAM + 16);
        assertThat(m.flags[0] & MemMap.F_LEAKED).isNotZero();
        assertThat(m.reports).hasSize(1);
        assertThat(m.reports.get(0)).contains("pfn:40003");
        // both blocks are off NR_FREE_PAGES; the leaked one counts as allocated
        assertThat(z.vmstat.global(ZoneVmstat.NR_FREE_PAGES)).isZero();
        assertThat(z.allocatedPages).isEqualTo(32);
    }
}
