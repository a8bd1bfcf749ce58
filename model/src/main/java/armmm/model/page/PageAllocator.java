package armmm.model.page;

import static armmm.model.page.MemMap.F_ALLOC;
import static armmm.model.page.MemMap.F_BUDDY;
import static armmm.model.page.MemMap.F_HEAD;
import static armmm.model.page.MemMap.F_LEAKED;
import static armmm.model.page.MemMap.F_PCP;
import static armmm.model.page.MemMap.F_RESERVED;
import static armmm.model.page.MemMap.F_TAIL;

import armmm.model.core.Gfp;
import armmm.model.core.KernelAddr;
import armmm.model.core.Pfn;
import armmm.model.core.Result;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.List;

/**
 * mem_map and the buddy allocator of one node (mm/page_alloc.c, Linux 6.1 as Debian ships it):
 * a page descriptor per frame kept as compact arrays, {@code free_area} lists per zone, per-CPU
 * page lists, {@code __alloc_pages} with its fast and slow passes, and {@code __free_pages}.
 *
 * <p>It starts from plain inputs: the zones boot computed ({@link ZoneConfig}), where mem_map
 * lives ({@link MemMapLayout}) and the number of CPUs. Every frame starts PG_reserved with a
 * reference, as memmap_init and memmap_init_reserved_pages leave it; boot then hands pages over
 * with {@link #memblockFreeRange}, {@link #freeHighpages}, {@link #setupPerCpuPagesets},
 * {@link #activateCmaArea} and {@link #freeReservedArea}, in the kernel's order.
 *
 * <p>Not modelled: reclaim, compaction, OOM, page isolation, memcg charging, page contents. An
 * allocation that would need reclaim returns NULL. Watermark boosting is modelled, with kswapd as
 * far as it takes boosts off ({@link Kswapd}: it never reclaims anything).
 */
public final class PageAllocator {
    /** MAX_ORDER of this build (CONFIG_ARCH_FORCE_MAX_ORDER=12): orders 0..11. */
    public static final int MAX_ORDER = armmm.model.board.BuildConfig.MAX_ORDER;
    /** pageblock_order (= MAX_ORDER - 1 without hugetlb). */
    public static final int PAGEBLOCK_ORDER = MAX_ORDER - 1;
    /** pageblock_nr_pages. */
    public static final int PAGEBLOCK_NR_PAGES = 1 << PAGEBLOCK_ORDER;
    /** PAGE_ALLOC_COSTLY_ORDER. */
    public static final int COSTLY_ORDER = 3;
    /** NR_PCP_LISTS without THP: MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1). */
    public static final int NR_PCP_LISTS = MigrateType.PCPTYPES * (COSTLY_ORDER + 1);

    /** ALLOC_* flags of mm/internal.h (this 6.1 has ALLOC_NON_BLOCK and ALLOC_MIN_RESERVE). */
    static final int ALLOC_WMARK_MIN = 0;
    static final int ALLOC_WMARK_LOW = 1;
    static final int ALLOC_WMARK_MASK = 3;
    static final int ALLOC_NO_WATERMARKS = 0x04;
    static final int ALLOC_OOM = 0x08;
    static final int ALLOC_NON_BLOCK = 0x10;
    static final int ALLOC_MIN_RESERVE = 0x20;
    static final int ALLOC_CPUSET = 0x40;
    static final int ALLOC_CMA = 0x80;
    static final int ALLOC_HIGHATOMIC = 0x200;
    static final int ALLOC_KSWAPD = 0x800;
    static final int ALLOC_RESERVES = ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM;
    /** PG_slab, PG_reserved and PG_head bit numbers (include/linux/page-flags.h). */
    public static final int PG_SLAB = 9;
    public static final int PG_RESERVED = 12;
    public static final int PG_HEAD = 16;

    /** The conversions; boot's, then, once boot is over, the running kernel's ({@link MemMapLayout#running}). */
    private MemMapLayout layout;
    private final int nrCpus;
    private final MemMap m;
    /** {@link #stepRecord}. */
    private Object stepRecord;
    private final FreeLists lists;
    private final MigrateFallback fallback;
    private final PcpLists pcpLists;
    private final Zonelist zonelist;
    private final BadPage badPage;
    private final FreePages freeing;
    private final BootFree boot;
    private final Kswapd kswapd;

    /**
     * The allocator over {@code configs} (any order; empty zones allowed), every frame PG_reserved
     * with refcount 1 and every pageblock MIGRATE_MOVABLE ({@code memmap_init}).
     */
    /** See {@link #mutations()}. */
    private long mutations;

    public PageAllocator(List<ZoneConfig> configs, MemMapLayout layout, int nrCpus) {
        this(configs, layout, nrCpus, armmm.model.core.Bugs.NONE);
    }

    /** The allocator over {@code configs}, running the {@link PageBug}s in {@code bugs}. */
    public PageAllocator(List<ZoneConfig> configs, MemMapLayout layout, int nrCpus, armmm.model.core.Bugs bugs) {
        if (nrCpus < 1) {
            throw new IllegalArgumentException("nr_cpus must be at least 1, found " + nrCpus);
        }
        this.layout = layout;
        this.nrCpus = nrCpus;
        m = new MemMap(configs, nrCpus, bugs);
        lists = new FreeLists(m);
        fallback = new MigrateFallback(m, lists);
        badPage = new BadPage(m, layout);
        pcpLists = new PcpLists(m, lists, fallback, badPage);
        kswapd = new Kswapd(m);
        zonelist = new Zonelist(m, lists, fallback, pcpLists, kswapd, badPage);
        freeing = new FreePages(m, nrCpus, lists, pcpLists, badPage);
        boot = new BootFree(m, lists, freeing);
    }

    // ---------------------------------------------------------------- boot hand-over

    /**
     * {@code __free_pages_memory} for lowmem range [start, end) (mm/memblock.c): the largest
     * naturally aligned blocks, each through {@code __free_pages_core} to the tail of its list.
     */
    public void memblockFreeRange(long startPfn, long endPfn) {
        mutations++;
        boot.memblockFreeRange(startPfn, endPfn);
    }

    /**
     * {@code free_highpages} (arch/arm/mm/init.c): each page of highmem range [start, end) through
     * {@code free_highmem_page}, one at a time; before {@link #setupPerCpuPagesets} the boot
     * pageset (high 0, batch 1) passes each straight to {@code __free_one_page}.
     */
    public void freeHighpages(long startPfn, long endPfn) {
        mutations++;
        boot.freeReservedArea(startPfn, endPfn);
    }

    /**
     * {@code free_reserved_area} over [start, end): {@code free_reserved_page} for each page that
     * is still PG_reserved and in a zone (the others are not the kernel's to give back twice).
     */
    public void freeReservedArea(long startPfn, long endPfn) {
        mutations++;
        boot.freeReservedArea(startPfn, endPfn);
    }

    /** {@code setup_per_cpu_pageset}: from now on frees of orders up to 3 go through the per-CPU lists. */
    public void setupPerCpuPagesets() {
        mutations++;
        pcpLists.setUp();
    }

    /**
     * {@code cma_activate_area} (mm/cma.c) for the CMA area [start, start + count): each pageblock
     * through {@code init_cma_reserved_pageblock} (mm/page_alloc.c) becomes MIGRATE_CMA and is freed
     * as one order-11 block. An area the kernel would have refused when reserving it (not pageblock
     * aligned) stays reserved; one that is not wholly inside one zone "could not be activated" and
     * its pages go to the buddy allocator as ordinary pages.
     */
    public void activateCmaArea(long startPfn, long count) {
        mutations++;
        boot.activateCmaArea(startPfn, count);
    }

    /** Sets the pageblock of {@code pfn} to {@code mt} ({@code set_pageblock_migratetype}), for boot. */
    public void setPageblockMigratetype(long pfn, MigrateType mt) {
        mutations++;
        m.blockMt[m.blockIndex(m.frame(pfn))] = (byte) mt.ordinal();
    }

    // ---------------------------------------------------------------- allocation

    /**
     * {@code alloc_pages(gfp, order)} on {@code cpu}: the struct page pointer, 0 for NULL; refused
     * for masks the kernel BUGs on.
     */
    public Result allocPages(long gfp, int ord, int cpu) {
        mutations++;
        beginStep();
        Result bad = checkGfp(gfp, cpu);
        if (bad != null) {
            return bad;
        }
        long pfn = zonelist.allocPfn(gfp, ord, cpu);
        return Result.of(pfn < 0 ? 0 : layout.pfnToPage(new Pfn(pfn)).value());
    }

    /** {@code __get_free_pages}: clears __GFP_HIGHMEM as 6.1 does and returns the page's address, 0 for NULL. */
    public Result getFreePages(long gfp, int ord, int cpu) {
        mutations++;
        beginStep();
        long g = gfp & ~Gfp.HIGHMEM;
        Result bad = checkGfp(g, cpu);
        if (bad != null) {
            return bad;
        }
        long pfn = zonelist.allocPfn(g, ord, cpu);
        if (pfn >= layout.maxLowPfn()) {
            // without __GFP_HIGHMEM gfp_zone never reaches HighMem; only a planted zone bug gets here
            return Result.refused("page_address of a highmem page");
        }
        return Result.of(pfn < 0 ? 0 : layout.pageAddress(new Pfn(pfn)).value());
    }

    /**
     * {@code alloc_pages} for another subsystem inside a kernel call (slab, page tables,
     * vmalloc): the pfn allocated, or -1 for NULL or a mask the kernel would BUG on.
     */
    public long allocPagesPfn(long gfp, int ord, int cpu) {
        mutations++;
        return checkGfp(gfp, cpu) != null ? -1 : zonelist.allocPfn(gfp, ord, cpu);
    }

    /**
     * {@code alloc_pages} for another subsystem inside a kernel call, typed: the first frame of
     * the block, or null for NULL or a mask the kernel would BUG on. The address types of
     * spec/subsystems.md: a caller turns it into a {@code struct page *}, a linear-map address or
     * a physical address through {@link #layout()}, never by arithmetic of its own.
     */
    public Pfn allocFrames(long gfp, int ord, int cpu) {
        long pfn = allocPagesPfn(gfp, ord, cpu);
        return pfn < 0 ? null : new Pfn(pfn);
    }

    /** {@code __free_pages} of the block at {@code pfn} for another subsystem inside a kernel call, typed. */
    public Result freeFrames(Pfn pfn, int ord, int cpu) {
        return freePagesPfn(pfn.value(), ord, cpu);
    }

    /**
     * {@code __free_pages} by pfn for another subsystem inside a kernel call. Its callers go on
     * whatever it returns, as the kernel's do; a {@code Bad page state} report it prints goes
     * with the result of the kernel call it was made in ({@link #withReports}).
     */
    public Result freePagesPfn(long pfn, int ord, int cpu) {
        mutations++;
        if (!m.hasPfn(pfn)) {
            return Result.refused("pfn 0x" + Long.toHexString(pfn) + " has no struct page");
        }
        Result r = freeing.freePfn(pfn, ord, cpu);
        if (r instanceof Result.Refused refused && refused.report().startsWith("BUG: Bad page state")) {
            m.reports.add(refused.report());
        }
        return r;
    }

    /** The masks {@code __alloc_pages} BUGs on, and an impossible CPU: a refused result, else null. */
    private Result checkGfp(long gfp, int cpu) {
        if (cpu < 0 || cpu >= nrCpus) {
            return Result.refused("cpu " + cpu + " is not possible (nr_cpu_ids " + nrCpus + ")");
        }
        if (GfpZone.gfpZone(gfp) == null) {
            return new Result.Refused("GFP_ZONE_BAD", "kernel BUG at include/linux/gfp.h: gfp_zone("
                    + Gfp.format(gfp) + ")");
        }
        if ((gfp & (Gfp.MOVABLE | Gfp.RECLAIMABLE)) == (Gfp.MOVABLE | Gfp.RECLAIMABLE)) {
            return Result.refused("__GFP_MOVABLE and __GFP_RECLAIMABLE together");
        }
        return null;
    }

    // ---------------------------------------------------------------- freeing

    /**
     * {@code __free_pages(page, order)} on {@code cpu}. A call the kernel would report (a bad page,
     * a refcount underflow) or that frees with another order than allocated is refused and
     * changes nothing, except where the kernel itself drops the reference and leaks the page.
     */
    public Result freePages(long page, int ord, int cpu) {
        mutations++;
        beginStep();
        Pfn pfn = isAddress(page) ? layout.pageToPfn(new KernelAddr(page)) : null;
        if (pfn == null || pfn.value() < m.basePfn || pfn.value() >= m.basePfn + m.nFrames) {
            return Result.refused("not a struct page: 0x" + Long.toHexString(page));
        }
        return freeing.freePfn(pfn.value(), ord, cpu);
    }

    /** {@code free_pages(addr, order)}: a lowmem virtual address; 0 does nothing. */
    public Result freePagesVirt(long addr, int ord, int cpu) {
        mutations++;
        beginStep();
        if (addr == 0) {
            return Result.VOID;
        }
        Pfn typed = isAddress(addr) ? layout.virtToPfn(new KernelAddr(addr)) : null;
        long pfn = typed == null ? -1 : typed.value();
        if (pfn < m.basePfn || pfn >= m.basePfn + m.nFrames) {
            return new Result.Refused("!virt_addr_valid", "kernel BUG at mm/page_alloc.c: VM_BUG_ON(!virt_addr_valid(0x"
                    + Long.toHexString(addr) + "))");
        }
        return freeing.freePfn(pfn, ord, cpu);
    }

    /** True when {@code v}, a caller's value, can be a 32-bit kernel pointer at all. */
    private static boolean isAddress(long v) {
        return v >= 0 && v < 1L << 32;
    }

    /** {@code split_page(page, order)}: a non-compound block becomes 2^order pages of one reference each. */
    public Result splitPage(long page, int ord) {
        mutations++;
        beginStep();
        long pfn = layout.pageToPfn(page);
        if (pfn < m.basePfn || pfn >= m.basePfn + m.nFrames) {
            return Result.refused("not a struct page: 0x" + Long.toHexString(page));
        }
        int f = m.frame(pfn);
        if ((m.flags[f] & (F_HEAD | F_TAIL)) != 0) {
            return badPage.badPage(f, "VM_BUG_ON_PAGE(PageCompound(page))");
        }
        if (m.refcount[f] == 0 || (m.flags[f] & F_ALLOC) == 0) {
            return badPage.badPage(f, "VM_BUG_ON_PAGE(!page_count(page))");
        }
        if (m.order[f] != ord) {
            return new Result.Refused("wrong order", "splitting pfn 0x" + Long.toHexString(pfn) + " with order " + ord
                    + ", allocated with order " + m.order[f]);
        }
        for (int i = 0; i < 1 << ord; i++) {
            m.flags[f + i] |= F_ALLOC;
            m.order[f + i] = 0;
            if (i > 0) {
                m.refcount[f + i] = m.bug(PageBug.PAGE_SPLIT_NO_REFCOUNT) ? 0 : 1;
            }
            m.markDirty(f + i);
        }
        return Result.VOID;
    }

    // ---------------------------------------------------------------- bookkeeping for the checks

    /**
     * Starts a new kernel call: forgets the frames and the allocation the previous one touched.
     * {@code Kernel.apply} calls it before every call, so that pages other subsystems allocate
     * inside one call are all checked after it.
     */
    public void beginStep() {
        m.dirty.begin();
        zonelist.forgetLastAlloc();
        // kswapd, woken during the previous call, gets the CPU before this one
        if (kswapd.woken()) {
            mutations++;
            kswapd.run();
        }
    }

    /** {@code pgdat->kswapd_failures}: kswapd passes that reclaimed nothing (all of them, here). */
    public int kswapdFailures() {
        return kswapd.failures;
    }

    /**
     * The number of frame changes ever recorded (every allocation, free, split, merge and flag
     * change marks its frames): a change signal for checks outside the allocator that read
     * whether a frame is allocated, such as INV-UPT-06's "free in the buddy allocator".
     */
    public long changeCount() {
        return m.dirty.marks();
    }

    /**
     * Calls of this allocator's mutating public methods, and kswapd passes, so far: the change
     * signal of the buddy invariants' per-step check. The allocator's state (zones, lists, frames,
     * vmstat) is package-private, so nothing outside this package changes it but those methods.
     */
    public long mutations() {
        return mutations;
    }

    /**
     * {@link #changeCount()} when {@link #dirtyFrames()} started collecting: a reader that last
     * looked at change count c has every frame changed since in {@link #dirtyFrames()} when this is
     * at most c and {@link #dirtyOverflow()} is false.
     */
    public long changeCountAtStepStart() {
        return m.dirty.marksAtBegin();
    }

    /** Frame indexes (pfn - {@link #basePfn()}) the last call touched, each once, in order. */
    public int[] dirtyFrames() {
        return m.dirty.frames();
    }

    /** True when the last call touched more frames than are tracked: checks must scan everything. */
    public boolean dirtyOverflow() {
        return m.dirty.overflow();
    }

    /**
     * Whether invariant {@code id} must scan every frame now: when the last call touched more
     * frames than are tracked, and once per invariant after boot's hand-over, which touched all.
     */
    public boolean needsFullScan(String id) {
        return m.dirty.needsFullScan(id);
    }

    /** Boot calls this after handing pages over: each invariant then scans every frame once. */
    public void clearDirty() {
        mutations++;
        beginStep();
        m.dirty.startBootScan();
        setHandedOver(true);
    }

    /**
     * {@code refresh_zone_stat_thresholds} (mm/vmstat.c) as {@code init_per_zone_wmark_min} runs it
     * when boot is over, or, with {@code normal} false, the threshold 0 every CPU has before it, which
     * folds every change at once.
     */
    private void statThresholds(boolean normal) {
        for (BuddyZone z : m.zones) {
            // for_each_populated_zone: populated_zone() tests present pages
            if (z != null && z.config.presentPages() > 0) {
                ZoneConfig c = z.config;
                z.vmstat.refreshThresholds(normal ? z.bootManagedPages() : -1, c.min(), c.low(), c.high());
            }
        }
    }

    /** {@code vmstat_update} on {@code cpu}: {@code refresh_cpu_vm_stats} folds its differences in every zone. */
    public Result vmstatUpdate(int cpu) {
        mutations++;
        if (cpu < 0 || cpu >= nrCpus) {
            return Result.refused("cpu " + cpu + " is not possible (nr_cpu_ids " + nrCpus + ")");
        }
        for (BuddyZone z : m.zones) {
            if (z != null && z.config.managedPages() > 0) {
                z.vmstat.fold(cpu);
            }
        }
        return Result.VOID;
    }

    /**
     * {@code drain_local_pages(NULL)} on {@code cpu} ({@code drain_pages}): each populated zone's
     * per-CPU lists of that CPU emptied to the buddy lists, through {@code free_pcppages_bulk}.
     */
    public Result drainLocalPages(int cpu) {
        mutations++;
        if (cpu < 0 || cpu >= nrCpus) {
            return Result.refused("cpu " + cpu + " is not possible (nr_cpu_ids " + nrCpus + ")");
        }
        m.cpu = cpu;
        for (BuddyZone z : m.zones) {
            if (z != null && z.config.managedPages() > 0) {
                pcpLists.drainPagesZone(z, cpu);
            }
        }
        return Result.VOID;
    }

    /** CONFIG_DEBUG_VM of the build this allocator runs ({@code BuildConfig.debugVm}). */
    public boolean debugVm() {
        return m.debugVm;
    }

    /** Sets CONFIG_DEBUG_VM; the buddy subsystem does it once, from the board's build. */
    public void setDebugVm(boolean on) {
        m.debugVm = on;
    }

    /**
     * {@code r}, the result of the kernel call now ending, with the {@code BUG: Bad page state}
     * reports 6.1 printed on its way (at a drain, a per-CPU refill, an allocation's
     * {@code check_new_pages}): a value becomes a value with the kernel's warning, as the call
     * went on; a warning or a refusal keeps its kind and gets the lines after its own words.
     */
    public Result withReports(Result r) {
        if (m.reports.isEmpty()) {
            return r;
        }
        String lines = String.join("; ", m.reports);
        m.reports.clear();
        if (r instanceof Result.Refused refused) {
            return new Result.Refused(refused.reason(), refused.report() + "; " + lines);
        }
        if (r instanceof Result.Warned w) {
            return new Result.Warned(w.value(), w.warning() + "; " + lines, w.origin());
        }
        return Result.warned(r.value(), lines);
    }

    /** Forgets reports a call before the current one left (boot's, or a direct caller's). */
    public void forgetReports() {
        m.reports.clear();
    }

    /** {@code refresh_vm_stats}: {@code vmstat_update} on every CPU. */
    public Result refreshVmStats() {
        for (int cpu = 0; cpu < nrCpus; cpu++) {
            vmstatUpdate(cpu);
        }
        return Result.VOID;
    }

    /**
     * What a check recorded of the current kernel call before it ran, with its result (the INV-CALL
     * checks' {@code check.PageCall}), or null; kept here so that each kernel has its own, and
     * typed by the reader because this package does not know the checks. The buddy subsystem's
     * step hook sets it before every kernel call (null for a call that is not a page call); the
     * allocator's own methods, which also begin a step, leave it alone.
     */
    public <T> T stepRecord(Class<T> type) {
        return type.isInstance(stepRecord) ? type.cast(stepRecord) : null;
    }

    /** Keeps {@code record} for the checks of the current call (see {@link #stepRecord}). */
    public void setStepRecord(Object record) {
        this.stepRecord = record;
    }

    /** The last allocation's trace, or null when the last call was not an allocation. */
    public AllocTrace lastAlloc() {
        return zonelist.lastAlloc();
    }

    // ---------------------------------------------------------------- reading

    /** Where mem_map lives. */
    public MemMapLayout layout() {
        return layout;
    }

    /** The number of possible CPUs. */
    public int nrCpus() {
        return nrCpus;
    }

    /** The first pfn mem_map describes. */
    public long basePfn() {
        return m.basePfn;
    }

    /** The number of frames mem_map describes. */
    public int frameCount() {
        return m.nFrames;
    }

    /**
     * This allocator as the zones see it ({@code struct zone} is one object in 6.1): the managed
     * counts a sysctl write recomputes from, and where its results land.
     */
    public armmm.model.zone.NodeZones.Attached zoneHalf() {
        return new armmm.model.zone.NodeZones.Attached() {
            @Override
            public armmm.model.zone.PerZone managedPages() {
                long[] managed = new long[ZoneType.values().length];
                for (ZoneType t : ZoneType.values()) {
                    BuddyZone z = m.zones[t.ordinal()];
                    managed[t.ordinal()] = z == null ? 0 : z.config.managedPages();
                }
                return armmm.model.zone.PerZone.of(managed);
            }

            @Override
            public void retuned(armmm.model.zone.ZoneSetup now, boolean watermarks) {
                mutations++;
                m.watermarkBoostFactor = now.tuning().watermarkBoostFactor();
                m.watermarkBoostFactors.add(m.watermarkBoostFactor);
                for (ZoneType t : ZoneType.values()) {
                    BuddyZone z = m.zones[t.ordinal()];
                    if (z != null) {
                        z.retune(now.zone(t), watermarks);
                    }
                }
            }
        };
    }

    /** {@code watermark_boost_factor} as {@code boost_watermark} reads it now (vm.watermark_boost_factor). */
    public long watermarkBoostFactor() {
        return m.watermarkBoostFactor;
    }

    /**
     * Every {@code watermark_boost_factor} in force since boot, boot's 15000 first; a write does
     * not take back a boost made under an earlier factor (no 6.1 handler for it).
     */
    public java.util.SortedSet<Long> watermarkBoostFactorsSinceBoot() {
        return java.util.Collections.unmodifiableSortedSet(m.watermarkBoostFactors);
    }

    /** The zone of that type, or null when boot gave none. */
    public BuddyZone zone(ZoneType type) {
        return m.zones[type.ordinal()];
    }

    /** True when {@code pfn} has a page descriptor here. */
    public boolean hasPfn(long pfn) {
        return m.hasPfn(pfn);
    }

    /** {@code page_ref_count}. */
    public int refcount(long pfn) {
        return m.refcount[m.frame(pfn)];
    }

    /** {@code page_mapcount}: {@code _mapcount + 1}, where a PageBuddy page carries the buddy page type. */
    public long mapcount(long pfn) {
        int f = m.frame(pfn);
        return (m.flags[f] & F_BUDDY) != 0 ? 0xffffff80L : 0;
    }

    /** The order a free block, an allocation or a per-CPU page has ({@code page_private} for a free block). */
    public int order(long pfn) {
        return m.order[m.frame(pfn)];
    }

    /** The zone index of {@code pfn}, -1 when no zone spans it. */
    public int zoneIndex(long pfn) {
        return m.zoneOf[m.frame(pfn)];
    }

    /** {@code page->flags}' PG_slab, PG_reserved and PG_head bits, as the kernel numbers them. */
    public long pageFlags(long pfn) {
        return m.pageFlags(pfn);
    }

    /** True when the frame heads a free block on a buddy list (PageBuddy). */
    public boolean isBuddy(long pfn) {
        return (m.flags[m.frame(pfn)] & F_BUDDY) != 0;
    }

    /** True when the frame is on a per-CPU list. */
    public boolean isOnPcp(long pfn) {
        return (m.flags[m.frame(pfn)] & F_PCP) != 0;
    }

    /** True when the frame heads a live (or leaked) allocation. */
    public boolean isAllocated(long pfn) {
        return (m.flags[m.frame(pfn)] & F_ALLOC) != 0;
    }

    /** True when the frame heads an allocation the kernel leaked after reporting its free. */
    public boolean isLeaked(long pfn) {
        return (m.flags[m.frame(pfn)] & F_LEAKED) != 0;
    }

    /**
     * Sets or clears PG_slab on the head page of a slab ({@code __folio_set_slab} in
     * mm/slub.c {@code allocate_slab}, {@code __folio_clear_slab} in {@code __free_slab}): SLUB's
     * one write into a struct page the buddy allocator owns. A frame with PG_slab fails
     * PAGE_FLAGS_CHECK_AT_FREE when freed as a plain page.
     */
    public void setPageSlab(long pfn, boolean on) {
        mutations++;
        int f = m.frame(pfn);
        m.flags[f] = (byte) (on ? m.flags[f] | MemMap.F_SLAB : m.flags[f] & ~MemMap.F_SLAB);
        m.markDirty(f);
    }

    /** True when the frame's own {@code page->flags} has PG_slab (a slab's head page; tails read it through their head). */
    public boolean isPageSlab(long pfn) {
        return (m.flags[m.frame(pfn)] & MemMap.F_SLAB) != 0;
    }

    /** True when the frame has PG_reserved. */
    public boolean isReserved(long pfn) {
        return (m.flags[m.frame(pfn)] & F_RESERVED) != 0;
    }

    /** True when the frame is a compound tail page. */
    public boolean isTail(long pfn) {
        return (m.flags[m.frame(pfn)] & F_TAIL) != 0;
    }

    /**
     * True when a free block sits on the list of its order and migratetype: its neighbours point
     * back at it, or the list's head (tail) is the block itself.
     */
    public boolean isLinkedOnItsList(long pfn) {
        return m.isLinkedOnItsList(pfn);
    }

    /** The migratetype list a free block is on. */
    public MigrateType listMigratetype(long pfn) {
        return MigrateType.of(m.listMt[m.frame(pfn)]);
    }

    /** The pageblock migratetype of {@code pfn} ({@code get_pageblock_migratetype}). */
    public MigrateType pageblockMigratetype(long pfn) {
        return MigrateType.of(m.blockMt[m.blockIndex(m.frame(pfn))]);
    }

    /**
     * The first pfn on {@code free_area[order].free_list[mt]} of a zone ({@code list_first_entry}),
     * -1 when the list is empty; with {@link #nextOnList} a check walks the list itself.
     */
    public long freeListHead(ZoneType type, int ord, MigrateType mt) {
        int f = m.zones[type.ordinal()].head[ord * MigrateType.COUNT + mt.ordinal()];
        return f < 0 ? -1 : m.basePfn + f;
    }

    /** The pfn after {@code pfn} on whatever list it is threaded on ({@code page->lru.next}), -1 at the end. */
    public long nextOnList(long pfn) {
        int n = m.next[m.frame(pfn)];
        return n < 0 ? -1 : m.basePfn + n;
    }

    /** {@code page_group_by_mobility_disabled}: every request is MIGRATE_UNMOVABLE and none may use CMA. */
    public boolean mobilityGroupingDisabled() {
        return m.mobilityDisabled;
    }

    /** Sets {@code page_group_by_mobility_disabled}, as {@code build_all_zonelists} does at boot. */
    public void setMobilityGroupingDisabled(boolean disabled) {
        mutations++;
        m.mobilityDisabled = disabled;
    }

    /**
     * True once boot has handed memory over ({@code mem_init} done): what runs after this is a
     * kernel call, which is where the seeded allocator bugs live, so that boot never trips them.
     */
    public boolean handedOver() {
        return m.handedOver;
    }

    /**
     * Says whether boot is over for the seeded bugs: boot goes on after the hand-over (vmalloc's
     * IRQ stacks, SLUB's caches take pages), so a booting kernel holds them back
     * ({@code false}) until its first kernel call ({@code true}, the buddy subsystem's step hook).
     */
    public void setHandedOver(boolean over) {
        if (over != m.handedOver) {
            // the buddy step hook sets it before every call: only a change is one
            mutations++;
            // boot's own allocations ran before init_per_zone_wmark_min (a postcore initcall)
            statThresholds(over);
            // __pa and page_to_pfn as the calls run them: a layout bug planted there acts from now on
            layout = layout.running(over ? m.bugs : armmm.model.core.Bugs.NONE);
        }
        m.handedOver = over;
    }

    /** The frames of {@code free_area[order].free_list[mt]}, head first. */
    public long[] freeList(ZoneType type, int ord, MigrateType mt) {
        return m.freeList(type, ord, mt);
    }

    /** The pfns on one CPU's list {@code pindex} of a zone, head first. */
    public long[] pcpList(ZoneType type, int cpu, int pindex) {
        return m.pcpList(type, cpu, pindex);
    }

    /** The first pfn on one CPU's list {@code pindex} of a zone, -1 when the list is empty. */
    public long pcpListHead(ZoneType type, int cpu, int pindex) {
        int f = m.zones[type.ordinal()].pcp[cpu].head[pindex];
        return f < 0 ? -1 : m.basePfn + f;
    }

    /** Pages on {@code cpu}'s per-CPU lists over all zones ({@code pcp[cpu].count}). */
    public long pcpCount(int cpu) {
        long n = 0;
        for (BuddyZone z : m.zones) {
            if (z != null) {
                n += z.pcp[cpu].count;
            }
        }
        return n;
    }

    /** Pageblocks of each migratetype whose first page lies in the zone ({@code pagetypeinfo_showblockcount}). */
    public long[] pageblockCounts(ZoneType type) {
        return m.pageblockCounts(type);
    }
}
