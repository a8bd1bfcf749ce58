package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The scenario names of {@link PageObservables} that are near a real one but name nothing: a path
 * one segment too long or with the wrong last name reads as unknown (empty), not as its neighbour.
 * The real names and their values are {@link PageObservablesTest}'s.
 */
class PageObservablesPathsTest {
    private final PageAllocator pa = TestBoards.small(2);

    private OptionalLong observe(String... segs) {
        return PageObservables.observe(pa, ObservablePath.of(segs));
    }

    @Test
    void nearNamesAreUnknown() {
        long page = pa.layout().pfnToPage(new armmm.model.core.Pfn(TestBoards.RAM)).value();
        assertThat(observe("pcp[0]", "count")).isPresent();
        assertThat(observe("pcp[0]", "count", "x")).isEmpty();
        assertThat(observe("page[" + page + "]", "count")).isEmpty();
        assertThat(observe("page[" + page + "]", "pfn")).hasValue(TestBoards.RAM);
        assertThat(observe("zone[DMA]", "count")).isEmpty();
        assertThat(observe("zone[DMA]", "free_area[11]", "free_list[Movable]", "count")).isPresent();
        assertThat(observe("zone[DMA]", "free_area[11]", "free_list[Movable]", "count", "x")).isEmpty();
        assertThat(observe("zone[DMA]", "free_area[11]", "free_list[Movable]", "nr_free")).isEmpty();
        assertThat(observe("zone[DMA]", "free_area[11]", "lists[Movable]", "count")).isEmpty();
        assertThat(observe("zone[DMA]", "free_area[11]", "nr_free")).isPresent();
        assertThat(observe("zone[DMA]", "pcp[1]", "count")).hasValue(0);
        assertThat(observe("zone[DMA]", "pcp[1]", "count", "x")).isEmpty();
        assertThat(observe("zone[DMA]", "lists[1]", "count")).isEmpty();
    }

    @Test
    void onABoardWhoseRamStartsAtZeroPfnZeroIsAStructPage() {
        // PHYS_OFFSET 0: ARCH_PFN_OFFSET 0, mem_map's first struct page describes pfn 0
        int structPage = armmm.model.board.BuildConfig.armmp().structPageSize();
        armmm.model.zone.ZoneConfig dma = new armmm.model.zone.ZoneConfig(armmm.model.zone.ZoneType.DMA, 0, 4096,
                4096, 4096, 16, 20, 24, new long[4], 6, 1);
        MemMapLayout layout = new MemMapLayout(TestBoards.MEM_MAP, 0, 0xc0000000L, 4096, structPage);
        PageAllocator zero = new PageAllocator(java.util.List.of(dma), layout, 1);
        zero.memblockFreeRange(0, 4096);
        zero.setupPerCpuPagesets();
        zero.clearDirty();
        long first = layout.pfnToPage(0);
        assertThat(PageObservables.observe(zero, ObservablePath.of("page[" + first + "]", "pfn"))).hasValue(0);
        assertThat(PageObservables.observe(zero, ObservablePath.of("page[" + first + "]", "order"))).hasValue(11);
        // one struct page past mem_map's last: no pfn 4096 here
        long past = layout.pfnToPage(4096);
        assertThatThrownBy(() -> PageObservables.observe(zero, ObservablePath.of("page[" + past + "]", "refcount")))
                .isInstanceOf(ObservableException.class);
        assertThatThrownBy(() -> PageObservables.observe(zero, ObservablePath.of("page[" + past + "]", "pfn")))
                .isInstanceOf(ObservableException.class);
    }

    @Test
    void anIndexThatReadsAsMinusOneIsRefused() {
        // 2^64 - 1 parses (unsigned) to -1: no CPU and no order
        String minusOne = "0xffffffffffffffff";
        assertThatThrownBy(() -> observe("pcp[" + minusOne + "]", "count")).isInstanceOf(ObservableException.class);
        assertThatThrownBy(() -> observe("zone[DMA]", "pcp[" + minusOne + "]", "count"))
                .isInstanceOf(ObservableException.class);
        assertThatThrownBy(() -> observe("zone[DMA]", "free_area[" + minusOne + "]", "nr_free"))
                .isInstanceOf(ObservableException.class);
    }
}
