package armmm.properties;

import armmm.model.core.SeededBug;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.TreeMap;
import java.util.Map;

/**
 * How the properties found each planted bug, for {@code target/seeded-bugs.md}: chains needed,
 * the failing chain's length before and after shrinking against the hand-minimal scenario
 * beside the bug ({@code seeded-bugs/NAME.scn}), and the time. The figures are measured, never
 * asserted as times; the tests assert only the shrink bound.
 */
public final class SeededBugTable {
    private static final Path SCENARIOS = Paths.get("src", "test", "resources", "seeded-bugs");
    private static final Path OUT = Paths.get("target", "seeded-bugs.md");
    /** Rows by bug name, so that the table reads the same whatever order the tests ran in. */
    private static final Map<String, String> ROWS = new TreeMap<>();

    private SeededBugTable() {
    }

    /**
     * The calls in the bug's hand-minimal scenario: every line that is a kernel call, with or
     * without {@code expect-fail}; comments, the board, expectations and prints do not count.
     */
    public static int handMinimalCalls(SeededBug bug) {
        try {
            int n = 0;
            for (String line : Files.readAllLines(SCENARIOS.resolve(bug.cliName() + ".scn"))) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#") || t.startsWith("board ") || t.startsWith("print ")
                        || t.startsWith("expect ")) {
                    continue;
                }
                n++;
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records one bug's hunt and rewrites the table. */
    public static synchronized void record(SeededBug bug, String caughtBy, int chains, int originalSteps, int shrunk,
            int handMinimal, long millis) {
        ROWS.put(bug.name(), String.format("| `%s` | %s | %d | %d | %d | %d | %d |", bug.cliName(), caughtBy, chains, originalSteps,
                shrunk, handMinimal, millis));
        StringBuilder b = new StringBuilder("# Planted bugs as the properties found them\n\n"
                + "Written by the seeded-bug tests of this run (random seed unless `-Darmmm.seed`); only the bound\n"
                + "`shrunk <= 2 x hand-minimal` and `shrunk >= 1` are asserted.\n\n"
                + "| bug | caught by | chains needed | failing chain | shrunk | hand-minimal | ms |\n"
                + "|---|---|---|---|---|---|---|\n");
        ROWS.values().forEach(r -> b.append(r).append('\n'));
        try {
            Files.createDirectories(OUT.getParent());
            Files.writeString(OUT, b.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
