package armmm.pbt;

import java.util.Arrays;
import java.util.List;

/**
 * The recorded outcome of one generation: every choice's rank (0 is simplest) and bound, and the
 * spans that generators marked (a chain step, a list element). Immutable; the shrinker edits copies
 * of {@link #ranks()} and replays them.
 */
public final class ChoiceSequence {
    private final long[] ranks;
    private final long[] bounds;
    private final boolean[] branching;
    private final List<Span> spans;
    private final List<Bundle.Reference> references;
    private final List<Bundle.Creation> creations;
    /** Positions whose rank was forced whatever the replayed sequence said, or null when none. */
    private final java.util.BitSet forced;
    /** Positions of choices whose rank 0 ends the case with nothing more checked ({@link #stop}), or null. */
    private final java.util.BitSet stops;
    /** The label of a chain step's span. */
    private static final String STEP = "step";
    /**
     * {@code spans("step")}, once asked (an immutable list: a race computes it twice, harmlessly).
     */
    private List<Span> stepSpans;

    /**
     * A labelled interval {@code [start, end)} of choice positions that one generator call consumed.
     *
     * @param label what produced it ("step", "element", "filter", "bind")
     * @param start first position
     * @param end position after the last
     */
    public record Span(String label, int start, int end) {
        /** Validates the interval. */
        public Span {
            if (start < 0 || end < start) {
                throw new IllegalArgumentException("span [" + start + ", " + end + "), expected 0 <= start <= end");
            }
        }

        /** The number of choices in the span. */
        public int length() {
            return end - start;
        }
    }

    ChoiceSequence(long[] ranks, long[] bounds, boolean[] branching, List<Span> spans) {
        this(ranks, bounds, branching, spans, List.of(), List.of());
    }

    ChoiceSequence(long[] ranks, long[] bounds, boolean[] branching, List<Span> spans,
            List<Bundle.Reference> references, List<Bundle.Creation> creations) {
        this(ranks, bounds, branching, spans, references, creations, null);
    }

    ChoiceSequence(long[] ranks, long[] bounds, boolean[] branching, List<Span> spans,
            List<Bundle.Reference> references, List<Bundle.Creation> creations, java.util.BitSet forced) {
        this(ranks, bounds, branching, spans, references, creations, forced, null);
    }

    ChoiceSequence(long[] ranks, long[] bounds, boolean[] branching, List<Span> spans,
            List<Bundle.Reference> references, List<Bundle.Creation> creations, java.util.BitSet forced,
            java.util.BitSet stops) {
        this.forced = forced;
        this.stops = stops;
        this.ranks = ranks;
        this.bounds = bounds;
        this.branching = branching;
        this.spans = List.copyOf(spans);
        this.references = references;
        this.creations = creations;
    }

    /** The handle references drawn from bundles, in order. */
    List<Bundle.Reference> references() {
        return references;
    }

    /** The items added to bundles, in order. */
    List<Bundle.Creation> creations() {
        return creations;
    }

    /** A copy of the ranks, one per choice, in the order they were made. */
    public long[] ranks() {
        return ranks.clone();
    }

    /**
     * The ranks themselves, not a copy, for the shrinker's comparisons and the replay cache, which
     * only read them: a copy a replay was the shrink loop's largest allocation (JFR samples).
     * Callers must never write to the array.
     */
    long[] readOnlyRanks() {
        return ranks;
    }

    /** The number of choices. */
    public int size() {
        return ranks.length;
    }

    /** The rank of choice {@code i}. */
    public long rank(int i) {
        return ranks[i];
    }

    /** The largest rank choice {@code i} could have taken. */
    public long bound(int i) {
        return bounds[i];
    }

    /** Whether choice {@code i} was a free decision (false for forced values and edge-bias draws). */
    public boolean branching(int i) {
        return branching[i];
    }

    /**
     * Whether choice {@code i}'s rank was forced: a replay records it whatever the replayed sequence
     * holds at that position (a value a bias choice fixed, a list's minimum length).
     */
    boolean forced(int i) {
        return forced != null && forced.get(i);
    }

    /**
     * Whether choice {@code i} is a chain step's "continue?" choice: rank 0 there ends the chain, and
     * a shrink replay after a step's failure then runs nothing more (its chain-end checks are another
     * call's, skipped), so it passes ({@link ReplayTree}).
     */
    boolean stop(int i) {
        return stops != null && stops.get(i);
    }

    /** The spans generators marked, in the order they were closed. */
    public List<Span> spans() {
        return spans;
    }

    /** The spans with the given label, ordered by start position. */
    public List<Span> spans(String label) {
        if (label.equals(STEP)) {
            // the shrinker asks for a chain's steps before nearly every candidate: computed once
            List<Span> steps = stepSpans;
            if (steps == null) {
                steps = labelled(STEP);
                stepSpans = steps;
            }
            return steps;
        }
        return labelled(label);
    }

    private List<Span> labelled(String label) {
        return spans.stream().filter(s -> s.label().equals(label))
                .sorted((a, b) -> Integer.compare(a.start(), b.start())).toList();
    }

    /**
     * Shortlex order: shorter is simpler, then the first differing rank decides. This is the order
     * the shrinker descends, so it always terminates.
     */
    public static int shortlex(long[] a, long[] b) {
        if (a.length != b.length) {
            return Integer.compare(a.length, b.length);
        }
        return Arrays.compare(a, b);
    }

    @Override
    public String toString() {
        return Arrays.toString(ranks);
    }
}
