package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.BootOp;
import armmm.model.kernel.BootStage;
import armmm.model.kernel.Kernel;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneSetup;
import armmm.model.zone.ZoneType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code init_per_zone_wmark_min} (the postcore_initcall of mm/page_alloc.c) sets, seen on a
 * kernel booting stage by stage: before it runs, {@code min_free_kbytes} is its initializer (1024,
 * mm/page_alloc.c) and every zone's {@code _watermark[]} and {@code lowmem_reserve[]} are the zeros
 * of the static {@code contig_page_data} ({@code free_area_init} sets neither); it computes them;
 * the late frees of {@code kernel_init} ({@code free_reserved_area} -> {@code adjust_managed_page_count})
 * recompute none of them.
 */
class StepwiseWatermarksTest {

    private static ZoneSetup zones(Kernel k) {
        return k.zones().orElseThrow();
    }

    private static void run(Kernel k, BootStage s) {
        Result r = k.apply(BootOp.of(s));
        assertThat(r.isRefused()).as("%s refused: %s", s.callName(), r).isFalse();
    }

    @Test
    void beforeInitPerZoneWmarkMinTheWatermarksAndProtectionAreZeroAndMinFreeKbytesIs1024() {
        Kernel k = Kernel.powerOn(Board.virt(1024L << 20), Bugs.NONE);
        for (BootStage s : List.of(BootStage.SETUP_ARCH, BootStage.MM_INIT, BootStage.CMA_INIT_RESERVED_AREAS)) {
            run(k, s);
            // mm/page_alloc.c: int min_free_kbytes = 1024, until calculate_min_free_kbytes
            assertThat(zones(k).minFreeKbytes()).as("min_free_kbytes after %s", s.callName()).isEqualTo(1024);
            for (ZoneType t : ZoneType.values()) {
                ZoneConfig z = zones(k).zone(t);
                assertThat(new long[] {z.min(), z.low(), z.high()}).as("%s watermarks after %s", t, s.callName())
                        .containsOnly(0);
                assertThat(z.lowmemReserve()).as("%s protection after %s", t, s.callName()).containsOnly(0);
            }
        }
        run(k, BootStage.INIT_PER_ZONE_WMARK_MIN);
        // oracle armmp-1024M zoneinfo, worked: min_free_kbytes = int_sqrt(16 x 188733 x 4) = 3475,
        // pages_min = 3475 >> 2 = 868, all of it DMA's (the only lowmem zone); step = max(868 / 4,
        // 188733 x 10 / 10000) = 217: low 1085, high 1302; DMA's protection against HighMem and
        // Movable 65536 / 256 = 256
        assertThat(zones(k).minFreeKbytes()).isEqualTo(3475);
        ZoneConfig dma = zones(k).zone(ZoneType.DMA);
        assertThat(new long[] {dma.min(), dma.low(), dma.high()}).containsExactly(868, 1085, 1302);
        assertThat(dma.lowmemReserve()).containsExactly(0, 0, 256, 256);
        // HighMem: min = clamp(65536 / 1024, 32, 128) = 64; tmp = 868 x 65536 / 188733 = 301,
        // step = max(301 / 4, 65536 x 10 / 10000) = 75: low 139, high 214
        ZoneConfig high = zones(k).zone(ZoneType.HIGHMEM);
        assertThat(new long[] {high.min(), high.low(), high.high()}).containsExactly(64, 139, 214);
    }

    @Test
    void kernelInitsLateFreesRecomputeNoWatermark() {
        for (Board board : List.of(Board.virt(1024L << 20), Board.virt(2048L << 20).withArgs("movablecore=128M"),
                Board.virt(256L << 20))) {
            Kernel k = Kernel.powerOn(board, Bugs.NONE);
            for (BootStage s : List.of(BootStage.SETUP_ARCH, BootStage.MM_INIT, BootStage.CMA_INIT_RESERVED_AREAS,
                    BootStage.INIT_PER_ZONE_WMARK_MIN)) {
                run(k, s);
            }
            ZoneSetup postcore = zones(k);
            run(k, BootStage.KERNEL_INIT);
            ZoneSetup booted = zones(k);
            assertThat(booted.minFreeKbytes()).isEqualTo(postcore.minFreeKbytes());
            for (ZoneType t : ZoneType.values()) {
                // the same zone but for managed_pages, which the late frees raise
                ZoneConfig before = postcore.zone(t);
                assertThat(booted.zone(t).withManagedPages(before.managedPages())).as("%s on %s", t, board)
                        .isEqualTo(before);
            }
        }
    }
}
