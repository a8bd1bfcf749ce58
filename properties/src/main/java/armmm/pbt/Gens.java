package armmm.pbt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Generator factories. Every generator is built so that the minimal choices give the minimal value:
 * rank 0 of an integer is the value nearest 0 in its range, a list ends when its "continue?" choice
 * is 0, {@code oneOf} and {@code frequency} prefer their first alternative.
 */
public final class Gens {
    /** Edge-bias selector values 0..4 draw plainly; 5 draws a small value; 6 forces min; 7 forces max. */
    private static final long BIAS_BOUND = 7;
    private static final long PLAIN_LIMIT = 4;
    private static final long SMALL = 5;
    private static final long AT_MIN = 6;
    /** Ranks up to this are "small" values: magnitudes up to 16 around zero. */
    private static final long SMALL_RANKS = 32;
    /** Expected extra elements of a list beyond its minimum size. */
    private static final double AVERAGE_EXTRA_ELEMENTS = 5;

    private Gens() {}

    /**
     * Longs in {@code [min, max]} with edge-case bias: 3 in 8 values are min, max or small magnitudes.
     * The bias is a separate choice before the value, so shrinking it away keeps the value. The width
     * {@code max - min} must fit in a long (so not the full long range).
     */
    public static Gen<Long> longs(long min, long max) {
        long bound = width(min, max);
        long minRank = rankOf(min, max, min);
        long maxRank = rankOf(min, max, max);
        return c -> {
            long bias = c.drawBias(BIAS_BOUND);
            long rank;
            if (bias <= PLAIN_LIMIT) {
                rank = c.draw(bound);
            } else if (bias == SMALL) {
                rank = c.draw(Math.min(bound, SMALL_RANKS));
            } else {
                rank = c.forced(bias == AT_MIN ? minRank : maxRank, bound);
            }
            return valueOf(min, max, rank);
        };
    }

    /** Ints in {@code [min, max]} with edge-case bias (see {@link #longs}). */
    public static Gen<Integer> ints(int min, int max) {
        return longs(min, max).map(Long::intValue);
    }

    /** Longs uniformly distributed in {@code [min, max]}, without edge-case bias. */
    public static Gen<Long> uniformLongs(long min, long max) {
        long bound = width(min, max);
        return c -> valueOf(min, max, c.draw(bound));
    }

    /** Ints uniformly distributed in {@code [min, max]}, without edge-case bias. */
    public static Gen<Integer> uniformInts(int min, int max) {
        return uniformLongs(min, max).map(Long::intValue);
    }

    /** The raw choice {@code min + rank} in {@code [min, max]}, uniform, simplest at min. */
    public static Gen<Long> choose(long min, long max) {
        return c -> c.choose(min, max);
    }

    /** Fair booleans; false is simpler. */
    public static Gen<Boolean> booleans() {
        return booleans(0.5);
    }

    /** Booleans that are true with probability {@code p}; false is simpler. */
    public static Gen<Boolean> booleans(double p) {
        return c -> c.drawBoolean(p);
    }

    /** Always {@code value}; consumes no choice. */
    public static <T> Gen<T> constant(T value) {
        return c -> value;
    }

    /** One of the values, uniformly; the first is simplest. */
    @SafeVarargs
    public static <T> Gen<T> oneOf(T... values) {
        return oneOf(Arrays.asList(values));
    }

    /** One of the values, uniformly; the first is simplest. */
    public static <T> Gen<T> oneOf(List<? extends T> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("oneOf: no values to choose from");
        }
        List<? extends T> copy = List.copyOf(values);
        return c -> copy.get((int) c.choose(0, copy.size() - 1));
    }

    /** A value of one of the generators, chosen uniformly; the first is simplest. */
    @SafeVarargs
    public static <T> Gen<T> oneOfGens(Gen<? extends T>... gens) {
        List<Gen<? extends T>> copy = List.of(gens);
        return c -> copy.get((int) c.choose(0, copy.size() - 1)).generate(c);
    }

    /** A generator with a relative weight, for {@link #frequency}. */
    public record Weighted<T>(int weight, Gen<? extends T> gen) {
        /** Validates the weight. */
        public Weighted {
            if (weight <= 0) {
                throw new IllegalArgumentException("weight " + weight + ", expected > 0");
            }
        }
    }

    /** Pairs a weight with a generator. */
    public static <T> Weighted<T> weighted(int weight, Gen<? extends T> gen) {
        return new Weighted<>(weight, gen);
    }

    /** A value of one of the generators, chosen with probability proportional to its weight. */
    @SafeVarargs
    public static <T> Gen<T> frequency(Weighted<? extends T>... alternatives) {
        List<Weighted<? extends T>> copy = List.of(alternatives);
        long[] weights = copy.stream().mapToLong(Weighted::weight).toArray();
        return c -> copy.get(c.drawWeighted(weights)).gen().generate(c);
    }

    /** Lists of 0 to 50 elements. */
    public static <T> Gen<List<T>> lists(Gen<T> element) {
        return lists(element, 0, 50);
    }

    /**
     * Lists of {@code minSize} to {@code maxSize} elements. Each element beyond the minimum is preceded
     * by a "continue?" choice and forms one span with it, so deleting a span deletes an element and
     * zeroing a "continue?" truncates the list.
     */
    public static <T> Gen<List<T>> lists(Gen<T> element, int minSize, int maxSize) {
        if (minSize < 0 || maxSize < minSize) {
            throw new IllegalArgumentException("list sizes [" + minSize + ", " + maxSize + "]");
        }
        double more = AVERAGE_EXTRA_ELEMENTS / (AVERAGE_EXTRA_ELEMENTS + 1);
        return c -> {
            List<T> list = new ArrayList<>();
            while (list.size() < maxSize) {
                c.startSpan("element");
                boolean next = list.size() < minSize ? c.forced(1, 1) == 1 : c.drawBoolean(more);
                if (!next) {
                    c.endSpan();
                    break;
                }
                list.add(element.generate(c));
                c.endSpan();
            }
            return list;
        };
    }

    /** Lists of exactly {@code size} elements, one span per element. */
    public static <T> Gen<List<T>> listsOfSize(Gen<T> element, int size) {
        return c -> {
            List<T> list = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                c.startSpan("element");
                list.add(element.generate(c));
                c.endSpan();
            }
            return list;
        };
    }

    /** Combines two generated values, e.g. into a record. */
    public static <A, B, R> Gen<R> combine(Gen<A> a, Gen<B> b, BiFunction<? super A, ? super B, R> f) {
        return c -> f.apply(a.generate(c), b.generate(c));
    }

    /** A function of three arguments, for {@link #combine(Gen, Gen, Gen, Function3)}. */
    @FunctionalInterface
    public interface Function3<A, B, C, R> {
        /** Applies the function. */
        R apply(A a, B b, C c);
    }

    /** Combines three generated values, e.g. into a record. */
    public static <A, B, C, R> Gen<R> combine(Gen<A> a, Gen<B> b, Gen<C> c3,
            Function3<? super A, ? super B, ? super C, R> f) {
        return c -> f.apply(a.generate(c), b.generate(c), c3.generate(c));
    }

    /** A function of four arguments, for {@link #combine(Gen, Gen, Gen, Gen, Function4)}. */
    @FunctionalInterface
    public interface Function4<A, B, C, D, R> {
        /** Applies the function. */
        R apply(A a, B b, C c, D d);
    }

    /** Combines four generated values, e.g. into a record of a four-argument kernel call. */
    public static <A, B, C, D, R> Gen<R> combine(Gen<A> a, Gen<B> b, Gen<C> c3, Gen<D> d,
            Function4<? super A, ? super B, ? super C, ? super D, R> f) {
        return c -> f.apply(a.generate(c), b.generate(c), c3.generate(c), d.generate(c));
    }

    private static long width(long min, long max) {
        if (max < min) {
            throw new IllegalArgumentException("range [" + min + ", " + max + "]: max below min");
        }
        return Math.subtractExact(max, min);
    }

    /**
     * The value of {@code rank} in {@code [min, max]}: ranks run outward from the value nearest zero,
     * alternating +1, -1, +2, -2 while both signs fit, then continuing on the longer side.
     */
    static long valueOf(long min, long max, long rank) {
        if (min >= 0) {
            return min + rank;
        }
        if (max <= 0) {
            return max - rank;
        }
        long both = Math.min(max, -min);
        if (rank <= 2 * both) {
            long magnitude = (rank + 1) / 2;
            return rank % 2 == 1 ? magnitude : -magnitude;
        }
        long magnitude = both + rank - 2 * both;
        return max > -min ? magnitude : -magnitude;
    }

    /** The inverse of {@link #valueOf}. */
    static long rankOf(long min, long max, long value) {
        if (min >= 0) {
            return value - min;
        }
        if (max <= 0) {
            return max - value;
        }
        long both = Math.min(max, -min);
        long magnitude = Math.abs(value);
        if (magnitude <= both) {
            return value > 0 ? 2 * magnitude - 1 : 2 * magnitude;
        }
        return 2 * both + magnitude - both;
    }
}
