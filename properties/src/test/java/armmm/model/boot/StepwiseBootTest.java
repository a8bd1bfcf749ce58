package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.BootOp;
import armmm.model.kernel.BootStage;
import armmm.model.kernel.Kernel;
import armmm.model.subsystem.Op;
import armmm.model.zone.NodeZones;
import armmm.model.zone.ZoneOp;
import armmm.model.zone.ZoneStage;
import armmm.scenario.RunReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Boot as kernel calls ({@link BootOp}, {@code board ... boot=stepwise}): after the last stage the
 * kernel is the one {@link Kernel#boot} makes, on the eleven oracle boards and a few others, in
 * every report and in what later calls do; a stage out of order or twice is refused with one line
 * and changes nothing; a kernel still booting takes no other call.
 */
class StepwiseBootTest {

    /** The eleven oracle boards, a board with a machine DMA zone, and two banks with a gap and an initrd-free reusable node. */
    private static Map<String, Board> boards() {
        Map<String, Board> m = new java.util.LinkedHashMap<>(OracleBoards.all());
        m.put("dma-zone-256M", Board.virt(1024L << 20).withDmaZoneSize(256L << 20));
        m.put("movablecore", Board.virt(2048L << 20).withArgs("movablecore=128M").withCpus(4));
        m.put("small", Board.virt(24L << 20));
        return m;
    }

    @Test
    void everyReportAfterTheLastStageIsTheBootAtOnce() {
        boards().forEach((name, board) -> {
            Kernel once = Kernel.boot(board);
            Kernel staged = StepwiseBoot.bootStepwise(board, Bugs.NONE);
            // zoneinfo, meminfo, buddyinfo, pagetypeinfo, memblock, layout, slabinfo, vmallocinfo, ... : each the same text
            assertThat(StepwiseBoot.reports(staged)).as("reports of %s", name).isEqualTo(StepwiseBoot.reports(once));
            assertThat(staged.check()).as("invariants of %s after kernel_init", name).isEmpty();
            assertThat(staged.checkComplete()).as("complete check of %s", name).isEmpty();
            assertThat(staged.boardLine()).contains(once.boardLine().orElseThrow() + " boot=stepwise");
        });
    }

    /** The seven seeded bugs whose code runs only in boot: planted, both boots still end in the same kernel. */
    @Test
    void withABootBugPlantedTheLastStageEndsWhereTheBootAtOnceDoes() {
        List<armmm.model.core.SeededBug> seven = List.of(armmm.model.zone.ZoneBug.ZONE_MOVABLE_NOT_CARVED,
                armmm.model.zone.ZoneBug.ZONE_NOMAP_ABSENT, armmm.model.zone.ZoneBug.ZONE_CMA_NOT_MANAGED,
                armmm.model.zone.ZoneBug.ZONE_MIN_FREE_FROM_FINAL, armmm.model.layout.LayoutBug.LAYOUT_NO_VMALLOC_GAP,
                armmm.model.layout.LayoutBug.LAYOUT_PKMAP_OVER_LOWMEM,
                armmm.model.layout.LayoutBug.LAYOUT_NO_VMALLOC_OFFSET_IN_LIMIT);
        Board board = Board.of(List.of(new armmm.model.board.Bank(0x4000_0000L, 2048L << 20)),
                List.of(new armmm.model.board.ReservedMemory(0x5000_0000L, 8L << 20, armmm.model.board.ReservedMemory.Kind.NO_MAP)),
                "movablecore=128M vmalloc=128M", 2);
        for (armmm.model.core.SeededBug bug : seven) {
            Kernel once = Kernel.boot(board, Bugs.of(bug));
            Kernel staged = StepwiseBoot.bootStepwise(board, Bugs.of(bug));
            assertThat(StepwiseBoot.reports(staged)).as("reports with %s", bug).isEqualTo(StepwiseBoot.reports(once));
            assertThat(staged.check()).as("violations with %s", bug).isEqualTo(once.check());
            assertThat(once.check()).as("%s shows on this board", bug).isNotEmpty();
        }
    }

    @Test
    void laterCallsDoTheSameOnBothKernels() {
        boards().forEach((name, board) -> {
            RunReport once = StepwiseBoot.laterCalls(board, false);
            RunReport staged = StepwiseBoot.laterCalls(board, true);
            // every later call runs on these boards (nothing refused or warned), and the reports print
            assertThat(once.messages()).as("failures of %s booted at once", name).isEmpty();
            assertThat(once.output()).contains("Node 0, zone", "kmalloc-128", "vmalloc");
            assertThat(staged.output()).as("printed reports of %s", name).isEqualTo(once.output());
            assertThat(staged.messages()).as("failures of %s", name).isEqualTo(once.messages());
            assertThat(staged.passed()).isEqualTo(once.passed());
        });
    }

    @Test
    void atPowerOnTheKernelHoldsNoStateAndTakesOnlySetupArch() {
        Kernel k = Kernel.powerOn(Board.virt(256L << 20), Bugs.NONE);
        assertThat(k.booted()).isEmpty();
        assertThat(k.zones()).isEmpty();
        assertThat(k.memblock()).isNull();
        assertThat(k.pages()).isNull();
        assertThat(k.check()).isEmpty();
        assertThat(k.nextStage()).contains(BootStage.SETUP_ARCH);
        // any other call is refused until kernel_init has run: no subsystem is complete
        Result r = k.apply(new ZoneOp.Sysctl("vm.min_free_kbytes", "4000"));
        assertThat(r.isRefused()).isTrue();
        assertThat(((Result.Refused) r).reason()).isEqualTo("sysctl: the kernel is still booting, setup_arch runs next");
        for (BootStage s : List.of(BootStage.MM_INIT, BootStage.CMA_INIT_RESERVED_AREAS,
                BootStage.INIT_PER_ZONE_WMARK_MIN, BootStage.KERNEL_INIT)) {
            Result out = k.apply(BootOp.of(s));
            assertThat(((Result.Refused) out).reason()).isEqualTo(s.callName()
                    + ": out of start_kernel's order, setup_arch runs next");
        }
        assertThat(k.booted()).isEmpty();
        assertThat(k.nextStage()).contains(BootStage.SETUP_ARCH);
    }

    @Test
    void eachStageCreatesWhatItCompletesAndTheZonesFollowTheStages() {
        Kernel k = Kernel.powerOn(Board.virt(1024L << 20), Bugs.NONE);
        k.apply(BootOp.of(BootStage.SETUP_ARCH));
        assertThat(k.booted()).isPresent();
        assertThat(k.memblock()).isNotNull();
        assertThat(zones(k).stage()).isEqualTo(ZoneStage.FREE_AREA_INIT);
        assertThat(k.pages()).isNull();
        // twice: refused, nothing changes
        Result again = k.apply(BootOp.of(BootStage.SETUP_ARCH));
        assertThat(((Result.Refused) again).reason()).isEqualTo("setup_arch: out of start_kernel's order, mm_init runs next");
        assertThat(zones(k).stage()).isEqualTo(ZoneStage.FREE_AREA_INIT);
        k.apply(BootOp.of(BootStage.MM_INIT));
        assertThat(zones(k).stage()).isEqualTo(ZoneStage.MEMBLOCK_FREE_ALL);
        // the 1 GiB board's 16 MiB CMA area is at the top of HighMem (oracle armmp-1024M): reserved until activated
        long highCma = 16L << 20 >> 12;
        long highFinal = 65536; // oracle armmp-1024M HighMem managed; the late frees are all lowmem
        assertThat(k.zones().orElseThrow().zone(armmm.model.zone.ZoneType.HIGHMEM).managedPages()).isEqualTo(highFinal - highCma);
        k.apply(BootOp.of(BootStage.CMA_INIT_RESERVED_AREAS));
        assertThat(k.zones().orElseThrow().zone(armmm.model.zone.ZoneType.HIGHMEM).managedPages()).isEqualTo(highFinal);
        k.apply(BootOp.of(BootStage.INIT_PER_ZONE_WMARK_MIN));
        // int_sqrt(16 x 188733 x 4) = 3475: the lowmem managed count before the late frees (oracle armmp-1024M)
        assertThat(k.zones().orElseThrow().minFreeKbytes()).isEqualTo(3475);
        assertThat(k.pages()).isNull();
        k.apply(BootOp.of(BootStage.KERNEL_INIT));
        assertThat(zones(k).stage()).isEqualTo(ZoneStage.BOOTED);
        assertThat(k.pages()).isNotNull();
        assertThat(k.nextStage()).isEmpty();
        Result after = k.apply(BootOp.of(BootStage.KERNEL_INIT));
        assertThat(((Result.Refused) after).reason()).isEqualTo("kernel_init: boot is over, kernel_init has run");
    }

    @Test
    void aKernelBootedAtOnceOrBareRefusesEveryStage() {
        Kernel once = Kernel.boot(Board.virt(64L << 20));
        Map<String, String> before = StepwiseBoot.reports(once);
        for (BootStage s : BootStage.values()) {
            Result r = once.apply(BootOp.of(s));
            assertThat(((Result.Refused) r).reason()).isEqualTo(s.callName()
                    + ": this kernel booted at once (a board line without boot=stepwise)");
            Result bare = Kernel.bare().apply(BootOp.of(s));
            assertThat(((Result.Refused) bare).reason()).isEqualTo(s.callName()
                    + ": no board powered on (a board line with boot=stepwise)");
        }
        assertThat(StepwiseBoot.reports(once)).isEqualTo(before);
    }

    @Test
    void aBoardTheKernelRefusesIsRefusedAtSetupArchWithNothingCreated() {
        // a reusable (CMA) node over the kernel image: BootZones refuses it (cma_activate_area would free pages in use)
        Board board = Board.of(List.of(new armmm.model.board.Bank(0x4000_0000L, 64L << 20)),
                List.of(new armmm.model.board.ReservedMemory(0x4000_0000L, 8L << 20,
                        armmm.model.board.ReservedMemory.Kind.REUSABLE)), "", 1);
        Kernel k = Kernel.powerOn(board, Bugs.NONE);
        Result r = k.apply(BootOp.of(BootStage.SETUP_ARCH));
        assertThat(r.isRefused()).as("a CMA area over the kernel image").isTrue();
        assertThat(((Result.Refused) r).reason()).startsWith("setup_arch: ").doesNotContain("\n");
        assertThat(k.booted()).isEmpty();
        assertThat(k.memblock()).isNull();
        assertThat(k.nextStage()).contains(BootStage.SETUP_ARCH);
    }

    @Test
    void theStageCallsPrintAsTheirKernelNames() {
        for (BootStage s : BootStage.values()) {
            Op op = BootOp.of(s);
            assertThat(op.toString()).isEqualTo(s.callName());
        }
        assertThat(BootOp.SPECS.stream().map(armmm.model.subsystem.OpSpec::name))
                .containsExactly("setup_arch", "mm_init", "cma_init_reserved_areas", "init_per_zone_wmark_min", "kernel_init");
    }

    private static NodeZones zones(Kernel k) {
        return k.state(NodeZones.class);
    }
}
