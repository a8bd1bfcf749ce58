package armmm.model.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.check.SeededBug;
import armmm.model.check.VmallocChecks;
import armmm.model.kernel.Kernel;
import armmm.pbt.ChainResult;
import armmm.pbt.Chains;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.properties.World;
import armmm.spec.Catalogue;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * vmalloc under chains of kernel calls on booted boards: every invariant holds after every call,
 * up to the exhaustion of the vmalloc range and of memory and back, and every planted vmalloc
 * bug is caught by the invariant the catalogue names for it.
 */
class VmallocProperties {
    /**
     * The calls of the shortest scenario that shows each bug, written by hand (the calls of
     * {@code seeded-bugs/<bug>.scn}, less the lookups that only state the expectation).
     */
    private static final Map<SeededBug, Integer> HAND_MINIMAL = Map.of(
            SeededBug.VMALLOC_PURGE_LEAKS_SPACE, 3, // vmalloc, vfree, purge
            SeededBug.VMALLOC_NO_GUARD_PAGE, 1, // vmalloc
            SeededBug.VMALLOC_IOREMAP_UNALIGNED, 1, // ioremap of more than a page
            SeededBug.VMALLOC_VFREE_KEEPS_PTES, 2, // vmalloc, vfree
            SeededBug.VMALLOC_LAZY_REUSE_BEFORE_FLUSH, 2, // vmalloc, vfree
            SeededBug.VMALLOC_MAPS_ONE_PAGE_TWICE, 1); // vmalloc of two pages

    /**
     * Boards of 32 to 96 MiB, all lowmem, and of 64 to 128 MiB split into lowmem and HighMem
     * (which vmalloc prefers) by a {@code vmalloc=} that leaves 32 MiB or more of lowmem; 1 to 4
     * CPUs. The vmalloc area is then 850 to 980 MiB, which areas of up to 512 MiB run out within
     * a chain.
     */
    static Gen<Kernel> boards() {
        Gen<Board> small = Gens.ints(32, 96).map(mib -> Board.virt((long) mib << 20));
        Gen<Board> highmem = Gens.ints(64, 128).flatMap(mib -> Gens.ints(32, mib - 16)
                .map(lowmem -> Board.virt((long) mib << 20).withArgs("vmalloc=" + (1008 - lowmem) + "M")));
        return Gens.combine(Gens.oneOfGens(small, highmem), Gens.ints(1, 4), (b, cpus) -> Kernel.boot(b.withCpus(cpus)));
    }

    @PropertyTest
    void vmallocCallsKeepEveryInvariantUpToExhaustionAndBack(PropertyRunner runner) {
        ChainResult result = runner.run(VmallocChains.spec(boards(), id -> true).build());
        Chains.throwIfFailed(result);
        Map<String, Integer> labels = result.stats().labels();
        assertThat(labels).as("states reached").containsKeys("vmalloc placed", "vmap placed", "ioremap placed",
                "NULL", "vfree passed lazy_max_pages: purged", "refused: ioremap on RAM", "refused: Trying to vfree() nonexistent vm area");
    }

    /** After any chain, the full scan of every page agrees with the incremental checks: nothing found. */
    @PropertyTest
    void afterAChainTheFullScanFindsNothingEither(PropertyRunner runner) {
        Gen<Integer> steps = Gens.ints(0, 60);
        runner.forAll(Gens.combine(boards().map(World::new), steps, (w, n) -> new Object[] {w, n})).tries(20)
                .checkThrowing(pair -> {
                    World w = (World) pair[0];
                    int n = (Integer) pair[1];
                    Kernel k = w.kernel();
                    long addr = 0;
                    for (int i = 0; i < n; i++) {
                        if (i % 3 == 2 && addr != 0) {
                            k.vmalloc().vfree(addr);
                            addr = 0;
                        } else {
                            long a = k.vmalloc().vmalloc((i + 1) * 5000L).value();
                            addr = addr == 0 ? a : addr;
                        }
                        assertThat(k.check()).isEmpty();
                    }
                    assertThat(VmallocChecks.fullScan(k)).isEmpty();
                });
    }

    @TestFactory
    Stream<DynamicTest> everyPlantedVmallocBugIsCaughtByItsInvariant() {
        return Arrays.stream(SeededBug.values()).filter(b -> b.name().startsWith("VMALLOC_"))
                .map(bug -> DynamicTest.dynamicTest(bug.cliName(), () -> {
                    String catcher = Catalogue.catcherOf(bug.name());
                    PropertyRunner runner = new PropertyRunner("VmallocProperties", "bug_" + bug.cliName(), (k, v) -> { });
                    ChainResult result;
                    try (SeededBug.Planted planted = SeededBug.plant(bug)) {
                        result = runner.run(VmallocChains.spec(boards(), catcher::equals).tries(200).build());
                    }
                    assertThat(result.passed()).as("%s planted: the chain must fail", bug).isFalse();
                    assertThat(result.counterexample().failure().id()).as("invariant catching %s", bug).isEqualTo(catcher);
                    List<String> steps = result.counterexample().steps();
                    assertThat(steps).as("shrunk counterexample of %s, at most twice the hand-minimal scenario", bug)
                            .isNotEmpty().hasSizeLessThanOrEqualTo(2 * HAND_MINIMAL.get(bug));
                }));
    }
}
