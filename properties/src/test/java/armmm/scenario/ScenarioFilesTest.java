package armmm.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every scenario under {@code src/test/resources/scenarios/} (ported kernel tests, worked
 * examples) and {@code src/test/resources/regressions/} (shrunk counterexamples kept as
 * regression tests) through the same parser and runner as {@code armmm run}: each must pass whole.
 */
class ScenarioFilesTest {
    private static final Path RESOURCES = Paths.get("src", "test", "resources");
    /** The first line of a scenario showing a race of the real kernel (scenarios/asid/xchg-after-rollover-race.scn). */
    private static final java.util.regex.Pattern KERNEL_RACE = java.util.regex.Pattern.compile(
            "^# fails on Linux 6\\.1 with: (\\S+), passes with: (\\S+)");

    @TestFactory
    Stream<DynamicTest> everyScenarioFilePasses() throws IOException {
        return Stream.of("scenarios", "regressions").flatMap(ScenarioFilesTest::files)
                .map(file -> DynamicTest.dynamicTest(RESOURCES.relativize(file).toString(), file.toUri(), () -> {
                    String text = Files.readString(file);
                    Scenario s = Parser.parse(file.toString(), text);
                    RunReport report = Runner.run(s);
                    java.util.regex.Matcher race = KERNEL_RACE.matcher(text);
                    if (race.find()) {
                        // a race of Linux 6.1 itself: it must fail on its invariant, and pass with the named patch
                        assertThat(report.messages()).as("%s on 6.1", file).anySatisfy(m -> assertThat(m).contains(race.group(1)));
                        String patchedText = text.replaceFirst("cmdline=\"", "cmdline=\"" + race.group(2) + " ");
                        assertThat(patchedText).as("%s has a board cmdline", file).isNotEqualTo(text);
                        s = Parser.parse(file.toString(), patchedText);
                        report = Runner.run(s);
                    }
                    assertThat(report.messages()).as("failures of %s", file).isEmpty();
                    assertThat(report.passed()).as("expectations met in %s", file).isEqualTo(s.expectationCount());
                    assertThat(s.expectationCount()).as("%s checks something", file).isPositive();
                }));
    }

    private static Stream<Path> files(String dir) {
        Path root = RESOURCES.resolve(dir);
        if (!Files.isDirectory(root)) {
            return Stream.empty();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> scn = walk.filter(p -> p.toString().endsWith(".scn")).sorted().collect(Collectors.toList());
            return scn.stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
