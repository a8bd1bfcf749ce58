package armmm.pbt;

import java.util.HashMap;
import java.util.Map;

/**
 * Targeted search (Hypothesis' {@code target()}): code running inside a test case reports a quantity
 * it wants pushed up (free pages below the watermark, ASID rollovers, vmalloc fragmentation), and the
 * engine spends part of its tries mutating the cases that scored highest, so generation climbs
 * towards states that random sampling rarely reaches. A case's score for a label is the highest value
 * it observed. Outside a run, observing is a no-op.
 */
public final class Targets {
    private static final ThreadLocal<Map<String, Double>> CURRENT = new ThreadLocal<>();

    private Targets() {}

    /** Reports {@code value} of the quantity {@code label} in the running test case; higher is better. */
    public static void observe(String label, double value) {
        Map<String, Double> scores = CURRENT.get();
        if (scores != null && !Double.isNaN(value)) {
            scores.merge(label, value, Math::max);
        }
    }

    /**
     * Collects the scores of one test case on this thread into {@code into} (null: observing is a
     * no-op, as in a shrink replay, whose scores nobody reads) and returns the map collected into
     * before, which the caller restores with another swap. Sets, never removes (see
     * {@link Stats#swap}).
     */
    static Map<String, Double> swap(Map<String, Double> into) {
        Map<String, Double> previous = CURRENT.get();
        CURRENT.set(into);
        return previous;
    }

    /** A fresh score map. */
    static Map<String, Double> scores() {
        return new HashMap<>();
    }
}
