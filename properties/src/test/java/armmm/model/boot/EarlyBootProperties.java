package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.board.BoardException;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.core.SeededBug;
import armmm.model.kernel.BootOp;
import armmm.model.kernel.BootStage;
import armmm.model.kernel.Kernel;
import armmm.model.layout.LayoutBug;
import armmm.model.subsystem.Op;
import armmm.model.zone.ZoneBug;
import armmm.model.zone.ZoneChains;
import armmm.pbt.ChainResult;
import armmm.pbt.ChainSpec;
import armmm.pbt.Chains;
import armmm.pbt.Failure;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.pbt.Stats;
import armmm.properties.BoardGens;
import armmm.properties.KernelChains;
import armmm.properties.SeededBugHunt;
import armmm.properties.World;
import armmm.scenario.RunReport;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Boot as kernel calls: chains that power a generated board on ({@code boot=stepwise}) and walk
 * through start_kernel's stages ({@link BootStage}: setup_arch, mm_init, cma_init_reserved_areas,
 * init_per_zone_wmark_min, kernel_init), with stage calls out of order and twice among them and
 * zone sysctl writes before and after boot, every invariant checked after every step where its
 * state exists. The seven seeded bugs whose code runs only in boot's {@code __init} code (or is a
 * constant) are found after at least one call, in their stage, and shrunk to at most twice their
 * hand-minimal scenarios; a stepwise boot ends where a boot at once does.
 */
class EarlyBootProperties {

    /** Generated boards the kernel boots, powered on with {@code bugs} planted. */
    private static Gen<Kernel> poweredOn(Bugs bugs) {
        return BoardGens.specs().map(EarlyBootProperties::bootableOrNull).filter(b -> b != null)
                .map(b -> Kernel.powerOn(b, bugs));
    }

    /** Generated boards, the ones the kernel refuses at setup_arch among them (a fifth of the draws keep any). */
    private static Gen<Kernel> anyPoweredOn(Bugs bugs) {
        Gen<Kernel> any = BoardGens.specs().map(EarlyBootProperties::boardOrNull).filter(b -> b != null)
                .map(b -> Kernel.powerOn(b, bugs));
        return Gens.frequency(Gens.weighted(4, poweredOn(bugs)), Gens.weighted(1, any));
    }

    private static Board boardOrNull(BoardGens.BoardSpec spec) {
        try {
            return spec.board();
        } catch (BoardException e) {
            return null;
        }
    }

    private static Board bootableOrNull(BoardGens.BoardSpec spec) {
        Board b = boardOrNull(spec);
        return b != null && StepwiseBoot.bootsAtOnce(b) ? b : null;
    }

    private static ChainSpec.Builder<World, Op> chains(Gen<Kernel> kernels, Predicate<String> checked) {
        ChainSpec.Builder<World, Op> b = KernelChains.builder(kernels, checked)
                .action("next boot stage", 12, w -> w.kernel().nextStage().isPresent(),
                        w -> Gens.constant(BootOp.of(w.kernel().nextStage().orElseThrow())))
                // out of order, twice, or after boot: refused with nothing changed (sometimes the one due)
                .action("any boot stage", 1, w -> Gens.oneOf(BootStage.values()).map(BootOp::of))
                .postcondition(EarlyBootProperties::stageOutcome)
                .steps(10);
        return ZoneChains.withSysctlCalls(b, 1);
    }

    /**
     * A stage call that ran leaves the next stage due; a refused one leaves the stage due as it was,
     * so only a setup_arch the board made the kernel refuse leaves itself due, with nothing created.
     */
    private static List<Failure> stageOutcome(World w, Op op, Object outcome) {
        Kernel k = w.kernel();
        if (!(op instanceof BootOp stage)) {
            if (outcome instanceof Result r && !r.isRefused() && k.nextStage().isPresent()) {
                return List.of(new Failure("stepwise boot", "a call ran during boot", op + " before " + k.nextStage().get()));
            }
            return List.of();
        }
        Result r = (Result) outcome;
        Optional<BootStage> next = k.nextStage();
        if (!r.isRefused()) {
            Stats.label("ran " + stage.name());
            if (!next.equals(Optional.ofNullable(stage.stage().next()))) {
                return List.of(new Failure("stepwise boot", "stage did not advance", op + " left " + next));
            }
            return List.of();
        }
        if (next.equals(Optional.of(stage.stage()))) {
            Stats.label("board refused at setup_arch");
            if (stage.stage() != BootStage.SETUP_ARCH || k.booted().isPresent()) {
                return List.of(new Failure("stepwise boot", "a due stage refused", op + ": " + r));
            }
        } else {
            Stats.label("stage refused out of order");
        }
        return List.of();
    }

    @PropertyTest
    void everyInvariantHoldsAtEveryStageOfAStepwiseBoot(PropertyRunner runner) {
        ChainResult result = runner.run(chains(anyPoweredOn(Bugs.NONE), id -> true).tries(40)
                .cover("ran kernel_init", 30).cover("stage refused out of order", 20).build());
        Chains.throwIfFailed(result);
    }

    @PropertyTest
    void aStepwiseBootEndsWhereABootAtOnceDoes(PropertyRunner runner) {
        runner.forAll(BoardGens.specs().map(EarlyBootProperties::bootableOrNull).filter(b -> b != null))
                .tries(15).checkThrowing(board -> {
                    Kernel once = Kernel.boot(board);
                    Kernel staged = StepwiseBoot.bootStepwise(board, Bugs.NONE);
                    assertThat(StepwiseBoot.reports(staged)).isEqualTo(StepwiseBoot.reports(once));
                    RunReport a = StepwiseBoot.laterCalls(board, false);
                    RunReport s = StepwiseBoot.laterCalls(board, true);
                    assertThat(s.output()).isEqualTo(a.output());
                    assertThat(s.messages()).isEqualTo(a.messages());
                });
    }

    private static void hunt(PropertyRunner runner, SeededBug bug, int tries) {
        SeededBugHunt.assertFoundAndShrunk(runner, bug, catcher -> chains(poweredOn(Bugs.of(bug)), catcher::equals).tries(tries));
    }

    @PropertyTest
    void aVmallocLimitWithoutTheOffsetIsFoundAtSetupArch(PropertyRunner runner) {
        hunt(runner, LayoutBug.LAYOUT_NO_VMALLOC_OFFSET_IN_LIMIT, 200);
    }

    @PropertyTest
    void aVmallocStartWithoutTheGapIsFoundAtSetupArch(PropertyRunner runner) {
        hunt(runner, LayoutBug.LAYOUT_NO_VMALLOC_GAP, 100);
    }

    @PropertyTest
    void aPkmapOverLowmemIsFoundAtSetupArch(PropertyRunner runner) {
        hunt(runner, LayoutBug.LAYOUT_PKMAP_OVER_LOWMEM, 100);
    }

    @PropertyTest
    void aMovableZoneNotCarvedFromHighmemIsFoundAtSetupArch(PropertyRunner runner) {
        hunt(runner, ZoneBug.ZONE_MOVABLE_NOT_CARVED, 300);
    }

    @PropertyTest
    void noMapMemoryCountedAbsentIsFoundAtSetupArch(PropertyRunner runner) {
        hunt(runner, ZoneBug.ZONE_NOMAP_ABSENT, 300);
    }

    @PropertyTest
    void aCmaAreaNotManagedIsFoundAtCmaInitReservedAreas(PropertyRunner runner) {
        hunt(runner, ZoneBug.ZONE_CMA_NOT_MANAGED, 200);
    }

    @PropertyTest
    void minFreeKbytesFromTheFinalCountIsFoundAtKernelInit(PropertyRunner runner) {
        hunt(runner, ZoneBug.ZONE_MIN_FREE_FROM_FINAL, 200);
    }
}
