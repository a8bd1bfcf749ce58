package armmm.pbt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.BitSet;

/**
 * What shrink replays of one failure identity gave, keyed by the choices each replay actually used.
 * A replay is a function of its choices: a candidate that begins with the used choices of an earlier
 * replay draws exactly those (they are within their bounds, so none is clamped), the case ends at the
 * same point and gives the same outcome. So such a candidate is answered here without running it.
 * Replays recorded with their bounds also go into a {@link ReplayTree}, which answers the candidates
 * that reach a known replay only once clamped to those bounds or padded with 0 past their end (a
 * deleted block that shifts a large rank onto a yes/no choice, a candidate cut short).
 * One cache serves every shrink start of an identity (the starts converge on the same sequences).
 * Memory is bounded: past {@link #MAX_STORED} stored choices the cache forgets everything.
 */
final class ReplayCache {
    /** Stored choices (the sum of the used lengths) above which the cache is cleared. */
    static final int MAX_STORED = 2_000_000;

    /**
     * A known replay.
     *
     * @param used the choices it used
     * @param failing its sequence when it failed with the identity being shrunk, else null
     * @param references the bundle references and actions it drew (Choices.drawReference, drawAction),
     *     or null when stored without them; only these of a run are kept, not its bounds and spans
     * @param stopped whether this answers a chain ended at a step's "continue?" choice
     *     ({@link ReplayTree#lookup(long[], boolean)}): then the references are those of a known run
     *     that made the same choices up to there
     */
    record Hit(long[] used, ChoiceSequence failing, List<Bundle.Reference> references, boolean stopped) {
        Hit(long[] used, ChoiceSequence failing) {
            this(used, failing, null, false);
        }

        /** A replay that ran as {@code run} (its references kept). */
        static Hit of(long[] used, ChoiceSequence failing, ChoiceSequence run) {
            return new Hit(used, failing, run == null ? null : run.references(), false);
        }

        /**
         * Whether replaying this run's candidate with {@code repairs} would run exactly as this run
         * did: at every repaired position the run drew no reference, or drew the one the repair
         * wants. A repair only acts in a reference draw (Choices.drawReference, drawAction) at its
         * position, and there it picks the wanted item; where the run drew that very item anyway the
         * two runs make the same choice, so by induction over the positions they never part.
         */
        boolean unchangedBy(Map<Integer, Long> repairs) {
            if (references == null) {
                return false;
            }
            for (Bundle.Reference ref : references) {
                if (ref.position() >= used.length) {
                    // past the choices this answer used: a run through a chain's end (ReplayTree)
                    break;
                }
                Long wanted = repairs.get(ref.position());
                if (wanted != null && wanted != ref.serial()) {
                    return false;
                }
            }
            // the other repairs fall on positions where the run drew no reference: never used
            return true;
        }
    }

    /** A replay of a candidate with repairs, and the repairs. */
    private record Repaired(Map<Integer, Long> repairs, Hit hit) {}

    /** Prefix hash and length to the replays with that used prefix. */
    private final Map<Long, List<Hit>> byPrefix = new HashMap<>();
    /**
     * Candidates that used other choices than they gave (past their end: minimal choices; above a
     * bound: clamped) to their replay, answered only when repeated exactly.
     */
    private final Map<RanksKey, Hit> exact = new HashMap<>();
    /** Replays of candidates with repairs (bundle references, actions re-pointed), by candidate. */
    private final Map<RanksKey, List<Repaired>> repaired = new HashMap<>();
    /** The used lengths stored, so a lookup probes only those prefixes of a candidate. */
    private final BitSet lengths = new BitSet();
    /** The same replays as a tree of used choices with their bounds: answers clamped and short candidates too. */
    private ReplayTree tree = new ReplayTree();
    private long stored;
    /** How many times the cache forgot everything. */
    private int clears;
    /**
     * Sequences starts of this identity ended at, fixed points ({@link #fixedPoint}), with the clear
     * count when each such start began.
     */
    private final Map<RanksKey, Integer> fixedPoints = new HashMap<>();
    /**
     * Whether a candidate that ends a chain at a step's "continue?" choice is a pass
     * ({@link ReplayTree#lookup(long[], boolean)}): so when the failure shrunk is a step's.
     */
    private final boolean stopsPass;

    /** A cache that knows nothing of what ending a chain gives. */
    ReplayCache() {
        this(false);
    }

    /**
     * A cache for the shrink replays of a failure in {@code call}: when that is a chain step's call
     * (not a chain-end check's), a chain that ends early is known to pass.
     */
    static ReplayCache forCall(String call) {
        return new ReplayCache(!call.startsWith(Chain.FINAL_CALL));
    }

    private ReplayCache(boolean stopsPass) {
        this.stopsPass = stopsPass;
    }

    /**
     * Records the replay of {@code candidate}, which used {@code used} (they differ when the replay
     * ran past the candidate's end or clamped a choice) and failed the same way ({@code failing}) or
     * not (null). Keeps the arrays, not copies.
     */
    void put(long[] candidate, long[] used, ChoiceSequence failing) {
        put(candidate, used, failing, null);
    }

    private void put(long[] candidate, long[] used, ChoiceSequence failing, ChoiceSequence run) {
        putUsed(used, failing, run);
        if (!Arrays.equals(candidate, used)) {
            stored += candidate.length;
            exact.put(new RanksKey(candidate), Hit.of(used, failing, run));
        }
    }

    /**
     * Records the replay of {@code candidate}, which used the choices of {@code used} (with their
     * bounds, so that the {@link ReplayTree} can walk later candidates as their replays would run)
     * and failed the same way ({@code failing}) or not (null).
     */
    void put(long[] candidate, ChoiceSequence used, ChoiceSequence failing) {
        put(candidate, used.readOnlyRanks(), failing, used);
        stored += tree.put(used, Hit.of(used.readOnlyRanks(), failing, used));
    }

    /**
     * Records the replay of {@code candidate} with {@code repairs}, which ran as {@code run} and failed
     * the same way ({@code failing}) or not (null), as above under the choices it used, and also under
     * the candidate and its repairs ({@link #lookup(long[], Map)}).
     */
    void putRepaired(long[] candidate, Map<Integer, Long> repairs, ChoiceSequence run, ChoiceSequence failing) {
        put(run.readOnlyRanks(), run, failing);
        Hit hit = Hit.of(run.readOnlyRanks(), failing, run);
        stored += candidate.length + repairs.size();
        repaired.computeIfAbsent(new RanksKey(candidate), k -> new ArrayList<>(1)).add(new Repaired(repairs, hit));
    }

    /** Records (keeping the array, not a copy) a replay that used {@code used} and failed the same way ({@code failing} its sequence) or not (null). */
    void put(long[] used, ChoiceSequence failing) {
        putUsed(used, failing, null);
    }

    private void putUsed(long[] used, ChoiceSequence failing, ChoiceSequence run) {
        if (stored + used.length > MAX_STORED) {
            byPrefix.clear();
            exact.clear();
            repaired.clear();
            lengths.clear();
            tree = new ReplayTree();
            stored = 0;
            clears++;
        }
        long key = key(hash(used, used.length), used.length);
        List<Hit> hits = byPrefix.computeIfAbsent(key, k -> new ArrayList<>(1));
        for (Hit h : hits) {
            if (Arrays.equals(h.used(), used)) {
                return;
            }
        }
        hits.add(Hit.of(used, failing, run));
        lengths.set(used.length);
        stored += used.length;
    }

    /** How many times the cache forgot everything so far. */
    int clears() {
        return clears;
    }

    /**
     * Records that a start which began when the cache had been cleared {@code clearsAtStart} times
     * ended at {@code ranks}, a fixed point: a whole round of passes from {@code ranks} improved
     * nothing and was not cut short by the budget or the clock, and no replay of the start hit the
     * per-case deadline (whose answer is the clock's, not the candidate's).
     * <p>
     * A round's candidates are a function of the sequence it begins from (and of the best found in
     * it, which here never changed); a candidate's answer is a function of the candidate (a replay
     * is deterministic, which this cache assumes anyway). So another start of the identity that
     * begins a round from {@code ranks} would try the same candidates, get the same answers and
     * improve nothing: it ends at {@code ranks}, which is not smaller than the result already kept.
     * Every candidate of that round without repairs was stored here or answered from here; while
     * the cache has not been cleared since the recording start began, they all still are, so the
     * other start's round would replay only repaired candidates. It may stop there: what those would
     * have stored (under the choices they used) are true answers, whose absence costs a later
     * candidate a replay, never an answer.
     */
    void fixedPoint(long[] ranks, int clearsAtStart) {
        fixedPoints.put(new RanksKey(ranks), clearsAtStart);
    }

    /** Whether a start ended at {@code ranks} as {@link #fixedPoint} records, with no clear since it began. */
    boolean isFixedPoint(long[] ranks) {
        Integer clearsAtStart = fixedPoints.get(new RanksKey(ranks));
        return clearsAtStart != null && clearsAtStart == clears;
    }

    /**
     * The known replay of {@code candidate}: the one whose used choices begin it, or the one it would
     * repeat once its ranks are clamped to their bounds and its end padded with 0 ({@link ReplayTree});
     * null when none.
     */
    Hit lookup(long[] candidate) {
        Hit repeated = exact.get(new RanksKey(candidate));
        if (repeated != null) {
            return repeated;
        }
        Hit walked = prefixLookup(candidate);
        return walked != null ? walked : tree.lookup(candidate, stopsPass);
    }

    /**
     * The known replay of {@code candidate} with {@code repairs}: a known run of the candidate with
     * none or some of these repairs that the others would not change ({@link Hit#unchangedBy}), so
     * the repaired replay would run exactly as it did; null when none. Deleting a step re-points
     * later references (and, at a fixed point, actions) that often name the same items and actions
     * the plain candidate names anyway: with one action, re-pointing actions never changes a run.
     */
    Hit lookup(long[] candidate, Map<Integer, Long> repairs) {
        Hit plain = lookup(candidate);
        if (plain != null && plain.unchangedBy(repairs)) {
            return plain;
        }
        List<Repaired> known = repaired.get(new RanksKey(candidate));
        if (known != null) {
            for (Repaired r : known) {
                if (within(r.repairs(), repairs) && r.hit().unchangedBy(repairs)) {
                    return r.hit();
                }
            }
        }
        return null;
    }

    /** Whether every repair of {@code some} is also in {@code all}, with the same target. */
    private static boolean within(Map<Integer, Long> some, Map<Integer, Long> all) {
        for (Map.Entry<Integer, Long> e : some.entrySet()) {
            if (!e.getValue().equals(all.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private Hit prefixLookup(long[] candidate) {
        long h = 1;
        // one pass: the prefix hash grows a choice at a time and is probed where a stored length ends
        for (int length = 0; length <= candidate.length; length++) {
            if (length > 0) {
                h = 31 * h + Long.hashCode(candidate[length - 1]);
            }
            if (!lengths.get(length)) {
                continue;
            }
            List<Hit> hits = byPrefix.get(key(h, length));
            if (hits != null) {
                for (Hit hit : hits) {
                    if (Arrays.equals(hit.used(), 0, length, candidate, 0, length)) {
                        return hit;
                    }
                }
            }
        }
        return null;
    }

    private static long hash(long[] ranks, int length) {
        long h = 1;
        for (int i = 0; i < length; i++) {
            h = 31 * h + Long.hashCode(ranks[i]);
        }
        return h;
    }

    private static long key(long hash, int length) {
        return hash * 1_000_003L + length;
    }
}
