package armmm.model.kernel;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every kernel call the model offers, by name: the scenario language's vocabulary. */
public final class OpTable {
    private static final Map<String, OpSpec> SPECS = build();

    private OpTable() {
    }

    private static Map<String, OpSpec> build() {
        Map<String, OpSpec> specs = new LinkedHashMap<>();
        for (List<OpSpec> table : List.of(MemblockOp.SPECS, PageOp.SPECS, VmallocOp.SPECS)) {
            for (OpSpec spec : table) {
                if (specs.put(spec.name(), spec) != null) {
                    throw new IllegalStateException("kernel call " + spec.name() + " declared twice");
                }
            }
        }
        return Collections.unmodifiableMap(specs);
    }

    /** The call named {@code name}, or null when the model has none. */
    public static OpSpec spec(String name) {
        return SPECS.get(name);
    }

    /** All calls, in the order their subsystems declare them. */
    public static Collection<OpSpec> all() {
        return SPECS.values();
    }
}
