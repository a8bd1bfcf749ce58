package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import armmm.scenario.Scenario;
import org.junit.jupiter.api.Test;

/**
 * Zones through scenarios: the observables and the {@code print zoneinfo}/{@code print meminfo}
 * reports of a booted board. (The seeded-bug demonstrations {@code seeded-bugs/zone-*.scn} run in
 * {@code SeededBugsTest}.)
 */
class ZoneScenariosTest {

    @Test
    void printZoneinfoAndMeminfoShowTheBootedZones() {
        Scenario s = Parser.parse("print.scn", "board ram=1024M\nprint zoneinfo\nprint meminfo\n");
        RunReport r = Runner.run(s);
        assertThat(r.messages()).isEmpty();
        // 63 fewer than the buddy allocator alone leaves: the PTE table of the IRQ stack's vmalloc
        // area (pte_alloc_kernel at boot) refilled CPU 0's per-CPU list with a batch from DMA
        assertThat(r.output()).contains("Node 0, zone      DMA\n  pages free     188670\n", "        protection: (0, 0, 256, 256)\n",
                "Node 0, zone  Movable\n", "MemTotal:        1019988 kB\n", "VmallocTotal:     245760 kB\n",
                "min_free_kbytes:    3475 kB\n");
    }

    @Test
    void zoneObservablesReadTheBootedZones() {
        Scenario s = Parser.parse("observe.scn", """
                board ram=2048M cmdline="movablecore=128M" cpus=2
                expect zone[HighMem].start_pfn == 0x70000
                expect zone[Movable].start_pfn == 0xb8000
                expect zone[Movable].managed == 32768
                expect zone[DMA].protection[3] == 1280
                expect zone[DMA].pcp_high * 2 <= zone[DMA].low
                expect zone[DMA].pcp_high * 2 + 1 >= zone[DMA].low
                expect vm.watermark_scale_factor == 10
                expect vm.lowmem_reserve_ratio[0] == 256
                expect mm.totalcma_pages == 4096
                expect mm.totalram_pages == zone[DMA].managed + zone[HighMem].managed + zone[Movable].managed
                """);
        RunReport r = Runner.run(s);
        assertThat(r.messages()).isEmpty();
        assertThat(r.passed()).isEqualTo(10);
    }
}
