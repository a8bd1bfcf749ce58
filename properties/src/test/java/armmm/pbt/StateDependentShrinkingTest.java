package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Shrinking keeps state-dependent actions valid: {@code free} picks a handle from the live ones in the
 * current state, so when shrinking deletes the allocation a free depended on, the replay picks another
 * live handle (or the free is not generated at all) instead of freeing a dead one.
 */
class StateDependentShrinkingTest {
    /** A toy allocator whose bookkeeping breaks when a free happens with exactly three live handles. */
    static final class Allocator {
        final Map<Integer, Integer> live = new LinkedHashMap<>();
        int nextHandle;
        int counted;

        int alloc(int size) {
            live.put(nextHandle, size);
            counted++;
            return nextHandle++;
        }

        void free(int handle) {
            if (live.size() != 3) {
                counted--;
            }
            live.remove(handle);
        }
    }

    sealed interface AllocOp permits Alloc, Free {}

    record Alloc(int size) implements AllocOp {}

    record Free(int handle) implements AllocOp {}

    @Test
    void aGeneratedInitialStateShrinksWithTheChain() {
        ChainSpec<int[], String> spec = ChainSpec.<int[], String>builder("GeneratedInitialState")
                .initialState(Gens.ints(0, 1000).map(start -> new int[] {start}))
                .action("inc", 1, counter -> Gens.constant("inc"))
                .executor((counter, op) -> ++counter[0])
                .invariant("INV-COUNTER-01", counter -> counter[0] < 500 ? List.of()
                        : List.of(new Failure("INV-COUNTER-01", "counter reached 500", "counter " + counter[0])))
                .formatter(new ChainFormatter<>() {
                    @Override
                    public String scenarioHeader(int[] initial) {
                        return "# counter starts at " + initial[0];
                    }
                })
                .seed(3)
                .build();
        Counterexample cx = Chains.run(spec).counterexample();
        // the smallest failing choices: start at 500 and take no step at all
        assertThat(cx.header()).isEqualTo("# counter starts at 500");
        assertThat(cx.steps()).isEmpty();
    }

    @Test
    void everyShrinkReplayOnlyFreesLiveHandles() {
        List<String> invalidSteps = new ArrayList<>();
        int[] executions = {0};
        ChainSpec<Allocator, AllocOp> spec = ChainSpec.<Allocator, AllocOp>builder("AllocatorFreeOfThree")
                .initialState(Allocator::new)
                .action("alloc", 2, a -> Gens.ints(1, 8).map(Alloc::new))
                .action("free", 3, a -> !a.live.isEmpty(),
                        a -> Gens.oneOf(new ArrayList<>(a.live.keySet())).map(Free::new))
                .executor((a, op) -> {
                    executions[0]++;
                    if (op instanceof Alloc alloc) {
                        return a.alloc(alloc.size());
                    }
                    int handle = ((Free) op).handle();
                    if (!a.live.containsKey(handle)) {
                        invalidSteps.add("free of dead handle " + handle);
                    }
                    a.free(handle);
                    return null;
                })
                .invariant("INV-ALLOC-01", a -> a.counted == a.live.size() ? List.of()
                        : List.of(new Failure("INV-ALLOC-01", "live count differs from live handles",
                                "counted " + a.counted + ", live " + a.live.size())))
                .formatter(new ChainFormatter<>() {
                    @Override
                    public String line(AllocOp op, Object outcome, int step) {
                        return op instanceof Alloc alloc ? "alloc " + alloc.size() + " -> $h" + outcome
                                : "free $h" + ((Free) op).handle();
                    }
                })
                .seed(5).steps(30)
                .build();

        ChainResult result = Chains.run(spec);

        assertThat(result.counterexample().steps())
                .containsExactly("alloc 1 -> $h0", "alloc 1 -> $h1", "alloc 1 -> $h2", "free $h0");
        assertThat(result.counterexample().originalSteps()).isGreaterThan(4);
        assertThat(executions[0]).as("shrinking replayed many chains").isGreaterThan(100);
        assertThat(invalidSteps).as("no replay ever freed a dead handle").isEmpty();
    }
}
