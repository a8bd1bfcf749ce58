package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The chain-end checks are a call of their own ({@code chain end: <id>}): a failure they find is never
 * the same failure as a step's with the same id and reason, and the shrink replays of a step's failure
 * skip them (a failure there could never be kept), while a failure found only there still shrinks
 * like any other.
 */
class ChainEndCheckTest {
    /**
     * Pushes values. The step invariant fails on a value of 90 or more; the chain-end check fails, with
     * the same id and reason, once three values are held. It counts its runs in {@code ends}.
     */
    private static ChainSpec.Builder<List<Integer>, Integer> toy(String name, AtomicInteger ends) {
        return ChainSpec.<List<Integer>, Integer>builder(name)
                .initialState(() -> new ArrayList<Integer>())
                .action("push", 1, s -> Gens.uniformInts(0, 99))
                .executor((s, v) -> s.add(v))
                .invariant("TOY-END-01", s -> s.stream().anyMatch(v -> v >= 90)
                        ? List.of(new Failure("TOY-END-01", "too much", "")) : List.of())
                .finalCheck("scan", s -> {
                    ends.incrementAndGet();
                    return s.size() >= 3 ? List.of(new Failure("TOY-END-01", "too much", "")) : List.of();
                })
                .database("off")
                .steps(20);
    }

    @Test
    void shrinkingAStepsFailureNeverRunsTheChainEndChecks() {
        for (long seed = 1; seed <= 10; seed++) {
            AtomicInteger ends = new AtomicInteger();
            // chains of one step: few reach three values, so the step's failure comes first
            ChainResult result = Chains.run(toy("EndSkippedWhileShrinking", ends).seed(seed).tries(200).steps(2).build());
            assertThat(result.passed()).isFalse();
            Counterexample cx = result.counterexamples().stream().filter(c -> c.steps().size() == 1).findFirst()
                    .orElseThrow();
            assertThat(cx.steps()).as("seed %d", seed).containsExactly("90");
            // the chain-end check ran only in the search (once per chain that no step failed, as the
            // statistics count it); the shrink replays of "push 90" added none (each would cost a scan)
            assertThat((long) ends.get()).as("seed %d: chain-end checks run, against the search's", seed)
                    .isEqualTo(result.stats().finalChecks().get("scan"));
            assertThat(result.counterexample().shrink().calls()).as("seed %d: shrink replays", seed).isPositive();
        }
    }

    @Test
    void aFailureOnlyTheChainEndCheckFindsShrinksToItsMinimum() {
        int atTheEnd = 0;
        for (long seed = 1; seed <= 10; seed++) {
            ChainResult result = Chains.run(toy("EndFailureShrinks", new AtomicInteger()).seed(seed).tries(200).build());
            assertThat(result.passed()).isFalse();
            for (Counterexample cx : result.counterexamples()) {
                if (cx.steps().size() == 1) {
                    assertThat(cx.steps()).as("seed %d", seed).containsExactly("90");
                } else {
                    // three pushes of the smallest value: the step invariant's "too much" on a
                    // smaller chain is another failure, and was not slid into
                    assertThat(cx.steps()).as("seed %d", seed).containsExactly("0", "0", "0");
                    atTheEnd++;
                }
            }
        }
        assertThat(atTheEnd).as("seeds whose run found the chain-end failure").isGreaterThanOrEqualTo(5);
    }

    @Test
    void noActionMayTakeTheChainEndChecksCallName() {
        assertThatThrownBy(() -> ChainSpec.<List<Integer>, Integer>builder("x")
                .action(Chain.FINAL_CALL + "scan", 1, s -> Gens.constant(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chain-end");
    }
}
