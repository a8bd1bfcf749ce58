package armmm.properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Figures a test measured for the verification report (module {@code reports}), written as
 * {@code target/armmm-report/NAME.json}: data the engine's per-property statistics do not hold,
 * such as the mmap_base slot counts of the kernel and the model. Written, never read back by a test.
 */
public final class ReportData {
    private static final Path DIR = Path.of("target", "armmm-report");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportData() {
    }

    /** Writes {@code data} as {@code target/armmm-report/NAME.json}. */
    public static synchronized void write(String name, Map<String, ?> data) {
        try {
            Files.createDirectories(DIR);
            JSON.writeValue(DIR.resolve(name + ".json").toFile(), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
