package armmm.model.report;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.page.MemMapLayout;
import armmm.model.page.PageAllocator;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reports of an allocator built by hand with one zone (as the page package's test boards do):
 * the zones it was not given do not exist (null), and every renderer skips them and reads 0 for
 * them. 64 MiB of ZONE_DMA from pfn 0x40000 (PHYS_OFFSET 0x40000000), every page handed over by
 * {@code memblock_free_all}: {@code __free_pages_memory} frees 2^11-page blocks from a
 * 2048-aligned start, so 8 order-11 blocks, all in MIGRATE_MOVABLE pageblocks
 * ({@code memmap_init_range} marks every pageblock movable).
 */
class HandMadeAllocatorReportsTest {
    private static final long RAM = 0x40000;

    private static PageAllocator dmaOnly() {
        ZoneConfig dma = new ZoneConfig(ZoneType.DMA, RAM, 16384, 16384, 16384, 128, 160, 192, new long[4], 60, 15);
        PageAllocator pa = new PageAllocator(List.of(dma), MemMapLayout.virt(0xef000000L, RAM + 16384), 1);
        pa.memblockFreeRange(RAM, RAM + 16384);
        pa.setupPerCpuPagesets();
        pa.refreshVmStats();
        return pa;
    }

    @Test
    void onlyTheZoneGivenIsPrintedAndTheOthersReadAsZero() {
        PageAllocator pa = dmaOnly();
        for (ZoneType t : new ZoneType[] {ZoneType.NORMAL, ZoneType.HIGHMEM, ZoneType.MOVABLE}) {
            assertThat(pa.zone(t)).as("%s", t).isNull();
        }
        assertThat(BuddyinfoReport.render(pa)).isEqualTo(
                "Node 0, zone      DMA      0      0      0      0      0      0      0      0      0      0      0      8 \n");
        String types = PagetypeinfoReport.render(pa);
        assertThat(types).contains(
                "Node    0, zone      DMA, type      Movable      0      0      0      0      0      0      0      0      0      0      0      8 \n");
        assertThat(types).endsWith(
                "Node 0, zone      DMA            0            8            0            0            0            0 \n");
        assertThat(types.lines().filter(l -> l.startsWith("Node"))).hasSize(7);
        ZoneCounters c = BuddyinfoReport.counters(pa);
        assertThat(c.nrFree(ZoneType.DMA)).isEqualTo(16384);
        assertThat(BuddyinfoReport.pagesFree(pa, ZoneType.DMA)).isEqualTo(16384);
        for (ZoneType t : new ZoneType[] {ZoneType.NORMAL, ZoneType.HIGHMEM, ZoneType.MOVABLE}) {
            assertThat(BuddyinfoReport.pagesFree(pa, t)).isZero();
            assertThat(c.nrFree(t)).isZero();
            assertThat(c.nrFreeCma(t)).isZero();
            assertThat(c.pcpCount(t, 0)).isZero();
            assertThat(c.boost(t)).isZero();
        }
        assertThat(c.nrFreeCma(ZoneType.DMA)).isZero();
        assertThat(c.pcpCount(ZoneType.DMA, 0)).isZero();
        assertThat(c.boost(ZoneType.DMA)).isZero();
        assertThat(c.nodeUnreclaimable()).isFalse();
    }
}
