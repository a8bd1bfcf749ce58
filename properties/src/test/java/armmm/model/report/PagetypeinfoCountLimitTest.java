package armmm.model.report;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Gfp;
import armmm.model.kernel.Kernel;
import armmm.model.page.BuddyZone;
import armmm.model.page.MigrateType;
import armmm.model.page.PageAllocator;
import armmm.model.zone.ZoneType;
import org.junit.jupiter.api.Test;

/**
 * {@code pagetypeinfo_showfree_print} (mm/vmstat.c) stops walking a free list when
 * {@code ++freecount >= 100000} and prints {@code ">"} before the count: a list of 99999 blocks
 * prints {@code " 99999"}, one of exactly 100000 prints {@code ">100000"}. On 2 GiB (1280 MiB of
 * HighMem) 202000 order-0 movable pages are allocated and every other one freed, so no freed page
 * finds its buddy free; the per-CPU list is drained after each of the last frees, so the HighMem
 * Movable order-0 list grows one block at a time through the limit.
 */
class PagetypeinfoCountLimitTest {

    @Test
    void aListOfAHundredThousandBlocksPrintsAsOverTheLimitAndOneLessAsItsCount() {
        Kernel k = Kernel.boot(Board.virt(2048L << 20));
        PageAllocator pa = k.pages();
        long[] pfns = new long[202_000];
        for (int i = 0; i < pfns.length; i++) {
            pfns[i] = pa.allocPagesPfn(Gfp.GFP_HIGHUSER_MOVABLE, 0, 0);
            assertThat(pfns[i]).isNotNegative();
        }
        BuddyZone z = pa.zone(ZoneType.HIGHMEM);
        int i = 0;
        for (; z.freeListCount(0, MigrateType.MOVABLE) < 99_000; i += 2) {
            pa.freePagesPfn(pfns[i], 0, 0);
        }
        pa.drainLocalPages(0);
        for (; z.freeListCount(0, MigrateType.MOVABLE) < 99_999; i += 2) {
            pa.freePagesPfn(pfns[i], 0, 0);
            pa.drainLocalPages(0);
        }
        assertThat(pa.freeList(ZoneType.HIGHMEM, 0, MigrateType.MOVABLE)).hasSize(99_999);
        assertThat(movableLine(pa)).startsWith("Node    0, zone  HighMem, type      Movable  99999 ");
        pa.freePagesPfn(pfns[i], 0, 0);
        pa.drainLocalPages(0);
        assertThat(pa.freeList(ZoneType.HIGHMEM, 0, MigrateType.MOVABLE)).hasSize(100_000);
        assertThat(movableLine(pa)).startsWith("Node    0, zone  HighMem, type      Movable >100000 ");
        // buddyinfo has no limit: it prints nr_free of the order, every migratetype's blocks
        long blocks = 0;
        for (MigrateType mt : MigrateType.values()) {
            blocks += pa.freeList(ZoneType.HIGHMEM, 0, mt).length;
        }
        assertThat(BuddyinfoReport.render(pa)).contains(String.format("Node 0, zone  HighMem %6d ", blocks));
    }

    private static String movableLine(PageAllocator pa) {
        return PagetypeinfoReport.render(pa).lines().filter(l -> l.contains("zone  HighMem, type      Movable"))
                .findFirst().orElseThrow();
    }
}
