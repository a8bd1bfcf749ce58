package armmm.model.highmem;

/**
 * {@code print kmaps}: the persistent kmaps ({@code last_pkmap_nr}, then one line per slot in use:
 * slot, address, frame, {@code pkmap_count}) and each CPU's kmap_local stack (the task it runs,
 * its kmap_atomic levels, then one line per level: fixmap index, address, frame).
 */
public final class KmapsReport {
    private KmapsReport() {
    }

    /** The report of {@code h}. */
    public static String render(Highmem h) {
        StringBuilder s = new StringBuilder();
        s.append("pkmap: PKMAP_BASE ").append(String.format("%08x", h.pkmap().pkmapBase()));
        s.append(", pkmap flushes ").append(h.pkmap().flushes()).append('\n');
        s.append(h.pkmap().report());
        KmapLocal l = h.local();
        for (int c = 0; c < l.cpus(); c++) {
            int t = l.current(c);
            s.append(String.format("cpu %d: task %s, kmap_ctrl.idx %d, kmap_atomic %d%n", c,
                    taskName(t), l.taskDepth(t), l.atomicDepth(t)));
            for (int i = 0; i < l.taskDepth(t); i++) {
                int slot = KmapLocal.FIX_KMAP_BEGIN + i + KmapLocal.KM_MAX_IDX * c;
                s.append(String.format("  fixidx %3d %08x pfn %05x%n", slot, KmapLocal.fixToVirt(slot), l.pteval(t, i) - 1));
            }
        }
        // An idle task switched out while it holds levels keeps them too (sched_out takes any task).
        for (int t = 0; t < l.tasks(); t++) {
            if (l.runningOn(t) < 0 && l.taskDepth(t) > 0) {
                s.append(String.format("task %s (switched out, pinned to cpu %d): kmap_ctrl.idx %d%n", taskName(t), l.pinnedCpu(t), l.taskDepth(t)));
            }
        }
        return s.toString();
    }

    /** A scenario's task number, or {@code idle/CPU} for a CPU's idle task. */
    private static String taskName(int t) {
        return t >= KmapLocal.MAX_TASKS ? "idle/" + (t - KmapLocal.MAX_TASKS) : Integer.toString(t);
    }
}
