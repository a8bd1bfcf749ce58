package armmm.spec;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.subsystem.Invariant;
import armmm.model.core.SeededBug;
import armmm.model.kernel.Subsystems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
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
    private static List<Catalogue.Entry> entries;

    @BeforeAll
    static void readCatalogue() {
        entries = Catalogue.read();
    }

    @Test
    void everyInvariantInTheCatalogueHasACheckInCodeAndEveryCheckAnEntry() {
        List<String> ids = entries.stream().map(Catalogue.Entry::id).toList();
        assertThat(ids).as("ids in spec/invariants.md").doesNotHaveDuplicates();
        Set<String> inCode = Subsystems.invariants().stream().map(Invariant::id).collect(Collectors.toSet());
        assertThat(inCode).as("checks in code").hasSize(Subsystems.invariants().size());
        assertThat(ids).as("invariants in spec/invariants.md").containsExactlyInAnyOrderElementsOf(inCode);
    }

    @Test
    void everyEntryStatesItselfAndNamesItsKernelSource() {
        for (Catalogue.Entry e : entries) {
            assertThat(e.fields().get("Statement")).as("%s statement", e.id()).isNotBlank();
            assertThat(e.fields().get("Kernel")).as("%s kernel source", e.id()).isNotBlank().containsPattern("\\.(c|h)\\b");
            assertThat(e.fields().get("Check")).as("%s check in code", e.id()).isNotBlank();
        }
    }

    @Test
    void everyEntryNamesAPropertyThatExists() throws IOException {
        Set<String> propertyClasses;
        try (Stream<Path> walk = Files.walk(Paths.get("target", "test-classes"))) {
            propertyClasses = walk.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith("Properties.class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()))
                    .collect(Collectors.toSet());
        }
        for (Catalogue.Entry e : entries) {
            List<String> named = e.codeSpans("Properties");
            assertThat(named).as("%s names the properties that exercise it", e.id()).isNotEmpty();
            assertThat(propertyClasses).as("%s: property classes", e.id()).containsAll(named);
        }
    }

    @Test
    void everyEntryNamesASeededBugThatExistsAndEveryBugBelongsToOneEntry() {
        Set<String> bugs = Subsystems.bugs().stream().map(SeededBug::name).collect(Collectors.toSet());
        for (Catalogue.Entry e : entries) {
            List<String> named = e.codeSpans("Seeded bug");
            assertThat(named).as("%s names a seeded bug", e.id()).isNotEmpty();
            assertThat(bugs).as("%s: seeded bugs", e.id()).containsAll(named);
        }
        List<String> claimed = entries.stream().flatMap(e -> e.codeSpans("Seeded bug").stream()).toList();
        assertThat(claimed).as("seeded bugs named in the catalogue").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(bugs);
    }
}
