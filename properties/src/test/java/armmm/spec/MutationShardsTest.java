package armmm.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The mutation-testing matrix ({@code .ci/mutation-shards}, run one shard a job by
 * {@code .ci/mutation}) stays the model's packages: a package added to the model without a shard
 * would never be mutated, and a shard whose test glob matches no test class would score nothing.
 */
class MutationShardsTest {
    private static final Path ROOT = Paths.get(System.getProperty("armmm.root", ".."));

    /** Shard rows: package name to its comma-separated test globs. */
    private static Map<String, String> shards() throws IOException {
        Map<String, String> rows = new TreeMap<>();
        for (String line : Files.readAllLines(ROOT.resolve(".ci/mutation-shards"))) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] cols = line.split("\t", -1);
            assertThat(cols).as("row '%s' has two tab-separated columns", line).hasSize(2);
            assertThat(rows.put(cols[0], cols[1])).as("package %s listed once", cols[0]).isNull();
        }
        return rows;
    }

    /** The model's packages that hold a class (not only package-info.java). */
    private static TreeSet<String> modelPackages() throws IOException {
        TreeSet<String> packages = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(ROOT.resolve("model/src/main/java/armmm/model"))) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                try (Stream<Path> files = Files.list(dir)) {
                    if (files.anyMatch(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java"))) {
                        packages.add(dir.getFileName().toString());
                    }
                }
            }
        }
        return packages;
    }

    /** Fully qualified names of the test tree's classes. */
    private static List<String> testClasses() throws IOException {
        Path tests = ROOT.resolve("properties/src/test/java");
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.walk(tests)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                String rel = tests.relativize(f).toString();
                names.add(rel.substring(0, rel.length() - ".java".length()).replace('/', '.'));
            });
        }
        return names;
    }

    @Test
    void everyModelPackageIsOneShard() throws IOException {
        assertThat(shards().keySet()).containsExactlyInAnyOrderElementsOf(modelPackages());
    }

    @Test
    void everyTestGlobMatchesATestClass() throws IOException {
        List<String> classes = testClasses();
        shards().forEach((pkg, globs) -> {
            for (String glob : globs.split(",")) {
                // PIT's globs: '*' is any run of characters, '.' is literal
                Pattern p = Pattern.compile(Pattern.quote(glob.trim()).replace("*", "\\E.*\\Q"));
                assertThat(classes).as("shard %s: test glob %s matches a test class", pkg, glob)
                        .anyMatch(c -> p.matcher(c).matches());
            }
        });
    }
}
