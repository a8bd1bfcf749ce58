package armmm.model.report;

import armmm.model.kernel.Kernel;
import armmm.model.zone.BootZones;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The reports {@code print REPORT} and {@code armmm boot --print REPORT} know, by their /proc or
 * debugfs name. A report that does not apply to a kernel (zoneinfo before boot) renders as empty.
 */
public final class Reports {
    private static final Map<String, Function<Kernel, Optional<String>>> REPORTS = build();

    private Reports() {
    }

    private static Map<String, Function<Kernel, Optional<String>>> build() {
        Map<String, Function<Kernel, Optional<String>>> m = new LinkedHashMap<>();
        m.put("layout", k -> k.booted().map(b -> LayoutReport.render(b.layout())));
        m.put("memblock", k -> Optional.of(MemblockReport.debugfs(k.memblock())));
        m.put("layout", k -> k.booted().map(b -> LayoutReport.render(b.layout())));
        m.put("zoneinfo", k -> k.booted().map(b -> ZoneinfoReport.render(BootZones.setUp(b),
                k.pages() == null ? ZoneCounters.allManagedFree(BootZones.setUp(b)) : BuddyinfoReport.counters(k.pages()))));
        m.put("meminfo", k -> k.booted().map(b -> MeminfoReport.render(BootZones.setUp(b), b.layout().vmallocTotal(),
                k.pages() == null ? ZoneCounters.allManagedFree(BootZones.setUp(b)) : BuddyinfoReport.counters(k.pages()))));
        m.put("buddyinfo", k -> Optional.ofNullable(k.pages()).map(BuddyinfoReport::render));
        m.put("pagetypeinfo", k -> Optional.ofNullable(k.pages()).map(PagetypeinfoReport::render));
        return m;
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
        Function<Kernel, Optional<String>> r = REPORTS.get(name);
        if (r == null) {
            throw new IllegalArgumentException("unknown report " + name + ", expected one of " + names());
        }
        return r.apply(kernel);
    }
}
