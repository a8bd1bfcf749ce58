package armmm.model.mmu;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import armmm.model.subsystem.Op;
import armmm.pbt.ChainResult;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.properties.BoardGens;
import armmm.properties.World;
import armmm.spec.Catalogue;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The kernel's page tables under chains of MMU calls on generated boards: every invariant holds
 * after every call, the full scan (every PTE, every lowmem frame) holds at the end of a chain,
 * and each planted page-table bug is caught by the invariant the catalogue names for it and
 * shrunk to at most twice its one-call hand-minimal scenario.
 */
class MmuProperties {

    /** Small boards (24 to 96 MiB, 1 to 4 CPUs), so that boots are cheap, with {@code bugs} planted. */
    static Gen<Kernel> smallBoards(Bugs bugs) {
        return Gens.combine(Gens.ints(24, 96), Gens.ints(1, 4),
                (mib, cpus) -> Kernel.boot(Board.virt((long) mib << 20).withCpus(cpus), bugs));
    }

    @PropertyTest
    void mmuCallsOnGeneratedBoardsKeepEveryInvariant(PropertyRunner runner) {
        runner.check(MmuChains.spec(BoardGens.kernels(), id -> true).tries(25).build());
    }

    @PropertyTest
    void theFullScanHoldsAtTheEndOfAChain(PropertyRunner runner) {
        Gen<List<Op>> ops = Gens.lists(Gens.oneOf(List.<Op>of(
                new MmuOp.SetFixmap(1, 0x40300000L), new MmuOp.SetFixmap(130, 0x40423000L),
                new MmuOp.SetFixmapIo(2, 0x09000000L), new MmuOp.ClearFixmap(1),
                new MmuOp.SetKernelTextRw(), new MmuOp.SetKernelTextRo())), 0, 12);
        runner.forAll(Gens.combine(BoardGens.kernels(), ops, (k, o) -> new Object[] {k, o})).tries(20).checkThrowing(pair -> {
            Kernel k = (Kernel) pair[0];
            @SuppressWarnings("unchecked")
            List<Op> list = (List<Op>) pair[1];
            assertThat(MmuChecks.fullScan(k)).as("after boot of %s", k.boardLine().orElse("")).isEmpty();
            World w = new World(k);
            list.forEach(w::apply);
            assertThat(MmuChecks.fullScan(k)).as("after %s", list).isEmpty();
        });
    }

    @TestFactory
    Stream<DynamicTest> everyPlantedPageTableBugIsCaughtByItsInvariant() {
        // MMU_CLEAR_FIXMAP_KEEPS_PTE needs page calls: NoDoubleMappingProperties hunts it
        return Arrays.stream(MmuBug.values()).filter(bug -> bug != MmuBug.MMU_CLEAR_FIXMAP_KEEPS_PTE)
                .map(bug -> DynamicTest.dynamicTest(bug.cliName(), () -> {
                    String catcher = Catalogue.catcherOf(bug.name());
                    PropertyRunner runner = new PropertyRunner("MmuProperties", "bug_" + bug.cliName(), (k, v) -> { }).derandomized();
                    ChainResult result = runner.run(MmuChains.spec(smallBoards(Bugs.of(bug)), catcher::equals).tries(200).build());
                    assertThat(result.passed()).as("%s planted: the chain must fail", bug).isFalse();
                    assertThat(result.counterexample().failure().id()).as("invariant catching %s", bug).isEqualTo(catcher);
                    // each hand-minimal scenario (seeded-bugs/<bug>.scn) is one call
                    assertThat(result.counterexample().steps()).as("shrunk counterexample of %s", bug).hasSizeLessThanOrEqualTo(2);
                    // found by a chain after a call, never by boot
                    assertThat(result.counterexample().steps()).as("steps to %s", bug).isNotEmpty();
                }));
    }
}
