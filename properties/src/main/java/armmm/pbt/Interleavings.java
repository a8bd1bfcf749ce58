package armmm.pbt;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Interleavings of actions on several CPUs: each action is a program of visible steps (a read, a
 * write, an exchange), each CPU runs a generated list of actions, and a generated schedule decides,
 * which CPU moves next: every step is drawn with a priority, and the runnable CPU whose next step
 * has the lowest priority moves (ties to the lower CPU). Invariants are checked after every step and
 * a final check once every CPU has finished. Everything is drawn from the choice sequence, so the
 * engine's shrinker removes actions (list elements, with their steps' priorities, so the rest of the
 * schedule is untouched) and simplifies the schedule: all-zero priorities are the sequential
 * schedule, so a shrunk schedule has as few context switches as the bug needs.
 * Sampling draws random interleavings; {@link Builder#exhaustive} enumerates every interleaving of a
 * small prefix (the small-scope mode of {@link Exhaustive}).
 *
 * <p>The model is of the kernel's SMP races (TLB shootdown, ASID rollover in
 * {@code arch/arm/mm/context.c}): a plain read then write where the kernel uses an atomic exchange
 * is the bug class it is built to find.
 *
 * @param <S> the shared state
 */
public final class Interleavings<S> {
    /**
     * One visible step of a program: what it does to the shared state, atomically.
     *
     * @param label printed in the trace ("read counter")
     * @param effect the step's effect on the state, given the CPU it runs on; the program's own
     *     fields are that CPU's registers
     * @param <S> the shared state
     */
    public record Step<S>(String label, Effect<S> effect) {
        /** Validates presence. */
        public Step {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(effect, "effect");
        }
    }

    /**
     * What one step does.
     *
     * @param <S> the shared state
     */
    @FunctionalInterface
    public interface Effect<S> {
        /** Applies the step to {@code state}, running on {@code cpu}. */
        void apply(S state, int cpu);
    }

    /**
     * An action as a sequence of visible steps; a fresh program is generated per run, so its fields
     * can hold what its steps read.
     *
     * @param name printed in the trace
     * @param steps the steps in program order
     * @param <S> the shared state
     */
    public record Program<S>(String name, List<Step<S>> steps) {
        /** Copies the steps. */
        public Program {
            steps = List.copyOf(steps);
        }
    }

    /** Step priorities run 0..this: small, so random schedules have runs of steps on one CPU. */
    private static final long PRIORITIES = 7;
    /** Probability of one more action on a CPU. */
    private static final double CONTINUE = 0.75;

    private final String name;
    private final int cpus;
    private final int actionsPerCpu;
    private final Supplier<? extends S> initial;
    private final Gen<Program<S>> program;
    private final List<ChainSpec.StateCheck<S>> invariants;
    private final List<ChainSpec.StateCheck<S>> finals;
    private final int tries;
    private final Long seed;
    private final Exhaustive exhaustive;

    private Interleavings(Builder<S> b) {
        this.name = Objects.requireNonNull(b.name, "name");
        this.cpus = b.cpus;
        this.actionsPerCpu = b.actionsPerCpu;
        this.initial = Objects.requireNonNull(b.initial, "initial state");
        if (b.programs.isEmpty()) {
            throw new IllegalArgumentException("interleavings " + name + " have no actions");
        }
        @SuppressWarnings("unchecked")
        Gens.Weighted<Program<S>>[] alternatives = b.programs.toArray(new Gens.Weighted[0]);
        this.program = Gens.frequency(alternatives);
        this.invariants = List.copyOf(b.invariants);
        this.finals = List.copyOf(b.finals);
        this.tries = b.tries;
        this.seed = b.seed;
        this.exhaustive = b.exhaustive;
    }

    /** Starts a spec. */
    public static <S> Builder<S> builder(String name) {
        return new Builder<>(name);
    }

    /**
     * A run's outcome: the programs each CPU ran and the trace of executed steps.
     *
     * @param failure the shrunk failure, or null when every interleaving passed
     * @param programs per CPU, the names of its actions
     * @param trace one line per executed step, {@code cpuN: action: step}, up to the failure
     * @param contextSwitches how many times the schedule moved another CPU than the one before
     * @param tries interleavings run
     * @param original steps of the first failing interleaving before shrinking
     * @param shrink how shrinking went, or null
     * @param exhausted whether exhaustive mode visited every interleaving within its depth
     */
    public record Result(Failure failure, List<List<String>> programs, List<String> trace, int contextSwitches,
            int tries, int original, ShrinkReport shrink, boolean exhausted) {
        /** Whether every interleaving passed. */
        public boolean passed() {
            return failure == null;
        }

        /** The report of a failure: the failure, the programs, the trace. */
        public String message() {
            StringBuilder s = new StringBuilder();
            s.append(failure).append('\n');
            for (int cpu = 0; cpu < programs.size(); cpu++) {
                s.append("cpu").append(cpu).append(" runs ").append(programs.get(cpu)).append('\n');
            }
            s.append("interleaving (").append(trace.size()).append(" steps, ").append(contextSwitches)
                    .append(" context switches, shrunk from ").append(original).append(" steps):\n");
            trace.forEach(line -> s.append("    ").append(line).append('\n'));
            return s.toString();
        }
    }

    /** Runs the interleavings; returns the (shrunk) result. */
    public Result run() {
        PropertyConfig config = PropertyConfig.fromSystemProperties(tries, 0, seed).withDatabase("off");
        Reporting reporting = Reporting.standalone(name);
        reporting.announce(config);
        String fileName = reporting.fileName();
        Stats stats = new Stats(fileName);
        Trial trial = c -> execute(c, null);
        Search.Result found = Search.run(trial, config, exhaustive, stats,
                new Search.Options(name, java.util.Map.of(), false));
        stats.outcome("seed", config.seed());
        Search.Found first = found.first();
        Result result;
        if (first == null) {
            result = new Result(found.health().isEmpty() ? null : found.health().get(0), List.of(), List.of(), 0,
                    found.tries(), 0, null, found.exhausted());
        } else {
            Transcript shrunk = new Transcript();
            Transcript original = new Transcript();
            replay(first.shrunk(), shrunk);
            replay(first.original(), original);
            stats.outcome("failure", first.failure().id());
            stats.outcome("shrink", first.shrink().toString());
            result = new Result(first.failure(), shrunk.programs, shrunk.trace, shrunk.switches, found.tries(),
                    original.trace.size(), first.shrink(), found.exhausted());
        }
        reporting.publish(stats, fileName);
        return result;
    }

    /** Runs and throws an AssertionError carrying the shrunk interleaving when one fails. */
    public void check() {
        Result result = run();
        if (!result.passed()) {
            throw new AssertionError(name + " failed: " + result.message());
        }
    }

    private void replay(ChoiceSequence sequence, Transcript transcript) {
        try (Stats.Scope scope = Stats.suspend()) {
            execute(Choices.replay(sequence.ranks()), transcript);
        } catch (RuntimeException e) {
            // recorded by the search; the transcript holds the steps up to it
        }
    }

    /** What a replayed run printed. */
    private static final class Transcript {
        final List<List<String>> programs = new ArrayList<>();
        final List<String> trace = new ArrayList<>();
        int switches;
    }

    /** A program with the schedule priority of each of its steps. */
    private record Scheduled<S>(Program<S> program, long[] priority) {}

    private Failure execute(Choices choices, Transcript transcript) {
        // each step carries its own priority, drawn with its program: deleting an action deletes its
        // steps' priorities with it, so the schedule of the other steps survives the deletion
        Gen<Scheduled<S>> scheduled = c -> {
            Program<S> p = program.generate(c);
            long[] priority = new long[p.steps().size()];
            for (int i = 0; i < priority.length; i++) {
                priority[i] = c.draw(PRIORITIES);
            }
            return new Scheduled<>(p, priority);
        };
        // a CPU's actions: a "continue?" choice before each, and one after the last even at the
        // maximum, so deleting an action of a full list never lets it absorb the next CPU's choices
        Gen<List<Scheduled<S>>> perCpu = c -> {
            List<Scheduled<S>> list = new ArrayList<>();
            while (true) {
                c.startSpan("element");
                boolean more = list.size() < actionsPerCpu ? c.drawBoolean(CONTINUE) : c.forced(0, 1) == 1;
                if (!more) {
                    c.endSpan();
                    return list;
                }
                list.add(scheduled.generate(c));
                c.endSpan();
            }
        };
        List<List<Scheduled<S>>> programs = new ArrayList<>();
        for (int cpu = 0; cpu < cpus; cpu++) {
            programs.add(perCpu.generate(choices));
            if (transcript != null) {
                transcript.programs.add(programs.get(cpu).stream().map(p -> p.program().name()).toList());
            }
        }
        S state = initial.get();
        int[] action = new int[cpus];
        int[] step = new int[cpus];
        int last = -1;
        Failure failure = check(invariants, state);
        while (failure == null) {
            // the runnable CPU whose next step has the lowest priority moves; ties go to the lower CPU,
            // so all-zero priorities are the sequential schedule and shrinking removes context switches
            int cpu = -1;
            long lowest = Long.MAX_VALUE;
            for (int k = 0; k < cpus; k++) {
                if (action[k] < programs.get(k).size() && programs.get(k).get(action[k]).priority()[step[k]] < lowest) {
                    lowest = programs.get(k).get(action[k]).priority()[step[k]];
                    cpu = k;
                }
            }
            if (cpu < 0) {
                return check(finals, state);
            }
            Program<S> p = programs.get(cpu).get(action[cpu]).program();
            Step<S> s = p.steps().get(step[cpu]);
            choices.call(p.name() + ": " + s.label());
            if (transcript != null) {
                transcript.switches += cpu != last && last >= 0 ? 1 : 0;
                transcript.trace.add("cpu" + cpu + ": " + p.name() + ": " + s.label());
            }
            last = cpu;
            s.effect().apply(state, cpu);
            if (++step[cpu] == p.steps().size()) {
                step[cpu] = 0;
                action[cpu]++;
            }
            failure = check(invariants, state);
        }
        return failure;
    }

    private Failure check(List<ChainSpec.StateCheck<S>> checks, S state) {
        for (ChainSpec.StateCheck<S> c : checks) {
            List<Failure> failures = c.check().apply(state);
            if (!failures.isEmpty()) {
                return failures.get(0);
            }
        }
        return null;
    }

    /**
     * Collects the parts of an {@link Interleavings} spec.
     *
     * @param <S> the shared state
     */
    public static final class Builder<S> {
        private final String name;
        private int cpus = 2;
        private int actionsPerCpu = 4;
        private Supplier<? extends S> initial;
        private final List<Gens.Weighted<Program<S>>> programs = new ArrayList<>();
        private final List<ChainSpec.StateCheck<S>> invariants = new ArrayList<>();
        private final List<ChainSpec.StateCheck<S>> finals = new ArrayList<>();
        private int tries = 200;
        private Long seed;
        private Exhaustive exhaustive;

        private Builder(String name) {
            this.name = name;
        }

        /** How many CPUs run actions (default 2). */
        public Builder<S> cpus(int n) {
            this.cpus = n;
            return this;
        }

        /** The most actions one CPU runs (default 4). */
        public Builder<S> actionsPerCpu(int n) {
            this.actionsPerCpu = n;
            return this;
        }

        /** A fresh shared state per run. */
        public Builder<S> initialState(Supplier<? extends S> factory) {
            this.initial = factory;
            return this;
        }

        /** An action: a generator of fresh programs (their fields are the CPU's registers). */
        public Builder<S> action(int weight, Gen<Program<S>> gen) {
            programs.add(Gens.weighted(weight, gen));
            return this;
        }

        /** An action whose program takes no generated argument. */
        public Builder<S> action(int weight, Supplier<Program<S>> fresh) {
            return action(weight, c -> fresh.get());
        }

        /** An invariant of the shared state, checked after every step. */
        public Builder<S> invariant(String id, Function<? super S, List<Failure>> check) {
            invariants.add(new ChainSpec.StateCheck<>(id, check));
            return this;
        }

        /** A check of the shared state once every CPU has run all its actions. */
        public Builder<S> atEnd(String id, Function<? super S, List<Failure>> check) {
            finals.add(new ChainSpec.StateCheck<>(id, check));
            return this;
        }

        /** Default interleavings to run (times {@code armmm.scale}). */
        public Builder<S> tries(int n) {
            this.tries = n;
            return this;
        }

        /** Pins the seed. */
        public Builder<S> seed(long fixedSeed) {
            this.seed = fixedSeed;
            return this;
        }

        /** Enumerates programs and interleavings depth-first instead of sampling them. */
        public Builder<S> exhaustive(int maxDepth, int budget) {
            this.exhaustive = new Exhaustive(maxDepth, budget);
            return this;
        }

        /** The spec. */
        public Interleavings<S> build() {
            return new Interleavings<>(this);
        }
    }
}
