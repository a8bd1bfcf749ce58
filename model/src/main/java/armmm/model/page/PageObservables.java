package armmm.model.page;

import armmm.model.core.ObservableException;
import armmm.model.core.ObservablePath;
import armmm.model.zone.ZoneType;
import java.util.OptionalLong;

/**
 * The scenario observables of the page allocator's run-time state: {@code zone[DMA].nr_free},
 * {@code zone[HighMem].free_area[3].nr_free}, {@code zone[DMA].free_area[3].free_list[Movable].count},
 * {@code zone[DMA].nr_free_cma} (the zone's geometry and watermarks are the zone setup's),
 * {@code zone[DMA].pcp[0].count|high|batch|vm_stat_diff}, the vmstat counters
 * {@code zone[DMA].zone_page_state} (NR_FREE_PAGES as {@code zone_page_state} reads it, lagging
 * {@code nr_free} by the per-CPU differences), {@code zone[DMA].zone_page_state_cma},
 * {@code zone[DMA].stat_threshold} and {@code zone[DMA].percpu_drift_mark},
 * {@code page[P].refcount|mapcount|pfn|order|zone|flags}
 * (P a struct page pointer) and {@code pcp[0].count} (that CPU's pages over all zones).
 */
public final class PageObservables {
    private PageObservables() {
    }

    /** True when the path names something of the page allocator. */
    public static boolean knows(ObservablePath path) {
        return path.is(0, "zone") || path.is(0, "page") || path.is(0, "pcp");
    }

    /** Reads the observable; throws {@link ObservableException} for an index that does not resolve. */
    public static OptionalLong observe(PageAllocator pa, ObservablePath path) {
        if (path.is(0, "pcp") && path.length() == 2 && path.is(1, "count")) {
            return OptionalLong.of(pa.pcpCount(cpu(pa, path.at(0))));
        }
        if (path.is(0, "page") && path.length() == 2) {
            return page(pa, path);
        }
        if (path.is(0, "zone") && path.length() >= 2) {
            return zone(pa, path);
        }
        return OptionalLong.empty();
    }

    private static OptionalLong page(PageAllocator pa, ObservablePath path) {
        long ptr = path.at(0).address();
        long pfn = pa.layout().pageToPfn(ptr);
        if (pfn < 0 || !pa.hasPfn(pfn)) {
            throw new ObservableException("page[" + path.at(0).index() + "]: not a struct page of mem_map");
        }
        switch (path.at(1).name()) {
            case "refcount":
                return OptionalLong.of(pa.refcount(pfn));
            case "mapcount":
                return OptionalLong.of(pa.mapcount(pfn));
            case "pfn":
                return OptionalLong.of(pfn);
            case "order":
                return OptionalLong.of(pa.order(pfn));
            case "zone":
                return OptionalLong.of(pa.zoneIndex(pfn));
            case "flags":
                return OptionalLong.of(pa.pageFlags(pfn));
            default:
                return OptionalLong.empty();
        }
    }

    private static OptionalLong zone(PageAllocator pa, ObservablePath path) {
        String zname = path.at(0).index();
        ZoneType type = zname == null ? null : ZoneType.byKernelName(zname);
        if (type == null) {
            throw new ObservableException("zone[" + zname + "]: expected DMA, Normal, HighMem or Movable");
        }
        BuddyZone z = pa.zone(type);
        if (z == null) {
            throw new ObservableException("zone[" + zname + "]: boot gave no such zone");
        }
        ObservablePath.Segment s = path.at(1);
        if (path.length() == 2) {
            switch (s.name()) {
                case "nr_free":
                case "nr_free_pages":
                    return OptionalLong.of(z.freePages());
                case "nr_free_cma":
                    return OptionalLong.of(z.freeCmaPages());
                case "boost":
                    return OptionalLong.of(z.watermarkBoost());
                case "zone_page_state":
                    return OptionalLong.of(z.vmstat().read(ZoneVmstat.NR_FREE_PAGES));
                case "zone_page_state_cma":
                    return OptionalLong.of(z.vmstat().read(ZoneVmstat.NR_FREE_CMA_PAGES));
                case "stat_threshold":
                    return OptionalLong.of(z.vmstat().threshold());
                case "percpu_drift_mark":
                    return OptionalLong.of(z.vmstat().percpuDriftMark());
                default:
                    return OptionalLong.empty();
            }
        }
        if (s.name().equals("free_area")) {
            int order = (int) s.address();
            if (order < 0 || order >= PageAllocator.MAX_ORDER) {
                throw new ObservableException("free_area[" + order + "]: orders are 0.." + (PageAllocator.MAX_ORDER - 1));
            }
            if (path.length() == 3 && path.is(2, "nr_free")) {
                return OptionalLong.of(z.nrFree(order));
            }
            if (path.length() == 4 && path.is(2, "free_list") && path.is(3, "count")) {
                MigrateType mt = MigrateType.byKernelName(path.at(2).index());
                if (mt == null) {
                    throw new ObservableException("free_list[" + path.at(2).index() + "]: expected a migratetype name such as Movable");
                }
                return OptionalLong.of(z.freeListCount(order, mt));
            }
        }
        if (s.name().equals("pcp") && path.length() == 3) {
            int cpu = cpu(pa, s);
            PerCpuPages pcp = z.pcp(cpu);
            switch (path.at(2).name()) {
                case "vm_stat_diff":
                    return OptionalLong.of(z.vmstat().diff(cpu, ZoneVmstat.NR_FREE_PAGES));
                case "count":
                    return OptionalLong.of(pcp.count());
                case "high":
                    return OptionalLong.of(pcp.high());
                case "batch":
                    return OptionalLong.of(pcp.batch());
                default:
                    return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }

    private static int cpu(PageAllocator pa, ObservablePath.Segment s) {
        long c = s.address();
        if (c < 0 || c >= pa.nrCpus()) {
            throw new ObservableException(s.name() + "[" + c + "]: CPUs are 0.." + (pa.nrCpus() - 1));
        }
        return (int) c;
    }
}
