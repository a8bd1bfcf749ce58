package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

/**
 * Generators draw what they promise: chi-square tests at the 0.1% level on fixed seeds (so the tests
 * are deterministic), and the mapping from choices to values puts the simplest value at rank 0.
 */
class GeneratorStatisticsTest {
    private static final int SAMPLES = 20_000;
    private static final double ALPHA = 0.001;

    private static <T> List<T> sample(Gen<T> gen, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<T> values = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            values.add(gen.generate(Choices.random(random.split())));
        }
        return values;
    }

    private static boolean fits(double[] expectedShares, long[] observed) {
        double[] expected = new double[expectedShares.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = expectedShares[i] * SAMPLES;
        }
        return !new ChiSquareTest().chiSquareTest(expected, observed, ALPHA);
    }

    /** Whether the values of {@code gen} in [-5, 7] pass as uniform. */
    private static boolean uniformOverMinus5To7(Gen<Integer> gen, long seed) {
        long[] counts = new long[13];
        sample(gen, seed).forEach(v -> counts[v + 5]++);
        double[] shares = new double[13];
        Arrays.fill(shares, 1.0 / 13);
        return fits(shares, counts);
    }

    @Test
    void uniformIntsAreUniformOverTheirRange() {
        assertThat(uniformOverMinus5To7(Gens.uniformInts(-5, 7), 1)).isTrue();
    }

    @Test
    void frequencyFollowsTheWeights() {
        Gen<Integer> gen = Gens.frequency(Gens.weighted(1, Gens.constant(0)), Gens.weighted(2, Gens.constant(1)),
                Gens.weighted(3, Gens.constant(2)), Gens.weighted(4, Gens.constant(3)));
        long[] counts = new long[4];
        sample(gen, 2).forEach(v -> counts[v]++);
        assertThat(fits(new double[] {0.1, 0.2, 0.3, 0.4}, counts)).isTrue();
    }

    @Test
    void booleansAreFairAndBiasedOnesFollowTheirProbability() {
        long[] fair = new long[2];
        sample(Gens.booleans(), 3).forEach(b -> fair[b ? 1 : 0]++);
        assertThat(fits(new double[] {0.5, 0.5}, fair)).isTrue();
        long[] biased = new long[2];
        sample(Gens.booleans(0.2), 4).forEach(b -> biased[b ? 1 : 0]++);
        assertThat(fits(new double[] {0.8, 0.2}, biased)).isTrue();
    }

    @Test
    void aChiSquareTestRejectsTheEdgeBiasedInts() {
        assertThat(uniformOverMinus5To7(Gens.ints(-5, 7), 5)).as("edge bias must be visible").isFalse();
    }

    @Test
    void edgeBiasedIntsHitMinMaxAndSmallValuesOften() {
        List<Integer> values = sample(Gens.ints(Integer.MIN_VALUE, Integer.MAX_VALUE), 6);
        assertThat(values.stream().filter(v -> v == Integer.MIN_VALUE).count()).isGreaterThan(SAMPLES / 10);
        assertThat(values.stream().filter(v -> v == Integer.MAX_VALUE).count()).isGreaterThan(SAMPLES / 10);
        assertThat(values.stream().filter(v -> Math.abs(v) <= 16).count()).isGreaterThan(SAMPLES / 10);
    }

    @Test
    void rankZeroIsTheValueNearestZeroAndRanksCoverTheRangeOnce() {
        long[][] ranges = {{-3, 5}, {-5, 3}, {2, 7}, {-7, -2}, {-32768, 32767}};
        for (long[] r : ranges) {
            Set<Long> seen = new HashSet<>();
            for (long rank = 0; rank <= r[1] - r[0]; rank++) {
                long v = Gens.valueOf(r[0], r[1], rank);
                assertThat(v).isBetween(r[0], r[1]);
                assertThat(Gens.rankOf(r[0], r[1], v)).isEqualTo(rank);
                seen.add(v);
            }
            assertThat(seen).hasSize((int) (r[1] - r[0] + 1));
        }
        assertThat(Gens.valueOf(-3, 5, 0)).isZero();
        assertThat(Gens.valueOf(2, 7, 0)).isEqualTo(2);
        assertThat(Gens.valueOf(-7, -2, 0)).isEqualTo(-2);
        assertThat(List.of(1L, 2L, 3L, 4L).stream().map(k -> Gens.valueOf(-3, 5, k)).toList())
                .containsExactly(1L, -1L, 2L, -2L);
    }

    @Test
    void anExhaustedReplayGivesTheSimplestValues() {
        Choices none = Choices.replay(new long[0]);
        assertThat(Gens.lists(Gens.ints(-9, 9)).generate(none)).isEmpty();
        assertThat(Gens.ints(5, 10).generate(none)).isEqualTo(5);
        assertThat(Gens.ints(-10, -5).generate(none)).isEqualTo(-5);
        assertThat(Gens.oneOf("a", "b").generate(none)).isEqualTo("a");
        assertThat(Gens.booleans().generate(none)).isFalse();
        assertThat(Gens.lists(Gens.ints(0, 9), 2, 5).generate(none)).containsExactly(0, 0);
    }

    @Test
    void replayingARecordedSequenceRegeneratesTheValue() {
        Gen<List<List<Integer>>> gen = Gens.lists(Gens.lists(Gens.ints(-100, 100)));
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < 100; i++) {
            Choices drawn = Choices.random(random.split());
            List<List<Integer>> value = gen.generate(drawn);
            assertThat(gen.generate(Choices.replay(drawn.toSequence().ranks()))).isEqualTo(value);
        }
    }

    @Test
    void combineCallsTheConstructorWithValuesInOrder() {
        record Call(long size, long align, long start, long end) {}
        Gen<Call> gen = Gens.combine(Gens.constant(1L), Gens.constant(2L), Gens.constant(3L), Gens.constant(4L),
                Call::new);
        assertThat(gen.generate(Choices.replay(new long[0]))).isEqualTo(new Call(1, 2, 3, 4));
    }

    @Test
    void filterRetriesAndDiscardsWhenNothingPasses() {
        Gen<Integer> even = Gens.ints(0, 100).filter(v -> v % 2 == 0);
        assertThat(sample(even, 10)).allMatch(v -> v % 2 == 0);
        Gen<Integer> never = Gens.ints(0, 100).filter(v -> v < 0);
        assertThatThrownBy(() -> never.generate(Choices.random(new SplittableRandom(1))))
                .isInstanceOf(Discard.class);
    }
}
