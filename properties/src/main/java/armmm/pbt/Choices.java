package armmm.pbt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The one recorder every random decision goes through (Hypothesis calls it ConjectureData). Each
 * choice is a rank in {@code [0, bound]}, recorded with its bound; generated values are functions of
 * the ranks, so replaying an edited rank sequence regenerates an edited value. A replayed sequence
 * that runs out yields rank 0 from then on, which is why deleting choices makes values simpler.
 */
public final class Choices {
    /** More choices than this in one test case is treated as runaway generation and discarded. */
    static final int MAX_CHOICES = 20_000;

    private final SplittableRandom random;
    private final long[] prefix;
    private long[] ranks;
    private long[] bounds;
    private boolean[] branching;
    /** Positions whose rank was forced ({@link #forced}): recorded whatever the replayed sequence said. */
    private final java.util.BitSet forcedAt = new java.util.BitSet();
    /** Positions of chain steps' "continue?" choices ({@link #drawContinue}), or null before the first. */
    private java.util.BitSet stopsAt;
    private int size;
    private final List<ChoiceSequence.Span> spans = new ArrayList<>();
    private final Deque<OpenSpan> open = new ArrayDeque<>();
    /** The call (action name) of the step being run, part of a failure's identity. */
    private volatile String call = "";
    /** Set when the case overran its deadline: the abandoned thread stops at its next choice. */
    private volatile boolean cancelled;
    /** Handle references drawn from bundles, in order (for the delete-and-adjust shrink pass). */
    private final List<Bundle.Reference> references = new ArrayList<>();
    /** Items added to bundles, in order: the choice position at the time and the bundle. */
    private final List<Bundle.Creation> creations = new ArrayList<>();
    /** Repairs asked by the shrinker: choice position to the serial the reference must keep. */
    private java.util.Map<Integer, Long> repairs = java.util.Map.of();
    /**
     * The call a shrink replay is after (the call of the failure being shrunk), or null outside
     * shrinking: a failure in any other call cannot be kept, so checks that can only fail in another
     * call may be skipped ({@link #wants}).
     */
    private String wanted;

    private Choices(SplittableRandom random, long[] prefix) {
        this.random = random;
        this.prefix = prefix;
        // a replay uses about as many choices as it is given: sized so that it seldom grows the arrays
        int capacity = Math.max(32, Math.min(prefix.length, MAX_CHOICES));
        this.ranks = new long[capacity];
        this.bounds = new long[capacity];
        this.branching = new boolean[capacity];
    }

    /** Choices drawn at random from the given source. */
    static Choices random(SplittableRandom random) {
        return new Choices(random, new long[0]);
    }

    /** Choices replayed from {@code prefix}, then minimal once it runs out. */
    static Choices replay(long[] prefix) {
        return new Choices(null, prefix);
    }

    /** Choices replayed from {@code prefix}, then drawn at random from {@code random} (targeted search). */
    static Choices extend(long[] prefix, SplittableRandom random) {
        return new Choices(random, prefix);
    }

    /**
     * Choices replayed from {@code prefix} where the handle references at the given positions are
     * re-pointed to the items with the given serials (the shrinker deleted a step before them).
     */
    static Choices repairing(long[] prefix, java.util.Map<Integer, Long> repairs) {
        Choices c = new Choices(null, prefix);
        c.repairs = repairs;
        return c;
    }

    /** Names the call being run (a chain step's action), for failure identity and deadline reports. */
    void call(String name) {
        this.call = name;
    }

    /**
     * Marks these choices as a shrink replay after a failure in {@code call}: only a failure in that
     * call can be kept, so a chain may skip checks that could only fail in another (the chain-end
     * checks while a step's failure is shrunk). The outcome of the replay as the shrinker judges it is
     * unchanged.
     */
    Choices wanting(String call) {
        this.wanted = call;
        return this;
    }

    /** Whether a failure in {@code call} could be kept: always, unless this is a shrink replay after another call. */
    boolean wants(String call) {
        return wanted == null || wanted.equals(call);
    }

    /** Stops a case that overran its deadline at its next choice. */
    void cancel() {
        cancelled = true;
    }

    /** The call being run, or "" before the first step. */
    String call() {
        return call;
    }

    /** The number of choices recorded so far. */
    int size() {
        return size;
    }

    /**
     * Draws a reference into a live list of {@code live} items (rank 0 the newest), recording which
     * item it named so the shrinker can keep it pointed at the same item when earlier steps go.
     *
     * @param serials the creation serial of each live item, oldest first
     */
    int drawReference(String bundle, long[] serials) {
        int position = size;
        long bound = serials.length - 1;
        Long wanted = repairs.get(position);
        long rank = -1;
        if (wanted != null) {
            for (int i = 0; i < serials.length; i++) {
                if (serials[i] == wanted) {
                    rank = serials.length - 1 - i;
                }
            }
        }
        if (rank < 0) {
            rank = next(bound);
            rank = rank == FRESH ? uniform(bound) : rank;
        } else {
            next(bound);
        }
        record(rank, bound, true);
        references.add(new Bundle.Reference(position, bundle, serials[(int) (bound - rank)]));
        return (int) (bound - rank);
    }

    /** The pseudo-bundle under which {@link #drawAction} records the action each step chose. */
    static final String ACTION = "#action";

    /**
     * Draws a chain step's action among the enabled ones by weight, as {@link #drawWeighted}, and
     * records which action of the spec it named (its index among all actions) as a reference, so
     * that when the shrinker deletes earlier steps, and the state there enables other actions,
     * the step can be replayed as the same action rather than as whatever now sits at its rank.
     *
     * @param weights the enabled actions' weights
     * @param enabled the spec index of each enabled action
     * @return the position of the chosen action in {@code enabled}
     */
    int drawAction(long[] weights, int[] enabled) {
        int position = size;
        Long wanted = repairs.get(position);
        if (wanted != null) {
            for (int k = 0; k < weights.length; k++) {
                if (enabled[k] == wanted) {
                    next(weights.length - 1);
                    record(k, weights.length - 1, true);
                    references.add(new Bundle.Reference(position, ACTION, enabled[k]));
                    return k;
                }
            }
        }
        int k = drawWeighted(weights);
        references.add(new Bundle.Reference(position, ACTION, enabled[k]));
        return k;
    }

    /** Notes that an item was added to {@code bundle} now, with its serial. */
    void noteCreation(String bundle, long serial) {
        creations.add(new Bundle.Creation(size, bundle, serial));
    }

    /**
     * A value in {@code [min, max]}, inclusive; the minimum is the simplest. The range width
     * {@code max - min} must fit in a long.
     */
    public long choose(long min, long max) {
        if (max < min) {
            throw new IllegalArgumentException("choose(" + min + ", " + max + "): max below min");
        }
        return min + draw(Math.subtractExact(max, min));
    }

    /** A free rank in {@code [0, bound]}, uniformly distributed when drawn at random. */
    long draw(long bound) {
        long rank = next(bound);
        return record(rank == FRESH ? uniform(bound) : rank, bound, true);
    }

    /** A free 0/1 rank that is 1 with probability {@code p} when drawn at random. */
    boolean drawBoolean(double p) {
        long rank = next(1);
        if (rank == FRESH) {
            rank = random.nextDouble() < p ? 1 : 0;
        }
        return record(rank, 1, true) == 1;
    }

    /**
     * A chain step's "continue?" choice: {@link #drawBoolean}, recorded as a position where rank 0
     * ends the chain ({@link ChoiceSequence#stop}).
     */
    boolean drawContinue(double p) {
        if (stopsAt == null) {
            stopsAt = new java.util.BitSet();
        }
        stopsAt.set(size);
        return drawBoolean(p);
    }

    /**
     * An index into {@code weights}, drawn with probability proportional to the weight. Each
     * alternative is one rank (lower is simpler), so exhaustive enumeration visits each once however
     * heavy it is.
     */
    int drawWeighted(long[] weights) {
        long rank = next(weights.length - 1);
        if (rank == FRESH) {
            long total = 0;
            for (long w : weights) {
                total += w;
            }
            long pick = random.nextLong(total);
            int i = 0;
            while (pick >= weights[i]) {
                pick -= weights[i++];
            }
            rank = i;
        }
        return (int) record(rank, weights.length - 1, true);
    }

    /**
     * A rank that only steers the distribution (edge-case bias). It replays like any choice, but is
     * not a branch for exhaustive enumeration, which therefore only visits the plain draw.
     */
    long drawBias(long bound) {
        long rank = next(bound);
        return record(rank == FRESH ? uniform(bound) : rank, bound, false);
    }

    /**
     * Records {@code rank} as if drawn with {@code bound}, whatever the replayed sequence says. The
     * position keeps the rank when a preceding bias choice is later lowered, so the value survives.
     */
    long forced(long rank, long bound) {
        next(bound);
        forcedAt.set(size);
        return record(rank, bound, false);
    }

    /** Opens a span: the choices until the matching {@link #endSpan()} form one unit for the shrinker. */
    void startSpan(String label) {
        open.push(new OpenSpan(label, size));
    }

    /** Closes the innermost open span. */
    void endSpan() {
        OpenSpan top = open.pop();
        spans.add(new ChoiceSequence.Span(top.label(), top.start(), size));
    }

    /** What was recorded so far (the choices actually used, which may be fewer than replayed). */
    ChoiceSequence toSequence() {
        int n = size;
        return new ChoiceSequence(Arrays.copyOf(ranks, n), Arrays.copyOf(bounds, n),
                Arrays.copyOf(branching, n), List.copyOf(spans), List.copyOf(references), List.copyOf(creations),
                forcedAt.isEmpty() ? null : (java.util.BitSet) forcedAt.clone(),
                stopsAt == null ? null : (java.util.BitSet) stopsAt.clone());
    }

    private record OpenSpan(String label, int start) {}

    /** What {@link #next} returns when the rank is to be drawn at random: no recorded rank is this. */
    private static final long FRESH = Long.MIN_VALUE;

    /**
     * The replayed rank of the next choice (clamped to {@code bound}), 0 past the end of a replay, or
     * {@link #FRESH} when the caller draws it at random. A sentinel, not a supplier of the fresh rank:
     * this runs once a choice, and a capturing lambda a choice was an allocation of every replay.
     */
    private long next(long bound) {
        if (cancelled) {
            throw new Discard("cancelled at its deadline");
        }
        if (size >= MAX_CHOICES) {
            throw new Discard("more than " + MAX_CHOICES + " choices");
        }
        if (size < prefix.length) {
            // an edited sequence can put a large rank where a smaller bound now applies: clamp, so big stays big
            return Math.min(prefix[size], bound);
        }
        return random == null ? 0 : FRESH;
    }

    private long uniform(long bound) {
        return bound == Long.MAX_VALUE ? random.nextLong() & Long.MAX_VALUE : random.nextLong(bound + 1);
    }

    private long record(long rank, long bound, boolean free) {
        if (size == ranks.length) {
            ranks = Arrays.copyOf(ranks, size * 2);
            bounds = Arrays.copyOf(bounds, size * 2);
            branching = Arrays.copyOf(branching, size * 2);
        }
        ranks[size] = rank;
        bounds[size] = bound;
        branching[size] = free;
        size++;
        return rank;
    }
}
