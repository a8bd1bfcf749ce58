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
    void aFixedPointIsKnownOnlyUntilTheCacheForgetsEverything() {
        ReplayCache cache = new ReplayCache();
        cache.fixedPoint(new long[] {1}, cache.clears());
        assertThat(cache.isFixedPoint(new long[] {1})).isTrue();
        assertThat(cache.isFixedPoint(new long[] {1, 0})).isFalse();
        cache.put(new long[ReplayCache.MAX_STORED], null);
        cache.put(new long[] {0}, null); // past the bound: the cache forgets everything
        assertThat(cache.clears()).isEqualTo(1);
        assertThat(cache.isFixedPoint(new long[] {1})).as("its round's answers are gone").isFalse();
    }

    @Test
    void aStartThatBeginsAtAnEarlierStartsFixedPointStopsThereWithoutAReplay() throws Exception {
        // the double-free toy: its handles come from a bundle, so step deletions are repaired
        // candidates, which the cache never stores; a round from the fixed point replays them
        Chain<ToyHeap, ToyHeap.Op> chain = new Chain<>(ToyHeap.spec("ReplayCacheFixedPoint").build(), 40);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        Trial.Outcome failing;
        do {
            failing = Trial.execute(chain, Choices.random(random.split()));
        } while (failing.failure() == null);
        ReplayCache cache = new ReplayCache();
        ChoiceSequence end = new Shrinker(chain, failing.sequence(), failing.identity(), failing.call(), null, 5000, 60,
                cache).shrink();
        assertThat(end.spans("step")).hasSize(ToyHeap.MINIMAL_STEPS);

        Shrinker atEnd = new Shrinker(chain, end, failing.identity(), failing.call(), null, 5000, 60, cache);
        assertThat(atEnd.shrink().ranks()).isEqualTo(end.ranks());
        assertThat(atEnd.report(end.size()).calls()).isZero();

        // once the cache forgot the round's answers, the same start runs the round again, to the same end
        cache.put(new long[ReplayCache.MAX_STORED], null);
        cache.put(new long[] {0}, null);
        Shrinker afterClear = new Shrinker(chain, end, failing.identity(), failing.call(), null, 5000, 60, cache);
        assertThat(afterClear.shrink().ranks()).isEqualTo(end.ranks());
        assertThat(afterClear.report(end.size()).calls()).isPositive();
    }
}
