package armmm.pbt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Failing choice sequences saved per property (Hypothesis' example database), replayed before any
 * new case on the next run, so {@code mvn verify} after a failed run starts from the counterexample.
 * One file per property, {@code <folder>/<property>.txt}, one sequence of ranks per line; by default
 * the folder is {@code target/armmm-examples}, so {@code mvn clean} forgets. A stored sequence that
 * no longer fails is removed.
 */
final class ExampleDatabase {
    /** The default folder, under the module's build directory. */
    static final Path DEFAULT = Reporting.TARGET.resolve("armmm-examples");
    /** Keep at most this many sequences per property. */
    private static final int MAX_ENTRIES = 8;

    private final Path folder;

    private ExampleDatabase(Path folder) {
        this.folder = folder;
    }

    /** The database the configuration names, or null when it is {@code off}. */
    static ExampleDatabase of(PropertyConfig config) {
        String name = config.database();
        if (name.equalsIgnoreCase("off")) {
            return null;
        }
        return new ExampleDatabase(name.isEmpty() ? DEFAULT : Path.of(name));
    }

    /** The stored sequences of a property, oldest first. */
    List<long[]> load(String property) {
        Path file = file(property);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            List<long[]> entries = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    entries.add(parse(line));
                }
            }
            return entries;
        } catch (IOException | NumberFormatException e) {
            // a damaged entry must not stop the run: the search goes on without it
            return List.of();
        }
    }

    /** Stores a failing sequence (at most {@link #MAX_ENTRIES} per property, newest kept). */
    void save(String property, long[] ranks) {
        Set<String> lines = new LinkedHashSet<>();
        load(property).forEach(r -> lines.add(format(r)));
        lines.add(format(ranks));
        List<String> kept = new ArrayList<>(lines);
        write(property, kept.subList(Math.max(0, kept.size() - MAX_ENTRIES), kept.size()));
    }

    /** Removes a sequence that no longer fails. */
    void remove(String property, long[] ranks) {
        String gone = format(ranks);
        List<String> kept = load(property).stream().map(ExampleDatabase::format).filter(l -> !l.equals(gone)).toList();
        write(property, kept);
    }

    /** The file holding a property's sequences. */
    Path file(String property) {
        return folder.resolve(property + ".txt");
    }

    private void write(String property, List<String> lines) {
        try {
            if (lines.isEmpty()) {
                Files.deleteIfExists(file(property));
                return;
            }
            Reporting.replace(file(property), (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the example database of " + property, e);
        }
    }

    private static String format(long[] ranks) {
        if (ranks.length == 0) {
            return "-";
        }
        return Arrays.stream(ranks).mapToObj(Long::toString).collect(Collectors.joining(" "));
    }

    private static long[] parse(String line) {
        String trimmed = line.trim();
        return trimmed.equals("-") ? new long[0] : Arrays.stream(trimmed.split("\\s+")).mapToLong(Long::parseLong).toArray();
    }
}
