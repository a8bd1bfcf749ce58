package armmm.model.slub;

import armmm.properties.OracleFiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code probe_caches.txt} lines of a probe boot: one {@code struct kmem_cache} each, as key=value words. */
record ProbeCaches(String board, List<Map<String, String>> caches, String cmdline) {

    static ProbeCaches read(String board) {
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : OracleFiles.read(board, "probe_caches.txt").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.trim().split("\\s+");
            Map<String, String> m = new LinkedHashMap<>();
            m.put("name", words[0]);
            for (int i = 1; i < words.length; i++) {
                int eq = words[i].indexOf('=');
                m.put(words[i].substring(0, eq), words[i].substring(eq + 1));
            }
            out.add(m);
        }
        return new ProbeCaches(board, out, OracleFiles.read(board, "cmdline.txt").trim());
    }

    static int num(Map<String, String> m, String key) {
        return Integer.parseInt(m.get(key));
    }

    static int hex(Map<String, String> m, String key) {
        return (int) Long.parseLong(m.get(key), 16);
    }
}
