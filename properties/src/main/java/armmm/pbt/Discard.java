package armmm.pbt;

/**
 * Thrown while generating when a test case cannot be built (a filter kept rejecting, a replayed
 * sequence grew past the choice limit). The test case is neither a pass nor a failure; the engine
 * counts it as discarded.
 */
public final class Discard extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A discard with the reason shown in statistics. */
    public Discard(String reason) {
        super(reason, null, false, false);
    }
}
