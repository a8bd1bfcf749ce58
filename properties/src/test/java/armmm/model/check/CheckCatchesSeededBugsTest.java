package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.core.SeededBug;
import armmm.model.kernel.Subsystems;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import armmm.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The invariants of this package, family by family, against the seeded bugs planted for them: each
 * bug's demonstration ({@code seeded-bugs/<bug>.scn}) runs clean without the bug and reports the
 * bug's invariant with it. Split by family so that a mutant of one check class is judged by the
 * demonstrations of that class only ({@code armmm.check.SeededBugsTest} runs all of them at once,
 * 12 s, too long to repeat for each of this package's mutants).
 */
class CheckCatchesSeededBugsTest {
    private static final Path DIR = Paths.get("src", "test", "resources", "seeded-bugs");

    /** Runs every seeded bug whose invariant starts with one of {@code prefixes}; returns how many ran. */
    private static int demonstrate(String... prefixes) throws IOException {
        int ran = 0;
        for (SeededBug bug : Subsystems.bugs()) {
            if (List.of(prefixes).stream().noneMatch(bug.invariant()::startsWith)) {
                continue;
            }
            Path file = DIR.resolve(bug.cliName() + ".scn");
            Scenario scenario = Parser.parse(file.toString(), Files.readString(file));
            RunReport clean = Runner.run(scenario);
            assertThat(clean.messages()).as("%s without the bug", file).isEmpty();
            RunReport buggy = Runner.run(scenario, Bugs.of(bug));
            assertThat(buggy.messages()).as("%s with %s planted", file, bug)
                    .anySatisfy(msg -> assertThat(msg).contains(bug.invariant()));
            ran++;
        }
        return ran;
    }

    @Test
    void buddyInvariantsCatchTheirBugs() throws IOException {
        assertThat(demonstrate("INV-BUDDY-")).isGreaterThanOrEqualTo(10);
    }

    @Test
    void pageAndGfpInvariantsCatchTheirBugs() throws IOException {
        assertThat(demonstrate("INV-PAGE-", "INV-GFP-")).isGreaterThanOrEqualTo(10);
    }

    @Test
    void pageCallInvariantsCatchTheirBugs() throws IOException {
        assertThat(demonstrate("INV-CALL-01", "INV-CALL-02", "INV-CALL-03", "INV-CALL-04")).isGreaterThanOrEqualTo(10);
    }

    @Test
    void zoneInvariantsCatchTheirBugs() throws IOException {
        assertThat(demonstrate("INV-ZONE-", "INV-CALL-05")).isGreaterThanOrEqualTo(8);
    }

    @Test
    void layoutInvariantsCatchTheirBugs() throws IOException {
        assertThat(demonstrate("INV-LAYOUT-")).isGreaterThanOrEqualTo(4);
    }

    @Test
    void memblockInvariantsCatchTheirBugs() throws IOException {
        assertThat(demonstrate("INV-MEMBLOCK-")).isGreaterThanOrEqualTo(10);
    }
}
