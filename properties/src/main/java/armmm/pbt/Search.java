package armmm.pbt;

import java.util.SplittableRandom;

/**
 * Looks for a failing test case, by sampling or by exhaustive enumeration, and shrinks the first one
 * found. Statistics count only the search, not the shrinking replays.
 */
final class Search {
    /** Give up when this many test cases in a row were discarded per try asked for. */
    private static final int DISCARDS_PER_TRY = 10;

    /**
     * What the search found.
     *
     * @param tries test cases run (not discarded)
     * @param discarded test cases discarded
     * @param original the first failing sequence, or null if none failed
     * @param shrunk its shrunk form, or null
     * @param failure the failure of the shrunk sequence, or null
     * @param shrink how shrinking went, or null
     * @param exhausted whether exhaustive mode visited the whole choice tree
     */
    record Result(int tries, int discarded, ChoiceSequence original, ChoiceSequence shrunk, Failure failure,
            ShrinkReport shrink, boolean exhausted) {
        boolean failed() {
            return failure != null;
        }
    }

    private Search() {}

    /** Samples {@code config.tries()} test cases from the seed, or enumerates when {@code exhaustive} is set. */
    static Result run(Trial trial, PropertyConfig config, Exhaustive exhaustive, Stats stats) {
        return exhaustive == null ? sample(trial, config, stats) : enumerate(trial, config, exhaustive, stats);
    }

    private static Result sample(Trial trial, PropertyConfig config, Stats stats) {
        SplittableRandom master = new SplittableRandom(config.seed());
        int tries = 0;
        int discarded = 0;
        while (tries < config.tries() && discarded < DISCARDS_PER_TRY * config.tries()) {
            Trial.Outcome outcome = runCounted(trial, Choices.random(master.split()), stats);
            if (outcome.discarded()) {
                discarded++;
                continue;
            }
            tries++;
            if (outcome.failure() != null) {
                return shrunk(trial, outcome, config, tries, discarded);
            }
        }
        return new Result(tries, discarded, null, null, null, null, false);
    }

    private static Result enumerate(Trial trial, PropertyConfig config, Exhaustive exhaustive, Stats stats) {
        long[] prefix = new long[0];
        int tries = 0;
        int discarded = 0;
        for (int run = 0; run < exhaustive.budget(); run++) {
            Trial.Outcome outcome = runCounted(trial, Choices.replay(prefix), stats);
            if (outcome.discarded()) {
                discarded++;
            } else {
                tries++;
                if (outcome.failure() != null) {
                    return shrunk(trial, outcome, config, tries, discarded);
                }
            }
            prefix = exhaustive.next(outcome.sequence());
            if (prefix == null) {
                return new Result(tries, discarded, null, null, null, null, true);
            }
        }
        return new Result(tries, discarded, null, null, null, null, false);
    }

    private static Trial.Outcome runCounted(Trial trial, Choices choices, Stats stats) {
        try (Stats.Scope scope = stats.activate()) {
            Trial.Outcome outcome = Trial.execute(trial, choices);
            if (outcome.discarded()) {
                stats.countDiscard();
            } else {
                stats.countTry();
            }
            return outcome;
        }
    }

    private static Result shrunk(Trial trial, Trial.Outcome failing, PropertyConfig config, int tries,
            int discarded) {
        try (Stats.Scope scope = Stats.suspend()) {
            Shrinker shrinker = new Shrinker(trial, failing.sequence(), failing.failure().id(), config.shrinkSeconds());
            ChoiceSequence smallest = shrinker.shrink();
            Failure failure = Trial.execute(trial, Choices.replay(smallest.ranks())).failure();
            if (failure == null || !failure.id().equals(failing.failure().id())) {
                // a failure must never be reported as a pass, even when the system under test is not
                // deterministic and the replay behaves differently
                failure = new Failure(failing.failure().id(), failing.failure().reason(),
                        failing.failure().details() + " (the replay did not fail the same way: nondeterminism?)");
            }
            return new Result(tries, discarded, failing.sequence(), smallest, failure,
                    shrinker.report(failing.sequence().size()), false);
        }
    }
}
