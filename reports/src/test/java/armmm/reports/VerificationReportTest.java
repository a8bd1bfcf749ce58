package armmm.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.core.SeededBug;
import armmm.model.kernel.OpTable;
import armmm.model.kernel.Subsystems;
import armmm.model.subsystem.Invariant;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The verification report over a small build of known figures: the page is well-formed XHTML
 * with every section of spec/report.md, it carries the figures it was given (an invariant's
 * checks, a bug's hunt, the coverage, the conformance counts), and the coverage gate fails the
 * build when coverage falls below spec/report.md's thresholds.
 */
class VerificationReportTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> SECTIONS = List.of("summary", "coverage", "invariants", "calls", "states", "conformance",
            "bugs", "mutation", "memmap", "performance");

    /** A build below {@code root}: the spec and seeded-bug scenarios of the repository, statistics and coverage made up here. */
    private static void fakeBuild(Path root, long lineCovered) throws IOException {
        for (String f : List.of("spec/report.md", "spec/invariants.md", "spec/mutation.md", "README.md")) {
            Files.createDirectories(root.resolve(f).toAbsolutePath().getParent());
            Files.copy(REPO.resolve(f), root.resolve(f));
        }
        Path scn = root.resolve("properties/src/test/resources/seeded-bugs");
        Files.createDirectories(scn);
        try (Stream<Path> s = Files.list(REPO.resolve("properties/src/test/resources/seeded-bugs"))) {
            for (Path p : s.toList()) {
                Files.copy(p, scn.resolve(p.getFileName()));
            }
        }
        Invariant first = Subsystems.invariants().get(0);
        String call = OpTable.all().iterator().next().name();
        SeededBug bug = Subsystems.bugs().get(0);
        Path stats = root.resolve("properties/target/armmm-stats");
        Files.createDirectories(stats);
        Files.writeString(stats.resolve("FakeProperties.chains.json"), """
                {"property": "FakeProperties.chains", "tries": 7, "actions": {"%s": 41, "%s (wrong)": 2},
                 "disabledByPrecondition": {"%s": 5}, "chainLengths": {"3": 4, "17": 3},
                 "invariantChecks": {"%s": 1234}, "invariantNotApplicable": {"%s": 66},
                 "labels": {"order-3 block split": 9}, "casesWithLabel": {"order-3 block split": 4}}
                """.formatted(call, call, call, first.id(), first.id()));
        Files.writeString(stats.resolve("FakeProperties.bug_" + bug.cliName() + ".json"), """
                {"property": "FakeProperties.bug_%s", "tries": 3, "actions": {}, "invariantChecks": {"%s": 99},
                 "failure": "%s", "shrunkSteps": 2, "originalSteps": 11, "shrink": "40 -> 9 choices in 50 replays, 12 ms",
                 "millis": 345}
                """.formatted(bug.cliName(), first.id(), bug.invariant()));
        Path csv = root.resolve("reports/target/site/jacoco-aggregate/jacoco.csv");
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, "GROUP,PACKAGE,CLASS,INSTRUCTION_MISSED,INSTRUCTION_COVERED,BRANCH_MISSED,BRANCH_COVERED,LINE_MISSED,"
                + "LINE_COVERED,COMPLEXITY_MISSED,COMPLEXITY_COVERED,METHOD_MISSED,METHOD_COVERED\n"
                + "armmm reports/armmm-model,armmm.model.zone,Zone,1,99,5,95," + (100 - lineCovered) + "," + lineCovered + ",0,1,0,1\n"
                + "armmm reports/armmm-properties,armmm.pbt,Chains,1,99,5,95,5,95,0,1,0,1\n");
        Path conf = root.resolve("properties/target/conformance.md");
        Files.writeString(conf, """
                | board | field | kernel | model | model - kernel | tolerance | agrees |
                |---|---|---|---|---|---|---|
                | armmp-256M | DMA spanned | 65536 | 65536 | 0 | exact | yes |
                | armmp-256M | DMA present | 65536 | 65536 | 0 | exact | yes |
                | armmp-512M | DMA spanned | 131072 | 131071 | -1 | exact | no |
                """);
        Path mm = root.resolve("properties/target/armmm-report/mmap-base-mmap-rva2.json");
        Files.createDirectories(mm.getParent());
        Files.writeString(mm, "{\"kernel\": [3, 5, 2], \"model\": [70, 80, 60], \"pValue\": 0.5}");
        Files.writeString(root.resolve("properties/target/jmh-result.json"), """
                [{"benchmark": "armmm.bench.WalkerBenchmark.walk", "mode": "thrpt",
                  "primaryMetric": {"score": 95.5, "scoreError": 1.25, "scoreUnit": "ops/us"}}]
                """);
    }

    private static Document parse(Path html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(Files.readAllBytes(html)));
    }

    private static Element section(Document d, String id) {
        NodeList all = d.getElementsByTagNameNS("http://www.w3.org/1999/xhtml", "section");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.getAttribute("id").equals(id)) {
                return e;
            }
        }
        return null;
    }

    private static List<String> rowsOf(Element section) {
        List<String> out = new ArrayList<>();
        NodeList rows = section.getElementsByTagNameNS("http://www.w3.org/1999/xhtml", "tr");
        for (int i = 0; i < rows.getLength(); i++) {
            NodeList cells = rows.item(i).getChildNodes();
            StringBuilder row = new StringBuilder();
            for (int j = 0; j < cells.getLength(); j++) {
                row.append(cells.item(j).getTextContent()).append(' ');
            }
            out.add(row.toString().replaceAll("\\s+", " ").trim());
        }
        return out;
    }

    @Test
    void theHtmlIsWellFormedSelfContainedAndHasEverySection(@TempDir Path root) throws Exception {
        fakeBuild(root, 95);
        Path out = root.resolve("reports/target");
        assertThat(VerificationReport.write(root, out)).isEmpty();
        Path html = out.resolve("verification-report.html");
        Document d = parse(html);
        for (String id : SECTIONS) {
            assertThat(section(d, id)).as("section " + id).isNotNull();
        }
        String text = Files.readString(html, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("<script", "src=\"http", "href=\"http", "@import");
        assertThat(d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg").getLength())
                .as("inline plots: checks per invariant, coverage, calls, chain lengths, mmap_base, shrink lengths, memory map")
                .isGreaterThanOrEqualTo(7);
        assertThat(Files.readString(out.resolve("verification-report.md"))).contains("## Invariants", "## Seeded bugs");
        assertThat(out.resolve("verification-report.json")).exists();
    }

    @Test
    void theFiguresAreThoseOfTheBuild(@TempDir Path root) throws Exception {
        fakeBuild(root, 95);
        Path out = root.resolve("out");
        VerificationReport.write(root, out);
        Document d = parse(out.resolve("verification-report.html"));
        Invariant first = Subsystems.invariants().get(0);
        List<String> inv = rowsOf(section(d, "invariants"));
        assertThat(inv).hasSize(Subsystems.invariants().size() + 1);
        assertThat(inv).anySatisfy(r -> assertThat(r).startsWith(first.id()).contains("1234 1300 95%", "FakeProperties"));
        SeededBug bug = Subsystems.bugs().get(0);
        assertThat(inv).anySatisfy(r -> assertThat(r).startsWith(bug.invariant()).endsWith(bug.cliName()));
        assertThat(rowsOf(section(d, "bugs"))).hasSize(Subsystems.bugs().size() + 1)
                .anySatisfy(r -> assertThat(r).startsWith(bug.cliName()).contains("caught 3 11 2").endsWith("345"));
        assertThat(rowsOf(section(d, "calls"))).anySatisfy(r -> assertThat(r).startsWith(OpTable.all().iterator().next().name() + " 43 5"));
        assertThat(rowsOf(section(d, "states"))).contains("order-3 block split 9 4 FakeProperties");
        assertThat(section(d, "conformance").getTextContent()).contains("1 of 2 boards agree in every figure; 2 of 3 figures agree");
        assertThat(rowsOf(section(d, "coverage"))).contains("armmm.model.zone armmm-model 95.0% 95.0%");
        assertThat(rowsOf(section(d, "performance"))).anySatisfy(r -> assertThat(r).startsWith("WalkerBenchmark.walk thrpt 95.500 1.250 ops/us 30 million"));
        assertThat(rowsOf(section(d, "mutation"))).anySatisfy(r -> assertThat(r).startsWith("armmm.model.layout"));
    }

    @Test
    void coverageBelowTheSpecsThresholdFailsTheBuildAfterWritingTheReport(@TempDir Path root) throws Exception {
        fakeBuild(root, 50);
        Path out = root.resolve("out");
        assertThat(VerificationReport.write(root, out)).contains("module armmm-model: line coverage 50.0% is below 88.0%",
                "package armmm.model.zone: line coverage 50.0% is below 75.0%");
        assertThat(out.resolve("verification-report.html")).exists();
        assertThatThrownBy(() -> VerificationReport.main(new String[] {root.toString(), out.toString()}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("coverage gate");
        assertThat(Files.readString(out.resolve("verification-report.html"))).contains("The gate is not met");
    }

    /** The page in a real browser: headless Chromium (Debian's package) parses it into a DOM with every section and its plots. */
    @Test
    void headlessChromiumLaysOutEverySection(@TempDir Path root) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        if (!Files.isExecutable(chromium)) {
            System.out.println("[armmm] VerificationReportTest: " + chromium + " absent (apt-get install -y chromium): browser check skipped");
        }
        Assumptions.assumeTrue(Files.isExecutable(chromium), chromium + " is not installed");
        fakeBuild(root, 95);
        Path out = root.resolve("out");
        VerificationReport.write(root, out);
        Path dom = root.resolve("dom.html");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + root.resolve("profile"), "--dump-dom",
                out.resolve("verification-report.html").toUri().toString())
                .redirectOutput(dom.toFile()).redirectError(root.resolve("chromium.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            Assumptions.abort("chromium did not finish");
        }
        String rendered = Files.readString(dom);
        for (String id : SECTIONS) {
            assertThat(rendered).as("section %s in the browser's DOM", id).contains("<section id=\"" + id + "\">");
        }
        assertThat(rendered.split("<svg", -1).length - 1).isGreaterThanOrEqualTo(7);
    }

    @Test
    void aBuildThatSkippedJacocoNeitherShowsNorGatesAnOlderAggregate(@TempDir Path root) throws Exception {
        fakeBuild(root, 50);
        Path out = root.resolve("out");
        VerificationReport.main(new String[] {root.toString(), out.toString(), "true"});
        assertThat(Files.readString(out.resolve("verification-report.md"))).contains("not checked").doesNotContain("50.0%");
    }

    @Test
    void withoutAJacocoAggregateTheGateIsNotChecked(@TempDir Path root) throws Exception {
        fakeBuild(root, 50);
        Files.delete(root.resolve("reports/target/site/jacoco-aggregate/jacoco.csv"));
        assertThat(VerificationReport.write(root, root.resolve("out"))).isEmpty();
        assertThat(Files.readString(root.resolve("out/verification-report.md"))).contains("not checked");
    }
}
