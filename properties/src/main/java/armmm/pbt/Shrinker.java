package armmm.pbt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Integrated shrinking on the choice sequence (after Hypothesis' shrinker): edit the ranks of a
 * failing test case, replay the edit through the generators, and keep it when it fails with the same
 * failure id and is shortlex-smaller. Because every candidate is regenerated, shrunk values and
 * chains are always ones the generators could produce, and stateful preconditions are re-evaluated.
 * Passes repeat until none makes progress or the time bound passes; the order of candidates is fixed,
 * so the result depends only on the starting sequence (unless the time bound cuts it short).
 */
final class Shrinker {
    /** How far apart two choices may be for the pair passes; bounds their quadratic cost. */
    private static final int PAIR_WINDOW = 8;
    /** Largest block of raw choices deleted at once by the block pass. */
    private static final int MAX_BLOCK = 4;
    /**
     * Rank moved from the first choice of a pair to the second, per unit: zig-zag integers step by 2
     * to keep their sign, and by 1 or mixed across the asymmetric end of a range such as a short's.
     */
    private static final long[][] TRANSFERS = {{2, 2}, {1, 1}, {2, 1}, {1, 2}};
    /** How many spans after a choice the lower-and-delete pass tries removing with it. */
    private static final int SPAN_WINDOW = 16;
    /** Longest chain for which every pair of non-adjacent steps is tried for deletion. */
    private static final int DISTANT_PAIR_STEPS = 50;
    /** Replayed candidates remembered to skip repeats; forgotten past this to bound memory on long runs. */
    private static final int SEEN_LIMIT = 100_000;

    private final Trial trial;
    private final String identity;
    /** The call the failure being shrunk happened in: candidates replay wanting only that call. */
    private final String call;
    private final CaseRunner runner;
    private final int budget;
    private final long deadline;
    private final long started = System.nanoTime();
    private final Set<RanksKey> seen = new HashSet<>();
    /** Candidates replayed with repairs (bundle references, actions re-pointed), with their repairs. */
    private final Set<RepairedKey> seenRepaired = new HashSet<>();
    /** Replays of this identity so far, this start's and earlier starts': a known answer is not replayed. */
    private final ReplayCache cache;
    private ChoiceSequence best;
    /** Choices of the result an earlier start of this identity left, or -1 (see {@link #against}). */
    private int keptSize = -1;
    /** {@link #distinctSpans()} of {@link #distinctOf}. */
    private List<ChoiceSequence.Span> distinct;
    private ChoiceSequence distinctOf;
    private int calls;
    private int improvements;
    private boolean timedOut;
    private boolean budgetReached;
    /** Whether a replay hit the per-case deadline: its answer was the clock's, not the candidate's. */
    private boolean overran;


    /**
     * A shrinker of {@code failing}, which failed with {@code identity} (see
     * {@link Trial.Outcome#identity()}).
     *
     * @param runner runs the replays under the per-case deadline
     * @param replays the replay budget: what bounds shrinking, the same on every machine
     * @param seconds the wall-clock safety net, reported when it cuts in
     */
    Shrinker(Trial trial, ChoiceSequence failing, String identity, String call, CaseRunner runner, int replays,
            double seconds) {
        this(trial, failing, identity, call, runner, replays, seconds, ReplayCache.forCall(call));
    }

    /** As above, sharing {@code cache} with the other shrink starts of the same identity. */
    Shrinker(Trial trial, ChoiceSequence failing, String identity, String call, CaseRunner runner, int replays,
            double seconds, ReplayCache cache) {
        this.cache = cache;
        this.trial = trial;
        this.best = failing;
        this.identity = identity;
        this.call = call;
        this.runner = runner;
        this.budget = replays;
        this.deadline = started + (long) (seconds * 1e9);
    }

    /**
     * Makes this a later start of an identity whose result so far is {@code kept}: it gives up at the
     * end of a round that shortened it no further while it is no shorter than {@code kept}. A later
     * start exists to escape the first one's local minimum in length (a kernel hunt's restart that
     * takes 21 calls to 8); one that has stopped getting shorter above that length only lowers values.
     */
    Shrinker against(ChoiceSequence kept) {
        keptSize = kept.size();
        return this;
    }

    /** Shrinks to a fixed point (or the time bound) and returns the smallest failing sequence. */
    ChoiceSequence shrink() {
        EngineCounters.SHRINK_STARTS.increment();
        ChoiceSequence before;
        int clearsAtStart = cache.clears();
        do {
            before = best;
            if (cache.isFixedPoint(best.readOnlyRanks())) {
                // an earlier start of this identity ended here, a whole round from this very sequence
                // improving nothing: this round would try the same candidates and get the same answers
                // (see ReplayCache#fixedPoint), so it cannot improve, and it would leave nothing behind
                break;
            }
            // step structure first, to its own fixed point: deleting steps, then folding a step into
            // its predecessor when none can go alone, before the choice-by-choice passes spend the budget
            ChoiceSequence stepsBefore;
            do {
                stepsBefore = best;
                simplifySteps();
                deleteSteps();
                if (best == stepsBefore) {
                    deleteStepRaisingPrevious();
                }
            } while (best != stepsBefore && !stopped());
            deleteSpans();
            deleteBlocks();
            zeroSpans();
            lowerChoices();
            lowerPairs();
            sortSpans();
            if (best == before) {
                // quadratic, so only at a fixed point of the cheap passes
                lowerAndDeleteSpan();
                deleteSpanAndLowerLater();
                deleteSpanAndLowerAllLater();
                deleteDistantStepPairs();
                deleteStepsKeepingActions();
            }
        } while (best != before && !stopped() && !givenUp(before));
        if (best == before && !budgetReached && !timedOut && !overran) {
            cache.fixedPoint(best.readOnlyRanks(), clearsAtStart);
        }
        return best;
    }

    /** Whether a later start gives up after a round that began at {@code before} (see {@link #against}). */
    private boolean givenUp(ChoiceSequence before) {
        return keptSize >= 0 && best.size() >= keptSize && best.size() == before.size();
    }

    /** What shrinking cost, measured against the sequence it started from. */
    ShrinkReport report(int originalChoices) {
        return new ShrinkReport(calls, improvements, (System.nanoTime() - started) / 1_000_000, timedOut,
                originalChoices, best.size(), budgetReached);
    }

    /**
     * Deletes whole chain steps, each width sweeping from the end to the start: single steps, then
     * runs of 2, 3 and 4 (an action and the one that undoes it, two such pairs), then halving blocks.
     */
    private void deleteSteps() {
        deleteSteps(false);
    }

    /**
     * At a fixed point of the other passes: {@link #deleteSteps()} again, each later step kept as the
     * action it was. A step that enabled an action (an allocation before a free) shifts the ranks of
     * every later step's action when it goes; this pass deletes it and its undoing partner anyway.
     */
    private void deleteStepsKeepingActions() {
        deleteSteps(true);
    }

    private void deleteSteps(boolean keepActions) {
        int n = best.spans("step").size();
        List<Integer> widths = new ArrayList<>(List.of(1, 2, 3, 4));
        for (int w = n / 2; w > 4; w /= 2) {
            widths.add(w);
        }
        for (int width : widths) {
            for (int i = best.spans("step").size() - width; i >= 0; i--) {
                List<ChoiceSequence.Span> steps = best.spans("step");
                if (i + width <= steps.size()) {
                    deleteAdjusting(new int[][] {{steps.get(i).start(), steps.get(i + width - 1).end()}}, keepActions);
                }
            }
        }
    }

    /**
     * Replaces steps by the simplest step the state allows: every choice of a step but its first (the
     * "continue?" choice, which would end the chain) set to 0, so the first enabled action with its
     * simplest value. All steps at once first, then, where that fails, each half, recursively (later
     * half first, as its indices stay valid when it shortens the chain): a chain that needs a quantity
     * reached (memory pressure) becomes the simplest greedy chain in one replay, and one that needs a
     * few particular steps costs about two replays per step that must keep its value.
     */
    private void simplifySteps() {
        simplifySteps(0, best.spans("step").size());
    }

    private void simplifySteps(int from, int to) {
        List<ChoiceSequence.Span> steps = best.spans("step");
        to = Math.min(to, steps.size());
        if (from >= to || stopped()) {
            return;
        }
        long[] ranks = best.ranks();
        boolean changed = false;
        for (int k = from; k < to; k++) {
            ChoiceSequence.Span step = steps.get(k);
            for (int p = step.start() + 1; p < Math.min(step.end(), ranks.length); p++) {
                changed |= ranks[p] != 0;
                ranks[p] = 0;
            }
        }
        if (!changed || consider(ranks) || to - from == 1) {
            return;
        }
        int mid = (from + to) / 2;
        simplifySteps(mid, to);
        simplifySteps(from, mid);
    }

    /**
     * Deletes two steps that are not adjacent (a call and the one undoing it, with unrelated steps
     * between), for chains of up to {@link #DISTANT_PAIR_STEPS} steps.
     */
    private void deleteDistantStepPairs() {
        List<ChoiceSequence.Span> steps = best.spans("step");
        if (steps.size() > DISTANT_PAIR_STEPS) {
            return;
        }
        for (int j = steps.size() - 1; j >= 2; j--) {
            for (int i = j - 2; i >= 0; i--) {
                List<ChoiceSequence.Span> now = best.spans("step");
                if (j < now.size() && deleteTwo(now.get(i), now.get(j))) {
                    return;
                }
            }
        }
    }

    /**
     * Lowers a choice by one and deletes one of the spans after it, together: a count drawn before
     * its elements (a list of length n, then n elements) shrinks only when an element goes with it.
     */
    private void lowerAndDeleteSpan() {
        for (int i = 0; i < best.size(); i++) {
            boolean progress = true;
            while (progress && i < best.size() && best.rank(i) > 0) {
                progress = false;
                int at = i;
                List<ChoiceSequence.Span> after = distinctSpans().stream().filter(sp -> sp.start() > at)
                        .limit(SPAN_WINDOW).toList();
                for (ChoiceSequence.Span span : after) {
                    if (span.end() > best.size()) {
                        continue;
                    }
                    long[] ranks = best.ranks();
                    ranks[i]--;
                    long[] candidate = new long[ranks.length - span.length()];
                    System.arraycopy(ranks, 0, candidate, 0, span.start());
                    System.arraycopy(ranks, span.end(), candidate, span.start(), ranks.length - span.end());
                    if (consider(candidate)) {
                        progress = true;
                        break;
                    }
                }
            }
        }
    }

    /** The k-th distinct span of the current best, or null when an earlier success removed it. */
    private ChoiceSequence.Span liveSpan(int k) {
        List<ChoiceSequence.Span> spans = distinctSpans();
        if (k >= spans.size() || spans.get(k).end() > best.size()) {
            return null;
        }
        return spans.get(k);
    }

    /**
     * Deletes a span and lowers one later choice by one, together: an action removed from one CPU's
     * list is often only redundant once a later action names a simpler object (the mirror of
     * {@link #lowerAndDeleteSpan}).
     */
    private void deleteSpanAndLowerLater() {
        for (int k = distinctSpans().size() - 1; k >= 0; k--) {
            ChoiceSequence.Span span = liveSpan(k);
            if (span == null) {
                continue;
            }
            long[] ranks = best.ranks();
            for (int j = span.end(); j < Math.min(ranks.length, span.end() + 2 * SPAN_WINDOW); j++) {
                if (ranks[j] == 0) {
                    continue;
                }
                long[] candidate = new long[ranks.length - span.length()];
                System.arraycopy(ranks, 0, candidate, 0, span.start());
                System.arraycopy(ranks, span.end(), candidate, span.start(), ranks.length - span.end());
                candidate[j - span.length()]--;
                if (consider(candidate)) {
                    break;
                }
            }
        }
    }

    /**
     * Deletes a span and lowers by one every later choice that is above 0 and not a yes/no choice
     * (bound 1: a list's "continue?" or a chain's, which would end it): values that count positions
     * (indices into the list being shrunk, which all move down when an element before them goes) stay
     * pointed at the same elements. Coupling's [0, 2, 1] becomes [1, 0] this way.
     */
    private void deleteSpanAndLowerAllLater() {
        for (int k = distinctSpans().size() - 1; k >= 0; k--) {
            ChoiceSequence.Span span = liveSpan(k);
            if (span == null) {
                continue;
            }
            long[] ranks = best.ranks();
            long[] candidate = new long[ranks.length - span.length()];
            System.arraycopy(ranks, 0, candidate, 0, span.start());
            boolean lowered = false;
            for (int j = span.end(); j < ranks.length; j++) {
                boolean lower = ranks[j] > 0 && best.bound(j) > 1;
                candidate[j - span.length()] = lower ? ranks[j] - 1 : ranks[j];
                lowered |= lower;
            }
            if (lowered) {
                consider(candidate);
            }
        }
    }

    /**
     * Replaces two steps by one bigger one: deletes a step and raises one choice of the step before
     * it by one (two order-3 allocations become one order-4 allocation). Shortlex still descends,
     * because the sequence gets shorter. For chains that need a quantity reached (memory pressure),
     * this is what brings many small steps down to a few large ones.
     */
    private void deleteStepRaisingPrevious() {
        for (int j = best.spans("step").size() - 1; j >= 1; j--) {
            List<ChoiceSequence.Span> steps = best.spans("step");
            if (j >= steps.size()) {
                continue;
            }
            ChoiceSequence.Span gone = steps.get(j);
            ChoiceSequence.Span previous = steps.get(j - 1);
            for (int p = previous.start(); p < previous.end() && gone.end() <= best.size(); p++) {
                if (!best.branching(p) || best.rank(p) >= best.bound(p)) {
                    continue;
                }
                // one more (two equal steps merge), else the largest (a step big enough for both)
                if (foldInto(gone, p, best.rank(p) + 1) || foldInto(gone, p, best.bound(p))) {
                    break;
                }
            }
        }
    }

    private boolean foldInto(ChoiceSequence.Span gone, int p, long rank) {
        long[] ranks = best.ranks();
        if (gone.end() > ranks.length || rank > best.bound(p)) {
            return false;
        }
        ranks[p] = rank;
        long[] candidate = new long[ranks.length - gone.length()];
        System.arraycopy(ranks, 0, candidate, 0, gone.start());
        System.arraycopy(ranks, gone.end(), candidate, gone.start(), ranks.length - gone.end());
        return consider(candidate);
    }

    /** Deletes each span any generator marked (list elements, filter attempts, binds), last first. */
    private void deleteSpans() {
        for (int i = distinctSpans().size() - 1; i >= 0; i--) {
            List<ChoiceSequence.Span> spans = distinctSpans();
            if (i < spans.size()) {
                delete(spans.get(i).start(), spans.get(i).end());
            }
        }
    }

    /** Deletes blocks of raw choices; two adjacent choices joins neighbouring lists, for instance. */
    private void deleteBlocks() {
        for (int k = MAX_BLOCK; k >= 1; k--) {
            for (int i = best.size() - k; i >= 0; i--) {
                delete(i, Math.min(i + k, best.size()));
            }
        }
    }

    /** Sets every choice of a span to its minimum at once. */
    private void zeroSpans() {
        for (int i = distinctSpans().size() - 1; i >= 0; i--) {
            List<ChoiceSequence.Span> spans = distinctSpans();
            if (i < spans.size() && spans.get(i).length() > 1 && spans.get(i).end() <= best.size()) {
                long[] ranks = best.ranks();
                Arrays.fill(ranks, spans.get(i).start(), spans.get(i).end(), 0);
                consider(ranks);
            }
        }
    }

    /** Lowers each choice: to its minimum, then by binary search (also keeping parity). */
    private void lowerChoices() {
        for (int i = 0; i < best.size(); i++) {
            long rank = best.rank(i);
            if (rank == 0 || setRank(i, 0)) {
                continue;
            }
            int at = i;
            long lowest = lowestFailing(0, rank, x -> setRank(at, x));
            // zig-zag integers keep their sign on even steps; a plain bisection may stop at a sign change
            long steps = lowest / 2;
            lowestFailing(0, steps, m -> setRank(at, lowest - 2 * (steps - m)));
        }
    }

    /**
     * For nearby pairs: lowers both together (equal values stay equal, "difference" problems), and
     * moves rank from the first to the second (sums stay constant, "bound5" problems).
     */
    private void lowerPairs() {
        for (int i = 0; i < best.size(); i++) {
            // a successful shift may shorten the best sequence under our feet: re-check i too
            for (int j = i + 1; i < best.size() && j < Math.min(best.size(), i + 1 + PAIR_WINDOW); j++) {
                if (best.rank(i) == 0 || !best.branching(i) || !best.branching(j)) {
                    continue;
                }
                int a = i;
                int b = j;
                long ri = best.rank(i);
                long rj = best.rank(j);
                if (rj > 0 && shift(a, b, -1, -1)) {
                    long most = Math.min(ri, rj);
                    largestWorking(1, most, d -> shiftTo(a, b, ri - d, rj - d));
                }
                for (long[] units : TRANSFERS) {
                    if (j >= best.size()) {
                        break;
                    }
                    long room = Math.min(ri / units[0], (best.bound(j) - rj) / units[1]);
                    if (room > 0 && shiftTo(a, b, ri - units[0], rj + units[1])) {
                        largestWorking(1, room, d -> shiftTo(a, b, ri - units[0] * d, rj + units[1] * d));
                    }
                }
            }
        }
    }

    /** Swaps adjacent spans of the same label when the later one is simpler (sorts list elements). */
    private void sortSpans() {
        for (int i = 0; i < distinctSpans().size(); i++) {
            List<ChoiceSequence.Span> spans = distinctSpans();
            if (i >= spans.size()) {
                break;
            }
            ChoiceSequence.Span first = spans.get(i);
            for (ChoiceSequence.Span second : spans) {
                if (second.start() == first.end() && second.label().equals(first.label())
                        && second.length() > 0 && second.end() <= best.size()) {
                    long[] ranks = best.ranks();
                    long[] a = Arrays.copyOfRange(ranks, first.start(), first.end());
                    long[] b = Arrays.copyOfRange(ranks, second.start(), second.end());
                    if (ChoiceSequence.shortlex(b, a) < 0) {
                        System.arraycopy(b, 0, ranks, first.start(), b.length);
                        System.arraycopy(a, 0, ranks, first.start() + b.length, a.length);
                        consider(ranks);
                    }
                    break;
                }
            }
        }
    }

    private List<ChoiceSequence.Span> distinctSpans() {
        // asked before nearly every candidate of the span passes: computed once per best sequence
        if (distinctOf != best) {
            distinct = distinctSpans(best);
            distinctOf = best;
        }
        return distinct;
    }

    private static List<ChoiceSequence.Span> distinctSpans(ChoiceSequence best) {
        // nested generators can close several spans over the same interval; one deletion is enough
        List<ChoiceSequence.Span> sorted = new ArrayList<>(new LinkedHashSet<>(
                best.spans().stream().filter(s -> s.length() > 0).toList()));
        sorted.sort((x, y) -> x.start() != y.start() ? Integer.compare(x.start(), y.start())
                : Integer.compare(y.end(), x.end()));
        return List.copyOf(sorted);
    }

    private boolean delete(int from, int to) {
        long[] ranks = best.ranks();
        if (to > ranks.length || from >= to) {
            return false;
        }
        long[] candidate = new long[ranks.length - (to - from)];
        System.arraycopy(ranks, 0, candidate, 0, from);
        System.arraycopy(ranks, to, candidate, from, ranks.length - to);
        return consider(candidate);
    }

    private boolean deleteTwo(ChoiceSequence.Span first, ChoiceSequence.Span second) {
        return deleteAdjusting(new int[][] {{first.start(), first.end()}, {second.start(), second.end()}});
    }

    /**
     * Deletes the given ranges of choices (whole steps, ascending and disjoint) and, in the same move,
     * re-points every later bundle reference at the item it named before: its position moves back by
     * what was deleted before it, and its target's serial by the items the deleted steps created.
     * References whose item was created by a deleted step keep their rank.
     */
    private boolean deleteAdjusting(int[][] ranges) {
        return deleteAdjusting(ranges, false);
    }

    /**
     * {@link #deleteAdjusting(int[][])}; with {@code keepActions}, every later step is also replayed
     * as the action it was (Choices.drawAction), where deleting earlier steps changed which actions
     * the state enables and so what its rank names.
     */
    private boolean deleteAdjusting(int[][] ranges, boolean keepActions) {
        long[] ranks = best.ranks();
        int removed = 0;
        for (int[] r : ranges) {
            if (r[1] > ranks.length || r[0] >= r[1]) {
                return false;
            }
            removed += r[1] - r[0];
        }
        long[] candidate = new long[ranks.length - removed];
        int at = 0;
        for (int k = 0; k < ranks.length; k++) {
            if (!inside(ranges, k)) {
                candidate[at++] = ranks[k];
            }
        }
        if (best.references().isEmpty()) {
            return consider(candidate);
        }
        return considerRepaired(candidate, ranges, keepActions);
    }

    /**
     * Replays {@code candidate} with every later handle reference re-pointed at the item it named
     * and, with {@code actions}, every later step kept as the action it was; false without a replay
     * when {@code actions} has no step to keep.
     */
    private boolean considerRepaired(long[] candidate, int[][] ranges, boolean actions) {
        java.util.Map<Integer, Long> repairs = new java.util.HashMap<>();
        boolean anyAction = false;
        for (Bundle.Reference ref : best.references()) {
            if (inside(ranges, ref.position())) {
                continue;
            }
            if (!actions && Choices.ACTION.equals(ref.bundle())) {
                continue;
            }
            anyAction |= Choices.ACTION.equals(ref.bundle());
            int before = 0;
            for (int[] r : ranges) {
                before += r[1] <= ref.position() ? r[1] - r[0] : 0;
            }
            long shift = 0;
            boolean targetDeleted = false;
            for (Bundle.Creation made : best.creations()) {
                if (!made.bundle().equals(ref.bundle()) || !createdInside(ranges, made.position())) {
                    continue;
                }
                targetDeleted |= made.serial() == ref.serial();
                shift += made.serial() < ref.serial() ? 1 : 0;
            }
            if (!targetDeleted) {
                repairs.put(ref.position() - before, ref.serial() - shift);
            }
        }
        if (actions && !anyAction) {
            return false;
        }
        return repairs.isEmpty() ? consider(candidate) : consider(candidate, repairs);
    }

    private static boolean inside(int[][] ranges, int position) {
        for (int[] r : ranges) {
            if (position >= r[0] && position < r[1]) {
                return true;
            }
        }
        return false;
    }

    /** An item is added by the executor after its step's choices: at a position in (start, end]. */
    private static boolean createdInside(int[][] ranges, int position) {
        for (int[] r : ranges) {
            if (position > r[0] && position <= r[1]) {
                return true;
            }
        }
        return false;
    }

    private boolean setRank(int i, long rank) {
        long[] ranks = best.ranks();
        if (i >= ranks.length || rank < 0) {
            return false;
        }
        ranks[i] = rank;
        return consider(ranks);
    }

    private boolean shift(int i, int j, long di, long dj) {
        if (j >= best.size()) {
            return false;
        }
        return shiftTo(i, j, best.rank(i) + di, best.rank(j) + dj);
    }

    private boolean shiftTo(int i, int j, long ri, long rj) {
        long[] ranks = best.ranks();
        if (j >= ranks.length || ri < 0 || rj < 0) {
            return false;
        }
        ranks[i] = ri;
        ranks[j] = rj;
        return consider(ranks);
    }

    private interface Probe {
        boolean works(long x);
    }

    /** The smallest x in (lo, hi] that works, assuming hi works and lo does not; bisects. */
    private static long lowestFailing(long lo, long hi, Probe probe) {
        while (lo + 1 < hi) {
            long mid = lo + (hi - lo) / 2;
            if (probe.works(mid)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /** The largest d in [lo, hi] that works, assuming lo works; tries hi first, then bisects. */
    private static void largestWorking(long lo, long hi, Probe probe) {
        if (hi <= lo || probe.works(hi)) {
            return;
        }
        while (lo + 1 < hi) {
            long mid = lo + (hi - lo) / 2;
            if (probe.works(mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
    }

    /** Replays the candidate; keeps it if it fails the same way and is smaller than the best so far. */
    private boolean consider(long[] candidate) {
        return consider(candidate, java.util.Map.of());
    }

    private boolean consider(long[] candidate, java.util.Map<Integer, Long> repairs) {
        if (stopped() || ChoiceSequence.shortlex(candidate, best.readOnlyRanks()) >= 0) {
            return false;
        }
        if (seen.size() >= SEEN_LIMIT) {
            seen.clear();
        }
        if (seenRepaired.size() >= SEEN_LIMIT) {
            seenRepaired.clear();
        }
        if (repairs.isEmpty() ? !seen.add(new RanksKey(candidate)) : !seenRepaired.add(new RepairedKey(candidate, repairs))) {
            // the same candidate with the same repairs replays the same way: its answer is known
            return false;
        }
        ReplayCache.Hit hit = repairs.isEmpty() ? cache.lookup(candidate) : cache.lookup(candidate, repairs);
        if (hit != null) {
            // answered without a replay: the candidate would use exactly these choices again, or run
            // with its repairs exactly as a known run did
            EngineCounters.CACHE_ANSWERS.increment();
            return hit.failing() != null && improve(hit.failing());
        }
        calls++;
        EngineCounters.SHRINK_REPLAYS.increment();
        Choices choices = (repairs.isEmpty() ? Choices.replay(candidate) : Choices.repairing(candidate, repairs))
                .wanting(call);
        Trial.Outcome outcome = runner == null ? Trial.execute(trial, choices) : runner.run(trial, choices, null, null);
        boolean same = outcome.failure() != null && identity.equals(outcome.identity());
        boolean deadline = outcome.failure() != null && CaseRunner.DEADLINE_ID.equals(outcome.failure().id());
        overran |= deadline;
        if (!deadline) {
            // a deadline is wall-clock, not a function of the choices: never remembered. A repaired
            // replay is remembered under the choices it used, not the candidate's: replayed plainly,
            // those name the same items and actions (each recorded rank is the one the repair chose)
            // and give the same outcome, so later plain candidates that begin with them are answered
            if (repairs.isEmpty()) {
                cache.put(candidate, outcome.sequence(), same ? outcome.sequence() : null);
            } else {
                cache.putRepaired(candidate, repairs, outcome.sequence(), same ? outcome.sequence() : null);
            }
        }
        return same && improve(outcome.sequence());
    }

    /** Keeps {@code failing} (a failure of the identity) when it is shortlex-smaller than the best so far. */
    private boolean improve(ChoiceSequence failing) {
        if (ChoiceSequence.shortlex(failing.readOnlyRanks(), best.readOnlyRanks()) >= 0) {
            return false;
        }
        best = failing;
        improvements++;
        return true;
    }

    /**
     * A candidate with its repairs, as a key: equal when both are (the repairs are the map the
     * candidate's move built, never changed after).
     */
    private record RepairedKey(long[] ranks, java.util.Map<Integer, Long> repairs) {
        @Override
        public boolean equals(Object o) {
            return o instanceof RepairedKey k && Arrays.equals(ranks, k.ranks) && repairs.equals(k.repairs);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(ranks) + repairs.hashCode();
        }
    }

    /** Whether the replay budget is spent or the wall-clock safety net has cut in. */
    private boolean stopped() {
        if (calls >= budget) {
            budgetReached = true;
        }
        if (!timedOut && System.nanoTime() > deadline) {
            timedOut = true;
        }
        return budgetReached || timedOut;
    }
}
