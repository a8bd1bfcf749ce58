package armmm.reports;

import armmm.model.core.SeededBug;
import armmm.model.subsystem.Invariant;
import armmm.model.kernel.Subsystems;
import armmm.model.subsystem.OpSpec;
import armmm.model.kernel.OpTable;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes {@code reports/target/verification/verification-report.md} (and {@code .json}): for each
 * invariant, how often each property checked it; for each kernel call, how often properties made
 * it; the states properties labelled; the test totals; and the code coverage summary of the
 * JaCoCo aggregate. Input: the engine's {@code properties/target/armmm-stats/*.json}, Surefire's
 * XML reports, and {@code reports/target/site/jacoco-aggregate/jacoco.csv}.
 */
public final class VerificationReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private VerificationReport() {
    }

    /** {@code VerificationReport ROOT OUT}: reads the build outputs below ROOT, writes into OUT. */
    public static void main(String[] args) throws IOException {
        Path root = Paths.get(args.length > 0 ? args[0] : ".");
        Path out = Paths.get(args.length > 1 ? args[1] : "reports/target/verification");
        List<JsonNode> stats = readStats(root.resolve("properties/target/armmm-stats"));
        Files.createDirectories(out);
        Map<String, Object> json = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder("# armmm verification report\n\n");
        tests(root, md, json);
        invariants(stats, md, json);
        calls(stats, md, json);
        labels(stats, md, json);
        coverage(root.resolve("reports/target/site/jacoco-aggregate/jacoco.csv"), md, json);
        bugs(md, json);
        Files.writeString(out.resolve("verification-report.md"), md);
        JSON.writeValue(out.resolve("verification-report.json").toFile(), json);
        System.out.println("[armmm] verification report: " + out.resolve("verification-report.md").normalize());
    }

    private static List<JsonNode> readStats(Path dir) throws IOException {
        List<JsonNode> stats = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return stats;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                stats.add(JSON.readTree(f.toFile()));
            }
        }
        return stats;
    }

    private static void tests(Path root, StringBuilder md, Map<String, Object> json) throws IOException {
        int tests = 0;
        int failures = 0;
        int skipped = 0;
        for (String module : List.of("properties", "model")) {
            Path dir = root.resolve(module).resolve("target/surefire-reports");
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith("TEST-")).toList()) {
                    String head = Files.readString(f);
                    int start = head.indexOf("<testsuite");
                    String tag = head.substring(start, head.indexOf('>', start));
                    tests += attr(tag, "tests");
                    failures += attr(tag, "failures") + attr(tag, "errors");
                    skipped += attr(tag, "skipped");
                }
            }
        }
        md.append("## Tests\n\n").append(tests).append(" tests, ").append(failures).append(" failed, ")
                .append(skipped).append(" skipped.\n\n");
        json.put("tests", Map.of("run", tests, "failed", failures, "skipped", skipped));
    }

    private static int attr(String tag, String name) {
        int i = tag.indexOf(" " + name + "=\"");
        if (i < 0) {
            return 0;
        }
        int from = i + name.length() + 3;
        return Integer.parseInt(tag.substring(from, tag.indexOf('"', from)));
    }

    private static void invariants(List<JsonNode> stats, StringBuilder md, Map<String, Object> json) {
        md.append("## Invariants\n\nChecks of each invariant after a step, by property class, counted only where the "
                + "invariant had something to check (no buddy allocator invariant on a bare memblock). States where it did "
                + "not apply are counted apart, as not applicable. Runs with a seeded bug planted, `bug_*`, count apart: "
                + "they prove the invariant can fail.\n\n")
                .append("| invariant | checks | property classes | not applicable | seeded-bug runs |\n|---|---:|---|---|---:|\n");
        Map<String, Object> out = new LinkedHashMap<>();
        for (Invariant inv : Subsystems.invariants()) {
            long total = 0;
            long bugRuns = 0;
            Map<String, Long> byClass = new TreeMap<>();
            Map<String, Long> notApplicable = new TreeMap<>();
            for (JsonNode s : stats) {
                long n = s.path("invariantChecks").path(inv.id()).asLong(0);
                String property = s.path("property").asText();
                long na = s.path("invariantNotApplicable").path(inv.id()).asLong(0);
                if (na > 0 && !property.contains(".bug_")) {
                    notApplicable.merge(property.substring(0, Math.max(0, property.indexOf('.'))), na, Long::sum);
                }
                if (n == 0) {
                    continue;
                }
                if (property.contains(".bug_")) {
                    bugRuns++;
                    continue;
                }
                total += n;
                byClass.merge(property.substring(0, Math.max(0, property.indexOf('.'))), n, Long::sum);
            }
            StringBuilder classes = new StringBuilder();
            byClass.forEach((c, n) -> classes.append(classes.length() == 0 ? "" : ", ").append(c).append(" (").append(n).append(')'));
            StringBuilder na = new StringBuilder();
            notApplicable.forEach((c, n) -> na.append(na.length() == 0 ? "" : ", ").append(c).append(" (").append(n).append(')'));
            md.append("| ").append(inv.id()).append(" | ").append(total).append(" | ")
                    .append(byClass.isEmpty() ? "**never checked**" : classes).append(" | ").append(na).append(" | ")
                    .append(bugRuns).append(" |\n");
            out.put(inv.id(), Map.of("checks", total, "properties", byClass, "notApplicable", notApplicable,
                    "seededBugRuns", bugRuns));
        }
        md.append('\n');
        json.put("invariants", out);
    }

    private static void calls(List<JsonNode> stats, StringBuilder md, Map<String, Object> json) {
        md.append("## Kernel calls\n\nCalls the properties made, over all chains.\n\n| call | made |\n|---|---:|\n");
        Map<String, Long> made = new LinkedHashMap<>();
        for (OpSpec spec : OpTable.all()) {
            long n = 0;
            for (JsonNode s : stats) {
                n += s.path("actions").path(spec.name()).asLong(0);
            }
            made.put(spec.name(), n);
            md.append("| `").append(spec.name()).append("` | ").append(n == 0 ? "**never**" : Long.toString(n)).append(" |\n");
        }
        md.append('\n');
        json.put("calls", made);
    }

    private static void labels(List<JsonNode> stats, StringBuilder md, Map<String, Object> json) {
        md.append("## States reached\n\nLabels properties attached to states, by property.\n\n");
        Map<String, Object> out = new LinkedHashMap<>();
        for (JsonNode s : stats) {
            Map<String, Long> labels = new TreeMap<>();
            s.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asLong()));
            String property = s.path("property").asText();
            out.put(property, labels);
            md.append("### ").append(property).append("\n\n").append(s.path("tries").asInt()).append(" chains");
            if (labels.isEmpty()) {
                md.append(", no labels.\n\n");
                continue;
            }
            md.append(".\n\n| state | times |\n|---|---:|\n");
            labels.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
            md.append('\n');
        }
        json.put("labels", out);
    }

    private static void coverage(Path csv, StringBuilder md, Map<String, Object> json) throws IOException {
        md.append("## Code coverage\n\n");
        if (!Files.exists(csv)) {
            md.append("No JaCoCo aggregate found.\n");
            return;
        }
        Map<String, long[]> byPackage = new TreeMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            long[] acc = byPackage.computeIfAbsent(f[1], k -> new long[4]);
            acc[0] += Long.parseLong(f[7]);
            acc[1] += Long.parseLong(f[8]);
            acc[2] += Long.parseLong(f[5]);
            acc[3] += Long.parseLong(f[6]);
        }
        md.append("JaCoCo, all modules' tests (HTML: `reports/target/site/jacoco-aggregate/index.html`).\n\n")
                .append("| package | lines | branches |\n|---|---:|---:|\n");
        long[] total = new long[4];
        Map<String, Object> out = new LinkedHashMap<>();
        byPackage.forEach((pkg, a) -> {
            md.append("| ").append(pkg).append(" | ").append(pct(a[1], a[0])).append(" | ").append(pct(a[3], a[2])).append(" |\n");
            for (int i = 0; i < 4; i++) {
                total[i] += a[i];
            }
            out.put(pkg, Map.of("lineCoverage", ratio(a[1], a[0]), "branchCoverage", ratio(a[3], a[2])));
        });
        md.append("| **all** | ").append(pct(total[1], total[0])).append(" | ").append(pct(total[3], total[2])).append(" |\n");
        json.put("coverage", out);
    }

    /** The seeded-bug catalogue ({@code armmm bugs}): each bug, what it reenacts, the invariant that catches it. */
    private static void bugs(StringBuilder md, Map<String, Object> json) {
        md.append("\n## Seeded bugs\n\nEach is caught by its invariant in its hand-minimal scenario "
                + "(`SeededBugsTest`).\n\n| bug | reenacts | caught by | scenario |\n|---|---|---|---|\n");
        List<Map<String, Object>> out = new ArrayList<>();
        for (SeededBug b : Subsystems.bugs()) {
            md.append("| ").append(b.cliName()).append(" | ").append(b.reenacts().replace("|", "\\|"))
                    .append(" | ").append(b.invariant()).append(" | `").append(b.scenario()).append("` |\n");
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", b.cliName());
            e.put("reenacts", b.reenacts());
            e.put("kernelCommit", b.kernelCommit());
            e.put("invariant", b.invariant());
            e.put("scenario", b.scenario());
            out.add(e);
        }
        json.put("bugs", out);
    }

    private static double ratio(long covered, long missed) {
        return covered + missed == 0 ? 1.0 : (double) covered / (covered + missed);
    }

    private static String pct(long covered, long missed) {
        return String.format("%.1f%%", 100 * ratio(covered, missed));
    }
}
