package armmm.model.report;

import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneSetup;
import armmm.model.zone.ZoneType;

/**
 * /proc/zoneinfo as {@code zoneinfo_show_print} (mm/vmstat.c) prints it, for node 0: every zone,
 * empty ones too, which stop after the protection line. The per-node and per-zone vmstat item
 * lists ({@code nr_free_pages}, {@code nr_zone_inactive_anon}, ...) are left out: they are runtime
 * counters the model does not keep.
 */
public final class ZoneinfoReport {
    private ZoneinfoReport() {
    }

    /** The report for {@code s}, with runtime values from {@code c}. */
    public static String render(ZoneSetup s, ZoneCounters c) {
        StringBuilder out = new StringBuilder();
        for (ZoneType t : ZoneType.values()) {
            ZoneConfig z = s.zone(t);
            out.append(String.format("Node 0, zone %8s", t.kernelName()));
            out.append("\n  pages free     ").append(c.nrFree(t));
            out.append("\n        boost    ").append(c.boost(t));
            out.append("\n        min      ").append(z.min());
            out.append("\n        low      ").append(z.low());
            out.append("\n        high     ").append(z.high());
            out.append("\n        spanned  ").append(z.spannedPages());
            out.append("\n        present  ").append(z.presentPages());
            out.append("\n        managed  ").append(z.managedPages());
            out.append("\n        cma      ").append(s.cmaPages(t));
            long[] prot = z.lowmemReserve();
            out.append("\n        protection: (").append(prot[0]);
            for (int i = 1; i < prot.length; i++) {
                out.append(", ").append(prot[i]);
            }
            out.append(')');
            if (s.populated(t)) {
                out.append("\n  pagesets");
                for (int cpu = 0; cpu < s.inputs().cpus(); cpu++) {
                    out.append("\n    cpu: ").append(cpu);
                    out.append("\n              count: ").append(c.pcpCount(t, cpu));
                    out.append("\n              high:  ").append(z.pcpHigh());
                    out.append("\n              batch: ").append(z.pcpBatch());
                    out.append("\n  vm stats threshold: ").append(s.statThreshold().get(t));
                }
                out.append("\n  node_unreclaimable:  ").append(c.nodeUnreclaimable() ? 1 : 0);
                out.append("\n  start_pfn:           ").append(z.startPfn());
            }
            out.append('\n');
        }
        return out.toString();
    }
}
