package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.page.PageOp;
import armmm.model.subsystem.Op;
import armmm.pbt.ChainResult;
import armmm.pbt.ChainSpec;
import armmm.pbt.Chains;
import armmm.pbt.Failure;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.pbt.Stats;
import armmm.properties.KernelChains;
import armmm.properties.SeededBugHunt;
import armmm.properties.World;
import java.util.List;
import java.util.function.Predicate;

/**
 * Chains of zone sysctl writes ({@code vm.min_free_kbytes}, {@code vm.watermark_scale_factor},
 * {@code vm.lowmem_reserve_ratio}, {@code vm.percpu_pagelist_high_fraction}) mixed with page
 * allocations on generated boards: every zone invariant holds after every write, INV-CALL-05
 * finds each write's result the handler's (0 within the sysctl's bounds, -EINVAL outside them),
 * and each of the bugs planted on the recompute after boot or on a handler is found by a chain and
 * shrunk.
 */
class ZoneSysctlProperties {
    private static final long MIB = 1L << 20;

    /** 256 MiB to 3 GiB, one to eight CPUs, sometimes a Movable zone: every zone 6.1 sets up on virt. */
    private static Gen<Kernel> boards(Bugs bugs) {
        return boards(bugs, 256, 3072);
    }

    /** Boards of {@code minMib} to {@code maxMib}: the hunts take 768 MiB to 1.5 GiB (with HighMem, quick to boot on each replay). */
    private static Gen<Kernel> boards(Bugs bugs, int minMib, int maxMib) {
        return Gens.combine(Gens.ints(minMib, maxMib), Gens.ints(1, 8), Gens.ints(0, 3),
                (mib, cpus, movable) -> {
                    Board b = Board.virt(mib * MIB).withCpus(cpus);
                    if (movable == 3 && mib > 800) {
                        b = b.withArgs("movablecore=" + (mib / 8) + "M");
                    }
                    return Kernel.boot(b, bugs);
                });
    }

    private static ChainSpec.Builder<World, Op> chains(Gen<Kernel> boards, Predicate<String> checked) {
        return chains(boards, checked, true);
    }

    /** The chains; {@code labels} labels each write taken or refused. */
    private static ChainSpec.Builder<World, Op> chains(Gen<Kernel> boards, Predicate<String> checked,
                                                       boolean labels) {
        ChainSpec.Builder<World, Op> b = ZoneChains.withSysctlCalls(KernelChains.builder(boards, checked), 3)
                .action("alloc_pages", 3, w -> Gens.combine(Gens.oneOf(List.of(Gfp.GFP_KERNEL, Gfp.GFP_HIGHUSER_MOVABLE,
                        Gfp.GFP_ATOMIC)), Gens.ints(0, 3), Gens.ints(0, w.kernel().pages().nrCpus() - 1),
                        (gfp, order, cpu) -> (Op) new PageOp.AllocPages(gfp, order, cpu)))
                .action("__free_pages", 2, w -> !w.held().isEmpty(), w -> Gens.oneOf(w.held())
                        .map(h -> (Op) new PageOp.FreePages(h.page(), h.order(), 0)))
                .steps(20);
        return labels ? b.postcondition(ZoneSysctlProperties::labelWrite) : b;
    }

    /** Labels each write taken or refused; INV-CALL-05 judges the result. */
    private static List<Failure> labelWrite(World w, Op op, Object outcome) {
        if (op instanceof ZoneOp.Sysctl s && outcome instanceof Result r) {
            Stats.label(s.path() + (r.isRefused() ? " refused" : " taken"));
        }
        return List.of();
    }

    @PropertyTest
    void sysctlWritesKeepEveryInvariantAndReturnWhatTheHandlersReturn(PropertyRunner runner) {
        ChainResult result = runner.run(chains(boards(Bugs.NONE), id -> true).tries(40)
                .cover("vm.min_free_kbytes taken", 20).cover("vm.percpu_pagelist_high_fraction refused", 5)
                .build());
        Chains.throwIfFailed(result);
    }

    private static void hunt(PropertyRunner runner, ZoneBug bug) {
        SeededBugHunt.assertFoundAndShrunk(runner, bug,
                catcher -> chains(boards(Bugs.of(bug), 768, 1536), catcher::equals, false).tries(200));
    }

    @PropertyTest
    void swappedWatermarksAfterAWriteAreFoundAndShrunk(PropertyRunner runner) {
        hunt(runner, ZoneBug.ZONE_WMARK_SWAPPED);
    }

    @PropertyTest
    void aRecomputeFromStaleManagedCountsIsFoundAndShrunk(PropertyRunner runner) {
        hunt(runner, ZoneBug.ZONE_WMARK_FROM_FINAL_MANAGED);
    }

    @PropertyTest
    void aNonCumulativeProtectionAfterAWriteIsFoundAndShrunk(PropertyRunner runner) {
        hunt(runner, ZoneBug.ZONE_RESERVE_NOT_CUMULATIVE);
    }

    @PropertyTest
    void aClampedMinFreeKbytesWriteIsFoundAndShrunk(PropertyRunner runner) {
        hunt(runner, ZoneBug.ZONE_MIN_FREE_WRITE_CLAMPED);
    }

    /** INV-CALL-05 alone also finds the clamped write: the value read back is not the value written. */
    @PropertyTest
    void theCallCheckAloneFindsAClampedWrite(PropertyRunner runner) {
        ChainResult result = runner.run(chains(boards(Bugs.of(ZoneBug.ZONE_MIN_FREE_WRITE_CLAMPED)),
                "INV-CALL-05"::equals, false).tries(200).build());
        assertThat(result.passed()).isFalse();
        assertThat(result.counterexample().failure().id()).isEqualTo("INV-CALL-05");
        assertThat(result.counterexample().steps()).hasSize(1);
    }

    @PropertyTest
    void aRefusedFractionThatStaysWrittenIsFoundAndShrunk(PropertyRunner runner) {
        hunt(runner, ZoneBug.ZONE_FRACTION_EINVAL_KEEPS_VALUE);
    }

    @PropertyTest
    void aPcpHighWithoutItsFloorAfterAWriteIsFoundAndShrunk(PropertyRunner runner) {
        hunt(runner, ZoneBug.ZONE_PCP_HIGH_NO_FLOOR);
    }
}
