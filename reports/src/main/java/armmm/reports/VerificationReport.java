package armmm.reports;

import armmm.cli.MemmapSvg;
import armmm.model.board.Board;
import armmm.model.core.SeededBug;
import armmm.model.kernel.Kernel;
import armmm.model.kernel.OpTable;
import armmm.model.kernel.Subsystems;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.OpSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the verification report, {@code reports/target/verification-report.html}
 * (one self-contained page: inline CSS and SVG, no script) and its Markdown and JSON twins: test
 * totals; code coverage of the JaCoCo aggregate with the gate the build enforces; every invariant of
 * the registry with its catalogue statement and kernel source, its applicable checks against the
 * states it was asked about, and the seeded bugs it caught; every kernel call and the states
 * properties labelled; the conformance figures; the bug catalogue with each bug's hunt; the mutation
 * scores; the memory map of a booted board. Invariants, calls and bugs come from the registry
 * ({@code Subsystems}), so a subsystem added later appears without a change here. Run by
 * exec-maven-plugin at {@code verify}; throws (failing the build) when the coverage gate of
 * {@code spec/report.md} does not hold.
 */
public final class VerificationReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Inputs in;
    private final Path out;
    private final Doc doc = new Doc("armmm verification report");
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final List<BugHunts.Hunt> hunts;

    private final boolean coverageRun;

    private VerificationReport(Path root, Path out, boolean coverageRun) throws IOException {
        this.coverageRun = coverageRun;
        this.in = new Inputs(root);
        this.out = out;
        this.hunts = BugHunts.hunts(Subsystems.bugs(), in.stats, root.resolve("properties/src/test/resources/seeded-bugs"));
    }

    /**
     * {@code VerificationReport ROOT OUT [JACOCO_SKIP]}: reads the build outputs below ROOT, writes
     * into OUT. JACOCO_SKIP {@code true} (the build's {@code jacoco.skip}) means this build measured
     * no coverage: an aggregate left by an earlier build is stale and neither shown nor gated.
     */
    public static void main(String[] args) throws IOException {
        Path root = Paths.get(args.length > 0 ? args[0] : ".");
        Path out = Paths.get(args.length > 1 ? args[1] : "reports/target");
        boolean skipped = args.length > 2 && args[2].trim().equals("true");
        List<String> gate = write(root, out, !skipped);
        System.out.println("[armmm] verification report: " + out.resolve("verification-report.html").normalize());
        if (!gate.isEmpty()) {
            throw new IllegalStateException("coverage gate (spec/report.md) not met: " + String.join("; ", gate));
        }
    }

    /** Writes the report of the build below {@code root} into {@code out}; returns the coverage gate's failures. */
    public static List<String> write(Path root, Path out) throws IOException {
        return write(root, out, true);
    }

    /** As {@link #write(Path, Path)}; without {@code coverageRun} the build measured no coverage and none is read. */
    public static List<String> write(Path root, Path out, boolean coverageRun) throws IOException {
        Files.createDirectories(out);
        VerificationReport r = new VerificationReport(root, out, coverageRun);
        List<String> gate = r.coverage();
        r.summary(gate);
        r.coverageTables();
        r.invariants();
        r.calls();
        r.states();
        r.conformance();
        r.bugs();
        r.mutation();
        r.memmap();
        r.performance();
        Files.writeString(out.resolve("verification-report.md"), r.doc.markdown());
        Files.writeString(out.resolve("verification-report.html"), r.doc.html());
        JSON.writeValue(out.resolve("verification-report.json").toFile(), r.json);
        return gate;
    }

    private String figure(String name, String svg) throws IOException {
        String file = "verification-" + name + ".svg";
        Files.writeString(out.resolve(file), svg);
        return file;
    }

    // -------------------------------------------------------------------------------------------

    private List<String> gateFailures;
    private CoverageGate coverage;

    private List<String> coverage() throws IOException {
        coverage = coverageRun ? CoverageGate.read(in.root.resolve("reports/target/site/jacoco-aggregate/jacoco.csv"))
                : new CoverageGate();
        List<CoverageGate.Threshold> thresholds = CoverageGate.thresholds(in.root.resolve("spec/report.md"));
        gateFailures = coverage.present() ? coverage.failures(thresholds) : List.of();
        return gateFailures;
    }

    private void summary(List<String> gate) throws IOException {
        List<Inputs.TestClass> classes = in.testClasses();
        int tests = classes.stream().mapToInt(Inputs.TestClass::tests).sum();
        int failed = classes.stream().mapToInt(Inputs.TestClass::failed).sum();
        int skipped = classes.stream().mapToInt(Inputs.TestClass::skipped).sum();
        long kernelBugs = Subsystems.bugs().stream().filter(b -> b.kernelCommit() != null).count();
        long caught = hunts.stream().filter(BugHunts.Hunt::caughtByItsInvariant).count();
        doc.section("summary", "Summary");
        doc.table(List.of("what", "#figure"), List.of(
                List.of("tests run (Surefire, all modules)", Integer.toString(tests)),
                List.of("tests failed", Integer.toString(failed)),
                List.of("tests skipped", Integer.toString(skipped)),
                List.of("invariants in the registry", Integer.toString(Subsystems.invariants().size())),
                List.of("kernel calls in the registry", Integer.toString(OpTable.all().size())),
                List.of("seeded bugs (of them reenacting a kernel commit)", Subsystems.bugs().size() + " (" + kernelBugs + ")"),
                List.of("seeded bugs caught by their invariant in this build's hunts", Long.toString(caught)),
                List.of("coverage gate", !coverage.present() ? "not checked (no JaCoCo aggregate)" : gate.isEmpty() ? "met" : "NOT MET")));
        doc.endSection();
        json.put("tests", Map.of("run", tests, "failed", failed, "skipped", skipped));
    }

    private void invariants() throws IOException {
        Map<String, Inputs.SpecEntry> spec = in.specEntries();
        List<JsonNode> clean = in.cleanStats();
        doc.section("invariants", "Invariants");
        doc.para("Every invariant of the registry, with its statement and kernel source from `spec/invariants.md`. "
                + "**Checked** counts the checks after a step in properties that planted no bug, where the invariant applied "
                + "(it had state to check); **applicable** divides them by all the states it was asked about (checked plus not "
                + "applicable). **Caught** names the seeded bugs whose hunt this build ended on this invariant.");
        List<List<String>> rows = new ArrayList<>();
        List<Svg.Bar> bars = new ArrayList<>();
        Map<String, Object> js = new LinkedHashMap<>();
        for (Invariant inv : Subsystems.invariants()) {
            long checked = 0;
            long notApplicable = 0;
            Map<String, Long> byClass = new TreeMap<>();
            for (JsonNode s : clean) {
                long n = s.path("invariantChecks").path(inv.id()).asLong(0);
                checked += n;
                notApplicable += s.path("invariantNotApplicable").path(inv.id()).asLong(0);
                if (n > 0) {
                    String p = s.path("property").asText();
                    byClass.merge(p.contains(".") ? p.substring(0, p.indexOf('.')) : p, n, Long::sum);
                }
            }
            List<String> caught = hunts.stream().filter(h -> h.found() && inv.id().equals(h.caughtBy()))
                    .map(h -> h.bug().cliName()).toList();
            Inputs.SpecEntry e = spec.get(inv.id());
            String ratio = checked + notApplicable == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * checked / (checked + notApplicable));
            rows.add(List.of(inv.id(), e == null ? "(not in spec/invariants.md)" : e.statement(), e == null ? "" : e.kernel(),
                    checked == 0 ? "**never checked**" : Long.toString(checked), Long.toString(checked + notApplicable), ratio,
                    String.join(", ", byClass.keySet()), String.join(", ", caught)));
            bars.add(new Svg.Bar(inv.id(), checked));
            js.put(inv.id(), Map.of("checked", checked, "notApplicable", notApplicable, "properties", byClass, "caught", caught));
        }
        doc.table(List.of("id", "statement", "kernel", "#checked", "#asked", "#applicable", "properties", "caught"), rows);
        doc.figure(Svg.bars("invariant-checks", bars, "applicable checks", true, null, null),
                "Applicable checks per invariant, properties without a planted bug (log scale).", figure("invariant-checks", Svg.bars(
                        "invariant-checks", bars, "applicable checks", true, null, null)));
        doc.endSection();
        json.put("invariants", js);
    }

    private void coverageTables() throws IOException {
        doc.section("coverage", "Code coverage");
        if (!coverage.present()) {
            doc.para("No JaCoCo aggregate in this build (`-Djacoco.skip=true`?): coverage and its gate were not checked.");
            doc.endSection();
            return;
        }
        doc.para("JaCoCo, every module's tests aggregated (HTML: `reports/target/site/jacoco-aggregate/index.html`). "
                + "The gate's thresholds are the table in `spec/report.md`; the build fails below them.");
        List<List<String>> gateRows = new ArrayList<>();
        for (CoverageGate.Threshold t : CoverageGate.thresholds(in.root.resolve("spec/report.md"))) {
            gateRows.add(List.of(t.scope(), CoverageGate.pct(t.lines()), CoverageGate.pct(t.branches())));
        }
        doc.subheading("Gate");
        doc.table(List.of("scope", "#lines at least", "#branches at least"), gateRows);
        doc.para(gateFailures.isEmpty() ? "The gate is met." : "**The gate is not met:** " + String.join("; ", gateFailures) + ".");
        doc.subheading("By module");
        List<List<String>> mods = new ArrayList<>();
        coverage.byModule.forEach((m, c) -> mods.add(List.of(m, CoverageGate.pct(c.lines()), CoverageGate.pct(c.branches()),
                Long.toString(c.lineCovered + c.lineMissed))));
        doc.table(List.of("module", "#lines", "#branches", "#lines of code"), mods);
        doc.subheading("By package");
        List<List<String>> pkgs = new ArrayList<>();
        List<Svg.Bar> bars = new ArrayList<>();
        Map<String, Object> js = new LinkedHashMap<>();
        coverage.byPackage.forEach((p, c) -> {
            pkgs.add(List.of(p, coverage.moduleOfPackage.get(p), CoverageGate.pct(c.lines()), CoverageGate.pct(c.branches())));
            bars.add(new Svg.Bar(p, Math.round(1000 * c.lines()) / 10.0, Math.round(1000 * c.branches()) / 10.0));
            js.put(p, Map.of("lineCoverage", c.lines(), "branchCoverage", c.branches()));
        });
        doc.table(List.of("package", "module", "#lines", "#branches"), pkgs);
        String svg = Svg.bars("coverage-by-package", bars, "% covered", false, "lines", "branches");
        doc.figure(svg, "Line and branch coverage by package.", figure("coverage", svg));
        doc.endSection();
        json.put("coverage", js);
        json.put("coverageGate", gateFailures);
    }

    private void calls() throws IOException {
        List<JsonNode> clean = in.cleanStats();
        doc.section("calls", "Kernel calls");
        doc.para("Each call of the registry, how often properties without a planted bug made it (over all its action variants, "
                + "such as `__free_pages (wrong)`), and how often a chain wanted it but no state allowed it (precondition). "
                + "What the kernel refused is counted by reason under States covered (`refused: ...`), as the chains label it.");
        Map<String, long[]> byCall = new TreeMap<>();
        for (OpSpec spec : OpTable.all()) {
            byCall.put(spec.name(), new long[2]);
        }
        for (JsonNode s : clean) {
            s.path("actions").fields().forEachRemaining(e -> {
                long[] a = byCall.get(callOf(e.getKey()));
                if (a != null) {
                    a[0] += e.getValue().asLong();
                }
            });
            s.path("disabledByPrecondition").fields().forEachRemaining(e -> {
                long[] a = byCall.get(callOf(e.getKey()));
                if (a != null) {
                    a[1] += e.getValue().asLong();
                }
            });
        }
        List<List<String>> rows = new ArrayList<>();
        List<Svg.Bar> bars = new ArrayList<>();
        byCall.forEach((c, a) -> {
            rows.add(List.of("`" + c + "`", a[0] == 0 ? "**never**" : Long.toString(a[0]), Long.toString(a[1])));
            bars.add(new Svg.Bar(c, a[0]));
        });
        doc.table(List.of("call", "#made", "#not enabled"), rows);
        String svg = Svg.bars("calls-per-kind", bars, "calls made", true, null, null);
        doc.figure(svg, "Calls per kind over all properties (log scale).", figure("calls", svg));
        Map<Integer, Long> lengths = new TreeMap<>();
        for (JsonNode s : clean) {
            s.path("chainLengths").fields().forEachRemaining(e -> lengths.merge(bucket(Integer.parseInt(e.getKey())), e.getValue().asLong(), Long::sum));
        }
        List<Svg.Bar> lb = new ArrayList<>();
        lengths.forEach((k, v) -> lb.add(new Svg.Bar(k + "-" + (k + 9) + " steps", v)));
        String lsvg = Svg.bars("chain-lengths", lb, "chains", false, null, null);
        doc.figure(lsvg, "Chain lengths over all stateful properties, in buckets of 10 steps.", figure("chain-lengths", lsvg));
        doc.endSection();
        Map<String, Object> js = new LinkedHashMap<>();
        byCall.forEach((c, a) -> js.put(c, Map.of("made", a[0], "notEnabled", a[1])));
        json.put("calls", js);
    }

    private static int bucket(int n) {
        return n / 10 * 10;
    }

    /** The call an action name stands for: {@code __free_pages (wrong)} is {@code __free_pages}. */
    private static String callOf(String action) {
        int sp = action.indexOf(' ');
        return sp < 0 ? action : action.substring(0, sp);
    }

    private void states() {
        List<JsonNode> clean = in.cleanStats();
        doc.section("states", "States covered");
        doc.para("The labels properties attached to states they reached (`cover()` labels: a split from each order, "
                + "fallbacks, NULL, a slab freed back, a lazy purge, rollovers, ...): times reached, chains that reached it, "
                + "and the properties.");
        Map<String, long[]> labels = new TreeMap<>();
        Map<String, List<String>> where = new TreeMap<>();
        for (JsonNode s : clean) {
            String p = s.path("property").asText();
            String cls = p.contains(".") ? p.substring(0, p.indexOf('.')) : p;
            s.path("labels").fields().forEachRemaining(e -> {
                long[] a = labels.computeIfAbsent(e.getKey(), k -> new long[2]);
                a[0] += e.getValue().asLong();
                a[1] += s.path("casesWithLabel").path(e.getKey()).asLong();
                List<String> w = where.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
                if (!w.contains(cls)) {
                    w.add(cls);
                }
            });
        }
        List<List<String>> rows = new ArrayList<>();
        labels.forEach((l, a) -> rows.add(List.of(l, Long.toString(a[0]), Long.toString(a[1]), String.join(", ", where.get(l)))));
        doc.table(List.of("state", "#times", "#chains", "properties"), rows);
        doc.endSection();
        Map<String, Object> js = new LinkedHashMap<>();
        labels.forEach((l, a) -> js.put(l, Map.of("times", a[0], "chains", a[1], "properties", where.get(l))));
        json.put("states", js);
    }

    private void conformance() throws IOException {
        doc.section("conformance", "Conformance with the real kernel");
        List<String[]> rows = in.conformanceRows();
        Map<String, long[]> byBoard = new LinkedHashMap<>();
        for (String[] r : rows) {
            long[] a = byBoard.computeIfAbsent(r[0], k -> new long[2]);
            a[0]++;
            a[1] += r[6].equals("yes") || r[6].equals("true") || r[6].equals("✓") ? 1 : 0;
        }
        long agreedBoards = byBoard.values().stream().filter(a -> a[0] == a[1]).count();
        long figures = byBoard.values().stream().mapToLong(a -> a[0]).sum();
        long agreed = byBoard.values().stream().mapToLong(a -> a[1]).sum();
        doc.para(rows.isEmpty() ? "No conformance table in this build (`properties/target/conformance.md`)."
                : "`ZoneConformanceTest` booted the boards a real Debian 6.1 `armmp` kernel was booted on and compared the "
                + "kernel's figures with the model's: **" + agreedBoards + " of " + byBoard.size() + " boards agree in every figure; "
                + agreed + " of " + figures + " figures agree**.");
        List<List<String>> t = new ArrayList<>();
        byBoard.forEach((b, a) -> t.add(List.of(b, Long.toString(a[0]), Long.toString(a[1]), a[0] == a[1] ? "yes" : "**no**")));
        if (!t.isEmpty()) {
            doc.table(List.of("board", "#figures compared", "#agree", "board agrees"), t);
        }
        List<List<String>> tests = new ArrayList<>();
        for (Inputs.TestClass c : in.testClasses()) {
            if (c.name().contains(".conformance.") || c.name().contains("Conformance") || c.name().contains("Agreement")
                    || c.name().contains("Replay") || c.name().contains("MmuCheck") || c.name().contains("Vector")) {
                tests.add(List.of(c.name(), Integer.toString(c.tests()), Integer.toString(c.failed())));
            }
        }
        doc.subheading("Conformance tests of this build");
        doc.table(List.of("test class", "#tests", "#failed"), tests);
        for (String folder : List.of("mmap-rva2", "mmap-legacy-ulimit")) {
            JsonNode m = in.reportData("mmap-base-" + folder);
            if (m == null) {
                continue;
            }
            long[] k = longs(m.path("kernel"));
            long[] mo = longs(m.path("model"));
            String svg = Svg.histogram("mmap-base-" + folder, k, mo, "kernel (" + sum(k) + " runs)", "model (" + sum(mo) + " draws)",
                    "mmap_base slot (page) from the lowest, " + folder);
            doc.figure(svg, String.format(Locale.ROOT, "mmap_base over its %d slots, %s: the real kernel against the model "
                    + "(chi-square p = %.3f; MmapLayoutConformanceTest).", k.length, folder, m.path("pValue").asDouble()),
                    figure("mmap-base-" + folder, svg));
        }
        doc.endSection();
        json.put("conformance", Map.of("boards", byBoard.size(), "boardsAgreeing", agreedBoards, "figures", figures, "figuresAgreeing", agreed));
    }

    private static long[] longs(JsonNode a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asLong();
        }
        return out;
    }

    private static long sum(long[] a) {
        return java.util.Arrays.stream(a).sum();
    }

    private void bugs() throws IOException {
        doc.section("bugs", "Seeded bugs: the catalogue and the hunts");
        long kernel = Subsystems.bugs().stream().filter(b -> b.kernelCommit() != null).count();
        doc.para("`armmm bugs`: every seeded bug of the registry, what it reenacts (a kernel commit undone, or the model's own "
                + "planted mistake), the invariant that must catch it, and how this build's property hunt found it: chains run "
                + "until the failure, the failing chain's length before and after shrinking against the hand-minimal scenario "
                + "beside the bug (`properties/src/test/resources/seeded-bugs/NAME.scn`), and the wall-clock time of search "
                + "and shrink. " + kernel + " of " + Subsystems.bugs().size() + " reenact a kernel commit.");
        List<List<String>> rows = new ArrayList<>();
        List<Svg.Bar> bars = new ArrayList<>();
        List<Map<String, Object>> js = new ArrayList<>();
        int atBoot = 0;
        int overBound = 0;
        List<BugHunts.Hunt> sorted = new ArrayList<>(hunts);
        sorted.sort(Comparator.comparing((BugHunts.Hunt h) -> h.bug().kernelCommit() == null).thenComparing(h -> h.bug().cliName()));
        for (BugHunts.Hunt h : sorted) {
            SeededBug b = h.bug();
            String status = !h.found() ? "no hunt in this build" : h.caughtByItsInvariant() ? "caught"
                    : h.caughtBy().equals("property") ? "a simple property failed (its test names the invariant)"
                    : "**caught by " + h.caughtBy() + "**";
            if (h.found() && h.shrunk() == 0) {
                status += "; **at boot, before any call**";
                atBoot++;
            } else if (h.found() && h.minimal() > 0 && h.shrunk() > 2L * h.minimal()) {
                status += "; **shrunk over twice the hand-minimal**";
                overBound++;
            }
            rows.add(List.of("`" + b.cliName() + "`", b.kernelCommit() == null ? "own: " + b.summary() : b.kernelCommit() + ": " + b.summary(),
                    b.invariant(), status, h.found() ? Long.toString(h.chains()) : "", h.found() ? Long.toString(h.original()) : "",
                    h.found() ? Long.toString(h.shrunk()) : "", h.minimal() < 0 ? "-" : Integer.toString(h.minimal()),
                    h.millis() < 0 ? "" : Long.toString(h.millis())));
            if (h.found()) {
                bars.add(new Svg.Bar(b.cliName(), h.shrunk(), Math.max(0, h.minimal())));
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", b.cliName());
            e.put("kernelCommit", b.kernelCommit());
            e.put("summary", b.summary());
            e.put("invariant", b.invariant());
            e.put("scenario", b.scenario());
            e.put("hunted", h.found());
            e.put("caughtBy", h.caughtBy());
            e.put("chains", h.chains());
            e.put("originalSteps", h.original());
            e.put("shrunkSteps", h.shrunk());
            e.put("handMinimal", h.minimal());
            e.put("millis", h.millis());
            js.add(e);
        }
        doc.table(List.of("bug", "reenacts", "invariant", "hunt", "#chains", "#failing chain", "#shrunk", "#hand-minimal", "#ms"), rows);
        doc.para("The issue's bar for every bug: caught by its invariant after at least one call, shrunk to at most twice the "
                + "hand-minimal scenario. In this build: " + hunts.stream().filter(BugHunts.Hunt::caughtByItsInvariant).count()
                + " caught by their invariant, " + hunts.stream().filter(h -> h.found() && !h.caughtByItsInvariant()).count()
                + " by another (or by a simple property that names no invariant), " + atBoot + " at boot (no call), " + overBound + " shrunk to more than twice the hand-minimal, "
                + hunts.stream().filter(h -> !h.found()).count() + " without a hunt in this build.");
        String svg = Svg.bars("shrink-lengths", bars, "calls", false, "shrunk counterexample", "hand-minimal scenario");
        doc.figure(svg, "Shrunk counterexample length against the hand-minimal scenario, per seeded bug.", figure("shrink-lengths", svg));
        doc.endSection();
        json.put("bugs", js);
    }

    private void mutation() throws IOException {
        doc.section("mutation", "Mutation score (PIT)");
        doc.para("PIT with the STRONGER mutators, a pinned seed and replay-bounded shrinking, one shard per package "
                + "(`spec/mutation.md`). Where each package stands against the goal (90 % of the non-equivalent mutants "
                + "killed), from its latest measurement:");
        List<List<String>> stands = in.markdownTable("spec/mutation.md", "Where each package stands");
        if (stands.isEmpty()) {
            doc.para("(no table under 'Where each package stands' in spec/mutation.md)");
        } else {
            doc.table(stands.get(0), stands.subList(1, stands.size()));
        }
        doc.para("Every measured run, oldest first (`spec/mutation.md`, 'Scores by package'):");
        List<List<String>> t = in.markdownTable("spec/mutation.md", "Scores by package");
        if (t.isEmpty()) {
            doc.para("(no table under 'Scores by package' in spec/mutation.md)");
        } else {
            doc.table(t.get(0), t.subList(1, t.size()));
        }
        Map<String, long[]> now = in.mutationScores();
        if (!now.isEmpty()) {
            doc.subheading("PIT runs found in this build");
            List<List<String>> rows = new ArrayList<>();
            now.forEach((p, a) -> rows.add(List.of(p, Long.toString(a[0]), Long.toString(a[1]),
                    String.format(Locale.ROOT, "%.0f%%", 100.0 * a[1] / Math.max(1, a[0])), Long.toString(a[2]))));
            doc.table(List.of("package", "#mutants", "#killed", "#score", "#not covered"), rows);
        }
        doc.endSection();
    }

    private void memmap() throws IOException {
        doc.section("memmap", "Memory map of a booted board");
        Kernel k = Kernel.boot(Board.virt(2048L << 20));
        String svg = MemmapSvg.render(k);
        doc.para("`armmm boot --ram 2048M --print memmap-svg`: physical memory (memblock.memory, memblock.reserved, zones, CMA, "
                + "the lowmem/highmem split) and the kernel's virtual layout with its vmalloc areas. Hover a box for its bounds.");
        doc.figure(svg.replace("<svg xmlns", "<svg class=\"memmap\" xmlns"), "The memory map of a 2 GiB QEMU virt board.", figure("memmap", svg));
        doc.endSection();
    }

    private void performance() throws IOException {
        doc.section("performance", "Performance");
        List<List<String>> readme = in.markdownTable("README.md", "Performance");
        Path jmh = in.root.resolve("properties/target/jmh-result.json");
        if (Files.exists(jmh)) {
            doc.para("JMH figures of this build's `-Pbench` run (`properties/target/jmh-result.json`), each beside the goal "
                    + "the README's table gives it.");
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode b : Inputs.JSON.readTree(jmh.toFile())) {
                JsonNode m = b.path("primaryMetric");
                String name = b.path("benchmark").asText();
                String simple = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
                String goal = readme.stream().skip(1).filter(r -> !r.isEmpty() && r.get(0).contains(simple))
                        .map(r -> r.size() > 2 ? r.get(2) : "").findFirst().orElse("");
                rows.add(List.of(simple, b.path("mode").asText(), String.format(Locale.ROOT, "%.3f", m.path("score").asDouble()),
                        String.format(Locale.ROOT, "%.3f", m.path("scoreError").asDouble()), m.path("scoreUnit").asText(), goal));
            }
            doc.table(List.of("benchmark", "mode", "#score", "#error", "unit", "goal"), rows);
        } else {
            doc.para("No JMH run in this build (benchmarks run under `-Pbench`, which leaves `properties/target/jmh-result.json` "
                    + "for this section). The figures last measured, with their goals, from the README:");
        }
        if (!readme.isEmpty()) {
            doc.subheading("Recorded in the README");
            doc.table(readme.get(0), readme.subList(1, readme.size()));
        }
        doc.endSection();
    }
}
