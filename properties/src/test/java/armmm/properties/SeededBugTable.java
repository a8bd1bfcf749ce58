package armmm.properties;

import armmm.model.core.SeededBug;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
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

    /**
     * Records one bug's hunt and rewrites the table. The rows already in the file are kept (merged by
     * bug), under a file lock, so that test classes running in parallel Surefire forks each add theirs;
     * a build starts from a clean {@code target/}, so the file holds this run's rows only, unless
     * classes are rerun without a clean, which keeps the other bugs' last rows.
     */
    public static synchronized void record(SeededBug bug, String caughtBy, int chains, int originalSteps, int shrunk,
            int handMinimal, long millis) {
        ROWS.put(bug.name(), String.format("| `%s` | %s | %d | %d | %d | %d | %d |", bug.cliName(), caughtBy, chains, originalSteps,
                shrunk, handMinimal, millis));
        try {
            Files.createDirectories(OUT.getParent());
            try (FileChannel channel = FileChannel.open(OUT, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                Map<String, String> rows = new TreeMap<>();
                ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
                while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
                    // read it all
                }
                for (String line : new String(buffer.array(), StandardCharsets.UTF_8).split("\n")) {
                    if (line.startsWith("| `")) {
                        rows.put(line.substring(3, line.indexOf('`', 3)), line);
                    }
                }
                ROWS.values().forEach(r -> rows.put(r.substring(3, r.indexOf('`', 3)), r));
                StringBuilder b = new StringBuilder("# Planted bugs as the properties found them\n\n"
                        + "Written by the seeded-bug tests of this run (random seed unless `-Darmmm.seed`); only the bound\n"
                        + "`shrunk <= 2 x hand-minimal` and `shrunk >= 1` are asserted.\n\n"
                        + "| bug | caught by | chains needed | failing chain | shrunk | hand-minimal | ms |\n"
                        + "|---|---|---|---|---|---|---|\n");
                rows.values().forEach(r -> b.append(r).append('\n'));
                byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(bytes), 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
