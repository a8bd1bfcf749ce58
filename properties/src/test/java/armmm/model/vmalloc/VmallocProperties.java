package armmm.model.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import armmm.pbt.ChainResult;
import armmm.pbt.Chains;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.properties.KernelChains;
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
    private static final Map<VmallocBug, Integer> HAND_MINIMAL = Map.of(
            VmallocBug.VMALLOC_PURGE_LEAKS_SPACE, 3, // vmalloc, vfree, purge
            VmallocBug.VMALLOC_NO_GUARD_PAGE, 1, // vmalloc
            VmallocBug.VMALLOC_IOREMAP_UNALIGNED, 1, // ioremap of more than a page
            VmallocBug.VMALLOC_VFREE_KEEPS_PTES, 2, // vmalloc, vfree
            VmallocBug.VMALLOC_LAZY_REUSE_BEFORE_FLUSH, 2, // vmalloc, vfree
            VmallocBug.VMALLOC_MAPS_ONE_PAGE_TWICE, 1, // vmalloc of two pages
            VmallocBug.VMALLOC_VMAP_PAGE_OFF_BY_ONE, 2); // alloc_pages, vmap

    /**
     * Boards of 32 to 96 MiB, all lowmem, and of 64 to 128 MiB split into lowmem and HighMem
     * (which vmalloc prefers) by a {@code vmalloc=} that leaves 32 MiB or more of lowmem; 1 to 4
     * CPUs. The vmalloc area is then 850 to 980 MiB, which areas of up to 512 MiB run out within
     * a chain.
     */
    static Gen<Kernel> boards() {
        return boards(KernelChains.edgeBugs());
    }

    /** {@link #boards()} with {@code bugs} planted in every kernel. */
    static Gen<Kernel> boards(Bugs bugs) {
        Gen<Board> small = Gens.ints(32, 96).map(mib -> Board.virt((long) mib << 20));
        Gen<Board> highmem = Gens.ints(64, 128).flatMap(mib -> Gens.ints(32, mib - 16)
                .map(lowmem -> Board.virt((long) mib << 20).withArgs("vmalloc=" + (1008 - lowmem) + "M")));
        return Gens.combine(Gens.oneOfGens(small, highmem), Gens.ints(1, 4), (b, cpus) -> Kernel.boot(b.withCpus(cpus), bugs));
    }

    @PropertyTest
    void vmallocCallsKeepEveryInvariantUpToExhaustionAndBack(PropertyRunner runner) {
        ChainResult result = runner.run(VmallocChains.spec(boards(), id -> true).build());
        Chains.throwIfFailed(result);
        Map<String, Integer> labels = result.stats().labels();
        assertThat(labels).as("states reached").containsKeys("vmalloc placed", "vmap placed", "ioremap placed",
                "NULL", "vfree passed lazy_max_pages: purged", "refused: ioremap on RAM", "refused: Trying to vfree() nonexistent vm area");
    }

    /**
     * After a chain of vmalloc, vfree, vmap, ioremap and purges, the full scan of every page of
     * the vmalloc range agrees with the incremental checks run after each call: nothing found.
     */
    @PropertyTest
    void afterAChainTheFullScanFindsNothingEither(PropertyRunner runner) {
        Gen<List<Integer>> calls = Gens.lists(Gens.ints(0, 99), 0, 80);
        runner.forAll(Gens.combine(boards(), calls, (k, c) -> new Object[] {k, c})).tries(20)
                .checkThrowing(pair -> {
                    Kernel k = (Kernel) pair[0];
                    @SuppressWarnings("unchecked")
                    List<Integer> c = (List<Integer>) pair[1];
                    Vmalloc v = k.state(Vmalloc.class);
                    java.util.ArrayDeque<Long> live = new java.util.ArrayDeque<>();
                    for (int x : c) {
                        long a;
                        if (x < 40) {
                            a = v.vmalloc((x + 1) * 3000L).value();
                        } else if (x < 50) {
                            a = v.ioremap(0x0900_0000L + x * 0x100L, (x - 39) * 5000L).value() & -4096L;
                        } else if (x < 60) {
                            long pfn = k.pages().allocPagesPfn(armmm.model.core.Gfp.GFP_HIGHUSER, 0, 0);
                            a = pfn < 0 ? 0 : v.vmap(new long[] {pfn}, VmFlags.VM_MAP).value();
                        } else if (x < 95) {
                            a = 0;
                            if (!live.isEmpty()) {
                                v.vunmap(live.poll());
                            }
                        } else {
                            a = 0;
                            v.purgeVmapAreaLazy();
                        }
                        if (a != 0) {
                            live.add(a);
                        }
                        assertThat(k.check()).isEmpty();
                    }
                    assertThat(VmallocChecks.fullScan(v)).isEmpty();
                });
    }

    @TestFactory
    Stream<DynamicTest> everyPlantedVmallocBugIsCaughtByItsInvariant() {
        return Arrays.stream(VmallocBug.values())
                .map(bug -> DynamicTest.dynamicTest(bug.cliName(), () -> {
                    String catcher = Catalogue.catcherOf(bug.name());
                    PropertyRunner runner = new PropertyRunner("VmallocProperties", "bug_" + bug.cliName(), (k, v) -> { }).derandomized();
                    ChainResult result = runner.run(VmallocChains.spec(boards(Bugs.of(bug)), catcher::equals).tries(200).build());
                    assertThat(result.passed()).as("%s planted: the chain must fail", bug).isFalse();
                    assertThat(result.counterexample().failure().id()).as("invariant catching %s", bug).isEqualTo(catcher);
                    List<String> steps = result.counterexample().steps();
                    assertThat(steps).as("shrunk counterexample of %s, at most twice the hand-minimal scenario", bug)
                            .isNotEmpty().hasSizeLessThanOrEqualTo(2 * HAND_MINIMAL.get(bug));
                }));
    }
}
