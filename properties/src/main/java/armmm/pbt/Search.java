package armmm.pbt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Looks for failing test cases, by sampling (with targeted search when the property reports
 * targets) or by exhaustive enumeration, after replaying the failures the example database holds;
 * shrinks every failure of a new identity; then runs the health checks. Statistics count only the
 * search, not the shrinking replays.
 */
final class Search {
    /** Give up when this many test cases in a row were discarded per try asked for. */
    private static final int DISCARDS_PER_TRY = 10;
    /**
     * After the first failure, the search for others runs as many more cases as it took to find the
     * first (at least {@link #MIN_EXTRA}, at most this share of the tries), as Hypothesis does: a bug
     * found at once does not cost a tenth of the tries, a rare one buys a longer look for others.
     */
    private static final int EXTRA_TRIES_DIVISOR = 10;
    private static final int MIN_EXTRA = 10;
    /**
     * A failure found again during the extra tries is shrunk again from its new start, up to this
     * many starts per identity, and the smaller result kept: shrinking has local minima.
     */
    private static final int SHRINK_STARTS = 3;
    /** Fewer distinct cases than tries / this is a health warning. */
    private static final int DISTINCT_DIVISOR = 10;
    private static final int DISTINCT_MIN_TRIES = 20;
    /** Mean generation time per case above this (and in total above {@link #SLOW_TOTAL_NANOS}) is a warning. */
    private static final long SLOW_MEAN_NANOS = 200_000_000L;
    private static final long SLOW_TOTAL_NANOS = 2_000_000_000L;

    /**
     * One distinct failure.
     *
     * @param original the first failing sequence
     * @param shrunk its shrunk form
     * @param failure the failure of the shrunk sequence
     * @param identity id, reason and call: what makes two failures the same
     * @param shrink how shrinking went
     */
    record Found(ChoiceSequence original, ChoiceSequence shrunk, Failure failure, String identity,
            ShrinkReport shrink) {}

    /**
     * What the search found.
     *
     * @param tries test cases run (not discarded)
     * @param discarded test cases discarded
     * @param found the distinct failures, the first found first
     * @param health failed health checks and coverage requirements (the property fails on them)
     * @param exhausted whether exhaustive mode visited the whole choice tree
     */
    record Result(int tries, int discarded, List<Found> found, List<Failure> health, boolean exhausted) {
        boolean failed() {
            return !found.isEmpty() || !health.isEmpty();
        }

        /** The first failure, or null. */
        Found first() {
            return found.isEmpty() ? null : found.get(0);
        }
    }

    /**
     * What a property asks of the search beyond its configuration.
     *
     * @param name the property's name in the example database (stable across runs)
     * @param coverage label to the least share of cases (percent) that must reach it
     * @param strictHealth whether health warnings fail the property
     */
    record Options(String name, Map<String, Double> coverage, boolean strictHealth) {
        Options {
            coverage = Map.copyOf(coverage);
        }
    }

    private final Trial trial;
    private final PropertyConfig config;
    private final Options options;
    private final Stats stats;
    private final CaseRunner runner;
    private final ExampleDatabase database;
    private final List<Found> found = new ArrayList<>();
    private final Set<String> identities = new HashSet<>();
    private final Map<String, Integer> restarts = new java.util.HashMap<>();
    /** Per identity, the shrink replays of all its starts. */
    private final Map<String, ReplayCache> caches = new java.util.HashMap<>();
    private int tries;
    private int discarded;

    private Search(Trial trial, PropertyConfig config, Options options, Stats stats, CaseRunner runner) {
        this.trial = trial;
        this.config = config;
        this.options = options;
        this.stats = stats;
        this.runner = runner;
        this.database = ExampleDatabase.of(config);
    }

    /** Samples {@code config.tries()} test cases from the seed, or enumerates when {@code exhaustive} is set. */
    static Result run(Trial trial, PropertyConfig config, Exhaustive exhaustive, Stats stats, Options options) {
        try (CaseRunner runner = new CaseRunner(config.deadlineSeconds())) {
            Search search = on(trial, config, stats, options, runner);
            return runner.guard(() -> search.search(exhaustive), search::abandoned);
        }
    }

    /**
     * A search whose cases run through {@code runner}, for a caller that guards more than the
     * search with it ({@link Chains}: the report's replays too, in the same hand-off).
     */
    static Search on(Trial trial, PropertyConfig config, Stats stats, Options options, CaseRunner runner) {
        return new Search(trial, config, options, stats, runner);
    }

    /** Samples or enumerates, on the calling thread (which {@code runner.guard} provides). */
    Result search(Exhaustive exhaustive) {
        boolean exhausted = false;
        if (exhaustive == null) {
            // an enumeration is its own order, simplest first: the database would only reorder it
            replayDatabase();
        }
        if (found.isEmpty()) {
            exhausted = exhaustive == null ? sample() : enumerate(exhaustive);
        }
        List<Failure> health = found.isEmpty() ? health(exhaustive != null) : List.of();
        return new Result(tries, discarded, List.copyOf(found), health, exhausted);
    }

    /**
     * The result when the runner abandoned a case that ignored its deadline: that case alone, as
     * found (not shrunk, not replayed, not stored: its thread is still running).
     */
    Result abandoned(Trial.Outcome hung) {
        int size = hung.sequence().size();
        ShrinkReport report = new ShrinkReport(0, 0, 0, false, size, size, false);
        Found found = new Found(hung.sequence(), hung.sequence(), hung.failure(), hung.identity(), report);
        return new Result(tries, discarded, List.of(found), List.of(), false);
    }

    /**
     * Replays what the database holds for this property, before any new case. A run whose seed was
     * given (pinned by the test or {@code armmm.seed}) does not, so that a seed always reproduces
     * the same counterexample; it still stores what it finds.
     */
    private void replayDatabase() {
        if (database == null || config.seedGiven()) {
            return;
        }
        for (long[] stored : database.load(options.name())) {
            Trial.Outcome outcome = runner.run(trial, Choices.replay(stored), null, null);
            if (outcome.failure() == null) {
                database.remove(options.name(), stored);
            } else {
                record(outcome);
            }
        }
    }

    private boolean sample() {
        SplittableRandom master = new SplittableRandom(config.seed());
        // shard I of N runs the I-th block of `tries` cases of the seed's stream: disjoint across shards
        for (long skip = (long) config.shardIndex() * config.tries(); skip > 0; skip--) {
            master.split();
        }
        SplittableRandom mutations = master.split();
        Map<String, Scored> best = new LinkedHashMap<>();
        Set<RanksKey> distinct = new HashSet<>();
        int extra = Integer.MAX_VALUE;
        int attempts = 0;
        int limit = config.tries();
        int cap = CoverageCheck.MAX_FACTOR * config.tries();
        while (discarded < DISCARDS_PER_TRY * config.tries() && extra > 0) {
            if (tries >= limit) {
                // a coverage requirement the cases so far cannot decide gets more cases, up to a bound
                if (!found.isEmpty() || limit >= cap || !coverageUndecided()) {
                    break;
                }
                limit = Math.min(2 * limit, cap);
            }
            SplittableRandom random = master.split();
            Choices choices = targetedChoices(best, random, mutations, attempts++);
            Map<String, Double> scores = Targets.scores();
            Trial.Outcome outcome = counted(choices, scores);
            if (outcome.discarded()) {
                continue;
            }
            if (distinct.size() < config.tries()) {
                distinct.add(new RanksKey(outcome.sequence().readOnlyRanks()));
            }
            scores.forEach((label, score) -> {
                Scored so = best.get(label);
                if (so == null || score >= so.score()) {
                    best.put(label, new Scored(outcome.sequence(), score));
                }
            });
            if (!found.isEmpty()) {
                extra--;
            }
            if (outcome.failure() != null && CaseRunner.DEADLINE_ID.equals(outcome.failure().id())) {
                // a system that hangs makes every further case cost a deadline: report what hung
                record(outcome);
                break;
            }
            if (outcome.failure() != null && record(outcome) && found.size() == 1) {
                extra = Math.min(config.tries() - tries,
                        Math.min(Math.max(MIN_EXTRA, config.tries() / EXTRA_TRIES_DIVISOR), Math.max(MIN_EXTRA, tries)));
            }
        }
        if (found.isEmpty() && tries >= DISTINCT_MIN_TRIES && distinct.size() * DISTINCT_DIVISOR < tries) {
            stats.warn("too few distinct test cases: " + distinct.size() + " in " + tries + " tries");
        }
        return false;
    }

    private record Scored(ChoiceSequence sequence, double score) {}

    /**
     * The choices of the next case: after half the tries, every other case mutates the best-scoring
     * case of one target (round robin): a raised or lowered choice, a step repeated, or a cut followed
     * by fresh random choices.
     */
    private Choices targetedChoices(Map<String, Scored> best, SplittableRandom random, SplittableRandom mutations,
            int attempt) {
        if (best.isEmpty() || attempt < config.tries() / 2 || attempt % 2 == 0) {
            return Choices.random(random);
        }
        List<Scored> targets = new ArrayList<>(best.values());
        ChoiceSequence seq = targets.get((attempt / 2) % targets.size()).sequence();
        long[] ranks = seq.ranks();
        if (ranks.length == 0) {
            return Choices.random(random);
        }
        List<ChoiceSequence.Span> steps = seq.spans("step");
        switch (mutations.nextInt(3)) {
            case 0 -> {
                for (int k = 1 + mutations.nextInt(3); k > 0; k--) {
                    int i = mutations.nextInt(ranks.length);
                    long bound = seq.bound(i);
                    ranks[i] = bound == Long.MAX_VALUE ? mutations.nextLong() & Long.MAX_VALUE : mutations.nextLong(bound + 1);
                }
                return Choices.extend(ranks, random);
            }
            case 1 -> {
                if (!steps.isEmpty()) {
                    ChoiceSequence.Span step = steps.get(mutations.nextInt(steps.size()));
                    int copies = 1 + mutations.nextInt(4);
                    long[] longer = new long[ranks.length + copies * step.length()];
                    System.arraycopy(ranks, 0, longer, 0, step.end());
                    for (int c = 0; c < copies; c++) {
                        System.arraycopy(ranks, step.start(), longer, step.end() + c * step.length(), step.length());
                    }
                    System.arraycopy(ranks, step.end(), longer, step.end() + copies * step.length(),
                            ranks.length - step.end());
                    return Choices.extend(longer, random);
                }
                return Choices.extend(ranks, random);
            }
            default -> {
                int cut = steps.isEmpty() ? mutations.nextInt(ranks.length) : steps.get(mutations.nextInt(steps.size())).end();
                return Choices.extend(Arrays.copyOf(ranks, cut), random);
            }
        }
    }

    private boolean enumerate(Exhaustive exhaustive) {
        long[] prefix = new long[0];
        for (int run = 0; run < exhaustive.budget(); run++) {
            Trial.Outcome outcome = counted(Choices.replay(prefix), null);
            if (!outcome.discarded() && outcome.failure() != null) {
                record(outcome);
                return false;
            }
            prefix = exhaustive.next(outcome.sequence());
            if (prefix == null) {
                return true;
            }
        }
        return false;
    }

    private Trial.Outcome counted(Choices choices, Map<String, Double> scores) {
        long started = System.nanoTime();
        Trial.Outcome outcome = runner.run(trial, choices, stats, scores);
        if (outcome.discarded()) {
            discarded++;
            stats.countDiscard(outcome.discardReason());
        } else {
            tries++;
            stats.countTry(System.nanoTime() - started);
        }
        return outcome;
    }

    /** Shrinks a failure of a new identity and stores it; false when its identity was already found. */
    private boolean record(Trial.Outcome failing) {
        String identity = failing.identity();
        boolean isNew = identities.add(identity);
        int restarts = this.restarts.merge(identity, 1, Integer::sum);
        if (!isNew && (restarts > SHRINK_STARTS || CaseRunner.DEADLINE_ID.equals(failing.failure().id()))) {
            return false;
        }
        try (Stats.Scope scope = Stats.suspend()) {
            ChoiceSequence smallest = failing.sequence();
            ShrinkReport report;
            if (CaseRunner.DEADLINE_ID.equals(failing.failure().id())) {
                // every replay of a hanging case costs a whole deadline: report it as found
                report = new ShrinkReport(0, 0, 0, false, smallest.size(), smallest.size(), false);
            } else {
                Shrinker shrinker = new Shrinker(trial, smallest, identity, failing.call(), runner, config.shrinkReplays(),
                        config.shrinkSeconds(), caches.computeIfAbsent(identity, k -> ReplayCache.forCall(failing.call())));
                int kept = isNew ? -1 : indexOf(identity);
                smallest = (kept < 0 ? shrinker : shrinker.against(found.get(kept).shrunk())).shrink();
                report = shrinker.report(failing.sequence().size());
            }
            int known = isNew ? -1 : indexOf(identity);
            if (!isNew && (known < 0
                    || ChoiceSequence.shortlex(smallest.readOnlyRanks(), found.get(known).shrunk().readOnlyRanks()) >= 0)) {
                // another start that did not shrink further than the one kept: nothing of it is reported,
                // so it needs no replay
                return false;
            }
            // a hanging case is not replayed (each replay costs a deadline); the others are, to catch
            // a system under test that does not fail the same way twice
            Trial.Outcome replay = CaseRunner.DEADLINE_ID.equals(failing.failure().id()) ? failing
                    : runner.run(trial, Choices.replay(smallest.ranks()), null, null);
            Failure failure = replay.failure();
            if (failure == null || !identity.equals(replay.identity())) {
                // a failure must never be reported as a pass, even when the system under test is not
                // deterministic and the replay behaves differently
                failure = new Failure(failing.failure().id(), failing.failure().reason(),
                        failing.failure().details() + " (the replay did not fail the same way: nondeterminism?)");
            }
            Found shrunk = new Found(failing.sequence(), smallest, failure, identity, report);
            if (!isNew) {
                // another start of a known failure that shrank further: keep it (local minima differ)
                found.set(known, shrunk);
                save(smallest);
                return false;
            }
            found.add(shrunk);
            save(smallest);
            return true;
        }
    }

    /** The position in {@link #found} of the failure of {@code identity}, or -1. */
    private int indexOf(String identity) {
        for (int i = 0; i < found.size(); i++) {
            if (found.get(i).identity().equals(identity)) {
                return i;
            }
        }
        return -1;
    }

    private void save(ChoiceSequence smallest) {
        if (database != null) {
            database.save(options.name(), smallest.ranks());
        }
    }

    /** Health checks and coverage requirements of a run that found no failure. */
    private List<Failure> health(boolean exhaustive) {
        List<Failure> failures = new ArrayList<>();
        boolean stoppedByDiscards = !exhaustive && tries < config.tries()
                && discarded >= DISCARDS_PER_TRY * config.tries();
        if (discarded > 0 && (tries == 0 || stoppedByDiscards)) {
            Map.Entry<String, Integer> top = stats.discardReasons().entrySet().stream()
                    .max(Map.Entry.comparingByValue()).orElse(Map.entry("discarded", discarded));
            failures.add(new Failure("health:discards", "too many test cases discarded: the property checked too little",
                    discarded + " discarded against " + tries + " run of " + config.tries() + " asked; most often: "
                            + top.getKey() + " (" + top.getValue() + " times)"));
        }
        if (tries > 0 && stats.generationNanos() > SLOW_TOTAL_NANOS
                && stats.generationNanos() / tries > SLOW_MEAN_NANOS) {
            stats.warn(String.format("generation too slow: %.0f ms per case on average",
                    stats.generationNanos() / 1e6 / tries));
        }
        Map<String, Integer> reached = stats.casesWithLabel();
        options.coverage().forEach((label, percent) -> {
            int cases = reached.getOrDefault(label, 0);
            double share = tries == 0 ? 0 : 100.0 * cases / tries;
            // an enumeration is the whole space, not a sample: its share is exact
            CoverageCheck.Verdict verdict = exhaustive ? (share < percent ? CoverageCheck.Verdict.MISSED
                    : CoverageCheck.Verdict.MET) : CoverageCheck.decide(cases, tries, percent);
            if (verdict != CoverageCheck.Verdict.MET) {
                failures.add(new Failure("coverage:" + label, verdict == CoverageCheck.Verdict.MISSED
                        ? "a required label was reached too rarely"
                        : "a required label's share stayed undecided after the most cases the engine runs",
                        String.format("'%s' in %d of %d cases (%.1f%%), required %.1f%%", label, cases, tries, share,
                                percent)));
            }
        });
        return failures;
    }

    /** Whether some coverage requirement cannot yet be told met or missed from the cases so far. */
    private boolean coverageUndecided() {
        Map<String, Integer> reached = stats.casesWithLabel();
        return options.coverage().entrySet().stream().anyMatch(e -> CoverageCheck.decide(
                reached.getOrDefault(e.getKey(), 0), tries, e.getValue()) == CoverageCheck.Verdict.UNDECIDED);
    }

    /** Turns the run's warnings into failures when the property asked for strict health checks. */
    static List<Failure> strict(Stats stats, Options options) {
        if (!options.strictHealth()) {
            return List.of();
        }
        return stats.warnings().stream().map(w -> new Failure("health:warning", "a health check warned", w)).toList();
    }
}
