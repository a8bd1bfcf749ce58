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

    @TestFactory
    Stream<DynamicTest> everyScenarioFilePasses() throws IOException {
        return Stream.of("scenarios", "regressions").flatMap(ScenarioFilesTest::files)
                .map(file -> DynamicTest.dynamicTest(RESOURCES.relativize(file).toString(), file.toUri(), () -> {
                    Scenario s = Parser.parse(file.toString(), Files.readString(file));
                    RunReport report = Runner.run(s);
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
