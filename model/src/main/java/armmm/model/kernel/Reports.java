package armmm.model.kernel;

import armmm.model.subsystem.Report;
import armmm.model.subsystem.Subsystem;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The reports {@code print REPORT} and {@code armmm boot --print REPORT} know, by their /proc or
 * debugfs name, gathered from the registry. A report that does not apply to a kernel (zoneinfo
 * before boot) renders as empty.
 */
public final class Reports {
    private static final Map<String, Report> REPORTS = build();

    private Reports() {
    }

    private static Map<String, Report> build() {
        Map<String, Report> m = new LinkedHashMap<>();
        for (Subsystem<?> s : Subsystems.ALL) {
            for (Report r : s.reports()) {
                if (m.put(r.name(), r) != null) {
                    throw new IllegalStateException("report " + r.name() + " declared twice");
                }
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** The names of every report. */
    public static Set<String> names() {
        return REPORTS.keySet();
    }

    /** True when {@code name} is a report. */
    public static boolean exists(String name) {
        return REPORTS.containsKey(name);
    }

    /** Renders {@code name} for {@code kernel}; empty when it does not apply to this kernel. */
    public static Optional<String> render(String name, Kernel kernel) {
        Report r = REPORTS.get(name);
        if (r == null) {
            throw new IllegalArgumentException("unknown report " + name + ", expected one of " + names());
        }
        return r.render().apply(kernel);
    }

    /** How many arguments {@code print NAME} takes at most (0 for a report without a range or selection). */
    public static int maxArgs(String name) {
        Report r = REPORTS.get(name);
        return r == null ? 0 : r.maxArgs();
    }

    /** Renders report {@code name} over [from, to); empty when it does not apply to this kernel. */
    public static Optional<String> render(String name, Kernel kernel, long from, long to) {
        Report r = REPORTS.get(name);
        if (r == null || r.ranged() == null) {
            throw new IllegalArgumentException("report " + name + " takes no address range");
        }
        return r.ranged().render(kernel, from, to);
    }
}
