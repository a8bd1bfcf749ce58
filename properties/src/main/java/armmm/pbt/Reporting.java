package armmm.pbt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BiConsumer;

/**
 * Where a property run reports: its name (file names under {@code target/}), the Surefire selector
 * that reruns it, and a sink for JUnit report entries.
 *
 * @param propertyName names the files in target/counterexamples and target/armmm-stats
 * @param testSelector the {@code -Dtest=} value that reruns this property
 * @param entries receives (key, value) report entries; may ignore them
 * @param derandomize whether the run asks for a seed derived from its name (see
 *     {@link PropertyConfig#derandomized})
 */
record Reporting(String propertyName, String testSelector, BiConsumer<String, String> entries, boolean derandomize) {
    /** Output root: Surefire runs in the module directory, so this is the module's target/. */
    static final Path TARGET = Path.of("target");

    /** Report names handed out in this JVM: a second run of one name writes its own files. */
    private static final java.util.Map<String, Integer> USED = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The name this run's files get: the property's name the first time in a JVM, then
     * {@code name-2}, {@code name-3}, ... so that two runs of one name never overwrite each other's report.
     */
    String fileName() {
        int n = USED.merge(propertyName, 1, Integer::sum);
        return n == 1 ? propertyName : propertyName + "-" + n;
    }

    /** Reporting that draws a fresh seed unless one is given. */
    Reporting(String propertyName, String testSelector, BiConsumer<String, String> entries) {
        this(propertyName, testSelector, entries, false);
    }

    /** The run's configuration: {@code config} derandomized when this run or {@code armmm.derandomize} asks. */
    PropertyConfig settle(PropertyConfig config) {
        return config.derandomized(propertyName, derandomize);
    }

    /**
     * Writes {@code content} as the whole of {@code file}, creating its folder only when it is
     * missing. An existing file is overwritten in place, then cut to the new length where it was
     * longer; never truncated to empty and rewritten: on ext4 that forces the file's blocks out when
     * it is closed (the auto_da_alloc heuristic), and every run rewrites the reports of the run
     * before. Measured on this machine: 0.01 ms a report file against 0.2 ms (0.05 ms deleting and
     * creating it anew).
     */
    static void replace(Path file, byte[] content) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (NoSuchFileException missingFolder) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
        try (FileChannel open = channel) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                open.write(buffer);
            }
            if (open.size() > content.length) {
                open.truncate(content.length);
            }
        }
    }

    /** Reporting outside JUnit: files named after the property, rerun by its name. */
    static Reporting standalone(String propertyName) {
        return new Reporting(propertyName, propertyName, (k, v) -> { });
    }

    /**
     * Prints a freshly drawn or derandomized seed before the run, so even a run that hangs can be
     * replayed (a seed the test pins is in its source already).
     */
    void announce(PropertyConfig config) {
        if (config.seedGiven() && config.seed() == PropertyConfig.seedOf(propertyName)) {
            System.out.println("[armmm] " + propertyName + ": seed " + config.seed() + " (derandomized: from the"
                    + " property's name unless -D" + PropertyConfig.SEED + " is given; -D" + PropertyConfig.DERANDOMIZE
                    + "=false draws a fresh one)");
        } else if (!config.seedGiven()) {
            System.out.println("[armmm] " + propertyName + ": fresh seed " + config.seed() + " (replay with -D"
                    + PropertyConfig.SEED + "=" + config.seed() + ")");
        }
    }

    /** Publishes the statistics: JSON file, console line, report entries. */
    void publish(Stats stats, String fileName) {
        stats.write(TARGET.resolve("armmm-stats"), fileName);
        System.out.println(stats.summary());
        entries.accept("tries", String.valueOf(stats.tries()));
        entries.accept("discarded", String.valueOf(stats.discarded()));
        stats.outcomes().forEach((key, value) -> entries.accept(key, String.valueOf(value)));
    }

    /** The command that reruns the property with the given seed. */
    String rerunCommand(long seed) {
        return "mvn -B -pl properties -am test -Dtest='" + testSelector + "' -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Darmmm.seed=" + seed;
    }
}
