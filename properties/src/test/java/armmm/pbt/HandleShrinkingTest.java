package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Handles drawn from bundles survive the deletion of unrelated steps: the toy heap's double free,
 * reachable only after three allocations, shrinks to its 5-step minimum on at least 19 of 20 seeds.
 */
class HandleShrinkingTest {
    static final int SEEDS = 20;

    static int minimalSeeds(boolean bundles) {
        int minimal = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            ChainResult result = Chains.run((bundles ? ToyHeap.spec("HandleToyHeap") : ToyHeap.indexSpec("HandleToyHeapIndex"))
                    .seed(seed).build());
            assertThat(result.passed()).as("seed %d finds the double free", seed).isFalse();
            assertThat(result.counterexample().failure().id()).isEqualTo("TOY-HEAP-01");
            if (result.counterexample().steps().size() == ToyHeap.MINIMAL_STEPS) {
                minimal++;
            }
        }
        return minimal;
    }

    @Test
    void theDoubleFreeShrinksToItsMinimumOnAtLeast19Of20Seeds() {
        int minimal = minimalSeeds(true);
        System.out.println("[armmm] HandleShrinkingTest: toy heap minimal on " + minimal + "/20 seeds with bundles, "
                + minimalSeeds(false) + "/20 with indices from the front");
        assertThat(minimal).isGreaterThanOrEqualTo(19);
    }
}
