package armmm.pbt;

/**
 * The outcome of checking a chain property.
 *
 * @param property the property's name
 * @param seed the seed the chains came from
 * @param stats what was generated
 * @param counterexample the shrunk failing chain, or null when every chain passed
 * @param exhausted whether exhaustive mode visited every chain within its depth
 */
public record ChainResult(String property, long seed, Stats stats, Counterexample counterexample,
        boolean exhausted) {
    /** Whether every chain passed. */
    public boolean passed() {
        return counterexample == null;
    }
}
