package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import armmm.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The kernel's own memblock test suite (tools/testing/memblock/tests), ported case by case to
 * scenario files under {@code scenarios/memblock/<suite>/}. This test keeps the port whole and
 * runs each case here too (as {@code ScenarioFilesTest} does for every scenario), so that the
 * memblock package's own tests, which its mutation shard runs, include the kernel's expectations.
 */
class MemblockScenariosTest {
    private static final Path DIR = Paths.get("src", "test", "resources", "scenarios", "memblock");

    private static List<Path> files() throws IOException {
        try (Stream<Path> walk = Files.walk(DIR)) {
            return walk.filter(p -> p.toString().endsWith(".scn")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void everySuiteOfTheKernelIsPorted() throws IOException {
        assertThat(files().stream().map(p -> DIR.relativize(p).getName(0).toString()).distinct())
                .containsExactlyInAnyOrder("basic_api", "alloc_api", "alloc_helpers_api", "alloc_nid_api");
        assertThat(files()).as("ported cases").hasSize(150);
    }

    @TestFactory
    Stream<DynamicTest> everyPortedCaseMeetsTheKernelsExpectations() throws IOException {
        return files().stream().map(file -> DynamicTest.dynamicTest(DIR.relativize(file).toString(), () -> {
            Scenario s = Parser.parse(file.toString(), Files.readString(file));
            RunReport report = Runner.run(s);
            assertThat(report.messages()).as("failures of %s", file).isEmpty();
            assertThat(report.passed()).as("expectations met in %s", file).isEqualTo(s.expectationCount()).isPositive();
        }));
    }
}
