package armmm.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code spec/invariants.md} as data: each entry's id, title and fields (Statement, Kernel, Check,
 * Properties, Seeded bug). Tests read it so that the catalogue, not a copy in test code, says
 * which property exercises an invariant and which seeded bug must break it.
 */
public final class Catalogue {
    private static final Pattern HEADING = Pattern.compile("^### (INV-[A-Z]+-\\d{2}): (.+)$", Pattern.MULTILINE);
    private static final Pattern FIELD = Pattern.compile("^- \\*\\*([A-Za-z ]+):\\*\\* (.+)$", Pattern.MULTILINE);
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    /**
     * One catalogue entry.
     *
     * @param id     {@code INV-AREA-NN}
     * @param title  the heading's text after the id
     * @param fields the bullet fields by name
     */
    public record Entry(String id, String title, Map<String, String> fields) {
        /** The code spans (`...`) of field {@code name}, in order. */
        public List<String> codeSpans(String name) {
            Matcher m = CODE.matcher(fields.getOrDefault(name, ""));
            List<String> out = new ArrayList<>();
            while (m.find()) {
                out.add(m.group(1));
            }
            return out;
        }
    }

    private Catalogue() {
    }

    /** The entries of the repository's {@code spec/invariants.md}, in order. */
    public static List<Entry> read() {
        Path root = Paths.get(System.getProperty("armmm.root", ".."));
        try {
            return parse(Files.readString(root.resolve("spec/invariants.md")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entries of a catalogue text. */
    static List<Entry> parse(String text) {
        List<Entry> entries = new ArrayList<>();
        Matcher h = HEADING.matcher(text);
        List<int[]> bounds = new ArrayList<>();
        List<String[]> heads = new ArrayList<>();
        while (h.find()) {
            bounds.add(new int[] {h.start(), h.end()});
            heads.add(new String[] {h.group(1), h.group(2)});
        }
        for (int i = 0; i < heads.size(); i++) {
            int end = i + 1 < bounds.size() ? bounds.get(i + 1)[0] : text.length();
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher f = FIELD.matcher(text.substring(bounds.get(i)[1], end));
            while (f.find()) {
                fields.put(f.group(1), f.group(2));
            }
            entries.add(new Entry(heads.get(i)[0], heads.get(i)[1], fields));
        }
        return entries;
    }

    /** The id of the invariant whose entry names {@code bug} as its seeded bug, or null. */
    public static String catcherOf(String bug) {
        for (Entry e : read()) {
            if (e.codeSpans("Seeded bug").contains(bug)) {
                return e.id();
            }
        }
        return null;
    }
}
