package armmm.model.report;

import armmm.model.kernel.Kernel;
import armmm.model.zone.ZoneSetup;
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
        m.put("zoneinfo", k -> k.zones().map(z -> ZoneinfoReport.render(z, counters(k, z))));
        m.put("meminfo", k -> k.zones().map(z -> MeminfoReport.render(z,
                k.booted().orElseThrow().layout().vmallocTotal(), counters(k, z))));
        m.put("buddyinfo", k -> Optional.ofNullable(k.pages()).map(BuddyinfoReport::render));
        m.put("pagetypeinfo", k -> Optional.ofNullable(k.pages()).map(PagetypeinfoReport::render));
        m.put("vmallocinfo", k -> Optional.ofNullable(k.vmalloc()).map(v -> VmallocinfoReport.render(v.areas())));
        return m;
    }

    /** The buddy allocator's live counters; before it runs, every managed page reads as free. */
    private static ZoneCounters counters(Kernel k, ZoneSetup z) {
        return k.pages() == null ? ZoneCounters.allManagedFree(z) : BuddyinfoReport.counters(k.pages());
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
