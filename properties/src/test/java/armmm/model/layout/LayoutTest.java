package armmm.model.layout;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.boot.Boot;
import armmm.model.boot.BootedSystem;
import armmm.model.kernel.Kernel;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.report.LayoutReport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ARM32 layout of booted boards, and its address conversions. */
class LayoutTest {
    private static final BootedSystem B1024 = Boot.boot(Board.virt(1024L << 20));

    @Test
    void theDefaultSplitGivesSevenHundredSixtyEightMegabytesOfLowmem() {
        Layout l = B1024.layout();
        assertThat(l.pageOffset()).isEqualTo(0xC000_0000L);
        assertThat(l.physOffset()).isEqualTo(0x4000_0000L);
        assertThat(l.lowmemLimit()).isEqualTo(0x7000_0000L);
        assertThat(l.highMemory()).isEqualTo(0xF000_0000L);
        assertThat(l.vmallocStart()).isEqualTo(0xF080_0000L);
        assertThat(l.vmallocTotal()).isEqualTo(240L << 20);
        assertThat(l.pkmapBase()).isEqualTo(0xBFE0_0000L);
        assertThat(l.modulesVaddr()).isEqualTo(0xBF00_0000L);
        assertThat(l.modulesEnd()).isEqualTo(0xBFE0_0000L);
        assertThat(B1024.maxLowPfn()).isEqualTo(0x70000);
        assertThat(B1024.maxPfn()).isEqualTo(0x80000);
    }

    @Test
    void paAndVaAreTheLinearOffsetOnLowmemAndRefuseAnythingElse() {
        Layout l = B1024.layout();
        assertThat(l.pa(0xC000_1000L)).isEqualTo(Result.of(0x4000_1000L));
        assertThat(l.va(0x6FFF_F000L)).isEqualTo(Result.of(0xEFFF_F000L));
        assertThat(l.pa(0xF000_0000L).isRefused()).as("high_memory itself").isTrue();
        assertThat(l.pa(0xBFFF_FFFFL).isRefused()).isTrue();
        assertThat(l.va(0x7000_0000L).isRefused()).as("first highmem byte").isTrue();
        assertThat(l.va(0x3FFF_FFFFL).isRefused()).isTrue();
        // the unchecked kernel macros still compute, as the kernel does
        assertThat(l.linearVirt(0x7000_0000L)).isEqualTo(0xF000_0000L);
    }

    @Test
    void structPagesAreThirtySixBytesFromMemMap() {
        Layout l = B1024.layout();
        long memMap = l.memMap();
        assertThat(memMap).isEqualTo(l.linearVirt(B1024.memMapPhys()));
        assertThat(l.pfnToPage(0x40000)).isEqualTo(Result.of(memMap));
        assertThat(l.pfnToPage(0x40001)).isEqualTo(Result.of(memMap + 36));
        assertThat(l.pageToPfn(memMap + 36 * 5)).isEqualTo(Result.of(0x40005L));
        assertThat(l.pageToPfn(memMap + 7).isRefused()).isTrue();
        assertThat(l.pfnToPage(0x80000).isRefused()).as("past the end of RAM").isTrue();
        assertThat(B1024.memMapSize()).isEqualTo(9437184);
    }

    @Test
    void aHighmemPageHasNoAddressWithoutAKmap() {
        Layout l = B1024.layout();
        assertThat(l.pageAddress(0x6FFFF)).isEqualTo(0xEFFF_F000L);
        assertThat(l.pageAddress(0x70000)).isZero();
        assertThat(l.virtAddrValid(0xC000_0000L)).isTrue();
        assertThat(l.virtAddrValid(0xF000_0000L)).isFalse();
    }

    @Test
    void withLessRamThanTheSplitAllRamIsLowmemAndVmallocGrows() {
        Layout l = Boot.boot(Board.virt(512L << 20)).layout();
        assertThat(l.highMemory()).isEqualTo(0xE000_0000L);
        assertThat(l.vmallocTotal()).isEqualTo(496L << 20);
    }

    @Test
    void vmallocOnTheCommandLineMovesTheLowmemLimit() {
        BootedSystem b = Boot.boot(Board.virt(1024L << 20).withArgs("vmalloc=128M"));
        assertThat(b.lowmemLimit()).isEqualTo(0x7700_0000L);
        assertThat(b.layout().vmallocStart()).isEqualTo(0xF780_0000L);
    }

    @Test
    void aKernelBootedFromABoardTranslatesAndObservesTheLayout() {
        Kernel k = Kernel.boot(Board.virt(1024L << 20));
        assertThat(k.physToVirt(0x4000_0000L)).isEqualTo(0xC000_0000L);
        assertThat(k.virtToPhys(0xC010_0000L)).isEqualTo(0x4010_0000L);
        assertThat(k.observe(path("vmalloc_start")).getAsLong()).isEqualTo(0xF080_0000L);
        assertThat(k.observe(path("high_memory")).getAsLong()).isEqualTo(0xF000_0000L);
        assertThat(k.observe(path("lowmem_limit")).getAsLong()).isEqualTo(0x7000_0000L);
        assertThat(k.observe(path("page_offset")).getAsLong()).isEqualTo(0xC000_0000L);
        assertThat(k.observe(new ObservablePath(List.of(new ObservablePath.Segment("layout", null),
                new ObservablePath.Segment("pa", "0xc0001000")))).getAsLong()).isEqualTo(0x4000_1000L);
        assertThat(k.observe(path("no_such_thing"))).isEmpty();
        assertThat(k.check()).isEmpty();
        assertThat(k.memblock().reserved()).isEqualTo(Boot.boot(Board.virt(1024L << 20)).reserved());
    }

    private static ObservablePath path(String name) {
        return new ObservablePath(List.of(new ObservablePath.Segment("layout", null), new ObservablePath.Segment(name, null)));
    }

    @Test
    void theReportPrintsTheBlockArmKernelsPrintedAtBoot() {
        assertThat(LayoutReport.render(B1024.layout())).isEqualTo("""
                Virtual kernel memory layout:
                    vector  : 0xffff0000 - 0xffff1000   (   4 kB)
                    fixmap  : 0xffc80000 - 0xfff00000   (2560 kB)
                    vmalloc : 0xf0800000 - 0xff800000   ( 240 MB)
                    lowmem  : 0xc0000000 - 0xf0000000   ( 768 MB)
                    pkmap   : 0xbfe00000 - 0xc0000000   (   2 MB)
                    modules : 0xbf000000 - 0xbfe00000   (  14 MB)
                      .text : 0xc0300000 - 0xc0e00000   (11264 kB)
                      .init : 0xc1200000 - 0xc1400000   (2048 kB)
                      .data : 0xc1400000 - 0xc15a9000   (1700 kB)
                       .bss : 0xc15a9000 - 0xc1607588   ( 378 kB)
                """);
    }
}
