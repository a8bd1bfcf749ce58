package armmm.model.kernel;

import armmm.model.subsystem.OpSpec;
import armmm.model.subsystem.Subsystem;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every kernel call the model offers, by name, from the registry: the scenario language's vocabulary. */
public final class OpTable {
    private static final Map<String, OpSpec> SPECS = build();

    private OpTable() {
    }

    private static Map<String, OpSpec> build() {
        Map<String, OpSpec> specs = new LinkedHashMap<>();
        for (Subsystem<?> s : Subsystems.ALL) {
            for (OpSpec spec : s.calls()) {
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
