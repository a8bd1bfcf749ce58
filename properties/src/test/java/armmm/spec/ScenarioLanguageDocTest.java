package armmm.spec;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.subsystem.OpSpec;
import armmm.model.kernel.OpTable;
import armmm.model.kernel.Reports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** Every kernel call and every report the scenario language knows is documented in spec/scenario-language.md. */
class ScenarioLanguageDocTest {
    private static String doc() throws IOException {
        return Files.readString(Paths.get(System.getProperty("armmm.root", "..")).resolve("spec/scenario-language.md"));
    }

    @Test
    void everyKernelCallIsDocumented() throws IOException {
        String doc = doc();
        for (OpSpec spec : OpTable.all()) {
            assertThat(doc).as("spec/scenario-language.md documents %s", spec.name()).contains("`" + spec.name() + "`");
        }
    }

    @Test
    void everyReportIsDocumented() throws IOException {
        String doc = doc();
        for (String name : Reports.names()) {
            assertThat(doc).as("spec/scenario-language.md documents report %s", name).contains("`" + name + "`");
        }
    }
}
