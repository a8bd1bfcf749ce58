package armmm.model.slub;


/**
 * {@code /proc/slabinfo} as SLUB prints it ({@code cache_show}, mm/slab_common.c): version 2.1,
 * no tunables, active slabs equal to all slabs, no shared objects.
 */
public final class SlabinfoReport {
    private SlabinfoReport() {
    }

    /** The file's text. */
    public static String render(SlubAllocator slub) {
        StringBuilder s = new StringBuilder("slabinfo - version: 2.1\n");
        s.append("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit>"
                + " <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
        for (SlabinfoRow r : slub.slabinfo()) {
            s.append(line(r)).append('\n');
        }
        return s.toString();
    }

    /** One cache's line. */
    public static String line(SlabinfoRow r) {
        return String.format("%-17s %6d %6d %6d %4d %4d : tunables %4d %4d %4d : slabdata %6d %6d %6d", r.name(),
                r.activeObjs(), r.numObjs(), r.objsize(), r.objPerSlab(), r.pagesPerSlab(), 0, 0, 0, r.numSlabs(),
                r.numSlabs(), 0);
    }
}
