package armmm.properties;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.SeededBug;
import armmm.model.subsystem.Op;
import armmm.pbt.ChainResult;
import armmm.pbt.ChainSpec;
import armmm.pbt.PropertyRunner;
import armmm.spec.Catalogue;
import java.util.function.Function;

/**
 * The hunt for one seeded bug, as the catalogue promises it: a chain with only the invariant
 * spec/invariants.md names for the bug checked fails on that invariant, after at least one call
 * (boot must not catch it), shrunk to at most twice the hand-minimal scenario beside the bug (the
 * shortest of the run's distinct failures of that invariant); the figures go to {@link SeededBugTable}.
 */
public final class SeededBugHunt {
    private SeededBugHunt() {
    }

    /**
     * Runs {@code chains} (given the catcher's id, the chain spec with the bug planted and that
     * invariant alone checked, tries set) and asserts the promise.
     */
    public static void assertFoundAndShrunk(PropertyRunner runner, SeededBug bug,
                                            Function<String, ChainSpec.Builder<World, Op>> chains) {
        String catcher = Catalogue.catcherOf(bug.name());
        assertThat(catcher).as("invariant spec/invariants.md names for %s", bug).isNotNull();
        int handMinimal = SeededBugTable.handMinimalCalls(bug);
        long start = System.nanoTime();
        // named bug_NAME, as the other hunts' runs are, so the verification report finds this hunt
        ChainResult result = runner.named("bug_" + bug.cliName()).derandomized().run(chains.apply(catcher).build());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(result.passed()).as("%s planted: the chain must fail", bug).isFalse();
        assertThat(result.counterexample().failure().id()).isEqualTo(catcher);
        // distinct failures of the same invariant (after different last calls) are each shrunk and
        // written out; the bug's counterexample is the shortest of them
        var shortest = result.counterexamples().stream().filter(c -> c.failure().id().equals(catcher))
                .min(java.util.Comparator.comparingInt(c -> c.steps().size())).orElseThrow();
        int shrunk = shortest.steps().size();
        SeededBugTable.record(bug, catcher, result.stats().tries(), shortest.originalSteps(), shrunk,
                handMinimal, millis);
        assertThat(shrunk).as("calls before %s is caught (boot must not catch it)", bug).isGreaterThanOrEqualTo(1);
        assertThat(shrunk).as("shrunk against the hand-minimal %d calls", handMinimal).isLessThanOrEqualTo(2 * handMinimal);
    }
}
