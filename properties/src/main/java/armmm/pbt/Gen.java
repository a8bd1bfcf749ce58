package armmm.pbt;

import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A generator: a function of the choices it reads. Because values come from the recorded
 * choices, shrinking edits choices and regenerates, so every shrunk value is one the generator
 * could have produced (integrated shrinking). Factories are in {@link Gens}.
 *
 * @param <T> the generated type
 */
@FunctionalInterface
public interface Gen<T> {
    /** How many times {@link #filter} regenerates before discarding the test case. */
    int FILTER_ATTEMPTS = 100;

    /** Generates one value from the choices. */
    T generate(Choices choices);

    /** A generator of {@code f} applied to this generator's values. */
    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return c -> f.apply(generate(c));
    }

    /**
     * A generator whose second stage depends on the first value (monadic bind). The whole draw is
     * one span, so the shrinker can delete it as a unit.
     */
    default <R> Gen<R> flatMap(Function<? super T, ? extends Gen<? extends R>> f) {
        return c -> {
            c.startSpan("bind");
            R value = f.apply(generate(c)).generate(c);
            c.endSpan();
            return value;
        };
    }

    /**
     * This generator restricted to values satisfying {@code accept}; regenerates up to
     * {@link #FILTER_ATTEMPTS} times, then discards the test case. Each attempt is a span, so the
     * shrinker can delete rejected attempts.
     */
    default Gen<T> filter(Predicate<? super T> accept) {
        // the health check names the generator that keeps rejecting: where this filter was built
        String site = StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().equals(Gen.class.getName()) && !f.getClassName().equals(Gens.class.getName()))
                .findFirst().map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "."
                        + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse("unknown"));
        return c -> {
            for (int attempt = 0; attempt < FILTER_ATTEMPTS; attempt++) {
                c.startSpan("filter");
                T value = generate(c);
                c.endSpan();
                if (accept.test(value)) {
                    return value;
                }
            }
            throw new Discard("the filter built at " + site + " rejected " + FILTER_ATTEMPTS + " values in a row");
        };
    }
}
