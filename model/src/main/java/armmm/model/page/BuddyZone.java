package armmm.model.page;

import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;

/**
 * The buddy allocator's part of one {@code struct zone} (include/linux/mmzone.h): its
 * {@code free_area[MAX_ORDER]} with one list per migratetype, the free-page counters and the
 * per-CPU page lists. Lists are threaded through {@link MemMap}'s frame arrays by frame
 * index (-1 ends a list), as the kernel threads them through {@code page->buddy_list}.
 */
public final class BuddyZone {
    /** The zone's sizes and limits; a sysctl write or a managed page adjustment replaces it ({@link #retune}). */
    ZoneConfig config;
    /**
     * The managed pages boot left, which {@code refresh_zone_stat_thresholds} read at
     * {@code init_per_zone_wmark_min}; no later call refreshes the thresholds (only CPU hotplug would).
     */
    private final long bootManaged;
    final ZoneType type;
    /** First frame index of each free list, {@code [order * MIGRATE_TYPES + mt]}. */
    final int[] head = new int[PageAllocator.MAX_ORDER * MigrateType.COUNT];
    final int[] tail = new int[PageAllocator.MAX_ORDER * MigrateType.COUNT];
    /** {@code free_area[order].nr_free}, kept by the kernel-like code path. */
    final long[] nrFree = new long[PageAllocator.MAX_ORDER];
    /** Bookkeeping kept by the list primitives only, to check {@code nr_free} against. */
    final long[] listLen = new long[PageAllocator.MAX_ORDER * MigrateType.COUNT];
    /**
     * Per migratetype, bit {@code o} set while {@link #listLen}{@code [o][mt]} is above 0: the
     * highest non-empty order an allocation's trace records, read without scanning every list.
     */
    final int[] nonEmptyOrders = new int[MigrateType.COUNT];
    /** Pages on the buddy lists, from the list primitives. */
    long listPages;
    /** The exact number of free pages ({@code NR_FREE_PAGES} with every CPU's difference folded in). */
    long freePages;
    /** {@code vm_stat[NR_FREE_PAGES]} and {@code vm_stat[NR_FREE_CMA_PAGES]} with the per-CPU differences: what the kernel reads. */
    final ZoneVmstat vmstat;
    private final MemMap m;
    /** {@code NR_FREE_CMA_PAGES}. */
    long freeCma;
    /** Pages in live (or leaked) allocations. */
    long allocatedPages;
    /** Frames with PG_reserved (reserved, no-map, holes). */
    long reservedPages;
    /** Pages on this zone's per-CPU lists, from the pcp list primitives. */
    long pcpListPages;
    /** {@code nr_reserved_highatomic}. */
    long nrReservedHighatomic;
    /** {@code watermark_boost}: added to every watermark ({@code wmark_pages}) until kswapd takes it off. */
    long watermarkBoost;
    /** {@code ZONE_BOOSTED_WATERMARK}: a boost kswapd must be woken for at the end of {@code rmqueue}. */
    boolean boostedWatermark;
    /** Per-CPU pagesets, one per possible CPU. */
    final PerCpuPages[] pcp;

    /** The seeded bugs planted in this kernel's page allocator. */
    final armmm.model.core.Bugs bugs;

    BuddyZone(ZoneConfig config, int nrCpus, armmm.model.core.Bugs bugs, MemMap m) {
        this.config = config;
        this.bootManaged = config.managedPages();
        this.vmstat = new ZoneVmstat(nrCpus, m);
        this.m = m;
        this.bugs = bugs;
        this.type = config.type();
        java.util.Arrays.fill(head, -1);
        java.util.Arrays.fill(tail, -1);
        pcp = new PerCpuPages[nrCpus];
        for (int c = 0; c < nrCpus; c++) {
            pcp[c] = new PerCpuPages(config.pcpHigh(), config.pcpBatch());
        }
    }

    /**
     * Takes the zone's recomputed limits: {@code __setup_per_zone_wmarks} (which also sets
     * {@code watermark_boost} to 0 when {@code watermarks}), {@code setup_per_zone_lowmem_reserve},
     * and {@code pageset_update} of every CPU's pageset. Pages above a lowered {@code high} stay
     * on the lists until the next free drains them, as in 6.1.
     */
    void retune(ZoneConfig now, boolean watermarks) {
        config = now;
        if (watermarks) {
            watermarkBoost = 0;
        }
        for (PerCpuPages p : pcp) {
            p.high = now.pcpHigh();
            p.batch = now.pcpBatch();
            // the pageset's last operation is now this update, not a free that should have drained
            p.lastWasFree = false;
        }
    }

    /**
     * {@code __mod_zone_page_state} of NR_FREE_PAGES (and NR_FREE_CMA_PAGES when {@code cma}) by
     * {@code n} on the CPU the call runs on; {@link #freePages} and {@link #freeCma} stay exact.
     */
    void modFree(long n, boolean cma) {
        freePages += n;
        vmstat.mod(m.cpu, ZoneVmstat.NR_FREE_PAGES, n);
        if (cma) {
            modCma(n);
        }
    }

    /** {@code __mod_zone_page_state(zone, NR_FREE_CMA_PAGES, n)} alone, as {@code rmqueue_bulk} does per page. */
    void modCma(long n) {
        freeCma += n;
        vmstat.mod(m.cpu, ZoneVmstat.NR_FREE_CMA_PAGES, n);
    }

    /** The zone's vmstat counters: {@code zone_page_state} lags {@link #freePages()} by the per-CPU differences. */
    public ZoneVmstat vmstat() {
        return vmstat;
    }

    /** The managed pages boot left: what the vmstat thresholds were computed from. */
    public long bootManagedPages() {
        return bootManaged;
    }

    /** The zone's sizes and limits now. */
    public ZoneConfig config() {
        return config;
    }

    /** {@code free_area[order].nr_free}. */
    public long nrFree(int order) {
        return nrFree[order];
    }

    /** Blocks on all lists of {@code order}, as the list primitives counted them. */
    public long listLenOfOrder(int order) {
        long n = 0;
        for (int mt = 0; mt < MigrateType.COUNT; mt++) {
            n += listLen[order * MigrateType.COUNT + mt];
        }
        return n;
    }

    /** Number of blocks on {@code free_area[order].free_list[mt]}. */
    public long freeListCount(int order, MigrateType mt) {
        return listLen[order * MigrateType.COUNT + mt.ordinal()];
    }

    /** {@code NR_FREE_PAGES}: pages on the buddy lists (not on per-CPU lists). */
    public long freePages() {
        return freePages;
    }

    /** {@code NR_FREE_CMA_PAGES}. */
    public long freeCmaPages() {
        return freeCma;
    }

    /** Pages held by live allocations (and by leaked ones). */
    public long allocatedPages() {
        return allocatedPages;
    }

    /** Frames marked PG_reserved. */
    public long reservedPages() {
        return reservedPages;
    }

    /** Pages on the buddy lists as the list primitives counted them. */
    public long listPages() {
        return listPages;
    }

    /** Pages on all CPUs' per-CPU lists of this zone, as the pcp list primitives counted them. */
    public long pcpListPages() {
        return pcpListPages;
    }

    /** The per-CPU pageset of {@code cpu}. */
    public PerCpuPages pcp(int cpu) {
        return pcp[cpu];
    }

    /** {@code nr_reserved_highatomic}. */
    public long watermarkBoost() {
        return watermarkBoost;
    }

    /** {@code nr_reserved_highatomic}. */
    public long nrReservedHighatomic() {
        return nrReservedHighatomic;
    }
}
