package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.check.SeededBug;
import armmm.model.kernel.Kernel;
import armmm.pbt.ChainResult;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.properties.BoardGens;
import armmm.spec.Catalogue;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The page allocator under chains of kernel calls on booted boards: every invariant holds after
 * every call, under memory pressure down to NULL and back, and every planted buddy, page or GFP
 * bug is caught by the invariant the catalogue names for it.
 */
class PageProperties {

    /**
     * QEMU virt boards small enough to run out of memory within a chain, with 1 to 4 CPUs: 24 to
     * 96 MiB all lowmem (24 MiB is the smallest that holds the image), or 64 to 128 MiB split
     * into lowmem and HighMem by a {@code vmalloc=} that leaves 32 MiB or more of lowmem
     * (lowmem ends 8 MiB below VMALLOC_START, which is VMALLOC_END 0xff800000 less vmalloc=).
     */
    static Gen<Kernel> smallBoards() {
        Gen<Board> lowmemOnly = Gens.ints(24, 96).map(mib -> Board.virt((long) mib << 20));
        Gen<Board> withHighmem = Gens.ints(64, 128).flatMap(mib -> Gens.ints(32, mib - 16)
                .map(lowmem -> Board.virt((long) mib << 20).withArgs("vmalloc=" + (1008 - lowmem) + "M")));
        return Gens.combine(Gens.oneOfGens(lowmemOnly, withHighmem), Gens.ints(1, 4),
                (board, cpus) -> Kernel.boot(board.withCpus(cpus)));
    }

    @PropertyTest
    void pageCallsOnSmallBoardsKeepEveryInvariant(PropertyRunner runner) {
        runner.check(PageChains.spec(smallBoards()).build());
    }

    @PropertyTest
    void memoryPressureDownToNullAndBackKeepsEveryInvariant(PropertyRunner runner) {
        runner.check(PageChains.pressure(smallBoards(), id -> true).build());
    }

    @PropertyTest
    void pageCallsOnGeneratedBoardsKeepEveryInvariant(PropertyRunner runner) {
        runner.check(PageChains.spec(BoardGens.kernels()).tries(20).steps(60).build());
    }

    @TestFactory
    Stream<DynamicTest> everyPlantedPageAllocatorBugIsCaughtByItsInvariant() {
        return Arrays.stream(SeededBug.values())
                .filter(b -> b.name().startsWith("BUDDY_") || b.name().startsWith("PAGE_") || b.name().startsWith("GFP_"))
                .map(bug -> DynamicTest.dynamicTest(bug.cliName(), () -> {
                    String catcher = Catalogue.catcherOf(bug.name());
                    PropertyRunner runner = new PropertyRunner("PageProperties", "bug_" + bug.cliName(), (k, v) -> { });
                    // watermark and zonelist bugs show under memory pressure; the others in any chain
                    ChainResult result;
                    try (SeededBug.Planted planted = SeededBug.plant(bug)) {
                        result = runner.run((bug.name().startsWith("GFP_")
                                ? PageChains.pressure(smallBoards(), catcher::equals)
                                : PageChains.spec(smallBoards(), catcher::equals)).tries(300).build());
                    }
                    assertThat(result.passed()).as("%s planted: the chain must fail", bug).isFalse();
                    assertThat(result.counterexample().failure().id()).as("invariant catching %s", bug).isEqualTo(catcher);
                    if (bug.name().startsWith("GFP_")) {
                        // a pressure bug needs the zones filled first: its chain stays long, but shrinks
                        assertThat(result.counterexample().steps().size()).as("shrunk counterexample of %s", bug)
                                .isLessThanOrEqualTo(result.counterexample().originalSteps());
                    } else {
                        assertThat(result.counterexample().steps()).as("shrunk counterexample of %s", bug).hasSizeLessThanOrEqualTo(8);
                    }
                }));
    }
}
