package armmm.model.balloon;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.page.PageChains;
import armmm.model.subsystem.Op;
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
import armmm.properties.KernelChains;
import armmm.properties.SeededBugHunt;
import armmm.properties.World;
import java.util.List;
import java.util.function.Predicate;

/**
 * Chains of balloon inflates, deflates and migrations (drivers/virtio/virtio_balloon.c) mixed
 * with page calls and zone sysctl writes, on boards with and without HighMem and a Movable zone:
 * the managed counts follow the balloon (INV-ZONE-03), the balloon holds its pages
 * (INV-BALLOON-01), a later sysctl write recomputes from the ballooned counts (INV-ZONE-05); and
 * the balloon's seeded bugs, one of them a real kernel commit undone, are found and shrunk.
 */
class BalloonProperties {
    private static final long MIB = 1L << 20;

    /** 128 MiB to 1 GiB; from 768 MiB on, sometimes movablecore=4M (a Movable zone of 2048 pages). */
    private static Gen<Kernel> boards(Bugs bugs) {
        return Gens.combine(Gens.ints(128, 1024), Gens.booleans(0.5), (mib, movable) -> {
            Board b = Board.virt(mib * MIB);
            if (movable && mib >= 768) {
                b = b.withArgs("movablecore=4M");
            }
            return Kernel.boot(b, bugs);
        });
    }

    private static ChainSpec.Builder<World, Op> chains(Gen<Kernel> boards, Predicate<String> checked) {
        ChainSpec.Builder<World, Op> b = KernelChains.builder(boards, checked)
                .action("balloon_inflate", 8, w -> Gens.frequency(Gens.weighted(3, Gens.constant(256L)),
                        Gens.weighted(1, Gens.longs(0, 300))).map(n -> (Op) new BalloonOp.Inflate(n, 0)))
                .action("balloon_deflate", 2, w -> Gens.longs(0, 300).map(n -> (Op) new BalloonOp.Deflate(n, 0)))
                .action("balloon_migratepage", 5, w -> balloon(w).numPages() > 0,
                        w -> Gens.longs(0, balloon(w).numPages() - 1).map(i -> (Op) new BalloonOp.Migrate(i, 0)))
                .postcondition(BalloonProperties::label)
                .steps(24);
        return ZoneChains.withSysctlCalls(b, 1);
    }

    private static Balloon balloon(World w) {
        return w.kernel().state(Balloon.class);
    }

    private static List<Failure> label(World w, Op op, Object outcome) {
        if (op instanceof BalloonOp.Migrate m && outcome instanceof Result r && !r.isRefused()) {
            Balloon b = balloon(w);
            // the migrated page is the newest now; where the old one was is gone, so label by zones seen
            Stats.label("migration");
            long pfn = b.pfns().get(0);
            Stats.label("migrated into " + b.zoneOf(pfn).kernelName());
        }
        if (op instanceof BalloonOp.Inflate && outcome instanceof Result r && r.value() < 256 && r.value() >= 0
                && ((BalloonOp.Inflate) op).num() >= 256) {
            Stats.label("inflate out of puff");
        }
        return List.of();
    }

    @PropertyTest
    void theManagedCountsFollowTheBalloon(PropertyRunner runner) {
        ChainResult result = runner.run(PageChains.withPageCalls(chains(boards(Bugs.NONE), id -> true))
                .tries(30).cover("migration", 5).build());
        Chains.throwIfFailed(result);
    }

    private static void hunt(PropertyRunner runner, BalloonBug bug, int tries) {
        SeededBugHunt.assertFoundAndShrunk(runner, bug, catcher -> chains(boards(Bugs.of(bug)), catcher::equals).tries(tries));
    }

    @PropertyTest
    void aMigrationAcrossZonesThatKeepsTheManagedCountsIsFoundAndShrunk(PropertyRunner runner) {
        hunt(runner, BalloonBug.BALLOON_MIGRATE_KEEPS_MANAGED, 300);
    }

    @PropertyTest
    void aDeflateThatKeepsTheManagedCountIsFoundAndShrunk(PropertyRunner runner) {
        hunt(runner, BalloonBug.BALLOON_DEFLATE_KEEPS_MANAGED, 100);
    }

    @PropertyTest
    void aDeflateThatLeavesThePageListedIsFoundAndShrunk(PropertyRunner runner) {
        hunt(runner, BalloonBug.BALLOON_DEFLATE_KEEPS_LISTED, 100);
    }
}
