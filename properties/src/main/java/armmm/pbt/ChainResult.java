package armmm.pbt;

import java.util.List;

/**
 * The outcome of checking a chain property.
 *
 * @param property the property's name
 * @param seed the seed the chains came from
 * @param stats what was generated
 * @param counterexample the shrunk failing chain (the first distinct failure found), or null
 * @param exhausted whether exhaustive mode visited every chain within its depth
 * @param others the other distinct failures found in the same run (another id, reason or call)
 * @param health failed health checks and coverage requirements; the property fails on them too
 */
public record ChainResult(String property, long seed, Stats stats, Counterexample counterexample,
        boolean exhausted, List<Counterexample> others, List<Failure> health) {
    /** Copies the lists. */
    public ChainResult {
        others = List.copyOf(others);
        health = List.copyOf(health);
    }

    /** Whether every chain passed and every health check and coverage requirement held. */
    public boolean passed() {
        return counterexample == null && health.isEmpty();
    }

    /** Every distinct failure found, the first first. */
    public List<Counterexample> counterexamples() {
        if (counterexample == null) {
            return List.of();
        }
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(counterexample), others.stream()).toList();
    }

    /** The AssertionError message of a failed result. */
    public String message() {
        StringBuilder text = new StringBuilder();
        if (counterexample != null) {
            text.append(counterexample.message());
        }
        if (!others.isEmpty()) {
            text.append("\n\n").append(others.size()).append(" other distinct failure(s) found in the same run:");
            others.forEach(o -> text.append("\n  ").append(o.failure()).append(" (").append(o.steps().size())
                    .append(" steps, report ").append(o.file(".md")).append(')'));
        }
        for (Failure f : health) {
            text.append(text.length() == 0 ? "" : "\n").append(property).append(" failed: ").append(f);
        }
        return text.toString();
    }
}
