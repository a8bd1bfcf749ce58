package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The kernel's own memblock test suite (tools/testing/memblock/tests), ported case by case to
 * scenario files under {@code scenarios/memblock/<suite>/}, which {@code ScenarioFilesTest} runs
 * with every invariant checked after every call. This test keeps the port whole.
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
        assertThat(files()).as("ported cases (ScenarioFilesTest runs them)").hasSize(150);
    }
}
