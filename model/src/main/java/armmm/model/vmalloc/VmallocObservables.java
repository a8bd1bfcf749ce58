package armmm.model.vmalloc;

import armmm.model.core.ObservablePath;
import java.util.OptionalLong;

/**
 * vmalloc's scenario observables: {@code vmalloc.start}, {@code vmalloc.end} ({@code VMALLOC_START},
 * {@code VMALLOC_END}), {@code vmalloc.lazy_nr} ({@code vmap_lazy_nr}), {@code vmalloc.lazy_max_pages},
 * {@code vmalloc.nr_areas} (busy areas with a vm_struct), {@code vmalloc.free_bytes} (the free tree),
 * {@code vmalloc.purges} (purges run so far) and {@code vmalloc.mapped} (PTEs vmalloc set).
 */
public final class VmallocObservables {
    private VmallocObservables() {
    }

    /** True for the paths under {@code vmalloc}. */
    public static boolean knows(ObservablePath path) {
        return path.is(0, "vmalloc");
    }

    /** The value of {@code path}; empty for an unknown name. */
    public static OptionalLong observe(Vmalloc v, ObservablePath path) {
        if (path.length() != 2) {
            return OptionalLong.empty();
        }
        VmapAreas a = v.areas();
        return switch (path.at(1).name()) {
            case "start" -> OptionalLong.of(v.vmallocStart());
            case "end" -> OptionalLong.of(v.vmallocEnd());
            case "lazy_nr" -> OptionalLong.of(a.vmapLazyNr());
            case "lazy_max_pages" -> OptionalLong.of(a.lazyMaxPages());
            case "nr_areas" -> OptionalLong.of(a.busyAreas().stream().filter(va -> va.vm() != null).count());
            case "free_bytes" -> OptionalLong.of(a.freeBytes());
            case "purges" -> OptionalLong.of(a.purges());
            case "mapped" -> OptionalLong.of(v.mappedPtes());
            default -> OptionalLong.empty();
        };
    }
}
