package armmm.pbt;

import java.util.Objects;

/**
 * Checks chain properties: generates chains, shrinks the first failing one, writes its scenario and
 * report under {@code target/counterexamples/} and its statistics under {@code target/armmm-stats/}.
 * Inside JUnit, prefer a {@link PropertyRunner} parameter, which also names the property after the
 * test and publishes report entries.
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
            throw new AssertionError(result.counterexample().message());
        }
    }

    static <S, A> ChainResult run(ChainSpec<S, A> spec, Reporting reporting) {
        PropertyConfig config = spec.config();
        reporting.announce(config);
        Chain<S, A> chain = new Chain<>(spec, config.steps());
        Stats stats = new Stats(reporting.propertyName());
        Search.Result found = Search.run(chain, config, spec.exhaustive(), stats);
        stats.outcome("seed", config.seed());
        stats.outcome("steps", config.steps());
        Counterexample counterexample = null;
        if (found.failed()) {
            Chain.Transcript shrunk = transcript(chain, found.shrunk());
            int originalSteps = transcript(chain, found.original()).lines.size();
            counterexample = new Counterexample(reporting.propertyName(), found.failure(), config.seed(), shrunk.header,
                    shrunk.lines, shrunk.before, shrunk.after, originalSteps, found.shrink(),
                    reporting.rerunCommand(config.seed()));
            counterexample.write();
            stats.outcome("failure", found.failure().id());
            stats.outcome("shrunkSteps", shrunk.lines.size());
            stats.outcome("originalSteps", originalSteps);
            stats.outcome("shrink", found.shrink().toString());
        }
        reporting.publish(stats);
        return new ChainResult(reporting.propertyName(), config.seed(), stats, counterexample, found.exhausted());
    }

    /** Replays a sequence, recording scenario lines and the states around the last step. */
    private static <S, A> Chain.Transcript transcript(Chain<S, A> chain, ChoiceSequence sequence) {
        Chain.Transcript transcript = new Chain.Transcript();
        try (Stats.Scope scope = Stats.suspend()) {
            chain.run(Choices.replay(sequence.ranks()), transcript);
        } catch (Exception | AssertionError e) {
            // the failure itself was recorded by the search; the transcript holds the steps up to it
        }
        return transcript;
    }
}
