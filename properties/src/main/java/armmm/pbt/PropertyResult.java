package armmm.pbt;

/**
 * The outcome of checking a simple property.
 *
 * @param property the property's name
 * @param seed the seed the test cases came from
 * @param tries test cases run
 * @param discarded test cases discarded by filters
 * @param original the first failing value, or null when the property held
 * @param shrunk the shrunk failing value, or null
 * @param failure why the shrunk value fails, or null
 * @param shrink how shrinking went, or null
 * @param others other distinct failures (or failed health checks) of the same run
 * @param <T> the value type
 */
public record PropertyResult<T>(String property, long seed, int tries, int discarded, T original, T shrunk,
        Failure failure, ShrinkReport shrink, java.util.List<Failure> others) {
    /** Copies the list. */
    public PropertyResult {
        others = java.util.List.copyOf(others);
    }

    /** Whether the property held for every test case. */
    public boolean passed() {
        return failure == null;
    }

    /** The failure report used as the AssertionError message. */
    public String message(String rerun) {
        if (shrink == null) {
            return "Property " + property + " failed: " + failure + "\n"
                    + others.stream().map(f -> "  and:       " + f + "\n").reduce("", String::concat)
                    + "  seed:      " + seed + "\n"
                    + "  rerun:     " + rerun;
        }
        return "Property " + property + " failed: " + failure + "\n"
                + others.stream().map(f -> "  also:      " + f + " (another distinct failure)\n").reduce("", String::concat)
                + "  shrunk:    " + shrunk + "\n"
                + "  original:  " + original + "\n"
                + "  seed:      " + seed + "\n"
                + "  shrinking: " + shrink + "\n"
                + "  rerun:     " + rerun;
    }
}
