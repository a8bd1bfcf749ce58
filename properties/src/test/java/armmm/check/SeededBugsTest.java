package armmm.check;

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
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Proves that every seeded bug is caught. Each {@link SeededBug} has a scenario
 * {@code seeded-bugs/<bug-name>.scn} whose first line is {@code # caught by: INV-...}: run as it
 * is, the scenario passes; run with the bug planted, the named invariant reports a violation
 * (or, for a bug that the kernel's own report would show, an expectation fails).
 */
class SeededBugsTest {
    private static final Path DIR = Paths.get("src", "test", "resources", "seeded-bugs");
    private static final Pattern CAUGHT_BY = Pattern.compile("^# caught by: (\\S+)");

    @TestFactory
    Stream<DynamicTest> everySeededBugIsCaughtByItsInvariant() {
        return Subsystems.bugs().stream().map(bug -> DynamicTest.dynamicTest(bug.cliName(), () -> {
            Path file = DIR.resolve(bug.cliName() + ".scn");
            assertThat(file).as("the demonstration of %s", bug).exists();
            String text = Files.readString(file);
            Matcher m = CAUGHT_BY.matcher(text);
            assertThat(m.find()).as("%s starts with '# caught by: INV-...'", file).isTrue();
            String id = m.group(1);
            Scenario scenario = Parser.parse(file.toString(), text);

            RunReport clean = Runner.run(scenario);
            assertThat(clean.messages()).as("%s without the bug", file).isEmpty();

            RunReport buggy;
            buggy = Runner.run(scenario, Bugs.of(bug));
            assertThat(buggy.messages()).as("%s with %s planted", file, bug)
                    .anySatisfy(msg -> assertThat(msg).contains(id));
        }));
    }

    /** Lists the demonstration files, so a stray one (for a bug that no longer exists) is noticed. */
    @TestFactory
    Stream<DynamicTest> everyDemonstrationBelongsToASeededBug() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".scn")).sorted().toList().stream()
                    .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
                        String name = p.getFileName().toString().replace(".scn", "");
                        assertThat(Subsystems.bugs().stream().map(SeededBug::cliName)).contains(name);
                    }));
        }
    }
}
