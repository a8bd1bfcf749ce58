package armmm.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a build left for the report, read below the repository root: the engine's statistics
 * ({@code properties/target/armmm-stats}), the tests' report data ({@code properties/target/armmm-report}),
 * Surefire's XML, the conformance table, the invariant catalogue and the measured mutation scores of
 * {@code spec/}. A missing file is an empty input, never an error: the report says what it lacks.
 */
final class Inputs {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One invariant's catalogue entry in {@code spec/invariants.md}. */
    record SpecEntry(String id, String title, String statement, String kernel) {
    }

    /** Surefire's totals for one test class. */
    record TestClass(String name, int tests, int failed, int skipped) {
    }

    final Path root;
    final List<JsonNode> stats;

    Inputs(Path root) throws IOException {
        this.root = root;
        this.stats = readJsonDir(root.resolve("properties/target/armmm-stats"));
    }

    /** The statistics of runs that planted no bug (not {@code bug_}, {@code defect_}, {@code without_}, nor a bug's own run). */
    List<JsonNode> cleanStats() {
        return stats.stream().filter(s -> {
            String p = s.path("property").asText();
            String last = p.substring(p.lastIndexOf('.') + 1);
            return !last.startsWith("bug_") && !last.startsWith("defect_") && !last.startsWith("without_") && !s.has("failure");
        }).toList();
    }

    /** {@code properties/target/armmm-report/NAME.json}, or null. */
    JsonNode reportData(String name) throws IOException {
        Path f = root.resolve("properties/target/armmm-report/" + name + ".json");
        return Files.exists(f) ? JSON.readTree(f.toFile()) : null;
    }

    static List<JsonNode> readJsonDir(Path dir) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                out.add(JSON.readTree(f.toFile()));
            }
        }
        return out;
    }

    /** Surefire's totals per test class, over the modules' {@code target/surefire-reports}. */
    List<TestClass> testClasses() throws IOException {
        List<TestClass> out = new ArrayList<>();
        for (String module : List.of("model", "properties", "reports")) {
            Path dir = root.resolve(module).resolve("target/surefire-reports");
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith("TEST-")).sorted().toList()) {
                    String head = Files.readString(f);
                    int start = head.indexOf("<testsuite");
                    if (start < 0) {
                        continue;
                    }
                    String tag = head.substring(start, head.indexOf('>', start));
                    String name = f.getFileName().toString().replaceAll("^TEST-|\\.xml$", "");
                    out.add(new TestClass(name, attr(tag, "tests"), attr(tag, "failures") + attr(tag, "errors"), attr(tag, "skipped")));
                }
            }
        }
        return out;
    }

    private static int attr(String tag, String name) {
        int i = tag.indexOf(" " + name + "=\"");
        if (i < 0) {
            return 0;
        }
        int from = i + name.length() + 3;
        return Integer.parseInt(tag.substring(from, tag.indexOf('"', from)));
    }

    /** The catalogue's entries by id: the {@code ### ID: title} headings and their Statement and Kernel lines. */
    Map<String, SpecEntry> specEntries() throws IOException {
        Map<String, SpecEntry> out = new LinkedHashMap<>();
        Path f = root.resolve("spec/invariants.md");
        if (!Files.exists(f)) {
            return out;
        }
        String id = null;
        String title = null;
        String statement = "";
        String kernel = "";
        for (String line : Files.readAllLines(f)) {
            if (line.startsWith("### ") && line.contains(":")) {
                if (id != null) {
                    out.put(id, new SpecEntry(id, title, statement, kernel));
                }
                id = line.substring(4, line.indexOf(':')).trim();
                title = line.substring(line.indexOf(':') + 1).trim();
                statement = "";
                kernel = "";
            } else if (line.startsWith("- **Statement:**")) {
                statement = line.substring("- **Statement:**".length()).trim();
            } else if (line.startsWith("- **Kernel:**")) {
                kernel = line.substring("- **Kernel:**".length()).trim();
            }
        }
        if (id != null) {
            out.put(id, new SpecEntry(id, title, statement, kernel));
        }
        return out;
    }

    /** The rows of {@code properties/target/conformance.md}: board, field, kernel, model, difference, tolerance, agrees. */
    List<String[]> conformanceRows() throws IOException {
        List<String[]> out = new ArrayList<>();
        Path f = root.resolve("properties/target/conformance.md");
        if (!Files.exists(f)) {
            return out;
        }
        for (String line : Files.readAllLines(f)) {
            if (!line.startsWith("| ") || line.startsWith("| board |")) {
                continue;
            }
            String[] c = line.split("\\|");
            if (c.length >= 8) {
                String[] row = new String[7];
                for (int i = 0; i < 7; i++) {
                    row[i] = c[i + 1].trim();
                }
                out.add(row);
            }
        }
        return out;
    }

    /**
     * The first Markdown table after the heading {@code heading} in {@code file} below the root:
     * its header, then its rows, cells trimmed; empty when there is none.
     */
    List<List<String>> markdownTable(String file, String heading) throws IOException {
        List<List<String>> out = new ArrayList<>();
        Path f = root.resolve(file);
        if (!Files.exists(f)) {
            return out;
        }
        boolean in = false;
        for (String line : Files.readAllLines(f)) {
            if (line.startsWith("#")) {
                if (!out.isEmpty()) {
                    break;
                }
                in = line.replaceFirst("^#+ ", "").trim().equals(heading);
                continue;
            }
            if (in && line.startsWith("|")) {
                if (line.replaceAll("[|:\\- ]", "").isEmpty()) {
                    continue;
                }
                List<String> cells = new ArrayList<>();
                String[] c = line.split("\\|");
                for (int i = 1; i < c.length; i++) {
                    cells.add(c[i].trim());
                }
                out.add(cells);
            } else if (in && !out.isEmpty()) {
                break;
            }
        }
        return out;
    }

    /**
     * PIT's {@code mutations.xml} files of this build under {@code properties/target/pit-reports}:
     * per package, mutants and how many were killed (KILLED or TIMED_OUT, as PIT counts them) and
     * how many no test reached.
     */
    Map<String, long[]> mutationScores() throws IOException {
        Map<String, long[]> out = new TreeMap<>();
        Path dir = root.resolve("properties/target/pit-reports");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.getFileName().toString().equals("mutations.xml")).sorted().toList();
        }
        for (Path f : files) {
            String xml = Files.readString(f);
            int at = 0;
            while ((at = xml.indexOf("<mutation ", at)) >= 0) {
                int end = xml.indexOf("</mutation>", at);
                String m = xml.substring(at, end < 0 ? xml.length() : end);
                at = end < 0 ? xml.length() : end;
                String status = between(m, "status='", "'");
                if (status.isEmpty()) {
                    status = between(m, "status=\"", "\"");
                }
                String cls = between(m, "<mutatedClass>", "</mutatedClass>");
                String pkg = cls.contains(".") ? cls.substring(0, cls.lastIndexOf('.')) : cls;
                long[] a = out.computeIfAbsent(pkg, k -> new long[3]);
                a[0]++;
                if (status.equals("KILLED") || status.equals("TIMED_OUT") || status.equals("MEMORY_ERROR")) {
                    a[1]++;
                }
                if (status.equals("NO_COVERAGE")) {
                    a[2]++;
                }
            }
        }
        return out;
    }

    private static String between(String s, String a, String b) {
        int i = s.indexOf(a);
        if (i < 0) {
            return "";
        }
        int j = s.indexOf(b, i + a.length());
        return j < 0 ? "" : s.substring(i + a.length(), j);
    }
}
