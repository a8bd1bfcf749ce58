package armmm.pbt;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * A simple (stateless) property: for all values of a generator, a predicate holds or a check does not
 * throw. {@code Property.forAll(gen).named("x").check(v -> ...)} samples, shrinks the first failure and
 * throws an AssertionError naming the shrunk value, the original and the seed.
 *
 * @param <T> the generated type
 */
public final class Property<T> {
    /** Tries when neither the property nor {@code armmm.tries} says otherwise (times {@code armmm.scale}). */
    public static final int DEFAULT_TRIES = 100;

    private final Gen<T> gen;
    private String name = "property";
    private Reporting reporting;
    private int tries = DEFAULT_TRIES;
    private Long seed;
    private Double shrinkSeconds;
    private Exhaustive exhaustive;
    private final java.util.Map<String, Double> coverage = new java.util.LinkedHashMap<>();
    private boolean strictHealth;
    private Double deadlineSeconds;
    private Integer shrinkReplays;
    private String database;

    private Property(Gen<T> gen) {
        this.gen = gen;
    }

    /** A property over the values of {@code gen}. */
    public static <T> Property<T> forAll(Gen<T> gen) {
        return new Property<>(gen);
    }

    /** Names the property (files under target/ and messages use the name). */
    public Property<T> named(String propertyName) {
        this.name = propertyName;
        return this;
    }

    /** Default tries, before {@code armmm.scale}; {@code armmm.tries} overrides it. */
    public Property<T> tries(int defaultTries) {
        this.tries = defaultTries;
        return this;
    }

    /** Pins the seed (it wins over {@code armmm.seed}). */
    public Property<T> seed(long fixedSeed) {
        this.seed = fixedSeed;
        return this;
    }

    /**
     * Discards the running test case unless {@code condition} holds (inside a property body, an
     * action's executor or an invariant): the case counts as neither passed nor failed.
     */
    public static void assume(boolean condition) {
        if (!condition) {
            throw new Discard("assumption failed");
        }
    }

    /** Requires that at least {@code percent} of the cases attach {@code label} (QuickCheck's checkCoverage). */
    public Property<T> cover(String label, double percent) {
        coverage.put(label, percent);
        return this;
    }

    /** Makes health warnings (too few distinct cases, slow generation) fail the property. */
    public Property<T> strictHealth() {
        this.strictHealth = true;
        return this;
    }

    /** Bounds each case's run, overriding {@code armmm.deadline.seconds}. */
    public Property<T> deadlineSeconds(double seconds) {
        this.deadlineSeconds = seconds;
        return this;
    }

    /** Sets the shrink replay budget, overriding {@code armmm.shrink.replays}. */
    public Property<T> shrinkReplays(int replays) {
        this.shrinkReplays = replays;
        return this;
    }

    /** Stores failures in (and replays them from) {@code folder}; "off" for none. */
    public Property<T> database(String folder) {
        this.database = folder;
        return this;
    }

    /** Sets the wall-clock safety net of shrinking, overriding {@code armmm.shrink.seconds}. */
    public Property<T> shrinkSeconds(double seconds) {
        this.shrinkSeconds = seconds;
        return this;
    }

    /** Enumerates choice sequences depth-first instead of sampling (small-scope exhaustive mode). */
    public Property<T> exhaustive(int maxDepth, int budget) {
        this.exhaustive = new Exhaustive(maxDepth, budget);
        return this;
    }

    Property<T> reportingTo(Reporting target) {
        this.reporting = target;
        return this;
    }

    /** Checks that {@code holds} is true for every value; throws AssertionError with the report otherwise. */
    public void check(Predicate<? super T> holds) {
        throwIfFailed(run(holds));
    }

    /** Checks that {@code body} throws nothing for every value (AssertJ assertions, for instance). */
    public void checkThrowing(ThrowingConsumer<? super T> body) {
        throwIfFailed(runThrowing(body));
    }

    /** Runs the property and returns the result without throwing. */
    public PropertyResult<T> run(Predicate<? super T> holds) {
        return search(c -> holds.test(gen.generate(c)) ? null
                : new Failure("property", "property returned false", ""));
    }

    /** Runs a throwing check and returns the result without throwing. */
    public PropertyResult<T> runThrowing(ThrowingConsumer<? super T> body) {
        return search(c -> {
            T value = gen.generate(c);
            try {
                body.accept(value);
                return null;
            } catch (Discard assumption) {
                throw assumption;
            } catch (Error e) {
                if (!(e instanceof AssertionError)) {
                    throw e;
                }
                c.call(origin(e));
                return Failure.of(e);
            } catch (Throwable t) {
                c.call(origin(t));
                return Failure.of(t);
            }
        });
    }

    private PropertyResult<T> search(Trial trial) {
        Reporting target = target();
        PropertyConfig config = PropertyConfig.fromSystemProperties(tries, 0, seed);
        config = config.withShrink(shrinkReplays != null ? shrinkReplays : config.shrinkReplays(),
                shrinkSeconds != null ? shrinkSeconds : config.shrinkSeconds());
        if (deadlineSeconds != null) {
            config = config.withDeadline(deadlineSeconds);
        }
        if (database != null) {
            config = config.withDatabase(database);
        }
        config = target.settle(config);
        target.announce(config);
        String fileName = target.fileName();
        Stats stats = new Stats(fileName);
        Search.Options options = new Search.Options(target.propertyName(), coverage, strictHealth);
        Search.Result found = Search.run(trial, config, exhaustive, stats, options);
        stats.outcome("seed", config.seed());
        PropertyResult<T> result;
        Search.Found first = found.first();
        List<Failure> health = new ArrayList<>(found.health());
        if (first == null) {
            health.addAll(Search.strict(stats, options));
        }
        if (first != null) {
            T original = generated(first.original());
            T shrunk = generated(first.shrunk());
            stats.outcome("failure", first.failure().id());
            stats.outcome("shrink", first.shrink().toString());
            List<Failure> others = found.found().stream().skip(1).map(Search.Found::failure).toList();
            result = new PropertyResult<>(fileName, config.seed(), found.tries(), found.discarded(),
                    original, shrunk, first.failure(), first.shrink(), others);
        } else if (!health.isEmpty()) {
            health.forEach(h -> stats.outcome("health", h.toString()));
            result = new PropertyResult<>(fileName, config.seed(), found.tries(), found.discarded(),
                    null, null, health.get(0), null, health.subList(1, health.size()));
        } else {
            result = new PropertyResult<>(fileName, config.seed(), found.tries(), found.discarded(),
                    null, null, null, null, List.of());
        }
        target.publish(stats, fileName);
        return result;
    }

    /**
     * Where a throwable was thrown from, outside assertion libraries and the JDK: two assertions on
     * different lines are two distinct failures, as Hypothesis tells them apart.
     */
    static String origin(Throwable thrown) {
        for (StackTraceElement frame : thrown.getStackTrace()) {
            String c = frame.getClassName();
            if (!c.startsWith("org.assertj.") && !c.startsWith("org.junit.") && !c.startsWith("java.")
                    && !c.startsWith("jdk.") && !c.startsWith("sun.")) {
                return c.substring(c.lastIndexOf('.') + 1) + ":" + frame.getLineNumber();
            }
        }
        return "";
    }

    /** The value a sequence generates, or null when it no longer generates one (a deadline cut it). */
    private T generated(ChoiceSequence sequence) {
        try {
            return gen.generate(Choices.replay(sequence.ranks()));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void throwIfFailed(PropertyResult<T> result) {
        if (!result.passed()) {
            throw new AssertionError(result.message(target().rerunCommand(result.seed())));
        }
    }

    private Reporting target() {
        return reporting != null ? reporting : Reporting.standalone(name);
    }
}
