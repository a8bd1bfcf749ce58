package armmm.model.boot;

import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.layout.Layout;
import java.util.OptionalLong;

/**
 * The {@code layout.*} scenario observables of a booted kernel (spec/boot.md): the layout's
 * boundaries, boot's pfn limits, and translations such as {@code layout.pa[0xc0001000]}.
 */
public final class BootObservables {
    private BootObservables() {
    }

    /** Reads {@code path} (its first segment is {@code layout}); empty for an unknown name. */
    public static OptionalLong observe(BootedSystem b, ObservablePath path) {
        if (path.length() != 2) {
            return OptionalLong.empty();
        }
        Layout l = b.layout();
        ObservablePath.Segment seg = path.at(1);
        if (seg.index() != null) {
            long arg = seg.address();
            Result r = switch (seg.name()) {
                case "pa" -> l.pa(arg);
                case "va" -> l.va(arg);
                case "pfn_to_page" -> l.pfnToPage(arg);
                case "page_to_pfn" -> l.pageToPfn(arg);
                case "page_address" -> Result.of(l.pageAddress(arg));
                case "virt_addr_valid" -> Result.of(l.virtAddrValid(arg) ? 1 : 0);
                default -> null;
            };
            if (r == null) {
                return OptionalLong.empty();
            }
            if (r instanceof Result.Refused refused) {
                throw new ObservableException(path + ": " + refused.reason());
            }
            return OptionalLong.of(r.value());
        }
        return switch (seg.name()) {
            case "page_offset" -> OptionalLong.of(l.pageOffset());
            case "phys_offset" -> OptionalLong.of(l.physOffset());
            case "lowmem_limit" -> OptionalLong.of(l.lowmemLimit());
            case "high_memory" -> OptionalLong.of(l.highMemory());
            case "vmalloc_start" -> OptionalLong.of(l.vmallocStart());
            case "vmalloc_end" -> OptionalLong.of(l.vmallocEnd());
            case "vmalloc_total" -> OptionalLong.of(l.vmallocTotal());
            case "vmalloc_size" -> OptionalLong.of(l.vmallocSize());
            case "pkmap_base" -> OptionalLong.of(l.pkmapBase());
            case "modules_vaddr" -> OptionalLong.of(l.modulesVaddr());
            case "modules_end" -> OptionalLong.of(l.modulesEnd());
            case "fixaddr_start" -> OptionalLong.of(Layout.FIXADDR_START);
            case "fixaddr_end" -> OptionalLong.of(Layout.FIXADDR_END);
            case "vectors" -> OptionalLong.of(Layout.VECTORS_BASE);
            case "mem_map" -> OptionalLong.of(l.memMap());
            case "min_low_pfn" -> OptionalLong.of(b.minLowPfn());
            case "max_low_pfn" -> OptionalLong.of(b.maxLowPfn());
            case "max_pfn" -> OptionalLong.of(b.maxPfn());
            case "initrd_start" -> OptionalLong.of(b.initrdStart());
            case "initrd_end" -> OptionalLong.of(b.initrdEnd());
            case "cma_total" -> OptionalLong.of(b.cmaTotal());
            default -> OptionalLong.empty();
        };
    }

}
