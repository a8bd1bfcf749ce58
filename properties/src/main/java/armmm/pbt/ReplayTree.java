package armmm.pbt;

import java.util.HashMap;
import java.util.Map;

/**
 * The shrink replays of one failure identity as a tree of the choices they used (after Hypothesis'
 * data tree). A replay is a function of its choices, and so is each choice's bound: after a given
 * prefix of used choices the next choice always has the same bound, is forced or not, or the case
 * ends. A candidate is walked down the tree as its replay would run: each rank clamped to the bound
 * the tree knows for that position (a rank past the candidate's end is 0, a forced rank is the one
 * recorded); when the walk reaches the end of a known replay, the candidate would replay exactly
 * like it, so its answer is known without running it. This answers every candidate the prefix cache
 * answers, and also the ones that clamp or run out into a known replay.
 */
final class ReplayTree {
    private static final class Node {
        /** The bound of the choice made here, or -1 when no known replay made one. */
        long bound = -1;
        boolean forced;
        /** Whether the choice made here is a chain step's "continue?" ({@link ChoiceSequence#stop}). */
        boolean stops;
        /** A known replay that passed through here (the first), or null. */
        ReplayCache.Hit via;
        /** The known replay that ended here, or null. */
        ReplayCache.Hit end;
        /** Children by the rank used here: one inline, more in a map. */
        long onlyRank;
        Node only;
        Map<Long, Node> more;

        Node child(long rank) {
            if (only != null && onlyRank == rank) {
                return only;
            }
            return more == null ? null : more.get(rank);
        }
    }

    private final Node root = new Node();
    /** Replays whose bounds disagreed with what the tree knew: a nondeterministic system under test. */
    int conflicts;

    /**
     * Records a replay that used {@code used} and gave {@code hit}; returns how many nodes it added
     * (the owner bounds the memory by them).
     */
    int put(ChoiceSequence used, ReplayCache.Hit hit) {
        int added = 0;
        Node n = root;
        for (int i = 0; i < used.size(); i++) {
            long rank = used.rank(i);
            if (n.bound >= 0 && (n.bound != used.bound(i) || n.forced != used.forced(i))) {
                conflicts++;
            }
            if (n.via == null) {
                n.via = hit;
            }
            n.bound = used.bound(i);
            n.forced = used.forced(i);
            n.stops = used.stop(i);
            Node c = n.child(rank);
            if (c == null) {
                c = new Node();
                added++;
                if (n.only == null) {
                    n.onlyRank = rank;
                    n.only = c;
                } else {
                    if (n.more == null) {
                        n.more = new HashMap<>();
                    }
                    n.more.put(rank, c);
                }
            }
            n = c;
        }
        if (n.end == null) {
            n.end = hit;
        }
        return added;
    }

    /** The choices a walk of {@code candidate} makes down to depth {@code depth}, then rank 0 there. */
    private long[] walked(long[] candidate, int depth) {
        long[] used = new long[depth + 1];
        Node n = root;
        for (int i = 0; i < depth; i++) {
            used[i] = n.forced ? n.onlyRank : Math.min(i < candidate.length ? candidate[i] : 0, n.bound);
            n = n.child(used[i]);
        }
        return used;
    }

    /** The known replay {@code candidate} would repeat, or null. */
    ReplayCache.Hit lookup(long[] candidate) {
        return lookup(candidate, false);
    }

    /**
     * As {@link #lookup(long[])}; with {@code stopsPass} (the failure being shrunk is a chain step's),
     * a candidate whose walk reaches a chain step's "continue?" choice with rank 0 is answered as a
     * pass that used the choices walked and that 0: the chain ends there, before the call whose
     * failure is wanted, and a shrink replay runs no chain-end check after a step's failure. Every
     * known replay through that node made the choice, so none failed before it, and the candidate's
     * replay is theirs up to there.
     */
    ReplayCache.Hit lookup(long[] candidate, boolean stopsPass) {
        Node n = root;
        for (int i = 0; ; i++) {
            if (n.end != null) {
                return n.end;
            }
            if (n.bound < 0) {
                return null;
            }
            long rank;
            if (n.forced) {
                // a forced position records its own rank whatever the candidate holds: the only child
                if (n.only == null || n.more != null) {
                    return null;
                }
                rank = n.onlyRank;
            } else {
                rank = Math.min(i < candidate.length ? candidate[i] : 0, n.bound);
                if (stopsPass && n.stops && rank == 0 && n.child(0) == null) {
                    // its run is a known replay's up to here: what a repair would meet on the way
                    return new ReplayCache.Hit(walked(candidate, i), null, n.via.references(), true);
                }
            }
            n = n.child(rank);
            if (n == null) {
                return null;
            }
        }
    }
}
