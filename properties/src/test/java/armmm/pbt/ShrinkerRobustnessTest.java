package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shrinker's passes edit a sequence that gets shorter as they succeed. A pass that kept an
 * index into the old, longer sequence once threw ArrayIndexOutOfBoundsException while shrinking a
 * memory-pressure chain (lowerPairs, after a successful shift shortened the best sequence). Here,
 * lists whose length is a choice of their own shrink from many seeds: the failure stays the
 * property's own, never an exception of the engine.
 */
class ShrinkerRobustnessTest {
    private static final Gen<List<Integer>> LENGTH_FIRST = Gens.ints(0, 30).flatMap(n -> Gens.listsOfSize(Gens.ints(0, 1000), n));

    @Test
    void shrinkingSequencesThatShortenUnderThePassesNeverThrows() {
        for (long seed = 1; seed <= 40; seed++) {
            PropertyResult<List<Integer>> result = Property.forAll(LENGTH_FIRST).named("ShrinkerRobustness" + seed)
                    .seed(seed).tries(2000)
                    .run(list -> list.size() < 3 || list.get(list.size() - 1) + list.get(0) < 900);
            assertThat(result.failure()).as("seed %d", seed).isNotNull();
            assertThat(result.failure().id()).as("seed %d", seed).doesNotStartWith("exception:");
            assertThat(result.shrunk()).as("seed %d", seed).hasSize(3);
        }
    }
}
