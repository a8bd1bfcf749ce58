package armmm.reports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The code coverage of the JaCoCo aggregate ({@code jacoco.csv}) by module and by package, and
 * the gate the build enforces on it. The thresholds are the table of {@code spec/report.md}
 * under "Coverage gate", read at build time, so that the page and the build cannot disagree.
 */
final class CoverageGate {
    /** Lines and branches, missed and covered. */
    static final class Count {
        long lineMissed;
        long lineCovered;
        long branchMissed;
        long branchCovered;

        double lines() {
            return ratio(lineCovered, lineMissed);
        }

        double branches() {
            return ratio(branchCovered, branchMissed);
        }

        void add(long lm, long lc, long bm, long bc) {
            lineMissed += lm;
            lineCovered += lc;
            branchMissed += bm;
            branchCovered += bc;
        }
    }

    /** One row of the gate: a module (artifact id) or {@code every package of MODULE}, with its minima. */
    record Threshold(String scope, double lines, double branches) {
    }

    final Map<String, Count> byModule = new TreeMap<>();
    final Map<String, Count> byPackage = new TreeMap<>();
    final Map<String, String> moduleOfPackage = new TreeMap<>();

    /** Reads the aggregate CSV; empty when there is none (a build with -Djacoco.skip). */
    static CoverageGate read(Path csv) throws IOException {
        CoverageGate g = new CoverageGate();
        if (!Files.exists(csv)) {
            return g;
        }
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            String group = f[0].substring(f[0].lastIndexOf('/') + 1);
            long lm = Long.parseLong(f[7]);
            long lc = Long.parseLong(f[8]);
            long bm = Long.parseLong(f[5]);
            long bc = Long.parseLong(f[6]);
            g.byModule.computeIfAbsent(group, k -> new Count()).add(lm, lc, bm, bc);
            g.byPackage.computeIfAbsent(f[1], k -> new Count()).add(lm, lc, bm, bc);
            g.moduleOfPackage.put(f[1], group);
        }
        return g;
    }

    boolean present() {
        return !byModule.isEmpty();
    }

    /**
     * The thresholds: the rows of the first Markdown table after the heading "## Coverage gate"
     * of {@code spec/report.md}, {@code | scope | lines % | branches % |}.
     */
    static List<Threshold> thresholds(Path specReport) throws IOException {
        List<Threshold> out = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(specReport)) {
            if (line.startsWith("## ")) {
                in = line.trim().equals("## Coverage gate");
                continue;
            }
            if (!in || !line.startsWith("|") || line.contains("---") || line.toLowerCase(Locale.ROOT).contains("| scope")) {
                continue;
            }
            String[] c = line.split("\\|");
            out.add(new Threshold(c[1].trim().replace("`", ""), pct(c[2]), pct(c[3])));
        }
        if (out.isEmpty()) {
            throw new IllegalStateException(specReport + ": no table under '## Coverage gate'");
        }
        return out;
    }

    private static double pct(String cell) {
        return Double.parseDouble(cell.trim().replace("%", "")) / 100;
    }

    /** Every place coverage falls below its threshold, one sentence each; empty when the gate holds. */
    List<String> failures(List<Threshold> thresholds) {
        List<String> out = new ArrayList<>();
        for (Threshold t : thresholds) {
            if (t.scope().startsWith("every package of ")) {
                String module = t.scope().substring("every package of ".length());
                if (!byModule.containsKey(module)) {
                    out.add("no coverage data for module " + module);
                }
                byPackage.forEach((pkg, c) -> {
                    if (module.equals(moduleOfPackage.get(pkg))) {
                        check(out, "package " + pkg, c, t);
                    }
                });
            } else {
                Count c = byModule.get(t.scope());
                if (c == null) {
                    out.add("no coverage data for module " + t.scope());
                } else {
                    check(out, "module " + t.scope(), c, t);
                }
            }
        }
        return out;
    }

    private static void check(List<String> out, String what, Count c, Threshold t) {
        if (c.lines() < t.lines()) {
            out.add(String.format(Locale.ROOT, "%s: line coverage %.1f%% is below %.1f%%", what, 100 * c.lines(), 100 * t.lines()));
        }
        if (c.branches() < t.branches()) {
            out.add(String.format(Locale.ROOT, "%s: branch coverage %.1f%% is below %.1f%%", what, 100 * c.branches(), 100 * t.branches()));
        }
    }

    static double ratio(long covered, long missed) {
        return covered + missed == 0 ? 1.0 : (double) covered / (covered + missed);
    }

    static String pct(double r) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * r);
    }
}
