package armmm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.SeededBug;
import armmm.model.kernel.Subsystems;
import armmm.spec.Catalogue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The bug catalogue ({@code armmm bugs}, {@code spec/cli.md}): every seeded bug names an invariant
 * that {@code spec/invariants.md} defines and a hand-minimal scenario that exists and says it is
 * caught by that invariant, and the command prints every bug, one tab-separated line each.
 */
class BugCatalogueTest {
    private static final Path RESOURCES = Paths.get("src", "test", "resources");

    @Test
    void everyBugNamesAnInvariantOfTheSpecAndAnExistingScenarioThatAgrees() throws IOException {
        Set<String> ids = Catalogue.read().stream().map(Catalogue.Entry::id).collect(Collectors.toSet());
        List<SeededBug> bugs = Subsystems.bugs();
        assertThat(bugs).isNotEmpty();
        for (SeededBug b : bugs) {
            assertThat(b.invariant()).as("invariant of %s", b).isNotEmpty();
            assertThat(ids).as("the invariant %s of %s", b.invariant(), b).contains(b.invariant());
            assertThat(b.summary()).as("summary of %s", b).isNotBlank().doesNotContain("\t", "\n");
            Path scn = RESOURCES.resolve(b.scenario());
            assertThat(scn).as("scenario of %s", b).exists();
            assertThat(Files.readAllLines(scn).get(0)).as("first line of %s", scn)
                    .isEqualTo("# caught by: " + b.invariant());
        }
    }

    @Test
    void theKernelHistoryBugsNameTheirCommits() {
        assertThat(Subsystems.bugs().stream().filter(b -> b.kernelCommit() != null)
                .map(b -> b.kernelCommit().substring(0, 12)))
                .contains("ce6fa91b9363", "52f23478081a", "fd4d9c7d0c71", "eb18f1b5bfb9", "8f7a66051b75",
                        "e41a49fadbc8", "74c1d3e08153", "89b83f282d8b", "6c28ca6485dd",
                        "f27ce0e14088", "9282012fc0aa", "f80b08fc4453", "d95ea5d18e69",
                        "2fcd07b7ccd5", "58c5d0d6d522", "29f6738609e4", "97a16fc82a7c", "63341ab03706",
                        "06824ba824b3");
        // issue 13: at least sixteen entries reenact real kernel bugs; the README says 22 of 126
        assertThat(Subsystems.bugs().stream().filter(b -> b.kernelCommit() != null).count())
                .as("catalogue entries that reenact a kernel commit").isGreaterThanOrEqualTo(22);
        assertThat(Subsystems.bugs()).as("catalogue entries").hasSizeGreaterThanOrEqualTo(126);
        for (SeededBug b : Subsystems.bugs()) {
            if (b.kernelCommit() != null) {
                assertThat(b.kernelCommit()).as("%s", b).matches("[0-9a-f]{12} \\(\".+\"\\)");
                assertThat(b.reenacts()).startsWith("kernel commit " + b.kernelCommit());
            } else {
                assertThat(b.reenacts()).startsWith("own planted mistake: ");
            }
        }
    }

    @Test
    void armmmBugsPrintsEveryBugOnOneTabSeparatedLine() {
        Cli.Run r = Cli.run("bugs");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(Subsystems.bugs().size());
        for (SeededBug b : Subsystems.bugs()) {
            String[] expected = {b.cliName(), b.reenacts(), b.invariant()};
            assertThat(lines).as("the line of %s", b)
                    .anySatisfy(l -> assertThat(l.split("\t", -1)).containsExactly(expected));
        }
    }
}
