package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Exhaustive small-scope mode enumerates every choice sequence instead of sampling. */
class ExhaustiveModeTest {
    private static final Gen<List<Integer>> PAIRS = Gens.listsOfSize(Gens.ints(0, 3), 2);

    @Test
    void everyPairOfASmallRangeIsVisitedOnce() {
        PropertyResult<List<Integer>> result = Property.forAll(PAIRS).named("ExhaustivePairs").exhaustive(10, 1000)
                .run(p -> true);
        // the edge-bias choices do not branch, so exactly the 16 distinct pairs run
        assertThat(result.tries()).isEqualTo(16);
    }

    @Test
    void theFirstFailureInDepthFirstOrderIsFound() {
        PropertyResult<List<Integer>> result = Property.forAll(PAIRS).named("ExhaustivePairSum").exhaustive(10, 1000)
                .run(p -> p.get(0) + p.get(1) < 5);
        assertThat(result.shrunk()).containsExactly(2, 3);
        assertThat(result.tries()).isEqualTo(12);
    }

    @Test
    void everyShortChainOfTheBrokenStackIsEnumeratedUntilTheBug() {
        ChainResult result = Chains.run(ToyStack.spec("ExhaustiveBrokenStack", true).steps(3)
                .exhaustive(100, 100_000).build());
        assertThat(result.counterexample().steps()).containsExactly("push 0", "push 1", "pop -> $r2");
    }

    @Test
    void theCorrectStackIsCheckedOnEveryChainOfThreeSteps() {
        ChainResult result = Chains.run(ToyStack.spec("ExhaustiveCorrectStack", false).steps(3)
                .exhaustive(100, 100_000).build());
        assertThat(result.passed()).isTrue();
        assertThat(result.exhausted()).isTrue();
        assertThat(result.stats().tries()).isEqualTo(chains(0, 3));
    }

    /** The number of distinct stack chains from {@code size} with {@code steps} left: stop, push 0..9 or pop. */
    private static int chains(int size, int steps) {
        if (steps == 0) {
            return 1;
        }
        int pushes = size < ToyStack.CAPACITY ? 10 * chains(size + 1, steps - 1) : 0;
        int pops = size > 0 ? chains(size - 1, steps - 1) : 0;
        return 1 + pushes + pops;
    }
}
