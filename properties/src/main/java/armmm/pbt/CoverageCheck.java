package armmm.pbt;

/**
 * Decides a coverage requirement statistically, as QuickCheck's {@code checkCoverage} does, so
 * that a generator whose true share sits comfortably above the requirement never fails on an
 * unlucky seed, and one whose share is below it always does.
 *
 * <p>From {@code k} of {@code n} cases reaching a label, the Wilson score interval at
 * {@link #Z} standard deviations (about one wrong verdict in a million) bounds the true share. The
 * requirement is <em>met</em> when the lower bound is at least {@link #TOLERANCE} of the required
 * share (QuickCheck's tolerance: a share exactly at the requirement would otherwise need endless
 * cases), <em>missed</em> when the upper bound is below the required share, and
 * <em>undecided</em> otherwise: the search then runs more cases ({@link #MAX_FACTOR} times the
 * tries at most) and a requirement still undecided there fails, saying so.
 */
final class CoverageCheck {
    /** Standard deviations of the interval: a two-sided error of about 1e-6 per decision. */
    static final double Z = 4.89;
    /** A requirement is met once the share is surely at least this fraction of it. */
    static final double TOLERANCE = 0.9;
    /** At most this many times the tries asked for are run to decide the requirements. */
    static final int MAX_FACTOR = 8;

    /** The verdict on one requirement. */
    enum Verdict { MET, MISSED, UNDECIDED }

    private CoverageCheck() {
    }

    /**
     * The verdict for a label reached by {@code cases} of {@code tries} cases against a required
     * share of {@code percent} percent.
     */
    static Verdict decide(int cases, int tries, double percent) {
        double required = percent / 100;
        if (tries == 0) {
            return required > 0 ? Verdict.MISSED : Verdict.MET;
        }
        double[] bounds = wilson(cases, tries);
        if (bounds[0] >= TOLERANCE * required) {
            return Verdict.MET;
        }
        if (bounds[1] < required) {
            return Verdict.MISSED;
        }
        return Verdict.UNDECIDED;
    }

    /** The Wilson score interval {lower, upper} of a share {@code k / n} at {@link #Z}. */
    static double[] wilson(int k, int n) {
        double p = (double) k / n;
        double z2 = Z * Z;
        double centre = (p + z2 / (2.0 * n)) / (1 + z2 / n);
        double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
