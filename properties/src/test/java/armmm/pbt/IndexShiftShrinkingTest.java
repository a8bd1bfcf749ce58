package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A later step that names an earlier result by its index in a list counted from the newest (as
 * SlubProperties names caches: {@code Gens.oneOf(w.handles())}, newest first) names another item
 * when shrinking deletes a step that added an item before it in the list. The shrinker lowers, in the
 * same move, every later choice whose bound fell in the replay (Shrinker.shiftIndices). The toy: two
 * boot pools, the newest first ({@code boot}, then {@code old}); {@code create} puts a new pool at the
 * front, {@code fill i n} adds 0..10 units to the i-th pool; the failure is {@code boot} holding 25
 * units or more. Hand-minimal: fill 0 10, fill 0 10, fill 0 5 (3 steps). A create before a fill of
 * {@code boot} can go only with the fill's index lowered by one and its amount kept: deleting it
 * alone moves the fill to another pool (or, clamped, to {@code old}), and lowering every later choice
 * by one lowers the amounts too.
 */
class IndexShiftShrinkingTest {
    static final int SEEDS = 20;
    static final int MINIMAL_STEPS = 3;
    /** The creation number of the pool that must overfill. */
    static final int BOOT = 1;

    /** The toy's state: pools newest first, each as {units, creation number}. */
    static final class Pools {
        final List<int[]> pools = new ArrayList<>(List.of(new int[] {0, BOOT}, new int[] {0, 0}));
        int created = BOOT + 1;
    }

    record Fill(int index, int units) {
        @Override
        public String toString() {
            return "fill " + index + " " + units;
        }
    }

    static ChainSpec.Builder<Pools, Object> spec(String name) {
        return ChainSpec.<Pools, Object>builder(name)
                .initialState(Pools::new)
                .action("create", 1, s -> Gens.constant("create"))
                .action("fill", 3, s -> Gens.combine(Gens.uniformInts(0, s.pools.size() - 1),
                        Gens.uniformInts(0, 10), Fill::new))
                .executor((s, op) -> {
                    if (op instanceof Fill f) {
                        s.pools.get(f.index())[0] += f.units();
                    } else {
                        s.pools.add(0, new int[] {0, s.created++});
                    }
                    return null;
                })
                .invariant("TOY-POOL-01", s -> s.pools.stream().filter(p -> p[1] == BOOT && p[0] >= 25)
                        .map(p -> new Failure("TOY-POOL-01", "the boot pool holds 25 units or more", p[0] + " units"))
                        .toList())
                .steps(30).tries(300).database("off");
    }

    @Test
    void theBootPoolsOverfillShrinksToItsMinimumOnAtLeast19Of20Seeds() {
        int minimal = 0;
        List<Integer> lengths = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            ChainResult result = Chains.run(spec("IndexShiftToy").seed(seed).build());
            assertThat(result.passed()).as("seed %d overfills the boot pool", seed).isFalse();
            int steps = result.counterexample().steps().size();
            lengths.add(steps);
            minimal += steps == MINIMAL_STEPS ? 1 : 0;
        }
        System.out.println("[armmm] IndexShiftShrinkingTest: minimal on " + minimal + "/20 seeds, lengths " + lengths);
        assertThat(minimal).isGreaterThanOrEqualTo(19);
    }
}
