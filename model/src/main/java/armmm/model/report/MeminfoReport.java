package armmm.model.report;

import armmm.model.zone.ZoneSetup;
import armmm.model.zone.ZoneType;

/**
 * The memory totals of /proc/meminfo ({@code meminfo_proc_show}, fs/proc/meminfo.c) in its format
 * (a 16-column label, the value right-aligned in 8, " kB"), in the kernel's order, followed by a
 * {@code min_free_kbytes:} line in the same format (not a meminfo line in the kernel: the value of
 * /proc/sys/vm/min_free_kbytes).
 */
public final class MeminfoReport {
    private MeminfoReport() {
    }

    /** The report for {@code s}, a vmalloc area of {@code vmallocBytes}, runtime values from {@code c}. */
    public static String render(ZoneSetup s, long vmallocBytes, ZoneCounters c) {
        long free = 0;
        long highFree = 0;
        long cmaFree = 0;
        for (ZoneType t : ZoneType.values()) {
            free += c.nrFree(t);
            cmaFree += c.nrFreeCma(t);
            if (s.spans().isHighmem(t)) {
                highFree += c.nrFree(t);
            }
        }
        long kbPerPage = ZoneSetup.PAGE_SIZE >> 10;
        StringBuilder out = new StringBuilder();
        line(out, "MemTotal:", s.totalramPages() * kbPerPage);
        line(out, "MemFree:", free * kbPerPage);
        line(out, "HighTotal:", s.totalhighPages() * kbPerPage);
        line(out, "HighFree:", highFree * kbPerPage);
        line(out, "LowTotal:", (s.totalramPages() - s.totalhighPages()) * kbPerPage);
        line(out, "LowFree:", (free - highFree) * kbPerPage);
        line(out, "VmallocTotal:", vmallocBytes >> 10);
        line(out, "CmaTotal:", s.managed().totalCmaPages() * kbPerPage);
        line(out, "CmaFree:", cmaFree * kbPerPage);
        line(out, "min_free_kbytes:", s.minFreeKbytes());
        return out.toString();
    }

    private static void line(StringBuilder out, String label, long kb) {
        out.append(String.format("%-16s%8d kB\n", label, kb));
    }
}
