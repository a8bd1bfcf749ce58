package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.zone.ZoneType;
import org.junit.jupiter.api.Test;

/**
 * {@code struct per_cpu_pages} as a free and an allocation leave it (mm/page_alloc.c
 * {@code free_unref_page_commit}, {@code rmqueue_pcplist}): {@code high} and {@code batch} from the
 * zone's pageset sizes (small board: DMA 60 and 15, HighMem 30 and 7), {@code count}, the entries per
 * list (pindex = order x MIGRATE_PCPTYPES + migratetype), and whether the last operation was a free;
 * with the facts a seeded bug carries.
 */
class PerCpuPagesStateTest {
    private final PageAllocator pa = TestBoards.small(2);

    @Test
    void aPagesetCountsItsListsAndRemembersTheLastFree() {
        PerCpuPages dma = pa.zone(ZoneType.DMA).pcp(1);
        assertThat(dma.high()).isEqualTo(60);
        assertThat(dma.batch()).isEqualTo(15);
        assertThat(pa.zone(ZoneType.HIGHMEM).pcp(0).high()).isEqualTo(30);
        assertThat(pa.zone(ZoneType.HIGHMEM).pcp(0).batch()).isEqualTo(7);
        assertThat(dma.count()).isZero();
        // an order-0 unmovable request on CPU 1 refills a batch of 15 pages and takes one
        long page = pa.allocPages(Gfp.GFP_KERNEL, 0, 1).value();
        int unmovable0 = 0 * MigrateType.PCPTYPES + MigrateType.UNMOVABLE.ordinal();
        assertThat(dma.count()).isEqualTo(14);
        assertThat(dma.listLength(unmovable0)).isEqualTo(14);
        assertThat(dma.lastWasFree()).isFalse();
        assertThat(pa.freePages(page, 0, 1).isRefused()).isFalse();
        assertThat(dma.count()).isEqualTo(15);
        assertThat(dma.countBeforeFree()).isEqualTo(14);
        assertThat(dma.lastWasFree()).isTrue();
        assertThat(dma.listLength(unmovable0)).isEqualTo(pa.pcpList(ZoneType.DMA, 1, unmovable0).length);
        assertThat(pa.pcpListHead(ZoneType.DMA, 1, unmovable0)).isEqualTo(pa.layout().pageToPfn(page));
        assertThat(pa.pcpListHead(ZoneType.DMA, 0, unmovable0)).isEqualTo(-1);
        assertThat(pa.pcpCount(1)).isEqualTo(15);
    }

    @Test
    void aSeededBugNamesTheInvariantThatCatchesIt() {
        assertThat(PageBug.BUDDY_NO_MERGE.facts().invariant()).isEqualTo("INV-BUDDY-05");
        assertThat(PageBug.GFP_WMARK_COUNTS_CMA.facts().kernelCommit()).startsWith("d95ea5d18e69");
        assertThat(PageBug.PAGE_SPLIT_NO_REFCOUNT.facts().summary()).isEqualTo("split_page leaves the new pages without a reference");
    }
}
