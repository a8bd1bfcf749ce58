package armmm.properties;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The files a real kernel printed on each oracle board, as copied into the test resources
 * ({@code oracle/kernel/<board>/<file>}, see the README beside them).
 */
public final class OracleFiles {
    private OracleFiles() {
    }

    /** The text of {@code file} of {@code board}; a missing file is a broken checkout, not a test result. */
    public static String read(String board, String file) {
        String path = "/oracle/kernel/" + board + "/" + file;
        try (InputStream in = OracleFiles.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
