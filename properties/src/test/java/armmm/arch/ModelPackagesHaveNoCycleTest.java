package armmm.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of {@code model/} import one another without a cycle: the value types at the
 * bottom ({@code armmm.model.core}), {@code Kernel} at the top (spec/subsystems.md). The graph is
 * read from the compiled classes' constant pools: every class a class names, in its code or in a
 * field's, method's or generic signature.
 */
class ModelPackagesHaveNoCycleTest {
    private static final Path CLASSES = Paths.get("..", "model", "target", "classes");
    private static final Pattern TYPE_IN_DESCRIPTOR = Pattern.compile("L(armmm/[\\w/$]+)[;<]");

    @Test
    void theModelsPackageGraphHasNoCycle() throws IOException {
        Map<String, Set<String>> graph = packageGraph(CLASSES);
        assertThat(graph).as("packages read from %s", CLASSES).containsKeys("armmm.model.core", "armmm.model.kernel");
        assertThat(graph.get("armmm.model.core")).as("core imports no other armmm package").isEmpty();
        assertThat(cycles(graph)).as("package cycles in model/").isEmpty();
    }

    @Test
    void theCycleFinderFindsACycleOfThreePackagesAndIgnoresADiamond() {
        Map<String, Set<String>> g = new TreeMap<>();
        g.put("a", new TreeSet<>(List.of("b", "d")));
        g.put("b", new TreeSet<>(List.of("c")));
        g.put("c", new TreeSet<>(List.of("a")));
        g.put("d", new TreeSet<>(List.of("e")));
        g.put("e", new TreeSet<>());
        g.put("f", new TreeSet<>(List.of("d", "e")));
        assertThat(cycles(g)).containsExactly(List.of("a", "b", "c"));
    }

    /** Package to the other armmm packages its classes name. */
    static Map<String, Set<String>> packageGraph(Path root) throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".class")).toList()) {
                String from = packageOf(root.relativize(p).toString().replace('\\', '/'));
                Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
                try (InputStream in = Files.newInputStream(p)) {
                    for (String name : namedClasses(in)) {
                        if (name.startsWith("armmm/")) {
                            String pkg = packageOf(name);
                            if (!pkg.equals(from)) {
                                to.add(pkg);
                            }
                        }
                    }
                }
            }
        }
        return graph;
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return internalName.substring(0, Math.max(0, slash)).replace('/', '.');
    }

    /** The internal names of the classes a class file's constant pool names (JVMS 4.4). */
    static List<String> namedClasses(InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> classNameIndexes = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classNameIndexes.add(in.readUnsignedShort());
                case 8, 16, 19, 20 -> in.readUnsignedShort();
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                default -> throw new IOException("constant pool tag " + tag + " at entry " + i);
            }
        }
        List<String> names = new ArrayList<>();
        for (int idx : classNameIndexes) {
            String n = utf8[idx];
            names.add(n.startsWith("[") ? n.replaceAll("^\\[+L?", "").replace(";", "") : n);
        }
        for (String s : utf8) {
            if (s != null) {
                Matcher m = TYPE_IN_DESCRIPTOR.matcher(s);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    /** The strongly connected components of more than one node (Tarjan), each sorted. */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] next = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, graph, index, low, stack, onStack, out, next);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Set<String>> g, Map<String, Integer> index, Map<String, Integer> low,
                                Deque<String> stack, Set<String> onStack, List<List<String>> out, int[] next) {
        index.put(v, next[0]);
        low.put(v, next[0]);
        next[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : g.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, g, index, low, stack, onStack, out, next);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                out.add(component);
            }
        }
    }
}
