package armmm.pbt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A stateful property: an initial state, weighted actions guarded by preconditions, an executor that
 * applies an action to the state, invariants checked after every step and postconditions on each
 * step's outcome. Built with {@link #builder}; checked with {@link Chains#check} or a
 * {@link PropertyRunner}.
 *
 * @param <S> the state type (mutable: the executor changes it)
 * @param <A> the action type (a value that prints as a scenario line)
 */
public final class ChainSpec<S, A> {
    /** Chains run when neither the spec nor {@code armmm.tries} says otherwise (times {@code armmm.scale}). */
    public static final int DEFAULT_TRIES = 100;
    /** The longest chain when neither the spec nor {@code armmm.steps} says otherwise. */
    public static final int DEFAULT_STEPS = 20;

    /** Applies an action to the state; the result is the step's outcome (a value, a handle, null). */
    @FunctionalInterface
    public interface Executor<S, A> {
        /** Applies {@code action} to {@code state}. */
        Object apply(S state, A action) throws Exception;
    }

    /** Checks one step's outcome against the state after it. */
    @FunctionalInterface
    public interface Postcondition<S, A> {
        /** The violations; empty when the outcome is as expected. */
        List<Failure> check(S stateAfter, A action, Object outcome);
    }

    /**
     * A named invariant of the state, checked after every step where it applies.
     *
     * @param id      the invariant's id, counted in statistics
     * @param applies whether the state has what the invariant is about; where it does not, the
     *                check is neither run nor counted as a check (it is counted as not applicable)
     * @param check   the violations in a state; empty when it holds
     * @param <S> the state type
     */
    public record StateCheck<S>(String id, java.util.function.Predicate<? super S> applies,
                                Function<? super S, List<Failure>> check) {
        /** Validates presence. */
        public StateCheck {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(applies, "applies");
            Objects.requireNonNull(check, "check");
        }

        /** An invariant that applies to every state. */
        public StateCheck(String id, Function<? super S, List<Failure>> check) {
            this(id, s -> true, check);
        }
    }

    /**
     * A quantity of the state the search should push up (see {@link Targets}).
     *
     * @param label names the quantity in statistics
     * @param score the quantity in a state, observed after every step
     * @param <S> the state type
     */
    public record Target<S>(String label, ToDoubleFunction<? super S> score) {
        /** Validates presence. */
        public Target {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(score, "score");
        }
    }

    private final String name;
    private final Gen<? extends S> initial;
    private final List<Target<S>> targets;
    private final Map<String, Double> coverage;
    private final boolean strictHealth;
    private final boolean everyAction;
    private final Double deadlineSeconds;
    private final Integer shrinkReplays;
    private final String database;
    private final List<Action<S, A>> actions;
    private final Executor<S, A> executor;
    private final List<StateCheck<S>> invariants;
    private final List<Postcondition<S, A>> postconditions;
    private final List<StateCheck<S>> finalChecks;
    private final ChainFormatter<S, A> formatter;
    private final int tries;
    private final int steps;
    private final Long seed;
    private final Double shrinkSeconds;
    private final Exhaustive exhaustive;

    private ChainSpec(Builder<S, A> b) {
        this.name = b.name;
        this.initial = Objects.requireNonNull(b.initial, "initial state");
        this.actions = List.copyOf(b.actions);
        this.executor = Objects.requireNonNull(b.executor, "executor");
        this.invariants = List.copyOf(b.invariants);
        this.postconditions = List.copyOf(b.postconditions);
        this.finalChecks = List.copyOf(b.finalChecks);
        this.formatter = b.formatter;
        this.tries = b.tries;
        this.steps = b.steps;
        this.seed = b.seed;
        this.shrinkSeconds = b.shrinkSeconds;
        this.exhaustive = b.exhaustive;
        this.targets = List.copyOf(b.targets);
        this.coverage = Map.copyOf(b.coverage);
        this.strictHealth = b.strictHealth;
        this.everyAction = b.everyAction;
        this.deadlineSeconds = b.deadlineSeconds;
        this.shrinkReplays = b.shrinkReplays;
        this.database = b.database;
        if (actions.isEmpty()) {
            throw new IllegalArgumentException("chain " + name + " has no actions");
        }
    }

    /** Starts a spec; the name names its files and statistics. */
    public static <S, A> Builder<S, A> builder(String name) {
        return new Builder<>(Objects.requireNonNull(name, "name"));
    }

    /** Starts an unnamed spec, for a {@link PropertyRunner}, which names it after the test method. */
    public static <S, A> Builder<S, A> builder() {
        return new Builder<>(null);
    }

    /** The name, or null when the runner should name it after the test. */
    public String name() {
        return name;
    }

    Gen<? extends S> initial() {
        return initial;
    }

    List<Action<S, A>> actions() {
        return actions;
    }

    Executor<S, A> executor() {
        return executor;
    }

    List<StateCheck<S>> invariants() {
        return invariants;
    }

    List<Postcondition<S, A>> postconditions() {
        return postconditions;
    }

    List<StateCheck<S>> finalChecks() {
        return finalChecks;
    }

    ChainFormatter<S, A> formatter() {
        return formatter;
    }

    /** The configuration: system properties over this spec's defaults, and the spec's own settings over both. */
    PropertyConfig config() {
        PropertyConfig config = PropertyConfig.fromSystemProperties(tries, steps, seed);
        if (deadlineSeconds != null) {
            config = config.withDeadline(deadlineSeconds);
        }
        String given = System.getProperty(PropertyConfig.SHRINK_SECONDS);
        if (shrinkSeconds != null && (given == null || given.isBlank())) {
            config = config.withShrink(config.shrinkReplays(), shrinkSeconds);
        }
        if (shrinkReplays != null) {
            config = config.withShrink(shrinkReplays, config.shrinkSeconds());
        }
        if (database != null) {
            config = config.withDatabase(database);
        }
        return config;
    }

    List<Target<S>> targets() {
        return targets;
    }

    Map<String, Double> coverage() {
        return coverage;
    }

    boolean strictHealth() {
        return strictHealth;
    }

    boolean everyAction() {
        return everyAction;
    }

    Exhaustive exhaustive() {
        return exhaustive;
    }

    /**
     * Collects the parts of a {@link ChainSpec}.
     *
     * @param <S> the state type
     * @param <A> the action type
     */
    public static final class Builder<S, A> {
        private final String name;
        private Gen<? extends S> initial;
        private final List<Action<S, A>> actions = new ArrayList<>();
        private Executor<S, A> executor;
        private final List<StateCheck<S>> invariants = new ArrayList<>();
        private final List<Postcondition<S, A>> postconditions = new ArrayList<>();
        private final List<StateCheck<S>> finalChecks = new ArrayList<>();
        private ChainFormatter<S, A> formatter = new ChainFormatter<>() { };
        private int tries = DEFAULT_TRIES;
        private int steps = DEFAULT_STEPS;
        private Long seed;
        private Double shrinkSeconds;
        private Exhaustive exhaustive;
        private final List<Target<S>> targets = new ArrayList<>();
        private final Map<String, Double> coverage = new LinkedHashMap<>();
        private boolean strictHealth;
        private boolean everyAction;
        private Double deadlineSeconds;
        private Integer shrinkReplays;
        private String database;

        private Builder(String name) {
            this.name = name;
        }

        /** A fresh initial state per chain, made by {@code factory}. */
        public Builder<S, A> initialState(Supplier<? extends S> factory) {
            this.initial = c -> factory.get();
            return this;
        }

        /** An initial state generated from the choices (a board configuration, for instance). */
        public Builder<S, A> initialState(Gen<? extends S> gen) {
            this.initial = gen;
            return this;
        }

        /** Adds an action that is always enabled. */
        public Builder<S, A> action(String actionName, int weight,
                Function<? super S, ? extends Gen<? extends A>> gen) {
            return action(actionName, weight, s -> true, gen);
        }

        /**
         * Adds an action enabled only where {@code precondition} holds. Its name is the call of a
         * failure in it (part of the failure's identity), so it may not start with {@value Chain#FINAL_CALL},
         * the chain-end checks' calls.
         */
        public Builder<S, A> action(String actionName, int weight, Predicate<? super S> precondition,
                Function<? super S, ? extends Gen<? extends A>> gen) {
            if (actionName.startsWith(Chain.FINAL_CALL)) {
                throw new IllegalArgumentException("action " + actionName + ": names starting '" + Chain.FINAL_CALL
                        + "' are the chain-end checks' calls");
            }
            actions.add(new Action<>(actionName, weight, precondition, gen));
            return this;
        }

        /** Sets how an action is applied to the state. */
        public Builder<S, A> executor(Executor<S, A> apply) {
            this.executor = apply;
            return this;
        }

        /** Adds an invariant checked on the initial state and after every step. */
        public Builder<S, A> invariant(String id, Function<? super S, List<Failure>> check) {
            return invariant(id, s -> true, check);
        }

        /**
         * Adds an invariant checked on the initial state and after every step where
         * {@code applies} holds; elsewhere it counts as not applicable, not as a check.
         */
        public Builder<S, A> invariant(String id, java.util.function.Predicate<? super S> applies,
                                       Function<? super S, List<Failure>> check) {
            invariants.add(new StateCheck<>(id, applies, check));
            return this;
        }

        /**
         * Adds a check run once, at the end of every chain that no step failed: the full scan that
         * would be too slow after every step, which re-checks what the incremental checks trust.
         */
        public Builder<S, A> finalCheck(String id, Function<? super S, List<Failure>> check) {
            finalChecks.add(new StateCheck<>(id, check));
            return this;
        }

        /** Adds a postcondition checked on each step's outcome. */
        public Builder<S, A> postcondition(Postcondition<S, A> check) {
            postconditions.add(check);
            return this;
        }

        /** Sets how chains print as scenarios and reports. */
        public Builder<S, A> formatter(ChainFormatter<S, A> format) {
            this.formatter = format;
            return this;
        }

        /** Default number of chains, before {@code armmm.scale}. */
        public Builder<S, A> tries(int defaultTries) {
            this.tries = defaultTries;
            return this;
        }

        /** Default longest chain. */
        public Builder<S, A> steps(int defaultSteps) {
            this.steps = defaultSteps;
            return this;
        }

        /** Pins the seed (it wins over {@code armmm.seed}); for tests of fixed examples. */
        public Builder<S, A> seed(long fixedSeed) {
            this.seed = fixedSeed;
            return this;
        }

        /**
         * The shrink time bound of this spec, unless {@code armmm.shrink.seconds} says otherwise: for
         * chains whose failure needs many precise steps (memory pressure to an exact watermark).
         */
        public Builder<S, A> shrinkSeconds(double seconds) {
            this.shrinkSeconds = seconds;
            return this;
        }

        /** Enumerates chains depth-first instead of sampling them. */
        public Builder<S, A> exhaustive(int maxDepth, int budget) {
            this.exhaustive = new Exhaustive(maxDepth, budget);
            return this;
        }

        /**
         * Steers the search towards states where {@code score} is high (Hypothesis' {@code target()}):
         * observed after every step, a chain scores its highest value. Code inside a chain can also
         * call {@link Targets#observe} directly.
         */
        public Builder<S, A> target(String label, ToDoubleFunction<? super S> score) {
            targets.add(new Target<>(label, score));
            return this;
        }

        /**
         * Requires that at least {@code percent} of the chains attach {@code label} (with
         * {@link Stats#label}) at least once (QuickCheck's {@code checkCoverage}); the property fails
         * when the generators stop reaching it.
         */
        public Builder<S, A> cover(String label, double percent) {
            coverage.put(label, percent);
            return this;
        }

        /** Makes health warnings (too few distinct cases, slow generation, an action never run) fail the property. */
        public Builder<S, A> strictHealth() {
            this.strictHealth = true;
            return this;
        }

        /** Fails the property when some action never ran (its precondition never held, or it was never drawn). */
        public Builder<S, A> requireEveryAction() {
            this.everyAction = true;
            return this;
        }

        /** Bounds each chain's run, overriding {@code armmm.deadline.seconds}. */
        public Builder<S, A> deadlineSeconds(double seconds) {
            this.deadlineSeconds = seconds;
            return this;
        }

        /** Sets the shrink replay budget, overriding {@code armmm.shrink.replays}. */
        public Builder<S, A> shrinkReplays(int replays) {
            this.shrinkReplays = replays;
            return this;
        }

        /** Stores failures in (and replays them from) {@code folder} instead of target/armmm-examples; "off" for none. */
        public Builder<S, A> database(String folder) {
            this.database = folder;
            return this;
        }

        /** The spec. */
        public ChainSpec<S, A> build() {
            return new ChainSpec<>(this);
        }
    }
}
