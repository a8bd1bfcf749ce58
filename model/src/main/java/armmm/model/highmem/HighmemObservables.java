package armmm.model.highmem;

import armmm.model.core.ObservablePath;
import java.util.OptionalLong;

/**
 * highmem's scenario observables: {@code highmem.pkmap_count[i]}, {@code highmem.last_pkmap_nr},
 * {@code highmem.pkmap_in_use} (slots with a nonzero count), {@code highmem.pkmap_flushes}
 * ({@code flush_all_zero_pkmaps} calls that flushed), {@code highmem.kmap_depth[cpu]} (the
 * kmap_local depth of the task running on that CPU), {@code highmem.kmap_atomic_depth[cpu]},
 * {@code highmem.current[cpu]} (the task it runs; 16 + cpu for its idle task),
 * {@code highmem.task_depth[task]} and {@code highmem.flush_events} (TLB flushes the last call asked for).
 */
public final class HighmemObservables {
    private HighmemObservables() {
    }

    /** True for the paths under {@code highmem}. */
    public static boolean knows(ObservablePath path) {
        return path.is(0, "highmem");
    }

    /** The value of {@code path}; empty for an unknown name or index. */
    public static OptionalLong observe(Highmem h, ObservablePath path) {
        if (path.length() != 2) {
            return OptionalLong.empty();
        }
        ObservablePath.Segment s = path.at(1);
        Pkmap p = h.pkmap();
        KmapLocal l = h.local();
        if (s.index() == null) {
            return switch (s.name()) {
                case "last_pkmap_nr" -> OptionalLong.of(p.lastPkmapNr());
                case "pkmap_in_use" -> {
                    int n = 0;
                    for (int i = 0; i < Pkmap.LAST_PKMAP; i++) {
                        n += p.pkmapCount(i) != 0 ? 1 : 0;
                    }
                    yield OptionalLong.of(n);
                }
                case "pkmap_flushes" -> OptionalLong.of(p.flushes());
                case "flush_events" -> OptionalLong.of(h.flushEvents().size());
                default -> OptionalLong.empty();
            };
        }
        if (s.name().equals("page_highmem")) {
            return pageHighMem(h, s);
        }
        if (!java.util.Set.of("pkmap_count", "kmap_depth", "kmap_atomic_depth", "current", "task_depth").contains(s.name())) {
            return OptionalLong.empty();
        }
        long i = s.numericIndex();
        return switch (s.name()) {
            case "pkmap_count" -> i >= 0 && i < Pkmap.LAST_PKMAP ? OptionalLong.of(p.pkmapCount((int) i)) : OptionalLong.empty();
            case "kmap_depth" -> i >= 0 && i < l.cpus() ? OptionalLong.of(l.cpuDepth((int) i)) : OptionalLong.empty();
            case "kmap_atomic_depth" -> i >= 0 && i < l.cpus() ? OptionalLong.of(l.atomicDepth(l.current((int) i))) : OptionalLong.empty();
            case "current" -> i >= 0 && i < l.cpus() ? OptionalLong.of(l.current((int) i)) : OptionalLong.empty();
            case "task_depth" -> i >= 0 && i < l.tasks() ? OptionalLong.of(l.taskDepth((int) i)) : OptionalLong.empty();
            default -> OptionalLong.empty();
        };
    }

    /**
     * {@code PageHighMem(page)} of a struct page address (an address, not an array index; decimal
     * or {@code 0x} hex); none for an address that is no struct page of the node's frames.
     */
    private static OptionalLong pageHighMem(Highmem h, ObservablePath.Segment s) {
        long pfn = h.memMap().pageToPfn(s.address());
        return pfn < 0 || pfn >= h.maxPfn() ? OptionalLong.empty() : OptionalLong.of(h.pkmap().pageHighMem(pfn) ? 1 : 0);
    }
}
