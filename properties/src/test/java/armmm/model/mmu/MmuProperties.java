package armmm.model.mmu;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.check.MmuChecks;
import armmm.model.check.SeededBug;
import armmm.model.kernel.Kernel;
import armmm.model.kernel.Op;
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

    /** Small boards (24 to 96 MiB, 1 to 4 CPUs), so that boots are cheap. */
    static Gen<Kernel> smallBoards() {
        return Gens.combine(Gens.ints(24, 96), Gens.ints(1, 4), (mib, cpus) -> Kernel.boot(Board.virt((long) mib << 20).withCpus(cpus)));
    }

    @PropertyTest
    void mmuCallsOnGeneratedBoardsKeepEveryInvariant(PropertyRunner runner) {
        runner.check(MmuChains.spec(BoardGens.kernels(), id -> true).tries(25).build());
    }

    @PropertyTest
    void theFullScanHoldsAtTheEndOfAChain(PropertyRunner runner) {
        Gen<List<Op>> ops = Gens.lists(Gens.oneOf(List.<Op>of(
                new armmm.model.kernel.MmuOp.SetFixmap(1, 0x40000000L), new armmm.model.kernel.MmuOp.SetFixmap(130, 0x40123000L),
                new armmm.model.kernel.MmuOp.SetFixmapIo(2, 0x09000000L), new armmm.model.kernel.MmuOp.ClearFixmap(1),
                new armmm.model.kernel.MmuOp.SetKernelTextRw(), new armmm.model.kernel.MmuOp.SetKernelTextRo())), 0, 12);
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
        return Arrays.stream(SeededBug.values()).filter(b -> b.name().startsWith("MMU_"))
                .map(bug -> DynamicTest.dynamicTest(bug.cliName(), () -> {
                    String catcher = Catalogue.catcherOf(bug.name());
                    PropertyRunner runner = new PropertyRunner("MmuProperties", "bug_" + bug.cliName(), (k, v) -> { });
                    ChainResult result;
                    try (SeededBug.Planted planted = SeededBug.plant(bug)) {
                        result = runner.run(MmuChains.spec(smallBoards(), catcher::equals).tries(200).build());
                    }
                    assertThat(result.passed()).as("%s planted: the chain must fail", bug).isFalse();
                    assertThat(result.counterexample().failure().id()).as("invariant catching %s", bug).isEqualTo(catcher);
                    // each hand-minimal scenario (seeded-bugs/<bug>.scn) is one call
                    assertThat(result.counterexample().steps()).as("shrunk counterexample of %s", bug).hasSizeLessThanOrEqualTo(2);
                }));
    }
}
