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
}
