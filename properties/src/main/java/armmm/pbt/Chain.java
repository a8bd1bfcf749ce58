package armmm.pbt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one chain of a {@link ChainSpec} from choices: generate the initial state, then step by step
 * a "continue?" choice, an enabled action chosen by weight, its value generated from the current
 * state, execution, postconditions and invariants. Each step is one span labelled "step", so the
 * shrinker can delete whole steps.
 */
final class Chain<S, A> implements Trial {
    /**
     * The call of a chain-end check named {@code id} is {@code FINAL_CALL + id}; no action may be
     * named so ({@link ChainSpec.Builder#action}).
     */
    static final String FINAL_CALL = "chain end: ";

    private final ChainSpec<S, A> spec;
    private final int steps;
    private final double continuing;
    /** Every action's index and weight: a step's draw when all are enabled, never written after construction. */
    private final int[] allActions;
    private final long[] allWeights;

    Chain(ChainSpec<S, A> spec, int steps) {
        this.spec = spec;
        this.steps = steps;
        int count = spec.actions().size();
        this.allActions = new int[count];
        this.allWeights = new long[count];
        for (int i = 0; i < count; i++) {
            allActions[i] = i;
            allWeights[i] = spec.actions().get(i).weight();
        }
        // most chains reach the full length (about 60%), the rest give a spread of shorter ones
        this.continuing = steps == 0 ? 0 : 1 - 1.0 / (2 * steps);
    }

    /** What a replayed chain printed: used to build the counterexample. */
    static final class Transcript {
        /**
         * The first step whose states are described: describing a state (every report of a kernel) is
         * dear, and the report shows only the states around the last step.
         */
        final int describeFrom;
        String header = "";
        final List<String> lines = new ArrayList<>();
        String before = "";
        String after = "";

        /** A transcript that describes the states around steps {@code describeFrom} and later. */
        Transcript(int describeFrom) {
            this.describeFrom = describeFrom;
        }
    }

    @Override
    public Failure run(Choices choices) throws Exception {
        return run(choices, null);
    }

    /** Runs the chain; when {@code transcript} is given, records scenario lines and states for the report. */
    Failure run(Choices choices, Transcript transcript) throws Exception {
        try (Stats.Scope pools = Bundle.open(choices)) {
            return runOpen(choices, transcript);
        }
    }

    private Failure runOpen(Choices choices, Transcript transcript) throws Exception {
        ChainFormatter<S, A> format = spec.formatter();
        Stats stats = Stats.current();
        choices.call("initial state");
        // generation time feeds only the statistics: a shrink or report replay (no statistics) reads no clock
        boolean timed = stats != null;
        long generating = timed ? System.nanoTime() : 0;
        S state = spec.initial().generate(choices);
        long generation = timed ? System.nanoTime() - generating : 0;
        if (transcript != null) {
            transcript.header = format.scenarioHeader(state);
            if (transcript.describeFrom <= 0) {
                transcript.before = format.describe(state);
                transcript.after = transcript.before;
            }
        }
        Failure failure = invariants(state, stats);
        int executed = 0;
        while (failure == null && executed < steps) {
            generating = timed ? System.nanoTime() : 0;
            choices.startSpan("step");
            Action<S, A> action = nextAction(state, choices, stats);
            if (action == null) {
                choices.endSpan();
                break;
            }
            choices.call(action.name());
            A value = action.generator().apply(state).generate(choices);
            choices.endSpan();
            generation += timed ? System.nanoTime() - generating : 0;
            boolean describe = transcript != null && executed >= transcript.describeFrom;
            if (describe) {
                transcript.before = format.describe(state);
            }
            failure = execute(state, action, value, executed, transcript, stats);
            executed++;
            if (describe) {
                transcript.after = format.describe(state);
            }
        }
        if (stats != null) {
            stats.countChainLength(executed);
            stats.countGenerationNanos(generation);
        }
        // the chain-end checks are a call of their own, so that a failure there is never taken for
        // one of the last step's; a shrink replay after a step's failure skips them, since a failure
        // they found would be of another identity and rejected anyway
        for (int i = 0; failure == null && i < spec.finalChecks().size(); i++) {
            ChainSpec.StateCheck<S> check = spec.finalChecks().get(i);
            String call = FINAL_CALL + check.id();
            if (choices.wants(call)) {
                choices.call(call);
                failure = checks(List.of(check), state, stats, true);
            }
        }
        return failure;
    }

    private Action<S, A> nextAction(S state, Choices choices, Stats stats) {
        if (!choices.drawContinue(continuing)) {
            return null;
        }
        // indexed loops over the spec's immutable (random-access) lists and plain arrays: this runs
        // once a step of every case and replay, and its iterators and streams were the hot loop's
        // largest allocations (JFR allocation samples of PeerComparison)
        List<Action<S, A>> actions = spec.actions();
        int count = actions.size();
        // while every action is enabled the chain's shared arrays serve (drawAction only reads them);
        // the first disabled one gets the step arrays of its own
        int[] enabled = allActions;
        long[] weights = allWeights;
        int n = 0;
        for (int i = 0; i < count; i++) {
            Action<S, A> a = actions.get(i);
            if (a.precondition().test(state)) {
                if (enabled != allActions) {
                    weights[n] = a.weight();
                    enabled[n] = i;
                }
                n++;
            } else {
                if (enabled == allActions) {
                    enabled = Arrays.copyOf(allActions, count);
                    weights = Arrays.copyOf(allWeights, count);
                }
                if (stats != null) {
                    stats.countDisabled(a.name());
                }
            }
        }
        if (n == 0) {
            return null;
        }
        return actions.get(enabled[choices.drawAction(n == count ? weights : Arrays.copyOf(weights, n),
                n == count ? enabled : Arrays.copyOf(enabled, n))]);
    }

    private Failure execute(S state, Action<S, A> action, A value, int index, Transcript transcript, Stats stats) {
        Object outcome;
        try {
            outcome = spec.executor().apply(state, value);
        } catch (Discard assumption) {
            // an assume() inside the call: the case is discarded, not failed
            throw assumption;
        } catch (Exception | AssertionError e) {
            if (transcript != null) {
                transcript.lines.add(spec.formatter().line(value, null, index));
            }
            return Failure.of(e);
        }
        if (stats != null) {
            stats.countAction(action.name());
        }
        if (transcript != null) {
            transcript.lines.add(spec.formatter().line(value, outcome, index));
        }
        List<ChainSpec.Target<S>> targets = spec.targets();
        for (int i = 0; i < targets.size(); i++) {
            ChainSpec.Target<S> t = targets.get(i);
            Targets.observe(t.label(), t.score().applyAsDouble(state));
        }
        List<ChainSpec.Postcondition<S, A>> posts = spec.postconditions();
        for (int i = 0; i < posts.size(); i++) {
            List<Failure> failures = posts.get(i).check(state, value, outcome);
            if (!failures.isEmpty()) {
                return failures.get(0);
            }
        }
        return invariants(state, stats);
    }

    private Failure invariants(S state, Stats stats) {
        return checks(spec.invariants(), state, stats, false);
    }

    /** Runs {@code checks}, counted as a step's invariants or, when {@code atEnd}, as final checks. */
    private static <S> Failure checks(List<ChainSpec.StateCheck<S>> checks, S state, Stats stats, boolean atEnd) {
        for (int i = 0; i < checks.size(); i++) {
            ChainSpec.StateCheck<S> invariant = checks.get(i);
            if (!invariant.applies().test(state)) {
                if (stats != null) {
                    stats.countNotApplicable(invariant.id());
                }
                continue;
            }
            if (stats != null && atEnd) {
                stats.countFinalCheck(invariant.id());
            } else if (stats != null) {
                stats.countCheck(invariant.id());
            }
            List<Failure> failures = invariant.check().apply(state);
            if (!failures.isEmpty()) {
                return failures.get(0);
            }
        }
        return null;
    }
}
