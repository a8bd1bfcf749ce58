package armmm.model.vmalloc;


/**
 * {@code /proc/vmallocinfo} ({@code s_show} and {@code show_purge_info}, mm/vmalloc.c): one line
 * per busy area in address order, then one {@code unpurged vm_area} line per lazily freed range.
 */
public final class VmallocinfoReport {
    private VmallocinfoReport() {
    }

    /** The report of {@code areas}. */
    public static String render(VmapAreas areas) {
        StringBuilder s = new StringBuilder();
        for (VmapArea va : areas.busyAreas()) {
            VmStruct v = va.vm();
            if (v == null) {
                continue;
            }
            s.append(String.format("0x%08x-0x%08x %7d", v.addr(), v.addr() + v.size(), v.size()));
            if (v.caller() != null) {
                s.append(' ').append(v.caller());
            }
            if (v.nrPages() != 0) {
                s.append(" pages=").append(v.nrPages());
            }
            if (v.physAddr() != 0) {
                s.append(String.format(" phys=0x%08x", v.physAddr()));
            }
            s.append(VmFlags.procWords(v.flags()));
            if (v.pagesArea() != 0) {
                s.append(" vpages");
            }
            s.append('\n');
        }
        for (long[] r : areas.purgeRanges()) {
            s.append(String.format("0x%08x-0x%08x %7d unpurged vm_area\n", r[0], r[1], r[1] - r[0]));
        }
        return s.toString();
    }
}
