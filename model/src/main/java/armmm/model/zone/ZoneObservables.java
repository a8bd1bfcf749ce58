package armmm.model.zone;

import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import java.util.OptionalLong;

/**
 * The zone scenario observables of a booted kernel (spec/zones.md): {@code zone[HighMem].managed},
 * {@code zone[DMA].protection[2]}, {@code zone[DMA].pcp_high}, ..., the sysctls
 * {@code vm.min_free_kbytes}, {@code vm.watermark_scale_factor}, {@code vm.lowmem_reserve_ratio[i]},
 * {@code vm.percpu_pagelist_high_fraction}, {@code vm.watermark_boost_factor} (as the last write left them),
 * and the totals {@code mm.totalram_pages}, {@code mm.totalhigh_pages}, {@code mm.totalcma_pages}.
 * Unknown names read as empty, so that the buddy allocator can answer {@code zone[X].free_area[..]}.
 */
public final class ZoneObservables {
    private ZoneObservables() {
    }

    /** Reads {@code path}; empty when it is not a zone observable. */
    public static OptionalLong observe(ZoneSetup s, ObservablePath path) {
        if (path.length() == 2 && path.at(0).index() == null && (path.is(0, "vm") || path.is(0, "mm"))) {
            ObservablePath.Segment f = path.at(1);
            if (path.is(0, "vm") && "lowmem_reserve_ratio".equals(f.name()) && f.index() != null) {
                int[] ratio = s.tuning().lowmemReserveRatio();
                long i = f.numericIndex();
                if (i < 0 || i >= ratio.length) {
                    throw new ObservableException(path + ": lowmem_reserve_ratio has " + ratio.length + " entries");
                }
                return OptionalLong.of(ratio[(int) i]);
            }
            if (f.index() != null) {
                return OptionalLong.empty();
            }
            String name = path.at(0).name() + "." + f.name();
            return switch (name) {
                case "vm.min_free_kbytes" -> OptionalLong.of(s.minFreeKbytes());
                case "vm.watermark_scale_factor" -> OptionalLong.of(s.tuning().watermarkScaleFactor());
                case "vm.percpu_pagelist_high_fraction" -> OptionalLong.of(s.tuning().percpuPagelistHighFraction());
                case "vm.watermark_boost_factor" -> OptionalLong.of(s.tuning().watermarkBoostFactor());
                case "mm.totalram_pages" -> OptionalLong.of(s.totalramPages());
                case "mm.totalhigh_pages" -> OptionalLong.of(s.totalhighPages());
                case "mm.totalcma_pages" -> OptionalLong.of(s.managed().totalCmaPages());
                default -> OptionalLong.empty();
            };
        }
        if (!path.is(0, "zone") || path.length() != 2 || path.at(0).index() == null) {
            return OptionalLong.empty();
        }
        ZoneType t = ZoneType.byKernelName(path.at(0).index().trim());
        if (t == null) {
            throw new ObservableException(path + ": no zone named " + path.at(0).index()
                    + ", expected DMA, Normal, HighMem or Movable");
        }
        ZoneConfig z = s.zone(t);
        ObservablePath.Segment field = path.at(1);
        if ("protection".equals(field.name()) && field.index() != null) {
            long j = field.numericIndex();
            long[] prot = z.lowmemReserve();
            if (j < 0 || j >= prot.length) {
                throw new ObservableException(path + ": protection has " + prot.length + " entries, found index " + j);
            }
            return OptionalLong.of(prot[(int) j]);
        }
        if (field.index() != null) {
            return OptionalLong.empty();
        }
        return switch (field.name()) {
            case "start_pfn" -> OptionalLong.of(z.startPfn());
            case "spanned" -> OptionalLong.of(z.spannedPages());
            case "present" -> OptionalLong.of(z.presentPages());
            case "managed" -> OptionalLong.of(z.managedPages());
            case "min" -> OptionalLong.of(z.min());
            case "low" -> OptionalLong.of(z.low());
            case "high" -> OptionalLong.of(z.high());
            case "cma" -> OptionalLong.of(s.cmaPages(t));
            case "pcp_high" -> OptionalLong.of(z.pcpHigh());
            case "pcp_batch" -> OptionalLong.of(z.pcpBatch());
            default -> OptionalLong.empty();
        };
    }
}
