package armmm.pbt;

import static armmm.pbt.Gens.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The public shrinking challenge (github.com/jlink/shrinking-challenge): each test states the
 * challenge's property, runs our engine from ten fixed seeds (different first failures), and asserts
 * that the shrinker reaches the same answer from each: the published minimum, or for bound5 the
 * minimum of our own order.
 * spec/shrinking-challenge.md tabulates the results next to the published minimal answers.
 */
class ShrinkingChallengeTest {
    private static <T> PropertyResult<T> shrink(long seed, String name, Gen<T> gen, Predicate<T> holds) {
        PropertyResult<T> result = Property.forAll(gen).named("challenge-" + name).seed(seed).tries(10_000)
                .shrinkSeconds(10).run(holds);
        assertThat(result.passed()).as("%s must find a counterexample", name).isFalse();
        System.out.println("[challenge] " + name + " seed " + seed + ": " + result.shrunk() + " | " + result.shrink()
                + " | from " + result.original());
        return result;
    }

    private static final Gen<Integer> ANY_INT = Gens.ints(Integer.MIN_VALUE, Integer.MAX_VALUE);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void reverseShrinksToZeroOne(long seed) {
        PropertyResult<List<Integer>> r = shrink(seed, "reverse", Gens.lists(ANY_INT), list -> {
            List<Integer> reversed = new ArrayList<>(list);
            Collections.reverse(reversed);
            return reversed.equals(list);
        });
        assertThat(r.shrunk()).containsExactly(0, 1);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void largeUnionListShrinksToOneListOfFiveDistinctValues(long seed) {
        PropertyResult<List<List<Integer>>> r = shrink(seed, "large_union_list", Gens.lists(Gens.lists(ANY_INT)),
                lists -> lists.stream().flatMap(List::stream).distinct().count() <= 4);
        assertThat(r.shrunk()).containsExactly(List.of(0, 1, -1, 2, -2));
    }

    private static short sum(List<Integer> list) {
        short total = 0;
        for (int x : list) {
            total += (short) x;
        }
        return total;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void bound5ShrinksToTwoSingletonsThatOverflow(long seed) {
        Gen<List<Integer>> bounded = Gens.lists(Gens.ints(Short.MIN_VALUE, Short.MAX_VALUE)).filter(l -> sum(l) < 256);
        Gen<List<List<Integer>>> five = Gens.listsOfSize(bounded, 5);
        PropertyResult<List<List<Integer>>> r = shrink(seed, "bound5", five,
                lists -> sum(lists.stream().flatMap(List::stream).toList()) < 5 * 256);
        // the published ([-32768], [-1], [], [], []) up to order: in our shortlex order on choices an
        // empty list (one "stop" choice) before a non-empty one is simpler, so the empties come first
        assertThat(r.shrunk()).containsExactly(List.of(), List.of(), List.of(), List.of(-1), List.of(-32768));
    }

    /** The calculator's expressions. */
    sealed interface Expr permits Lit, Add, Div {}

    record Lit(int value) implements Expr {
        @Override
        public String toString() {
            return String.valueOf(value);
        }
    }

    record Add(Expr left, Expr right) implements Expr {
        @Override
        public String toString() {
            return "(" + left + " + " + right + ")";
        }
    }

    record Div(Expr left, Expr right) implements Expr {
        @Override
        public String toString() {
            return "(" + left + " / " + right + ")";
        }
    }

    private static Gen<Expr> expr(int depth) {
        Gen<Expr> literal = Gens.ints(-10, 10).map(Lit::new);
        if (depth == 0) {
            return literal;
        }
        return Gens.frequency(weighted(3, literal),
                weighted(1, Gens.combine(expr(depth - 1), expr(depth - 1), Add::new)),
                weighted(1, Gens.combine(expr(depth - 1), expr(depth - 1), Div::new)));
    }

    private static boolean divisionByLiteralZero(Expr e) {
        if (e instanceof Add a) {
            return divisionByLiteralZero(a.left()) || divisionByLiteralZero(a.right());
        }
        if (e instanceof Div d) {
            return d.right() instanceof Lit l && l.value() == 0
                    || divisionByLiteralZero(d.left()) || divisionByLiteralZero(d.right());
        }
        return false;
    }

    private static int eval(Expr e) {
        if (e instanceof Add a) {
            return eval(a.left()) + eval(a.right());
        }
        if (e instanceof Div d) {
            return eval(d.left()) / eval(d.right());
        }
        return ((Lit) e).value();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void calculatorShrinksToZeroDividedByZeroPlusZero(long seed) {
        PropertyResult<Expr> r = shrink(seed, "calculator", expr(4), e -> {
            if (!divisionByLiteralZero(e)) {
                eval(e);
            }
            return true;
        });
        assertThat(r.failure().id()).isEqualTo("exception:java.lang.ArithmeticException");
        assertThat(r.shrunk()).hasToString("(0 / (0 + 0))");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void lengthListShrinksToNineHundred(long seed) {
        Gen<List<Integer>> gen = Gens.ints(1, 100).flatMap(n -> Gens.listsOfSize(Gens.ints(0, 1000), n));
        PropertyResult<List<Integer>> r = shrink(seed, "lengthlist", gen,
                list -> list.stream().mapToInt(Integer::intValue).max().orElse(0) < 900);
        assertThat(r.shrunk()).containsExactly(900);
    }

    private static final Gen<List<Integer>> POSITIVE_PAIR = Gens.listsOfSize(Gens.ints(1, Integer.MAX_VALUE), 2);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void differenceMustNotBeZeroShrinksToTenTen(long seed) {
        PropertyResult<List<Integer>> r = shrink(seed, "difference_must_not_be_zero", POSITIVE_PAIR,
                p -> p.get(0) < 10 || !p.get(0).equals(p.get(1)));
        assertThat(r.shrunk()).containsExactly(10, 10);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void differenceMustNotBeSmallShrinksToTenSix(long seed) {
        PropertyResult<List<Integer>> r = shrink(seed, "difference_must_not_be_small", POSITIVE_PAIR, p -> {
            int diff = Math.abs(p.get(0) - p.get(1));
            return p.get(0) < 10 || diff < 1 || diff > 4;
        });
        assertThat(r.shrunk()).containsExactly(10, 6);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void differenceMustNotBeOneShrinksToTenNine(long seed) {
        PropertyResult<List<Integer>> r = shrink(seed, "difference_must_not_be_one", POSITIVE_PAIR,
                p -> p.get(0) < 10 || Math.abs(p.get(0) - p.get(1)) != 1);
        assertThat(r.shrunk()).containsExactly(10, 9);
    }

    /** A list and one of its elements, for the deletion challenge. */
    record ListAndElement(List<Integer> list, int element) {}

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void deletionShrinksToTwoZeros(long seed) {
        Gen<ListAndElement> gen = Gens.lists(ANY_INT, 1, 50)
                .flatMap(l -> Gens.oneOf(l).map(e -> new ListAndElement(l, e)));
        PropertyResult<ListAndElement> r = shrink(seed, "deletion", gen, p -> {
            List<Integer> removed = new ArrayList<>(p.list());
            removed.remove(Integer.valueOf(p.element()));
            return !removed.contains(p.element());
        });
        assertThat(r.shrunk()).isEqualTo(new ListAndElement(List.of(0, 0), 0));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void distinctShrinksToZeroOneMinusOne(long seed) {
        PropertyResult<List<Integer>> r = shrink(seed, "distinct", Gens.lists(ANY_INT),
                list -> new HashSet<>(list).size() < 3);
        assertThat(r.shrunk()).containsExactly(0, 1, -1);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void nestedListsShrinksToOneListOfElevenZeros(long seed) {
        PropertyResult<List<List<Integer>>> r = shrink(seed, "nested_lists", Gens.lists(Gens.lists(ANY_INT)),
                lists -> lists.stream().mapToInt(List::size).sum() <= 10);
        assertThat(r.shrunk()).containsExactly(Collections.nCopies(11, 0));
    }


    /** coupling: a list of indices into itself; no two positions may point at each other. */
    static boolean noTwoCycle(List<Integer> l) {
        for (int i = 0; i < l.size(); i++) {
            int j = l.get(i);
            if (j != i && l.get(j) == i) {
                return false;
            }
        }
        return true;
    }

    static final Gen<List<Integer>> COUPLING = Gens.lists(Gens.ints(0, 10))
            .filter(l -> l.stream().allMatch(v -> v < l.size()));

    /**
     * Twenty seeds: [1, 0] on at least 19 (measured 20). Before the pass that deletes an element and
     * lowers every later value by one, two seeds stopped at [0, 2, 1] and [0, 0, 3, 2]: deleting an
     * element renumbers every later index.
     */
    @org.junit.jupiter.api.Test
    void couplingShrinksToOneZeroOnAtLeast19Of20Seeds() {
        int minimal = 0;
        for (long seed = 1; seed <= 20; seed++) {
            PropertyResult<List<Integer>> r = shrink(seed, "coupling", COUPLING, ShrinkingChallengeTest::noTwoCycle);
            assertThat(r.shrunk()).as("seed %d", seed).hasSizeLessThanOrEqualTo(4);
            minimal += r.shrunk().equals(List.of(1, 0)) ? 1 : 0;
        }
        assertThat(minimal).as("seeds shrunk to [1, 0]").isGreaterThanOrEqualTo(19);
    }

    /** binheap: a heap (every key at least its parent's), or null. */
    record Heap(int head, Heap left, Heap right) {
        @Override
        public String toString() {
            return "(" + head + ", " + (left == null ? "None" : left) + ", " + (right == null ? "None" : right) + ")";
        }
    }

    /** As the challenge builds heaps: a size bound in 0..20, halved at each level; one in 8 subtrees empty. */
    static Gen<Heap> heap(int minKey, int size) {
        if (size <= 0) {
            return Gens.constant(null);
        }
        return Gens.frequency(weighted(1, Gens.constant(null)), weighted(7, Gens.ints(minKey, Integer.MAX_VALUE)
                .flatMap(head -> Gens.combine(heap(head, size / 2), heap(head, size / 2), (l, r) -> new Heap(head, l, r)))));
    }

    static final Gen<Heap> HEAPS = Gens.ints(0, 20).flatMap(size -> heap(0, size));

    static Heap merge(Heap a, Heap b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.head() <= b.head() ? new Heap(a.head(), merge(a.right(), b), a.left())
                : new Heap(b.head(), merge(b.right(), a), b.left());
    }

    /** The heap's keys as the challenge's toList visits them (a stack: the head, the right subtree, the left). */
    static List<Integer> values(Heap h) {
        List<Integer> out = new ArrayList<>();
        if (h != null) {
            out.add(h.head());
            out.addAll(values(h.right()));
            out.addAll(values(h.left()));
        }
        return out;
    }

    /** The wrong conversion: the head, then the merged children in tree order instead of sorted. */
    static List<Integer> wrongToSortedList(Heap h) {
        if (h == null) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>(List.of(h.head()));
        out.addAll(values(merge(h.left(), h.right())));
        return out;
    }

    static int size(Heap h) {
        return h == null ? 0 : 1 + size(h.left()) + size(h.right());
    }

    /**
     * Twenty seeds, each shrunk to a heap of four values, the published minimal size; on at least 16
     * (measured 16) to the published answer mirrored, (0, (0, (0), (1)), None), which is the minimum
     * of our order (left subtrees are drawn first, so a deeper left one is simpler); the others to
     * (0, (0, (1), None), (0)), also four values.
     */
    @org.junit.jupiter.api.Test
    void binheapShrinksToFourValuesOnEverySeed() {
        int minimal = 0;
        for (long seed = 1; seed <= 20; seed++) {
            PropertyResult<Heap> r = shrink(seed, "binheap", HEAPS, h -> {
                List<Integer> sorted = new ArrayList<>(values(h));
                Collections.sort(sorted);
                return wrongToSortedList(h).equals(sorted);
            });
            assertThat(size(r.shrunk())).as("seed %d: %s", seed, r.shrunk()).isEqualTo(4);
            minimal += r.shrunk().toString().equals("(0, (0, (0, None, None), (1, None, None)), None)") ? 1 : 0;
        }
        assertThat(minimal).as("seeds shrunk to our order's minimum").isGreaterThanOrEqualTo(16);
    }
}
