package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.pbt.ChainResult;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.spec.Catalogue;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * memblock under random call chains: every invariant holds after every call, and every planted
 * memblock bug is caught by the invariant the catalogue names for it, with a short counterexample.
 */
class MemblockProperties {

    @PropertyTest
    void randomMemblockCallsKeepEveryInvariant(PropertyRunner runner) {
        runner.check(MemblockChains.spec().build());
    }

    @PropertyTest
    void everyChainOfThreeCallsInTheSmallScopeKeepsEveryInvariant(PropertyRunner runner) {
        ChainResult result = runner.run(MemblockChains.tinyScope().steps(3).exhaustive(60, 200_000).build());
        assertThat(result.passed()).as("%s", result.counterexample()).isTrue();
        assertThat(result.exhausted()).as("every chain of the small scope was enumerated").isTrue();
    }

    @TestFactory
    Stream<DynamicTest> everyPlantedMemblockBugIsCaughtByItsInvariant() {
        return Arrays.stream(MemblockBug.values())
                .map(bug -> DynamicTest.dynamicTest(bug.cliName(), () -> {
                    String catcher = Catalogue.catcherOf(bug.name());
                    PropertyRunner runner = new PropertyRunner("MemblockProperties", "bug_" + bug.cliName(), (k, v) -> { }).derandomized();
                    ChainResult result;
                    result = runner.run(MemblockChains.spec(catcher::equals, Bugs.of(bug)).tries(1000).build());
                    assertThat(result.passed()).as("%s planted: the chain must fail", bug).isFalse();
                    assertThat(result.counterexample().failure().id()).as("invariant catching %s", bug).isEqualTo(catcher);
                    assertThat(result.counterexample().steps()).as("shrunk counterexample of %s", bug).hasSizeLessThanOrEqualTo(6);
                }));
    }
}
