package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.core.Gfp;
import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Every observable of {@link PageObservables} on {@link TestBoards#small} (DMA 16384 pages with
 * 0x1400 reserved for the image, pcp high 60 batch 15; HighMem 8192 pages, pcp high 30 batch 7, 4096
 * of them CMA) against the kernel's own numbers: {@code calculate_normal_threshold} and
 * {@code refresh_zone_stat_thresholds} (mm/vmstat.c), {@code rmqueue_bulk}'s refill of
 * {@code batch} pages (mm/page_alloc.c), {@code page_mapcount} of a PageBuddy page and the PG_*
 * bit numbers (include/linux/page-flags.h), and the refusals of names that do not resolve.
 */
class PageObservablesTest {
    private final PageAllocator pa = TestBoards.small(8);

    private OptionalLong observe(String... segs) {
        return PageObservables.observe(pa, ObservablePath.of(segs));
    }

    private long value(String... segs) {
        return observe(segs).orElseThrow();
    }

    private long page(long pfn) {
        return pa.layout().pfnToPage(new armmm.model.core.Pfn(pfn)).value();
    }

    @Test
    void zoneCountersThresholdsAndDriftMarks() {
        assertThat(value("zone[DMA]", "nr_free")).isEqualTo(16384 - 0x1400);
        assertThat(value("zone[DMA]", "nr_free_pages")).isEqualTo(16384 - 0x1400);
        assertThat(value("zone[HighMem]", "nr_free_cma")).isEqualTo(4096);
        assertThat(value("zone[HighMem]", "zone_page_state_cma")).isEqualTo(4096);
        assertThat(value("zone[DMA]", "zone_page_state_cma")).isZero();
        assertThat(value("zone[DMA]", "boost")).isZero();
        // 8 CPUs: 2 x fls(8) x (1 + fls(11264 >> 15 = 0)) = 8; max_drift 64 > low - min 32 -> high + 64
        assertThat(value("zone[DMA]", "stat_threshold")).isEqualTo(8);
        assertThat(value("zone[DMA]", "percpu_drift_mark")).isEqualTo(192 + 64);
        assertThat(value("zone[HighMem]", "percpu_drift_mark")).isEqualTo(48 + 64);
        assertThat(value("zone[HighMem]", "free_area[11]", "nr_free")).isEqualTo(4);
        assertThat(value("zone[HighMem]", "free_area[11]", "free_list[CMA]", "count")).isEqualTo(2);
        assertThat(value("zone[HighMem]", "free_area[11]", "free_list[Movable]", "count")).isEqualTo(2);
        assertThat(value("zone[HighMem]", "free_area[10]", "free_list[Movable]", "count")).isZero();
        assertThat(value("zone[DMA]", "free_area[0]", "nr_free")).isZero();
    }

    @Test
    void aRefillOfBatchPagesShowsOnTheCpusListAndInTheFoldedCounter() {
        assertThat(value("zone[DMA]", "pcp[3]", "high")).isEqualTo(60);
        assertThat(value("zone[DMA]", "pcp[3]", "batch")).isEqualTo(15);
        assertThat(value("zone[HighMem]", "pcp[7]", "high")).isEqualTo(30);
        assertThat(value("zone[HighMem]", "pcp[7]", "batch")).isEqualTo(7);
        Result r = pa.allocPages(Gfp.GFP_KERNEL, 0, 3);
        long pfn = pa.layout().pageToPfn(r.value());
        assertThat(value("zone[DMA]", "pcp[3]", "count")).isEqualTo(14);
        assertThat(value("pcp[3]", "count")).isEqualTo(14);
        assertThat(value("pcp[2]", "count")).isZero();
        // rmqueue_bulk takes 15 pages off NR_FREE_PAGES at once: |-15| > 8 folds it
        assertThat(value("zone[DMA]", "zone_page_state")).isEqualTo(16384 - 0x1400 - 15);
        assertThat(value("zone[DMA]", "pcp[3]", "vm_stat_diff")).isZero();
        assertThat(value("page[" + r.value() + "]", "refcount")).isEqualTo(1);
        assertThat(value("page[" + r.value() + "]", "pfn")).isEqualTo(pfn);
        assertThat(value("page[" + r.value() + "]", "zone")).isZero();
        assertThat(value("page[" + r.value() + "]", "order")).isZero();
        assertThat(value("page[" + r.value() + "]", "flags")).isZero();
        assertThat(observe("page[" + r.value() + "]", "lru")).isEmpty();
    }

    @Test
    void pageDescriptorsOfFreeReservedAndCompoundPages() {
        long freeHead = TestBoards.RAM + 16384; // HighMem's first block, free at order 11
        assertThat(value("page[" + page(freeHead) + "]", "mapcount")).as("PG_buddy page type").isEqualTo(0xffffff80L);
        assertThat(value("page[" + page(freeHead) + "]", "order")).isEqualTo(11);
        assertThat(value("page[" + page(freeHead) + "]", "zone")).isEqualTo(2);
        assertThat(value("page[" + page(freeHead) + "]", "refcount")).isZero();
        long image = TestBoards.RAM + 0x200;
        assertThat(value("page[" + page(image) + "]", "flags")).isEqualTo(1L << PageAllocator.PG_RESERVED);
        assertThat(value("page[" + page(image) + "]", "refcount")).isEqualTo(1);
        Result r = pa.allocPages(Gfp.GFP_KERNEL | Gfp.COMP, 4, 0);
        assertThat(value("page[" + r.value() + "]", "flags")).isEqualTo(1L << PageAllocator.PG_HEAD);
        assertThat(value("page[" + r.value() + "]", "order")).isEqualTo(4);
        assertThat(value("page[" + r.value() + "]", "mapcount")).isZero();
    }

    @Test
    void namesThatDoNotResolveAreRefusedOrUnknown() {
        assertThat(PageObservables.knows(ObservablePath.of("zone[DMA]", "nr_free"))).isTrue();
        assertThat(PageObservables.knows(ObservablePath.of("page[0]", "pfn"))).isTrue();
        assertThat(PageObservables.knows(ObservablePath.of("pcp[0]", "count"))).isTrue();
        assertThat(PageObservables.knows(ObservablePath.of("memblock", "memory"))).isFalse();
        assertThat(observe("zone[DMA]", "spanned")).isEmpty();
        assertThat(observe("zone[DMA]")).isEmpty();
        assertThat(observe("zone[DMA]", "pcp[0]", "lists")).isEmpty();
        assertThat(observe("zone[DMA]", "pcp[0]", "count", "x")).isEmpty();
        assertThat(observe("zone[DMA]", "free_area[3]", "free_list[Movable]")).isEmpty();
        assertThat(observe("zone[DMA]", "free_area[3]", "nr_free", "x")).isEmpty();
        assertThat(observe("zone[DMA]", "free_area[3]", "count", "x")).isEmpty();
        assertThat(observe("zone[DMA]", "vmstat", "x")).isEmpty();
        assertThat(observe("pcp[0]", "high")).isEmpty();
        assertThat(observe("pcp[0]")).isEmpty();
        assertThat(observe("page[0xc0000000]")).isEmpty();
        assertThat(observe("memblock", "memory")).isEmpty();
        assertThatThrownBy(() -> observe("zone[DMA32]", "nr_free")).isInstanceOf(ObservableException.class)
                .hasMessageContaining("expected DMA, Normal, HighMem or Movable");
        assertThatThrownBy(() -> observe("zone", "nr_free")).isInstanceOf(ObservableException.class);
        assertThatThrownBy(() -> observe("zone[Movable]", "nr_free")).isInstanceOf(ObservableException.class)
                .hasMessageContaining("boot gave no such zone");
        assertThatThrownBy(() -> observe("zone[DMA]", "free_area[12]", "nr_free")).isInstanceOf(ObservableException.class)
                .hasMessage("free_area[12]: orders are 0..11");
        assertThatThrownBy(() -> observe("zone[DMA]", "free_area[-1]", "nr_free")).isInstanceOf(ObservableException.class);
        assertThat(value("zone[DMA]", "free_area[11]", "nr_free")).isEqualTo(pa.zone(armmm.model.zone.ZoneType.DMA).nrFree(11));
        assertThatThrownBy(() -> observe("zone[DMA]", "free_area[3]", "free_list[Bogus]", "count"))
                .isInstanceOf(ObservableException.class).hasMessageContaining("expected a migratetype name");
        assertThatThrownBy(() -> observe("zone[DMA]", "pcp[8]", "count")).isInstanceOf(ObservableException.class)
                .hasMessage("pcp[8]: CPUs are 0..7");
        assertThatThrownBy(() -> observe("pcp[-1]", "count")).isInstanceOf(ObservableException.class);
        assertThat(value("pcp[7]", "count")).isZero();
        assertThat(value("zone[DMA]", "pcp[0]", "count")).isZero();
        // a pointer below mem_map and one just past its last struct page
        assertThatThrownBy(() -> observe("page[0x" + Long.toHexString(TestBoards.MEM_MAP - 32) + "]", "pfn"))
                .isInstanceOf(ObservableException.class).hasMessageContaining("not a struct page of mem_map");
        long last = TestBoards.RAM + 16384 + 8192 - 1;
        assertThat(value("page[" + page(last) + "]", "pfn")).isEqualTo(last);
        assertThatThrownBy(() -> observe("page[" + (page(last) + 32) + "]", "pfn")).isInstanceOf(ObservableException.class);
        assertThat(value("page[" + page(TestBoards.RAM) + "]", "pfn")).isEqualTo(TestBoards.RAM);
    }
}
