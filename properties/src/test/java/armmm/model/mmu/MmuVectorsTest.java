package armmm.model.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.cli.Cli;
import armmm.cli.Main;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walker against the 2000 emulator vectors (oracle/mmu/vectors-1.jsonl, the ARM ARM's
 * {@code arch_outcome}), through {@code armmm mmu-check} as a user runs it, and the walker's
 * planted bugs each caught by the same vectors.
 */
class MmuVectorsTest {

    private static List<String> lines;
    private static List<TranslationVector> parsed;

    static synchronized List<String> vectorLines() {
        if (lines == null) {
            lines = readLines();
        }
        return lines;
    }

    static synchronized List<TranslationVector> vectors() {
        if (parsed == null) {
            parsed = TranslationVectors.parse("v", vectorLines());
        }
        return parsed;
    }

    private static List<String> readLines() {
        try (InputStream in = MmuVectorsTest.class.getResourceAsStream("/oracle/mmu/vectors-1.jsonl")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Cli.Run cli(String... args) {
        return Cli.run(args);
    }

    @Test
    void mmuCheckPassesEveryVector(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("vectors-1.jsonl"), vectorLines());
        Cli.Run r = cli("mmu-check", file.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("2000 passed, 0 failed\n");
        assertThat(r.exit()).isZero();
    }

    @Test
    void theVectorsCoverEveryDescriptorAndFault() {
        List<TranslationVector> vs = vectors();
        ShortDescriptorWalker w = new ShortDescriptorWalker();
        EnumSet<EntryKind> entries = EnumSet.noneOf(EntryKind.class);
        java.util.Set<String> faults = new java.util.HashSet<>();
        long above4g = 0;
        for (TranslationVector v : vs) {
            Translation t = w.translate(v.sctlr(), v.ttbcr(), v.ttbr0(), v.ttbr1(), v.dacr(), v.va(), v.access(),
                    v.mode(), pa -> v.memory().getOrDefault(pa, 0));
            if (t instanceof Translation.Mapped m) {
                entries.add(m.entry());
                above4g += m.pa() >>> 32 != 0 ? 1 : 0;
            } else {
                Translation.Fault f = (Translation.Fault) t;
                faults.add(f.level() + " " + f.kind());
            }
        }
        assertThat(entries).isEqualTo(EnumSet.allOf(EntryKind.class));
        assertThat(faults).containsExactlyInAnyOrder("section TRANSLATION", "page TRANSLATION", "section DOMAIN",
                "page DOMAIN", "section PERMISSION", "page PERMISSION");
        assertThat(above4g).isEqualTo(43);
    }

    private static long failuresWith(WalkerBug bug) {
        ShortDescriptorWalker w = new ShortDescriptorWalker(EnumSet.of(bug));
        return vectors().stream().filter(v -> v.check(w) != null).count();
    }

    @Test
    void theSeedArticlesSecondLevelMaskIsCaught() {
        assertThat(failuresWith(WalkerBug.L2_BASE_MASK_FFFFFF00)).isGreaterThan(100);
    }

    @Test
    void checkingTheDomainBeforeTheSecondLevelFetchFailsExactlyTheQemuDeviations() {
        ShortDescriptorWalker w = new ShortDescriptorWalker(EnumSet.of(WalkerBug.DOMAIN_BEFORE_L2_FETCH));
        List<String> lines = vectorLines();
        List<TranslationVector> vs = vectors();
        for (TranslationVector v : vs) {
            boolean deviation = lines.get(v.line() - 1).contains("\"qemu_domain_checked_before_l2_fetch\"");
            assertThat(v.check(w) != null).as(v.id()).isEqualTo(deviation);
        }
    }

    @Test
    void indexingTtbr1WithTheSplitIsCaught() {
        assertThat(failuresWith(WalkerBug.TTBR1_INDEX_USES_N)).isGreaterThan(50);
    }

    @Test
    void aMalformedLineNamesFileLineAndColumn(@TempDir Path dir) throws IOException {
        String good = vectorLines().get(0);
        String[][] cases = {
            {"{\"id\": \"x\",", ":2:12: malformed JSON: "},
            {good.replace("\"TTBCR\": \"0x00000002\"", "\"TTBCR\": \"0xzz\""), ":2:" + (good.indexOf("\"TTBCR\"") + 10)
                    + ": TTBCR must be a hex string \"0x...\", found \"0xzz\""},
            {good.replace("\"kind\": \"write\"", "\"kind\": \"fetch\""), ":2:" + (good.indexOf("\"kind\": \"write\"") + 9)
                    + ": access.kind must be \"read\" or \"write\""},
            {good.replace("\"DACR\": ", "\"DACRX\": "), ":2:" + (good.indexOf("\"regs\"") + 9) + ": missing \"DACR\""},
            {"[1]", ":2:1: expected a JSON object"},
        };
        for (String[] c : cases) {
            Path file = Files.write(dir.resolve("bad.jsonl"), List.of(good, c[0]));
            Cli.Run r = cli("mmu-check", file.toString());
            assertThat(r.exit()).as(c[0]).isEqualTo(Main.BAD_INPUT);
            assertThat(r.err()).as(c[0]).startsWith(file + c[1]).doesNotContain("Exception").endsWith("\n");
            assertThat(r.err().strip()).as(c[0]).doesNotContain("\n");
        }
        assertThatThrownBy(() -> TranslationVectors.parse("f", List.of(good.replace("\"0x204f8ffc\"", "\"0x204f8ffe\""))))
                .hasMessageStartingWith("f:1:").hasMessageContaining("not word aligned");
        Cli.Run missing = cli("mmu-check", dir.resolve("none.jsonl").toString());
        assertThat(missing.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(missing.err()).isEqualTo(dir.resolve("none.jsonl") + ":1:1: no such file\n");
    }

    @Test
    void aWrongOutcomeIsAMismatchLineAndExitOne(@TempDir Path dir) throws IOException {
        String good = vectorLines().get(1);
        Path file = Files.write(dir.resolve("v.jsonl"), List.of(good.replace("\"arch_outcome\": {\"kind\": \"ok\", \"pa\": \"0x76dffffffc\"}",
                "\"arch_outcome\": {\"kind\": \"ok\", \"pa\": \"0x76dffffff8\"}")));
        Cli.Run r = cli("mmu-check", file.toString());
        assertThat(r.exit()).isEqualTo(Main.CHECK_FAILED);
        assertThat(r.out()).isEqualTo(file + ":1: s1-00001: expected pa 0x76dffffff8, model pa 0x76dffffffc\n0 passed, 1 failed\n");
    }

    @Test
    void eachWalkerBugHasAOneVectorDemonstrationThatOnlyTheBugFails(@TempDir Path dir) throws IOException {
        for (WalkerBug bug : List.of(WalkerBug.L2_BASE_MASK_FFFFFF00, WalkerBug.DOMAIN_BEFORE_L2_FETCH, WalkerBug.TTBR1_INDEX_USES_N)) {
            String text;
            try (InputStream in = MmuVectorsTest.class.getResourceAsStream("/seeded-bugs/mmu-walker/" + bug.cliName() + ".jsonl")) {
                assertThat(in).as("the demonstration of %s", bug).isNotNull();
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Path file = Files.writeString(dir.resolve(bug.cliName() + ".jsonl"), text);
            Cli.Run clean = cli("mmu-check", file.toString());
            assertThat(clean.out()).as("%s without the bug", bug).isEqualTo("1 passed, 0 failed\n");
            List<TranslationVector> v = TranslationVectors.parse(file.toString(), text.lines().toList());
            assertThat(v).hasSize(1);
            for (WalkerBug other : WalkerBug.values()) {
                String mismatch = v.get(0).check(new ShortDescriptorWalker(EnumSet.of(other)));
                assertThat(mismatch != null).as("%s's vector with %s planted", bug, other).isEqualTo(other == bug);
            }
        }
    }
}
