package armmm.pbt;

import java.util.Arrays;

/**
 * Small-scope exhaustive mode: instead of sampling, enumerate every choice sequence depth-first,
 * visiting ranks in increasing order, so simpler test cases come first.
 *
 * @param maxDepth choices beyond this position are not branched on (they stay minimal)
 * @param budget the most test cases to run
 */
public record Exhaustive(int maxDepth, int budget) {
    /** Validates the limits. */
    public Exhaustive {
        if (maxDepth < 1 || budget < 1) {
            throw new IllegalArgumentException("maxDepth " + maxDepth + ", budget " + budget + ": expected >= 1");
        }
    }

    /**
     * The prefix of the next test case after {@code done} in depth-first order: the last free choice
     * below its bound is raised by one and everything after it dropped (then replayed as minimal).
     * Null when the tree is exhausted.
     */
    long[] next(ChoiceSequence done) {
        for (int i = Math.min(done.size(), maxDepth) - 1; i >= 0; i--) {
            if (done.branching(i) && done.rank(i) < done.bound(i)) {
                long[] prefix = Arrays.copyOf(done.ranks(), i + 1);
                prefix[i]++;
                return prefix;
            }
        }
        return null;
    }
}
