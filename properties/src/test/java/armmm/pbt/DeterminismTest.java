package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same seed gives the same chains and the same shrunk counterexample. */
class DeterminismTest {
    @Test
    void theSameSeedGeneratesTheSameChains() {
        assertThat(chainsOf(1234)).isEqualTo(chainsOf(1234)).isNotEqualTo(chainsOf(4321));
    }

    /** The action values of every chain a seed generates, recorded by the executor. */
    private static List<String> chainsOf(long seed) {
        List<String> executed = new ArrayList<>();
        ChainSpec<ToyStack, ToyStack.Op> spec = ToyStack.spec("DeterminismChains" + seed, false).seed(seed).tries(20)
                .executor((s, op) -> {
                    executed.add(op.toString());
                    return s.apply(op);
                }).build();
        assertThat(Chains.run(spec).passed()).isTrue();
        return executed;
    }

    @Test
    void theSameSeedShrinksToTheSameCounterexample() {
        for (long seed : new long[] {1, 2, 3}) {
            Counterexample first = shrunk(seed);
            Counterexample second = shrunk(seed);
            assertThat(second.steps()).isEqualTo(first.steps());
            assertThat(second.originalSteps()).isEqualTo(first.originalSteps());
            assertThat(second.shrink().calls()).isEqualTo(first.shrink().calls());
            assertThat(first.steps()).containsExactly("push 0", "push 1", "pop -> $r2");
        }
    }

    @Test
    void aFailureThatDoesNotReplayIsStillReportedAsAFailure() {
        int[] runs = {0};
        PropertyResult<Integer> result = Property.forAll(Gens.ints(0, 9)).named("DeterminismFlaky").seed(1)
                .run(x -> ++runs[0] != 1);
        assertThat(result.passed()).isFalse();
        assertThat(result.failure().details()).contains("nondeterminism");
    }

    private static Counterexample shrunk(long seed) {
        return Chains.run(ToyStack.spec("DeterminismShrink", true).seed(seed).build()).counterexample();
    }

    @Test
    void theSameSeedShrinksASimplePropertyToTheSameValue() {
        Gen<List<Integer>> gen = Gens.lists(Gens.ints(-1000, 1000));
        PropertyResult<List<Integer>> a = Property.forAll(gen).named("DeterminismSimple").seed(99)
                .run(l -> l.stream().mapToInt(Integer::intValue).sum() < 500);
        PropertyResult<List<Integer>> b = Property.forAll(gen).named("DeterminismSimple").seed(99)
                .run(l -> l.stream().mapToInt(Integer::intValue).sum() < 500);
        assertThat(b.original()).isEqualTo(a.original());
        assertThat(b.shrunk()).isEqualTo(a.shrunk()).containsExactly(500);
    }
}
