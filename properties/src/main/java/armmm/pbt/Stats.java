package armmm.pbt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one property run generated: actions by name, chain lengths, discards, invariant checks and
 * free-form labels. Code under test reaches the run's statistics through {@link #label(String)},
 * which is scoped to the generating thread for the duration of the run and is a no-op otherwise
 * (for instance while shrinking replays test cases).
 */
public final class Stats {
    private static final ThreadLocal<Stats> CURRENT = new ThreadLocal<>();

    private final String property;
    private int tries;
    private int discarded;
    private final Map<String, Integer> actions = new TreeMap<>();
    private final Map<String, Integer> disabled = new TreeMap<>();
    private final Map<Integer, Integer> chainLengths = new TreeMap<>();
    private final Map<String, Long> invariantChecks = new TreeMap<>();
    private final Map<String, Long> invariantNotApplicable = new TreeMap<>();
    private final Map<String, Long> finalChecks = new TreeMap<>();
    private final Map<String, Integer> labels = new TreeMap<>();
    private final Map<String, Object> outcome = new LinkedHashMap<>();
    /** Labels attached during the running test case (a case counts once per label). */
    private final java.util.Set<String> caseLabels = new java.util.HashSet<>();
    private final Map<String, Integer> casesWithLabel = new TreeMap<>();
    private final Map<String, Integer> discardReasons = new TreeMap<>();
    private final java.util.List<String> warnings = new java.util.ArrayList<>();
    private long generationNanos;
    private long caseNanos;

    /** Empty statistics for the named property. */
    public Stats(String property) {
        this.property = property;
    }

    /** Counts a label in the statistics of the run on this thread, if any. */
    public static void label(String label) {
        Stats stats = CURRENT.get();
        if (stats != null) {
            synchronized (stats) {
                stats.labels.merge(label, 1, Integer::sum);
                stats.caseLabels.add(label);
            }
        }
    }

    /** The statistics of the run on this thread, or null outside a run. */
    static Stats current() {
        return CURRENT.get();
    }

    /** Suspends statistics on this thread (shrinking replays must not count) until closed. */
    static Scope suspend() {
        Stats previous = swap(null);
        return () -> CURRENT.set(previous);
    }

    /**
     * Makes {@code stats} (null: none) the current statistics of this thread and returns the previous
     * ones, for {@link CaseRunner}'s per-case swap. It sets, never removes: a removed thread-local is
     * inserted again at the next set, which sweeps the thread's map for stale entries (ThreadLocalMap's
     * cleanSomeSlots was 2 to 5 % of the shrink loop's samples in JFR profiles of the peer toys).
     */
    static Stats swap(Stats stats) {
        Stats previous = CURRENT.get();
        CURRENT.set(stats);
        return previous;
    }

    /** A scope that restores the previous statistics when closed. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    synchronized void countTry(long nanos) {
        tries++;
        caseNanos += nanos;
        caseLabels.forEach(l -> casesWithLabel.merge(l, 1, Integer::sum));
        caseLabels.clear();
    }

    synchronized void countDiscard(String reason) {
        discarded++;
        caseLabels.clear();
        discardReasons.merge(reason == null ? "discarded" : reason, 1, Integer::sum);
    }

    void countGenerationNanos(long nanos) {
        generationNanos += nanos;
    }

    /** Time spent generating (initial states and action values), in nanoseconds. */
    long generationNanos() {
        return generationNanos;
    }

    /** Time spent in test cases that were not discarded, in nanoseconds. */
    long caseNanos() {
        return caseNanos;
    }

    /** Records a health warning. */
    void warn(String warning) {
        warnings.add(warning);
    }

    /** The health warnings of the run. */
    public java.util.List<String> warnings() {
        return java.util.List.copyOf(warnings);
    }

    /** Label to the number of test cases (not discarded) that attached it at least once. */
    public Map<String, Integer> casesWithLabel() {
        return Map.copyOf(casesWithLabel);
    }

    /** Why test cases were discarded, with counts (the generator's or assumption's words). */
    public Map<String, Integer> discardReasons() {
        return Map.copyOf(discardReasons);
    }

    void countAction(String name) {
        actions.merge(name, 1, Integer::sum);
    }

    void countDisabled(String name) {
        disabled.merge(name, 1, Integer::sum);
    }

    void countChainLength(int length) {
        chainLengths.merge(length, 1, Integer::sum);
    }

    void countCheck(String invariant) {
        invariantChecks.merge(invariant, 1L, Long::sum);
    }

    void countNotApplicable(String invariant) {
        invariantNotApplicable.merge(invariant, 1L, Long::sum);
    }

    void countFinalCheck(String check) {
        finalChecks.merge(check, 1L, Long::sum);
    }

    /** Records a fact about how the run ended (seed, failure id, shrink result). */
    void outcome(String key, Object value) {
        outcome.put(key, value);
    }

    /** The facts recorded by {@link #outcome}, in insertion order. */
    Map<String, Object> outcomes() {
        return Map.copyOf(outcome);
    }

    /** The number of test cases that passed or failed (not discarded). */
    public int tries() {
        return tries;
    }

    /** The number of test cases discarded by filters or the choice limit. */
    public int discarded() {
        return discarded;
    }

    /** Executed actions by name. */
    public Map<String, Integer> actions() {
        return Map.copyOf(actions);
    }

    /** How many times each label was attached. */
    public Map<String, Integer> labels() {
        return Map.copyOf(labels);
    }

    /** Chain length to number of chains. */
    public Map<Integer, Integer> chainLengths() {
        return Map.copyOf(chainLengths);
    }

    /** Invariant id to number of times it was checked (where it applied). */
    public Map<String, Long> invariantChecks() {
        return Map.copyOf(invariantChecks);
    }

    /** Invariant id to number of states where it did not apply, so was not checked. */
    public Map<String, Long> invariantNotApplicable() {
        return Map.copyOf(invariantNotApplicable);
    }

    /**
     * Final check name to number of chains it ran at the end of; kept apart from
     * {@link #invariantChecks}, which counts the invariants checked after each step.
     */
    public Map<String, Long> finalChecks() {
        return Map.copyOf(finalChecks);
    }

    /** The statistics as the JSON document written to {@code target/armmm-stats}. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("property", property);
        json.put("tries", tries);
        json.put("discarded", discarded);
        json.put("actions", actions);
        json.put("disabledByPrecondition", disabled);
        json.put("chainLengths", chainLengths);
        json.put("invariantChecks", invariantChecks);
        json.put("invariantNotApplicable", invariantNotApplicable);
        json.put("finalChecks", finalChecks);
        json.put("labels", labels);
        json.put("casesWithLabel", casesWithLabel);
        if (!discardReasons.isEmpty()) {
            json.put("discardReasons", discardReasons);
        }
        if (!warnings.isEmpty()) {
            json.put("warnings", warnings);
        }
        json.putAll(outcome);
        return json;
    }

    /** One writer for every run: building a mapper costs more than writing a small report. */
    private static final ObjectWriter JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writer();

    /** Writes {@code <dir>/<property>.json}. */
    public Path write(Path dir) {
        return write(dir, property);
    }

    /** Writes {@code <dir>/<fileName>.json}. */
    Path write(Path dir, String fileName) {
        try {
            Path file = dir.resolve(fileName + ".json");
            Reporting.replace(file, JSON.writeValueAsBytes(toJson()));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write statistics of " + property, e);
        }
    }

    /** One line for the console: tries, discards, mean chain length, the most frequent actions. */
    public String summary() {
        long chains = chainLengths.values().stream().mapToLong(Integer::longValue).sum();
        long totalSteps = chainLengths.entrySet().stream()
                .mapToLong(e -> (long) e.getKey() * e.getValue()).sum();
        String mean = chains == 0 ? "" : String.format(", mean chain %.1f", (double) totalSteps / chains);
        return "[armmm] " + property + ": " + tries + " tries, " + discarded + " discarded" + mean
                + (actions.isEmpty() ? "" : ", actions " + actions) + (labels.isEmpty() ? "" : ", labels " + labels)
                + (outcome.containsKey("seed") ? ", seed " + outcome.get("seed") : "")
                + (warnings.isEmpty() ? "" : "; WARNINGS " + warnings);
    }
}
