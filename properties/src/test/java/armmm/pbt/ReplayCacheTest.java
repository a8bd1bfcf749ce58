package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The shrink replay cache answers a candidate only when its replay would repeat a known one: it
 * begins with the choices a replay used, or it reaches them once its ranks are clamped to their
 * bounds and its end is padded with 0 ({@link ReplayTree}).
 */
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

    /** A replay that used {@code candidate} (yes/no choices) padded and clamped as a replay does. */
    private static Trial.Outcome replayOf(Trial trial, long... candidate) {
        return Trial.execute(trial, Choices.replay(candidate));
    }

    @Test
    void aCandidateThatClampsOrRunsOutIntoAKnownReplayIsAnswered() {
        // three yes/no choices; fails when the first is yes
        Trial trial = c -> {
            boolean first = c.drawBoolean(0.5);
            c.drawBoolean(0.5);
            c.drawBoolean(0.5);
            return first ? new Failure("TOY", "first is yes", "") : null;
        };
        ReplayCache cache = new ReplayCache();
        Trial.Outcome known = replayOf(trial, 1);
        assertThat(known.sequence().ranks()).containsExactly(1, 0, 0);
        cache.put(new long[] {1}, known.sequence(), known.sequence());
        // [1, 0] is no prefix of [1, 0, 0], but its replay pads it to [1, 0, 0]
        assertThat(cache.lookup(new long[] {1, 0}).failing()).isSameAs(known.sequence());
        // ranks above a yes/no choice's bound clamp to 1: [5] replays as [1, 0, 0]
        assertThat(cache.lookup(new long[] {5}).failing()).isSameAs(known.sequence());
        assertThat(cache.lookup(new long[] {3, 0, 0, 4}).used()).containsExactly(1, 0, 0);
        // a free choice that differs from every known replay is not answered
        assertThat(cache.lookup(new long[] {1, 1})).isNull();
        assertThat(cache.lookup(new long[] {0})).isNull();
    }

    @Test
    void aForcedChoiceIsWalkedAsTheRankItWasForcedTo() {
        // a bias choice, then a value the bias forces when it is 6 (the minimum) or 7 (the maximum)
        Gen<Integer> value = Gens.ints(-50, 50);
        Trial trial = c -> value.generate(c) == -50 ? new Failure("TOY", "minimum", "") : null;
        ReplayCache cache = new ReplayCache();
        Trial.Outcome forced = replayOf(trial, 6, 0);
        assertThat(forced.failure()).isNotNull();
        assertThat(forced.sequence().forced(1)).isTrue();
        cache.put(new long[] {6, 0}, forced.sequence(), forced.sequence());
        // whatever the candidate holds at the forced position, the replay records the forced rank
        long[] other = {6, 3};
        assertThat(replayOf(trial, other).sequence().ranks()).isEqualTo(forced.sequence().ranks());
        assertThat(cache.lookup(other).failing()).isSameAs(forced.sequence());
        // without the forcing bias the value is free: not answered
        assertThat(cache.lookup(new long[] {0, 100})).isNull();
    }

    @Test
    void everyAnswerIsWhatTheReplayGives() {
        // lists of biased integers: forced values, a forced minimum length, clamped ranks, short candidates
        Gen<java.util.List<Integer>> lists = Gens.lists(Gens.ints(-50, 50), 2, 6);
        Trial trial = c -> lists.generate(c).stream().mapToInt(Integer::intValue).sum() > 30
                ? new Failure("TOY", "sum above 30", "") : null;
        ReplayCache cache = new ReplayCache();
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        int answered = 0;
        for (int k = 0; k < 4000; k++) {
            long[] candidate = new long[random.nextInt(30)];
            for (int i = 0; i < candidate.length; i++) {
                // mostly small ranks, so that candidates meet known replays; now and then one to clamp
                candidate[i] = random.nextInt(5) == 0 ? random.nextLong(120) : random.nextLong(3);
            }
            Trial.Outcome actual = replayOf(trial, candidate);
            ReplayCache.Hit hit = cache.lookup(candidate);
            if (hit != null) {
                answered++;
                assertThat(hit.used()).as("candidate %s", java.util.Arrays.toString(candidate))
                        .isEqualTo(actual.sequence().readOnlyRanks());
                assertThat(hit.failing() != null).isEqualTo(actual.failure() != null);
            }
            cache.put(candidate, actual.sequence(), actual.failure() != null ? actual.sequence() : null);
        }
        assertThat(answered).as("candidates answered without a replay").isGreaterThan(500);
    }

    @Test
    void aRepairedReplayRepeatsWhenItsUsedChoicesAreReplayedPlainly() {
        // the premise of remembering a repaired replay under the choices it used (Shrinker#consider):
        // each reference and action the repair re-pointed was recorded as the rank that names it
        Chain<ToyHeap, ToyHeap.Op> chain = new Chain<>(ToyHeap.spec("RepairedReplay").build(), 40);
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        int changed = 0;
        for (int k = 0; k < 500; k++) {
            ChoiceSequence drawn = Trial.execute(chain, Choices.random(random.split())).sequence();
            java.util.Map<Integer, Long> repairs = new java.util.HashMap<>();
            for (Bundle.Reference ref : drawn.references()) {
                if (random.nextInt(3) == 0) {
                    // a serial that may or may not be live there, or an action index that may be disabled
                    repairs.put(ref.position(), random.nextLong(Choices.ACTION.equals(ref.bundle()) ? 2 : 8));
                }
            }
            long[] candidate = drawn.ranks();
            if (candidate.length > 4 && random.nextBoolean()) {
                // a step's worth of choices gone, as the step deletions the repairs come with
                candidate = java.util.Arrays.copyOfRange(candidate, 0, candidate.length - 4);
            }
            Trial.Outcome repaired = Trial.execute(chain, Choices.repairing(candidate, repairs));
            Trial.Outcome plain = Trial.execute(chain, Choices.replay(repaired.sequence().ranks()));
            assertThat(plain.sequence().readOnlyRanks()).isEqualTo(repaired.sequence().readOnlyRanks());
            assertThat(plain.identity()).isEqualTo(repaired.identity());
            changed += java.util.Arrays.equals(repaired.sequence().readOnlyRanks(), 0, Math.min(candidate.length,
                    repaired.sequence().size()), candidate, 0, Math.min(candidate.length, repaired.sequence().size()))
                    ? 0 : 1;
        }
        assertThat(changed).as("replays whose repairs changed a recorded rank").isGreaterThan(50);
    }

    @Test
    void aRepairedCandidateIsAnsweredOnlyByARunItsRepairsWouldNotChange() {
        // a candidate with repairs is answered by a known run of it (plain, or with some of the same
        // repairs) when each other repair names what that run drew at its position: the repaired
        // replay then runs the same way; every answer is checked against the real repaired replay
        Chain<ToyHeap, ToyHeap.Op> chain = new Chain<>(ToyHeap.spec("RepairedAnswers").build(), 40);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        int answered = 0;
        int differing = 0;
        for (int k = 0; k < 500; k++) {
            ReplayCache cache = new ReplayCache();
            long[] candidate = Trial.execute(chain, Choices.random(random.split())).sequence().ranks();
            if (candidate.length > 4 && random.nextBoolean()) {
                candidate = java.util.Arrays.copyOfRange(candidate, 0, candidate.length - 4);
            }
            Trial.Outcome plain = Trial.execute(chain, Choices.replay(candidate));
            cache.put(candidate, plain.sequence(), plain.failure() != null ? plain.sequence() : null);
            java.util.Map<Integer, Long> some = new java.util.HashMap<>();
            for (Bundle.Reference ref : plain.sequence().references()) {
                switch (random.nextInt(4)) {
                    case 0 -> some.put(ref.position(), ref.serial()); // what the plain run drew there
                    case 1 -> some.put(ref.position(), random.nextLong(Choices.ACTION.equals(ref.bundle()) ? 2 : 8));
                    default -> { }
                }
            }
            Trial.Outcome withSome = Trial.execute(chain, Choices.repairing(candidate, some));
            answered += checkAnswer(cache.lookup(candidate, some), withSome);
            cache.putRepaired(candidate, some, withSome.sequence(), withSome.failure() != null ? withSome.sequence() : null);
            java.util.Map<Integer, Long> more = new java.util.HashMap<>(some);
            for (Bundle.Reference ref : withSome.sequence().references()) {
                if (!more.containsKey(ref.position()) && random.nextInt(3) == 0) {
                    more.put(ref.position(), random.nextBoolean() ? ref.serial()
                            : random.nextLong(Choices.ACTION.equals(ref.bundle()) ? 2 : 8));
                }
            }
            Trial.Outcome withMore = Trial.execute(chain, Choices.repairing(candidate, more));
            answered += checkAnswer(cache.lookup(candidate, more), withMore);
            differing += java.util.Arrays.equals(withMore.sequence().readOnlyRanks(), plain.sequence().readOnlyRanks())
                    ? 0 : 1;
        }
        assertThat(answered).as("repaired candidates answered without a replay").isGreaterThan(300);
        assertThat(differing).as("repaired replays that ran otherwise than the plain one").isGreaterThan(100);
    }

    @Test
    void aCandidateEndingTheChainBeforeAStepsFailureIsAnsweredAsAPass() {
        // a step's failure is shrunk with its call wanted: a candidate whose walk reaches a step's
        // "continue?" with rank 0 ends the chain before any further call and is answered as a pass;
        // every answer is checked against the real replay (mutations of known replays, so that walks
        // reach such choices)
        Chain<ToyHeap, ToyHeap.Op> chain = new Chain<>(ToyHeap.spec("StopAnswers").build(), 40);
        String wanted = "TOY-HEAP-01 | a handle is twice on the free list | in free";
        ReplayCache cache = ReplayCache.forCall("free");
        // a chain-end check's failure is another matter: there, ending the chain runs the check
        ReplayCache atEnd = ReplayCache.forCall(Chain.FINAL_CALL + "full scan");
        int endStops = 0;
        int repairedStops = 0;
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        java.util.List<long[]> known = new java.util.ArrayList<>();
        int answered = 0;
        int stops = 0;
        for (int k = 0; k < 3000; k++) {
            long[] candidate;
            if (known.isEmpty() || k % 4 == 0) {
                candidate = Trial.execute(chain, Choices.random(random.split())).sequence().ranks();
            } else {
                candidate = known.get(random.nextInt(known.size())).clone();
                for (int m = 1 + random.nextInt(2); m > 0 && candidate.length > 0; m--) {
                    candidate[random.nextInt(candidate.length)] = random.nextInt(3) == 0 ? random.nextLong(3) : 0;
                }
            }
            Trial.Outcome actual = Trial.execute(chain, Choices.replay(candidate).wanting("free"));
            boolean same = wanted.equals(actual.identity());
            ReplayCache.Hit hit = cache.lookup(candidate);
            if (hit != null) {
                answered++;
                stops += hit.stopped() ? 1 : 0;
                assertThat(hit.used()).as("candidate %s", java.util.Arrays.toString(candidate))
                        .isEqualTo(actual.sequence().readOnlyRanks());
                assertThat(hit.failing() != null).isEqualTo(same);
            }
            ReplayCache.Hit other = atEnd.lookup(candidate);
            endStops += other != null && other.stopped() ? 1 : 0;
            // with repairs, answered only where they would not change the run up to the chain's end
            java.util.Map<Integer, Long> repairs = new java.util.HashMap<>();
            for (Bundle.Reference ref : actual.sequence().references()) {
                if (random.nextInt(3) == 0) {
                    repairs.put(ref.position(), random.nextBoolean() ? ref.serial()
                            : random.nextLong(Choices.ACTION.equals(ref.bundle()) ? 2 : 8));
                }
            }
            ReplayCache.Hit repairedHit = cache.lookup(candidate, repairs);
            if (repairedHit != null) {
                Trial.Outcome repaired = Trial.execute(chain, Choices.repairing(candidate, repairs).wanting("free"));
                assertThat(repairedHit.used()).isEqualTo(repaired.sequence().readOnlyRanks());
                assertThat(repairedHit.failing() != null).isEqualTo(wanted.equals(repaired.identity()));
                repairedStops += repairedHit.stopped() ? 1 : 0;
            }
            cache.put(candidate, actual.sequence(), same ? actual.sequence() : null);
            atEnd.put(candidate, actual.sequence(), null);
            known.add(actual.sequence().ranks());
        }
        System.out.println("[stop answers] " + answered + " answered, " + stops + " at a continue? choice, "
                + repairedStops + " of them repaired");
        assertThat(answered).as("candidates answered without a replay").isGreaterThan(300);
        assertThat(stops).as("answered as a chain ended at a continue? choice").isGreaterThan(100);
        assertThat(endStops).as("answered so for a chain-end check's failure").isZero();
        assertThat(repairedStops).as("repaired candidates answered so").isGreaterThan(20);
    }

    /** 1 when {@code hit} answered (and it is what {@code actual} gave), 0 when it did not. */
    private static int checkAnswer(ReplayCache.Hit hit, Trial.Outcome actual) {
        if (hit == null) {
            return 0;
        }
        assertThat(hit.used()).isEqualTo(actual.sequence().readOnlyRanks());
        assertThat(hit.failing() != null).isEqualTo(actual.failure() != null);
        return 1;
    }
}
