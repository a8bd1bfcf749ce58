package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.kernel.Kernel;
import armmm.model.subsystem.Op;
import armmm.model.zone.ZoneBug;
import armmm.model.zone.ZoneType;
import armmm.pbt.ChainResult;
import armmm.pbt.ChainSpec;
import armmm.pbt.Chains;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.pbt.Stats;
import armmm.properties.KernelChains;
import armmm.properties.SeededBugTable;
import armmm.properties.World;
import armmm.spec.Catalogue;
import java.util.List;
import java.util.function.Predicate;

/**
 * Watermark boosting ({@code boost_watermark}, mm/page_alloc.c) and kswapd taking the boost off
 * ({@code balance_pgdat}, mm/vmscan.c) under chains of unmovable and movable requests that make
 * the allocator steal blocks smaller than a pageblock; and the planted reenactment of the bug
 * commit ab70cdb0d416 fixed, found by a chain and shrunk.
 */
class WatermarkBoostProperties {
    /** Unmovable and movable masks, with and without kswapd reclaim (a boost without it wakes no kswapd). */
    private static final List<Long> MASKS = List.of(Gfp.GFP_KERNEL, Gfp.GFP_ATOMIC, Gfp.GFP_HIGHUSER_MOVABLE,
            Gfp.GFP_KERNEL | Gfp.RECLAIMABLE, Gfp.IO | Gfp.FS, Gfp.HIGH, Gfp.GFP_NOWAIT);

    /** All-lowmem boards whose ZONE_DMA manages more than four pageblocks: boosting applies. */
    private static Gen<Kernel> boostable(Bugs bugs) {
        return Gens.combine(Gens.ints(56, 96), Gens.ints(1, 2),
                (mib, cpus) -> Kernel.boot(Board.virt((long) mib << 20).withCpus(cpus), bugs));
    }

    /** 24 to 32 MiB: ZONE_DMA manages fewer than four pageblocks, which 6.1 never boosts. */
    private static Gen<Kernel> small(Bugs bugs) {
        return Gens.combine(Gens.ints(24, 32), Gens.ints(1, 2),
                (mib, cpus) -> Kernel.boot(Board.virt((long) mib << 20).withCpus(cpus), bugs));
    }

    private static ChainSpec.Builder<World, Op> chains(Gen<Kernel> boards, Predicate<String> checked) {
        return KernelChains.builder(boards, checked)
                // the orders that leave the Unmovable lists short and make __rmqueue_fallback take a
                // Movable block below pageblock_order
                .action("alloc_pages", 10, w -> Gens.combine(Gens.oneOf(MASKS), Gens.ints(5, 10), Gens.constant(0),
                        PageOp.AllocPages::new))
                .action("alloc_pages (small)", 3, w -> Gens.combine(Gens.oneOf(MASKS), Gens.ints(0, 3), Gens.constant(0),
                        PageOp.AllocPages::new))
                .action("__free_pages", 3, w -> !w.held().isEmpty(), w -> Gens.oneOf(w.held())
                        .map(h -> new PageOp.FreePages(h.page(), h.order(), 0)))
                .postcondition((w, op, outcome) -> {
                    PageAllocator pa = w.kernel().pages();
                    for (ZoneType t : ZoneType.values()) {
                        BuddyZone z = pa.zone(t);
                        if (z != null && z.watermarkBoost() > 0) {
                            Stats.label("zone boosted");
                        }
                    }
                    if (pa.kswapdFailures() >= Kswapd.MAX_RECLAIM_RETRIES) {
                        Stats.label("kswapd gave up (node_unreclaimable)");
                    }
                    return List.of();
                })
                .steps(40);
    }

    @PropertyTest
    void fallbackStealsBoostTheWatermarksWithinTheirBoundsAndKswapdTakesTheBoostOff(PropertyRunner runner) {
        ChainResult result = runner.run(chains(boostable(Bugs.NONE), id -> true).tries(30)
                .cover("zone boosted", 30).build());
        Chains.throwIfFailed(result);
    }

    /**
     * {@code ZONE_BOOST_SMALL_ZONE} (commit ab70cdb0d416 undone) is found by a chain with
     * INV-BUDDY-07 alone checked, after at least one call, and shrunk to at most twice the
     * hand-minimal scenario beside it.
     */
    @PropertyTest
    void boostingASmallZoneIsFoundByAChainAndShrunk(PropertyRunner runner) {
        ZoneBug bug = ZoneBug.ZONE_BOOST_SMALL_ZONE;
        String catcher = Catalogue.catcherOf(bug.name());
        assertThat(catcher).isEqualTo("INV-BUDDY-07");
        int handMinimal = SeededBugTable.handMinimalCalls(bug);
        long start = System.nanoTime();
        ChainResult result = runner.named("bug_" + bug.cliName()).derandomized().run(chains(small(Bugs.of(bug)), catcher::equals).tries(300).build());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(result.passed()).as("%s planted: the chain must fail", bug).isFalse();
        assertThat(result.counterexample().failure().id()).isEqualTo(catcher);
        int shrunk = result.counterexample().steps().size();
        SeededBugTable.record(bug, catcher, result.stats().tries(), result.counterexample().originalSteps(), shrunk,
                handMinimal, millis);
        assertThat(shrunk).as("calls before %s is caught (boot must not catch it)", bug).isGreaterThanOrEqualTo(1);
        assertThat(shrunk).as("shrunk against the hand-minimal %d calls", handMinimal).isLessThanOrEqualTo(2 * handMinimal);
    }
}
