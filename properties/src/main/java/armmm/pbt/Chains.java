package armmm.pbt;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Checks chain properties: generates chains, shrinks every distinct failure, writes each one's
 * scenario and report under {@code target/counterexamples/} and the statistics under
 * {@code target/armmm-stats/}. Inside JUnit, prefer a {@link PropertyRunner} parameter, which also
 * names the property after the test and publishes report entries.
 */
public final class Chains {
    private Chains() {}

    /** Checks the spec; throws an AssertionError carrying the shrunk chain when it fails. */
    public static <S, A> void check(ChainSpec<S, A> spec) {
        throwIfFailed(run(spec));
    }

    /** Runs the spec and returns the result without throwing. */
    public static <S, A> ChainResult run(ChainSpec<S, A> spec) {
        Objects.requireNonNull(spec.name(), "a chain checked outside a PropertyRunner needs a name");
        return run(spec, Reporting.standalone(spec.name()));
    }

    /** Throws the AssertionError that carries the shrunk counterexample, when {@code result} failed. */
    public static void throwIfFailed(ChainResult result) {
        if (!result.passed()) {
            throw new AssertionError(result.message());
        }
    }

    static <S, A> ChainResult run(ChainSpec<S, A> spec, Reporting reporting) {
        PropertyConfig config = reporting.settle(spec.config());
        reporting.announce(config);
        String fileName = reporting.fileName();
        Chain<S, A> chain = new Chain<>(spec, config.steps());
        Stats stats = new Stats(fileName);
        Search.Options options = new Search.Options(reporting.propertyName(), spec.coverage(), spec.strictHealth());
        long started = System.nanoTime();
        Replayed replayed = searchAndReplay(chain, config, spec.exhaustive(), stats, options);
        Search.Result found = replayed.found();
        stats.outcome("seed", config.seed());
        stats.outcome("steps", config.steps());
        if (config.shardCount() > 1) {
            stats.outcome("shard", config.shardIndex() + "/" + config.shardCount());
        }
        List<Failure> health = new ArrayList<>(found.health());
        if (found.found().isEmpty()) {
            for (Action<S, A> action : spec.actions()) {
                if (!stats.actions().containsKey(action.name()) && stats.tries() > 0) {
                    String why = "action " + action.name() + " never ran in " + stats.tries() + " chains";
                    stats.warn(why);
                    if (spec.everyAction()) {
                        health.add(new Failure("health:action-never-ran", "an action never ran", why));
                    }
                }
            }
            health.addAll(Search.strict(stats, options));
        }
        List<Counterexample> counterexamples = new ArrayList<>();
        for (int i = 0; i < found.found().size(); i++) {
            Search.Found f = found.found().get(i);
            String name = i == 0 ? fileName : fileName + ".failure-" + (i + 1);
            counterexamples.add(counterexample(spec, f, replayed.shrunk().get(i), replayed.originalSteps().get(i), name,
                    config, reporting));
        }
        if (!counterexamples.isEmpty()) {
            Counterexample first = counterexamples.get(0);
            stats.outcome("failure", first.failure().id());
            stats.outcome("shrunkSteps", first.steps().size());
            stats.outcome("originalSteps", first.originalSteps());
            stats.outcome("shrink", first.shrink().toString());
            if (counterexamples.size() > 1) {
                stats.outcome("distinctFailures", counterexamples.stream().map(c -> c.failure().id()).toList());
                // each distinct failure's lengths, so a reader can take the shortest of one invariant's
                stats.outcome("distinctShrunkSteps", counterexamples.stream().map(c -> c.steps().size()).toList());
                stats.outcome("distinctOriginalSteps", counterexamples.stream().map(Counterexample::originalSteps).toList());
            }
        }
        health.forEach(h -> stats.outcome("health", h.toString()));
        // wall-clock time of the search and shrink, for the verification report; never asserted
        stats.outcome("millis", (System.nanoTime() - started) / 1_000_000);
        reporting.publish(stats, fileName);
        return new ChainResult(fileName, config.seed(), stats, counterexamples.isEmpty() ? null : counterexamples.get(0),
                found.exhausted(), counterexamples.isEmpty() ? List.of() : counterexamples.subList(1, counterexamples.size()),
                health);
    }

    /**
     * What the report needs: the search's result and, for each failure found, the transcript of its
     * shrunk sequence and the step count of its original.
     */
    private record Replayed(Search.Result found, List<Chain.Transcript> shrunk, List<Integer> originalSteps) {}

    /** Replays a sequence into a transcript. */
    @FunctionalInterface
    private interface Replayer {
        void replay(ChoiceSequence sequence, Chain.Transcript into);
    }

    /**
     * Searches, then replays each failure for its report, all in one hand-off to a case thread under
     * one runner (the replays are cases like any other: a chain that hangs is stopped at its
     * deadline). When the watchdog abandons a case, the caller gets the search's result (or the
     * abandoned case as it) and replays for the report each under a runner of its own, as a replay
     * may hang again: its transcript then holds the steps before the hang.
     */
    private static <S, A> Replayed searchAndReplay(Chain<S, A> chain, PropertyConfig config, Exhaustive exhaustive,
            Stats stats, Search.Options options) {
        try (CaseRunner runner = new CaseRunner(config.deadlineSeconds())) {
            Search search = Search.on(chain, config, stats, options, runner);
            AtomicReference<Search.Result> searched = new AtomicReference<>();
            return runner.guard(() -> {
                searched.set(search.search(exhaustive));
                return replayed(searched.get(), chain, (sequence, into) -> runner.run(c -> chain.run(c, into),
                        Choices.replay(sequence.ranks()), null, null));
            }, hung -> {
                Search.Result found = searched.get() != null ? searched.get() : search.abandoned(hung);
                return replayed(found, chain, (sequence, into) -> guardedReplay(chain, sequence, config, into));
            });
        }
    }

    private static <S, A> Replayed replayed(Search.Result found, Chain<S, A> chain, Replayer replayer) {
        List<Chain.Transcript> shrunk = new ArrayList<>();
        List<Integer> originalSteps = new ArrayList<>();
        for (Search.Found f : found.found()) {
            // the states around the last step only: the failing step is the last or, when a chain-end check
            // failed, the one before the "continue?" that stopped the chain
            Chain.Transcript transcript = new Chain.Transcript(Math.max(0, f.shrunk().spans("step").size() - 2));
            replayer.replay(f.shrunk(), transcript);
            shrunk.add(transcript);
            // a case that was not shrunk (a deadline) is not run a third time; of the original, only its length
            if (f.original() == f.shrunk()) {
                originalSteps.add(transcript.lines.size());
            } else {
                Chain.Transcript original = new Chain.Transcript(Integer.MAX_VALUE);
                replayer.replay(f.original(), original);
                originalSteps.add(original.lines.size());
            }
        }
        return new Replayed(found, shrunk, originalSteps);
    }

    private static <S, A> Counterexample counterexample(ChainSpec<S, A> spec, Search.Found f, Chain.Transcript shrunk,
            int originalSteps, String name, PropertyConfig config, Reporting reporting) {
        String path = "properties/" + Counterexample.DIRECTORY.resolve(name + ".scn").toString().replace('\\', '/');
        Counterexample counterexample = new Counterexample(reporting.propertyName(), name, f.failure(), config.seed(), shrunk.header,
                shrunk.lines, shrunk.before, shrunk.after, originalSteps, f.shrink(),
                reporting.rerunCommand(config.seed()), spec.formatter().replayCommand(path));
        counterexample.write();
        return counterexample;
    }

    /** Replays a sequence into {@code transcript} under a runner of its own (after an abandoned case). */
    private static <S, A> void guardedReplay(Chain<S, A> chain, ChoiceSequence sequence, PropertyConfig config,
            Chain.Transcript transcript) {
        // under the deadline too: the failure may be a chain that hangs; the failure itself was
        // recorded by the search, the transcript holds the steps up to it
        try (CaseRunner runner = new CaseRunner(config.deadlineSeconds())) {
            // a replay that ignores its deadline is abandoned: the transcript holds the steps before it
            runner.guard(() -> {
                runner.run(c -> chain.run(c, transcript), Choices.replay(sequence.ranks()), null, null);
                return transcript;
            }, hung -> transcript);
        }
    }
}
