package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shrink replay cache answers a candidate only when it begins with the choices a replay used. */
class ReplayCacheTest {
    private static ChoiceSequence used(long... ranks) {
        Choices c = Choices.replay(ranks);
        for (long r : ranks) {
            c.drawBoolean(0.5); // one yes/no choice each: the ranks are 0 or 1
        }
        return c.toSequence();
    }

    @Test
    void aCandidateBeginningWithUsedChoicesIsAnswered() {
        ReplayCache cache = new ReplayCache();
        ChoiceSequence failing = used(1, 0, 1);
        cache.put(failing.ranks(), failing);
        cache.put(new long[] {0}, null);
        assertThat(cache.lookup(new long[] {1, 0, 1, 1, 0}).failing()).isSameAs(failing);
        assertThat(cache.lookup(new long[] {1, 0, 1}).failing()).isSameAs(failing);
        assertThat(cache.lookup(new long[] {0, 1, 1}).failing()).isNull();
        assertThat(cache.lookup(new long[] {0, 1, 1}).used()).containsExactly(0);
    }

    @Test
    void aCandidateThatDiffersWithinTheUsedChoicesOrIsShorterIsNot() {
        ReplayCache cache = new ReplayCache();
        ChoiceSequence failing = used(1, 0, 1);
        cache.put(failing.ranks(), failing);
        assertThat(cache.lookup(new long[] {1, 0})).isNull();
        assertThat(cache.lookup(new long[] {1, 1, 1})).isNull();
        assertThat(cache.lookup(new long[] {})).isNull();
    }

    @Test
    void theShrinkerAnswersFromTheCacheWithoutReplaying() {
        // a failure whenever the first choice is 1: every shrink of [1, 1, 1] ends at [1]
        Trial trial = c -> c.drawBoolean(0.5) ? new Failure("TOY", "first is yes", "") : null;
        ChoiceSequence start = used(1);
        ReplayCache cache = new ReplayCache();
        Shrinker first = new Shrinker(trial, start, "TOY | first is yes", "", null, 100, 60, cache);
        ChoiceSequence shrunk = first.shrink();
        int firstCalls = first.report(start.size()).calls();
        Shrinker again = new Shrinker(trial, start, "TOY | first is yes", "", null, 100, 60, cache);
        assertThat(again.shrink().ranks()).isEqualTo(shrunk.ranks());
        assertThat(firstCalls).isPositive();
        assertThat(again.report(start.size()).calls()).as("every candidate answered by the cache").isZero();
    }

    @Test
    void aStartThatReachesAnEarlierStartsFixedPointStopsThereWithTheSameResult() {
        // five values 0..100 failing when they sum to 150 or more: the starts below all end at [0, 0, 0, 50, 100]
        Trial trial = c -> {
            long sum = 0;
            for (int i = 0; i < 5; i++) {
                sum += c.choose(0, 100);
            }
            return sum >= 150 ? new Failure("TOY", "sum of 150", "") : null;
        };
        String identity = "TOY | sum of 150";
        ChoiceSequence first = ranks(100, 100, 100, 100, 100);
        ChoiceSequence second = ranks(90, 100, 70, 100, 100);
        ReplayCache cache = new ReplayCache();
        Shrinker one = new Shrinker(trial, first, identity, "", null, 5000, 60, cache);
        ChoiceSequence fixedPoint = one.shrink();
        assertThat(one.converged()).isFalse();
        Shrinker two = new Shrinker(trial, second, identity, "", null, 5000, 60, cache);
        ChoiceSequence shrunk = two.shrink();
        Shrinker alone = new Shrinker(trial, second, identity, "", null, 5000, 60, new ReplayCache());
        ChoiceSequence unaided = alone.shrink();
        assertThat(two.converged()).as("the second start stopped at the first's fixed point").isTrue();
        assertThat(shrunk.ranks()).isEqualTo(fixedPoint.ranks()).isEqualTo(unaided.ranks())
                .containsExactly(0, 0, 0, 50, 100);
        assertThat(two.report(second.size()).calls()).isLessThan(alone.report(second.size()).calls());
    }

    private static ChoiceSequence ranks(long... ranks) {
        Choices c = Choices.replay(ranks);
        for (int i = 0; i < ranks.length; i++) {
            c.choose(0, 100);
        }
        return c.toSequence();
    }
}
