package armmm.model.slub;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the allocator went through, for a property's statistics: the states the issue asks to
 * see reached (a slab filled and emptied, partial lists used, a slab freed to the buddy
 * allocator, a cross-CPU free, each kind of report). Counters only; nothing reads them back.
 */
public final class SlubStats {
    long allocs;
    long frees;
    long slabsAllocated;
    long slabsFreed;
    long cpuPartialPut;
    long cpuPartialAlloc;
    long nodePartialAlloc;
    long crossCpuFrees;
    long allocFailures;
    long largeAllocs;
    private final Map<String, Long> reports = new TreeMap<>();

    void report(String what) {
        reports.merge(what, 1L, Long::sum);
    }

    /** Counters by name, for labels. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new TreeMap<>();
        m.put("allocs", allocs);
        m.put("frees", frees);
        m.put("slabs allocated", slabsAllocated);
        m.put("slabs freed to buddy", slabsFreed);
        m.put("cpu partial put", cpuPartialPut);
        m.put("cpu partial alloc", cpuPartialAlloc);
        m.put("node partial alloc", nodePartialAlloc);
        m.put("cross-cpu frees", crossCpuFrees);
        m.put("slab alloc failures", allocFailures);
        m.put("large kmallocs", largeAllocs);
        reports.forEach((k, v) -> m.put("report: " + k, v));
        return m;
    }
}
