package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.kernel.BootOp;
import armmm.model.kernel.BootStage;
import armmm.model.kernel.Kernel;
import armmm.model.zone.ZoneType;
import org.junit.jupiter.api.Test;

/**
 * {@code totalcma_pages} on a kernel booting stage by stage: {@code cma_init_reserved_mem}
 * (mm/cma.c, from setup_arch's {@code arm_memblock_init} -> {@code dma_contiguous_reserve}) adds
 * each accepted area's pages to it at once, while the zones count them, in {@code managed_pages}
 * and {@code cma_pages}, only from {@code cma_init_reserved_areas} (core_initcall).
 */
class StepwiseTotalcmaTest {

    @Test
    void totalcmaPagesCountTheAreaFromSetupArchTheZonesFromCmaInitReservedAreas() {
        // oracle armmp-1024M: one 16 MiB CMA area at the top of HighMem, CmaTotal 16384 kB = 4096 pages
        long areaPages = (16L << 20) >> 12;
        Kernel k = Kernel.powerOn(Board.virt(1024L << 20), Bugs.NONE);
        for (BootStage s : BootStage.values()) {
            assertThat(k.apply(BootOp.of(s)).isRefused()).as(s.callName()).isFalse();
            var zones = k.zones().orElseThrow();
            assertThat(zones.managed().totalCmaPages()).as("totalcma_pages after %s", s.callName()).isEqualTo(areaPages);
            boolean activated = s.ordinal() >= BootStage.CMA_INIT_RESERVED_AREAS.ordinal();
            assertThat(zones.cmaPages(ZoneType.HIGHMEM)).as("HighMem cma_pages after %s", s.callName())
                    .isEqualTo(activated ? areaPages : 0);
        }
    }
}
