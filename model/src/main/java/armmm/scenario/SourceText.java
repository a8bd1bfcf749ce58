package armmm.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads an input file of the CLI (a scenario, a boot log) as UTF-8 text, bounded: at most
 * {@link #MAX_BYTES} bytes are read (so {@code armmm run /dev/zero} stops instead of filling the
 * heap), a leading byte-order mark is dropped, and a byte sequence that is not UTF-8 is reported
 * at its own line and column. Every problem is a {@link ScenarioException} with its place.
 */
public final class SourceText {
    /** The largest input file read: far above any scenario or boot log (a 3 GiB boot's dmesg is ~60 KiB). */
    public static final int MAX_BYTES = 8 << 20;

    private SourceText() {
    }

    /** The text of {@code file}; throws {@link ScenarioException} at the place of the problem. */
    public static String read(Path file) {
        return read(file, MAX_BYTES, "not a scenario or boot log");
    }

    /**
     * The text of {@code file}, at most {@code maxBytes} long (larger files are refused as
     * {@code what}, never read whole); throws {@link ScenarioException} at the place of the problem.
     */
    public static String read(Path file, int maxBytes, String what) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(maxBytes + 1);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(1, 1, "no such file");
        } catch (IOException e) {
            throw new ScenarioException(1, 1, "cannot read: " + oneLine(e.getMessage()));
        }
        if (bytes.length > maxBytes) {
            throw new ScenarioException(1, 1, "larger than " + (maxBytes >> 20) + " MiB: " + what);
        }
        return decode(bytes);
    }

    /** Decodes UTF-8 {@code bytes}, dropping a leading byte-order mark; a malformed sequence is reported where it is. */
    public static String decode(byte[] bytes) {
        int from = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, bytes.length - from);
        CharBuffer out = CharBuffer.allocate(bytes.length - from + 1);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        if (r.isError()) {
            out.flip();
            int line = 1;
            int column = 1;
            for (int i = 0; i < out.limit(); i++) {
                if (out.get(i) == '\n') {
                    line++;
                    column = 1;
                } else {
                    column++;
                }
            }
            throw new ScenarioException(line, column, String.format("invalid UTF-8 (byte 0x%02x)", bytes[Math.min(in.position(), bytes.length - 1)] & 0xff));
        }
        out.flip();
        return out.toString();
    }

    private static String oneLine(String s) {
        return s == null ? "I/O error" : s.replaceAll("[\\r\\n]+", " ");
    }
}
