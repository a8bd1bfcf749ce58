package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Targeted search: a random walk of 20 steps of -9..+9 almost never climbs to 100, so sampling misses
 * the bug there; with the walk's height as a target, the engine mutates the highest walks and climbs.
 */
class TargetedSearchTest {
    static final int SEEDS = 10;

    private static ChainSpec.Builder<int[], Integer> walk(boolean targeted) {
        ChainSpec.Builder<int[], Integer> b = ChainSpec.<int[], Integer>builder(targeted ? "TargetedWalk" : "UntargetedWalk")
                .initialState(() -> new int[1])
                .action("step", 1, s -> Gens.uniformInts(-9, 9))
                .executor((s, v) -> s[0] += v)
                .invariant("TOY-WALK-01", s -> s[0] >= 100 ? List.of(new Failure("TOY-WALK-01", "the walk reached 100", ""))
                        : List.of())
                .steps(20).tries(300).database("off");
        return targeted ? b.target("height", s -> s[0]) : b;
    }

    static int found(boolean targeted) {
        int found = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            found += Chains.run(walk(targeted).seed(seed).build()).passed() ? 0 : 1;
        }
        return found;
    }

    @Test
    void aTargetFindsWhatSamplingMisses() {
        int untargeted = found(false);
        int targeted = found(true);
        System.out.println("[armmm] TargetedSearchTest: found on " + targeted + "/" + SEEDS + " seeds with a target, "
                + untargeted + "/" + SEEDS + " without");
        assertThat(untargeted).isLessThanOrEqualTo(2);
        assertThat(targeted).isGreaterThanOrEqualTo(8);
    }
}
