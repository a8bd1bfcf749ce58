package armmm.spec;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.check.Invariant;
import armmm.model.check.Invariants;
import armmm.model.check.SeededBug;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code spec/invariants.md} and the code in step: every invariant in the catalogue has a
 * check in code, every check has an entry, and every entry names its kernel source, the
 * properties that exercise it and a seeded bug that proves it can fail.
 */
class SpecCatalogueTest {
    private static final Pattern HEADING = Pattern.compile("^### (INV-[A-Z]+-\\d{2}): (.+)$", Pattern.MULTILINE);
    private static final Pattern FIELD = Pattern.compile("^- \\*\\*([A-Za-z ]+):\\*\\* (.+)$", Pattern.MULTILINE);
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static Map<String, Map<String, String>> entries;

    @BeforeAll
    static void readCatalogue() throws IOException {
        Path root = Paths.get(System.getProperty("armmm.root", ".."));
        String text = Files.readString(root.resolve("spec/invariants.md"));
        entries = new LinkedHashMap<>();
        Matcher h = HEADING.matcher(text);
        List<int[]> spans = new java.util.ArrayList<>();
        List<String> ids = new java.util.ArrayList<>();
        while (h.find()) {
            ids.add(h.group(1));
            spans.add(new int[] {h.end(), 0});
        }
        for (int i = 0; i < spans.size(); i++) {
            int end = i + 1 < spans.size() ? text.lastIndexOf("###", spans.get(i + 1)[0]) : text.length();
            String body = text.substring(spans.get(i)[0], end);
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher f = FIELD.matcher(body);
            while (f.find()) {
                fields.put(f.group(1), f.group(2));
            }
            assertThat(entries.put(ids.get(i), fields)).as("%s is catalogued twice", ids.get(i)).isNull();
        }
    }

    @Test
    void everyInvariantInTheCatalogueHasACheckInCodeAndEveryCheckAnEntry() {
        Set<String> inCode = Invariants.all().stream().map(Invariant::id).collect(Collectors.toSet());
        assertThat(entries.keySet()).as("invariants in spec/invariants.md").containsExactlyInAnyOrderElementsOf(inCode);
        assertThat(inCode).as("checks in code").hasSize(Invariants.all().size());
    }

    @Test
    void everyEntryStatesItselfAndNamesItsKernelSource() {
        entries.forEach((id, fields) -> {
            assertThat(fields.get("Statement")).as("%s statement", id).isNotBlank();
            assertThat(fields.get("Kernel")).as("%s kernel source", id).isNotBlank().containsPattern("\\.(c|h)\\b");
        });
    }

    @Test
    void everyEntryNamesAPropertyThatExists() {
        Path classes = Paths.get("target", "test-classes");
        Set<String> propertyClasses;
        try (Stream<Path> walk = Files.walk(classes)) {
            propertyClasses = walk.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith("Properties.class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        entries.forEach((id, fields) -> {
            List<String> named = codeSpans(fields.getOrDefault("Properties", ""));
            assertThat(named).as("%s names the properties that exercise it", id).isNotEmpty();
            assertThat(propertyClasses).as("%s: property classes", id).containsAll(named);
        });
    }

    @Test
    void everyEntryNamesASeededBugThatExists() {
        Set<String> bugs = Arrays.stream(SeededBug.values()).map(Enum::name).collect(Collectors.toSet());
        entries.forEach((id, fields) -> {
            List<String> named = codeSpans(fields.getOrDefault("Seeded bug", ""));
            assertThat(named).as("%s names a seeded bug", id).isNotEmpty();
            assertThat(bugs).as("%s: seeded bugs", id).containsAll(named);
        });
    }

    private static List<String> codeSpans(String text) {
        Matcher m = CODE.matcher(text);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
