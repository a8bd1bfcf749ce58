package armmm.pbt;

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

    /** Bounds shrinking time, overriding {@code armmm.shrink.seconds}. */
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
            } catch (Error e) {
                if (!(e instanceof AssertionError)) {
                    throw e;
                }
                return Failure.of(e);
            } catch (Throwable t) {
                return Failure.of(t);
            }
        });
    }

    private PropertyResult<T> search(Trial trial) {
        Reporting target = target();
        PropertyConfig config = PropertyConfig.fromSystemProperties(tries, 0, seed);
        if (shrinkSeconds != null) {
            config = new PropertyConfig(config.seed(), config.seedGiven(), config.tries(), 0, shrinkSeconds);
        }
        target.announce(config);
        Stats stats = new Stats(target.propertyName());
        Search.Result found = Search.run(trial, config, exhaustive, stats);
        stats.outcome("seed", config.seed());
        PropertyResult<T> result;
        if (found.failed()) {
            T original = gen.generate(Choices.replay(found.original().ranks()));
            T shrunk = gen.generate(Choices.replay(found.shrunk().ranks()));
            stats.outcome("failure", found.failure().id());
            stats.outcome("shrink", found.shrink().toString());
            result = new PropertyResult<>(target.propertyName(), config.seed(), found.tries(), found.discarded(),
                    original, shrunk, found.failure(), found.shrink());
        } else {
            result = new PropertyResult<>(target.propertyName(), config.seed(), found.tries(), found.discarded(),
                    null, null, null, null);
        }
        target.publish(stats);
        return result;
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
