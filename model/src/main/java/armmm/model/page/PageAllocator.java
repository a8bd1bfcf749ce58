package armmm.model.page;

import armmm.model.check.SeededBug;
import armmm.model.kernel.Result;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.Arrays;
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
 * <p>Not modelled: reclaim, compaction, kswapd, OOM, watermark boosting, page isolation,
 * memcg charging, page contents. An allocation that would need reclaim returns NULL.
 */
public final class PageAllocator {
    /** MAX_ORDER of this build (CONFIG_ARCH_FORCE_MAX_ORDER=12): orders 0..11. */
    public static final int MAX_ORDER = 12;
    /** pageblock_order (= MAX_ORDER - 1 without hugetlb). */
    public static final int PAGEBLOCK_ORDER = 11;
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

    /** Model page-state bits (byte per frame); {@link #pageFlags} maps them to PG_* bits. */
    static final int F_RESERVED = 1;
    static final int F_BUDDY = 2;
    static final int F_HEAD = 4;
    static final int F_TAIL = 8;
    static final int F_PCP = 16;
    static final int F_ALLOC = 32;
    /** An allocation whose free the kernel reported: its reference is gone and the pages leak. */
    static final int F_LEAKED = 64;

    /** PG_slab, PG_reserved and PG_head bit numbers (include/linux/page-flags.h). */
    public static final int PG_SLAB = 9;
    public static final int PG_RESERVED = 12;
    public static final int PG_HEAD = 16;

    private static final int[][] FALLBACKS = {
        {MigrateType.RECLAIMABLE.ordinal(), MigrateType.MOVABLE.ordinal()},
        {MigrateType.RECLAIMABLE.ordinal(), MigrateType.UNMOVABLE.ordinal()},
        {MigrateType.UNMOVABLE.ordinal(), MigrateType.MOVABLE.ordinal()},
    };
    private static final int MT_MOVABLE = MigrateType.MOVABLE.ordinal();
    private static final int MT_HIGHATOMIC = MigrateType.HIGHATOMIC.ordinal();
    private static final int MT_CMA = MigrateType.CMA.ordinal();
    private static final int MT_ISOLATE = MigrateType.ISOLATE.ordinal();
    private static final int NZONES = ZoneType.values().length;
    private static final int DIRTY_CAP = 1 << 14;

    private final MemMapLayout layout;
    private final int nrCpus;
    final long basePfn;
    final int nFrames;
    final int[] refcount;
    final byte[] flags;
    /** Buddy order (free), allocation order (allocated head), compound order (tail), pcp order. */
    final byte[] order;
    final byte[] zoneOf;
    /** {@code page->index} as set_pcppage_migratetype uses it. */
    final byte[] pcpMt;
    /** The migratetype list a free block is on. */
    final byte[] listMt;
    final int[] next;
    final int[] prev;
    final byte[] blockMt;
    final long blockBase;
    final BuddyZone[] zones = new BuddyZone[NZONES];
    private boolean pcpReady;

    private int[] dirty = new int[256];
    private int nDirty;
    private boolean dirtyOverflow;
    /** Invariants that have scanned every frame since boot's hand-over. */
    private final java.util.Set<String> scannedSinceBoot = new java.util.HashSet<>();
    private boolean bootScanPending;
    private AllocTrace lastAlloc;

    /**
     * The allocator over {@code configs} (any order; empty zones allowed), every frame PG_reserved
     * with refcount 1 and every pageblock MIGRATE_MOVABLE ({@code memmap_init}).
     */
    public PageAllocator(List<ZoneConfig> configs, MemMapLayout layout, int nrCpus) {
        if (nrCpus < 1) {
            throw new IllegalArgumentException("nr_cpus must be at least 1, found " + nrCpus);
        }
        this.layout = layout;
        this.nrCpus = nrCpus;
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (ZoneConfig c : configs) {
            if (zones[c.type().ordinal()] != null) {
                throw new IllegalArgumentException("zone " + c.type() + " given twice");
            }
            zones[c.type().ordinal()] = new BuddyZone(c, nrCpus);
            if (!c.isEmpty()) {
                lo = Math.min(lo, c.startPfn());
                hi = Math.max(hi, c.endPfn());
            }
        }
        if (lo == Long.MAX_VALUE) {
            lo = 0;
            hi = 0;
        }
        basePfn = lo;
        nFrames = Math.toIntExact(hi - lo);
        refcount = new int[nFrames];
        flags = new byte[nFrames];
        order = new byte[nFrames];
        zoneOf = new byte[nFrames];
        pcpMt = new byte[nFrames];
        listMt = new byte[nFrames];
        next = new int[nFrames];
        prev = new int[nFrames];
        blockBase = lo >>> PAGEBLOCK_ORDER;
        blockMt = new byte[(int) (((hi + PAGEBLOCK_NR_PAGES - 1) >>> PAGEBLOCK_ORDER) - blockBase)];
        Arrays.fill(blockMt, (byte) MT_MOVABLE);
        Arrays.fill(zoneOf, (byte) -1);
        Arrays.fill(refcount, 1);
        Arrays.fill(flags, (byte) F_RESERVED);
        for (BuddyZone z : zones) {
            if (z != null && !z.config.isEmpty()) {
                Arrays.fill(zoneOf, (int) (z.config.startPfn() - lo), (int) (z.config.endPfn() - lo), (byte) z.type.ordinal());
                z.reservedPages = z.config.spannedPages();
            }
        }
    }

    // ---------------------------------------------------------------- boot hand-over

    /**
     * {@code __free_pages_memory} for lowmem range [start, end) (mm/memblock.c): the largest
     * naturally aligned blocks, each through {@code __free_pages_core} to the tail of its list.
     */
    public void memblockFreeRange(long startPfn, long endPfn) {
        long start = Math.max(startPfn, basePfn);
        endPfn = Math.min(endPfn, basePfn + nFrames);
        while (start < endPfn) {
            int o = start == 0 ? MAX_ORDER - 1 : Math.min(MAX_ORDER - 1, Long.numberOfTrailingZeros(start));
            while (start + (1L << o) > endPfn) {
                o--;
            }
            freePagesCore(start, o);
            start += 1L << o;
        }
    }

    /** {@code __free_pages_core}: clears PG_reserved and the references, frees to the list tail. */
    private void freePagesCore(long pfn, int o) {
        int f = frame(pfn);
        BuddyZone z = zoneOfFrame(f);
        for (int i = 0; i < (1 << o); i++) {
            clearReserved(z, f + i);
            refcount[f + i] = 0;
        }
        freeOnePage(z, f, o, blockMt(f), true);
    }

    /**
     * {@code free_highpages} (arch/arm/mm/init.c): each page of highmem range [start, end) through
     * {@code free_highmem_page}, one at a time; before {@link #setupPerCpuPagesets} the boot
     * pageset (high 0, batch 1) passes each straight to {@code __free_one_page}.
     */
    public void freeHighpages(long startPfn, long endPfn) {
        freeReservedArea(startPfn, endPfn);
    }

    /**
     * {@code free_reserved_area} over [start, end): {@code free_reserved_page} for each page that
     * is still PG_reserved and in a zone (the others are not the kernel's to give back twice).
     */
    public void freeReservedArea(long startPfn, long endPfn) {
        for (long pfn = Math.max(startPfn, basePfn); pfn < Math.min(endPfn, basePfn + nFrames); pfn++) {
            int f = frame(pfn);
            if (zoneOf[f] >= 0 && (flags[f] & F_RESERVED) != 0) {
                freeReservedPage(pfn);
            }
        }
    }

    /** {@code free_reserved_page}: ClearPageReserved, init_page_count, {@code __free_page}. */
    private void freeReservedPage(long pfn) {
        int f = frame(pfn);
        BuddyZone z = zoneOfFrame(f);
        if ((flags[f] & F_RESERVED) == 0) {
            throw new IllegalStateException("pfn 0x" + Long.toHexString(pfn) + " is not reserved");
        }
        clearReserved(z, f);
        // init_page_count: the page is an order-0 allocation with one reference, then __free_page
        flags[f] |= F_ALLOC;
        order[f] = 0;
        z.allocatedPages++;
        refcount[f] = 1;
        freePagesInternal(f, 0, 0);
    }

    /** {@code setup_per_cpu_pageset}: from now on frees of orders up to 3 go through the per-CPU lists. */
    public void setupPerCpuPagesets() {
        pcpReady = true;
    }

    /**
     * {@code cma_activate_area} (mm/cma.c) for the CMA area [start, start + count): each pageblock
     * through {@code init_cma_reserved_pageblock} (mm/page_alloc.c) becomes MIGRATE_CMA and is freed
     * as one order-11 block. An area the kernel would have refused when reserving it (not pageblock
     * aligned) stays reserved; one that is not wholly inside one zone "could not be activated" and
     * its pages go to the buddy allocator as ordinary pages.
     */
    public void activateCmaArea(long startPfn, long count) {
        if (count <= 0 || (startPfn & (PAGEBLOCK_NR_PAGES - 1)) != 0 || (count & (PAGEBLOCK_NR_PAGES - 1)) != 0) {
            return;
        }
        if (!hasPfn(startPfn) || !hasPfn(startPfn + count - 1) || zoneOf[frame(startPfn)] < 0) {
            freeReservedArea(startPfn, startPfn + count);
            return;
        }
        int zi = zoneOf[frame(startPfn)];
        for (long pfn = startPfn; pfn < startPfn + count; pfn++) {
            if (zoneOf[frame(pfn)] != zi) {
                freeReservedArea(startPfn, startPfn + count);
                return;
            }
        }
        for (long pfn = startPfn; pfn < startPfn + count; pfn += PAGEBLOCK_NR_PAGES) {
            int f = frame(pfn);
            BuddyZone z = zoneOfFrame(f);
            for (int i = 0; i < PAGEBLOCK_NR_PAGES; i++) {
                clearReserved(z, f + i);
                refcount[f + i] = 0;
            }
            blockMt[blockIndex(f)] = (byte) MT_CMA;
            flags[f] |= F_ALLOC;
            order[f] = PAGEBLOCK_ORDER;
            z.allocatedPages += PAGEBLOCK_NR_PAGES;
            refcount[f] = 1;
            freePagesInternal(f, PAGEBLOCK_ORDER, 0);
        }
    }

    /** Sets the pageblock of {@code pfn} to {@code mt} ({@code set_pageblock_migratetype}), for boot. */
    public void setPageblockMigratetype(long pfn, MigrateType mt) {
        blockMt[blockIndex(frame(pfn))] = (byte) mt.ordinal();
    }

    private void clearReserved(BuddyZone z, int f) {
        if ((flags[f] & F_RESERVED) != 0) {
            flags[f] &= ~F_RESERVED;
            z.reservedPages--;
        }
    }

    // ---------------------------------------------------------------- allocation

    /**
     * {@code alloc_pages(gfp, order)} on {@code cpu}: the struct page pointer, 0 for NULL; refused
     * for masks the kernel BUGs on.
     */
    public Result allocPages(long gfp, int ord, int cpu) {
        beginStep();
        Result bad = checkGfp(gfp, cpu);
        if (bad != null) {
            return bad;
        }
        long pfn = allocPfn(gfp, ord, cpu);
        return Result.of(pfn < 0 ? 0 : layout.pfnToPage(pfn));
    }

    /** {@code __get_free_pages}: clears __GFP_HIGHMEM as 6.1 does and returns the page's address, 0 for NULL. */
    public Result getFreePages(long gfp, int ord, int cpu) {
        beginStep();
        long g = gfp & ~Gfp.HIGHMEM;
        Result bad = checkGfp(g, cpu);
        if (bad != null) {
            return bad;
        }
        long pfn = allocPfn(g, ord, cpu);
        if (pfn >= layout.maxLowPfn()) {
            // without __GFP_HIGHMEM gfp_zone never reaches HighMem; only a planted zone bug gets here
            return Result.refused("page_address of a highmem page");
        }
        return Result.of(pfn < 0 ? 0 : layout.pageAddress(pfn));
    }

    /**
     * {@code alloc_pages} for another subsystem inside a kernel call (slab, page tables,
     * vmalloc): the pfn allocated, or -1 for NULL or a mask the kernel would BUG on.
     */
    public long allocPagesPfn(long gfp, int ord, int cpu) {
        return checkGfp(gfp, cpu) != null ? -1 : allocPfn(gfp, ord, cpu);
    }

    /** {@code __free_pages} by pfn for another subsystem inside a kernel call. */
    public Result freePagesPfn(long pfn, int ord, int cpu) {
        if (!hasPfn(pfn)) {
            return Result.refused("pfn 0x" + Long.toHexString(pfn) + " has no struct page");
        }
        return freePfn(pfn, ord, cpu);
    }

    private Result checkGfp(long gfp, int cpu) {
        if (cpu < 0 || cpu >= nrCpus) {
            return Result.refused("cpu " + cpu + " is not possible (nr_cpu_ids " + nrCpus + ")");
        }
        if (Gfp.gfpZone(gfp) == null) {
            return new Result.Refused("GFP_ZONE_BAD", "kernel BUG at include/linux/gfp.h: gfp_zone("
                    + Gfp.format(gfp) + ")");
        }
        if ((gfp & (Gfp.MOVABLE | Gfp.RECLAIMABLE)) == (Gfp.MOVABLE | Gfp.RECLAIMABLE)) {
            return Result.refused("__GFP_MOVABLE and __GFP_RECLAIMABLE together");
        }
        return null;
    }

    /** {@code __alloc_pages}: the pfn allocated, or -1 for NULL. */
    long allocPfn(long gfp, int ord, int cpu) {
        if (ord < 0 || ord >= MAX_ORDER) {
            return -1;
        }
        int highest = allocZoneIdx(gfp);
        int mt = Gfp.gfpMigratetype(gfp).ordinal();
        int cma = mt == MT_MOVABLE ? ALLOC_CMA : 0;
        AllocTrace trace = new AllocTrace(gfp, ord, highest, snapshot(ord, cpu, mt));
        lastAlloc = trace;
        int fast = ALLOC_WMARK_LOW | (int) (gfp & Gfp.KSWAPD_RECLAIM) | cma;
        long pfn = getPageFromFreelist(gfp, ord, fast, highest, mt, cpu);
        int used = fast;
        if (pfn < 0) {
            int slow = gfpToAllocFlags(gfp, ord);
            if ((gfp & Gfp.MEMALLOC) != 0 && (gfp & Gfp.NOMEMALLOC) == 0) {
                slow = (ALLOC_NO_WATERMARKS | cma) | (slow & ALLOC_KSWAPD);
            }
            used = slow;
            pfn = getPageFromFreelist(gfp, ord, slow, highest, mt, cpu);
        }
        trace.done(pfn, pfn < 0 ? -1 : zoneOf[frame(pfn)], used);
        return pfn;
    }

    private int allocZoneIdx(long gfp) {
        int z = Gfp.gfpZone(gfp).ordinal();
        if (SeededBug.GFP_KERNEL_FROM_HIGHMEM.isActive() && z == ZoneType.NORMAL.ordinal()) {
            return ZoneType.HIGHMEM.ordinal();
        }
        return z;
    }

    /** {@code gfp_to_alloc_flags} (mm/page_alloc.c). */
    static int gfpToAllocFlags(long gfp, int ord) {
        int f = ALLOC_WMARK_MIN | ALLOC_CPUSET;
        f |= (int) (gfp & (Gfp.HIGH | Gfp.KSWAPD_RECLAIM));
        if ((gfp & Gfp.DIRECT_RECLAIM) == 0) {
            if ((gfp & Gfp.NOMEMALLOC) == 0) {
                f |= ALLOC_NON_BLOCK;
                if (ord > 0 && (f & ALLOC_MIN_RESERVE) != 0) {
                    f |= ALLOC_HIGHATOMIC;
                }
            }
            if ((f & ALLOC_MIN_RESERVE) != 0) {
                f &= ~ALLOC_CPUSET;
            }
        }
        if (Gfp.gfpMigratetype(gfp) == MigrateType.MOVABLE) {
            f |= ALLOC_CMA;
        }
        return f;
    }

    /** The zonelist walk order: highest zone downwards, populated zones only ({@code build_zonelists}). */
    private int zonelistAt(int highest, int i) {
        if (SeededBug.GFP_ZONELIST_ASCENDING.isActive()) {
            return i <= highest ? i : -1;
        }
        return highest - i;
    }

    /** {@code get_page_from_freelist}: the zonelist walk with the watermark check. */
    private long getPageFromFreelist(long gfp, int ord, int allocFlags, int highest, int mt, int cpu) {
        for (int i = 0; i <= highest; i++) {
            int zi = zonelistAt(highest, i);
            if (zi < 0) {
                break;
            }
            BuddyZone z = zones[zi];
            if (z == null || z.config.managedPages() == 0) {
                continue;
            }
            if ((allocFlags & ALLOC_NO_WATERMARKS) == 0) {
                long mark = wmark(z, allocFlags & ALLOC_WMARK_MASK);
                if (!zoneWatermarkFast(z, ord, mark, highest, allocFlags)) {
                    continue;
                }
            }
            int f = rmqueue(z, ord, allocFlags, mt, cpu);
            if (f >= 0) {
                prepNewPage(z, f, ord, gfp);
                if ((allocFlags & ALLOC_HIGHATOMIC) != 0) {
                    reserveHighatomicPageblock(z, f);
                }
                return basePfn + f;
            }
        }
        return -1;
    }

    /** {@code wmark_pages}: watermark boosting is not modelled (kswapd would reset the boost). */
    static long wmark(BuddyZone z, int which) {
        ZoneConfig c = z.config;
        return which == 0 ? c.min() : which == 1 ? c.low() : c.high();
    }

    private long lowmemReserve(BuddyZone z, int highest) {
        if (SeededBug.GFP_IGNORE_LOWMEM_RESERVE.isActive()) {
            return 0;
        }
        return z.config.lowmemReserve()[highest];
    }

    /** {@code __zone_watermark_unusable_free}. */
    static long unusableFree(BuddyZone z, int ord, int allocFlags) {
        long u = (1L << ord) - 1;
        if ((allocFlags & ALLOC_RESERVES) == 0) {
            u += z.nrReservedHighatomic;
        }
        if ((allocFlags & ALLOC_CMA) == 0) {
            u += z.freeCma;
        }
        return u;
    }

    /** {@code zone_watermark_fast}. */
    private boolean zoneWatermarkFast(BuddyZone z, int ord, long mark, int highest, int allocFlags) {
        long reserve = lowmemReserve(z, highest);
        if (ord == 0) {
            long usable = z.freePages;
            usable -= Math.min(usable, unusableFree(z, 0, allocFlags));
            if (usable > mark + reserve) {
                return true;
            }
        }
        return watermarkOk(z, ord, mark, reserve, allocFlags, z.freePages);
    }

    /** {@code __zone_watermark_ok} with {@code lowmem_reserve[highest_zoneidx]} already looked up. */
    static boolean watermarkOk(BuddyZone z, int ord, long mark, long reserve, int allocFlags, long free) {
        long min = mark;
        free -= unusableFree(z, ord, allocFlags);
        if ((allocFlags & ALLOC_RESERVES) != 0) {
            if ((allocFlags & ALLOC_MIN_RESERVE) != 0) {
                min -= min / 2;
                if ((allocFlags & ALLOC_NON_BLOCK) != 0) {
                    min -= min / 4;
                }
            }
            if ((allocFlags & ALLOC_OOM) != 0) {
                min -= min / 2;
            }
        }
        if (free <= min + reserve) {
            return false;
        }
        if (ord == 0) {
            return true;
        }
        return hasSuitableBlock(z, ord, allocFlags);
    }

    static boolean hasSuitableBlock(BuddyZone z, int ord, int allocFlags) {
        for (int o = ord; o < MAX_ORDER; o++) {
            if (z.nrFree[o] == 0) {
                continue;
            }
            int base = o * MigrateType.COUNT;
            for (int mt = 0; mt < MigrateType.PCPTYPES; mt++) {
                if (z.head[base + mt] >= 0) {
                    return true;
                }
            }
            if ((allocFlags & ALLOC_CMA) != 0 && z.head[base + MT_CMA] >= 0) {
                return true;
            }
            if ((allocFlags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) != 0 && z.head[base + MT_HIGHATOMIC] >= 0) {
                return true;
            }
        }
        return false;
    }

    /** {@code rmqueue}: per-CPU lists for orders up to PAGE_ALLOC_COSTLY_ORDER, else the buddy lists. */
    private int rmqueue(BuddyZone z, int ord, int allocFlags, int mt, int cpu) {
        if (ord <= COSTLY_ORDER && ((allocFlags & ALLOC_CMA) != 0 || mt != MT_MOVABLE)) {
            int f = rmqueuePcplist(z, ord, mt, allocFlags, z.pcp[cpu]);
            if (f >= 0) {
                return f;
            }
        }
        return rmqueueBuddy(z, ord, allocFlags, mt);
    }

    private int rmqueueBuddy(BuddyZone z, int ord, int allocFlags, int mt) {
        int f = -1;
        if ((allocFlags & ALLOC_HIGHATOMIC) != 0) {
            f = rmqueueSmallest(z, ord, MT_HIGHATOMIC);
        }
        if (f < 0) {
            f = rmqueueOne(z, ord, mt, allocFlags);
            if (f < 0 && (allocFlags & (ALLOC_OOM | ALLOC_NON_BLOCK)) != 0) {
                f = rmqueueSmallest(z, ord, MT_HIGHATOMIC);
            }
            if (f < 0) {
                return -1;
            }
        }
        modFreepageState(z, -(1L << ord), pcpMt[f]);
        return f;
    }

    private void modFreepageState(BuddyZone z, long n, int mt) {
        z.freePages += n;
        if (mt == MT_CMA) {
            z.freeCma += n;
        }
    }

    /** {@code rmqueue_pcplist} and {@code __rmqueue_pcplist}. */
    private int rmqueuePcplist(BuddyZone z, int ord, int mt, int allocFlags, PerCpuPages pcp) {
        pcp.freeFactor >>= 1;
        pcp.lastWasFree = false;
        int pindex = ord * MigrateType.PCPTYPES + mt;
        if (pcp.head[pindex] < 0) {
            int batch = pcp.batch;
            if (batch > 1) {
                batch = Math.max(batch >> ord, 2);
            }
            int alloced = rmqueueBulk(z, ord, batch, pcp, pindex, mt, allocFlags);
            pcp.count += alloced << ord;
            if (pcp.head[pindex] < 0) {
                return -1;
            }
        }
        int f = pcp.head[pindex];
        if (!SeededBug.PAGE_PCP_NOT_UNLINKED.isActive()) {
            pcpUnlink(z, pcp, pindex, f);
        }
        pcp.count -= 1 << ord;
        return f;
    }

    /** {@code rmqueue_bulk}: up to {@code count} blocks from the buddy lists onto a per-CPU list tail. */
    private int rmqueueBulk(BuddyZone z, int ord, int count, PerCpuPages pcp, int pindex, int mt, int allocFlags) {
        int i = 0;
        for (; i < count; i++) {
            int f = rmqueueOne(z, ord, mt, allocFlags);
            if (f < 0) {
                break;
            }
            pcpLink(z, pcp, pindex, f, ord, true);
            if (pcpMt[f] == MT_CMA) {
                z.freeCma -= 1L << ord;
            }
        }
        z.freePages -= (long) i << ord;
        return i;
    }

    /** {@code __rmqueue}: CMA first when more than half the free pages are CMA, then fallbacks. */
    private int rmqueueOne(BuddyZone z, int ord, int mt, int allocFlags) {
        if ((allocFlags & ALLOC_CMA) != 0 && z.freeCma > z.freePages / 2) {
            int f = rmqueueSmallest(z, ord, MT_CMA);
            if (f >= 0) {
                return f;
            }
        }
        while (true) {
            int f = rmqueueSmallest(z, ord, mt);
            if (f >= 0) {
                return f;
            }
            if ((allocFlags & ALLOC_CMA) != 0) {
                f = rmqueueSmallest(z, ord, MT_CMA);
                if (f >= 0) {
                    return f;
                }
            }
            if (!rmqueueFallback(z, ord, mt, allocFlags)) {
                return -1;
            }
        }
    }

    /** {@code __rmqueue_smallest} with {@code expand}. */
    private int rmqueueSmallest(BuddyZone z, int ord, int mt) {
        for (int o = ord; o < MAX_ORDER; o++) {
            int f = z.head[o * MigrateType.COUNT + mt];
            if (f < 0) {
                continue;
            }
            delFromFreeList(z, f, o);
            expand(z, f, ord, o, mt);
            pcpMt[f] = (byte) mt;
            return f;
        }
        return -1;
    }

    /** {@code expand}: returns the upper halves, largest first, to the head of the {@code mt} lists. */
    private void expand(BuddyZone z, int f, int low, int high, int mt) {
        int size = 1 << high;
        while (high > low) {
            high--;
            size >>= 1;
            if (SeededBug.BUDDY_EXPAND_LEAK.isActive() && high == low && low == 0) {
                continue;
            }
            addToFreeList(z, f + size, high, mt, false);
        }
    }

    /** {@code __rmqueue_fallback} with {@code find_suitable_fallback} and {@code steal_suitable_fallback}. */
    private boolean rmqueueFallback(BuddyZone z, int ord, int startMt, int allocFlags) {
        if (startMt >= MigrateType.PCPTYPES) {
            return false;
        }
        int found = -1;
        int foundOrder = -1;
        boolean canSteal = false;
        for (int o = MAX_ORDER - 1; o >= ord; o--) {
            int fb = findSuitableFallback(z, o, startMt);
            if (fb < 0) {
                continue;
            }
            canSteal = canStealFallback(o, startMt);
            if (!canSteal && startMt == MT_MOVABLE && o > ord) {
                for (int s = ord; s < MAX_ORDER; s++) {
                    fb = findSuitableFallback(z, s, startMt);
                    if (fb >= 0) {
                        found = fb;
                        foundOrder = s;
                        canSteal = canStealFallback(s, startMt);
                        break;
                    }
                }
            } else {
                found = fb;
                foundOrder = o;
            }
            break;
        }
        if (found < 0) {
            return false;
        }
        int f = z.head[foundOrder * MigrateType.COUNT + found];
        stealSuitableFallback(z, f, startMt, canSteal);
        return true;
    }

    private int findSuitableFallback(BuddyZone z, int o, int mt) {
        if (z.nrFree[o] == 0) {
            return -1;
        }
        for (int fb : FALLBACKS[mt]) {
            if (z.head[o * MigrateType.COUNT + fb] >= 0) {
                return fb;
            }
        }
        return -1;
    }

    /** {@code can_steal_fallback}. */
    private static boolean canStealFallback(int o, int startMt) {
        return o >= PAGEBLOCK_ORDER || o >= PAGEBLOCK_ORDER / 2 || startMt == MigrateType.RECLAIMABLE.ordinal()
                || startMt == MigrateType.UNMOVABLE.ordinal();
    }

    /**
     * {@code steal_suitable_fallback}. The model has no LRU or movable pages, so
     * {@code move_freepages_block} counts no movable pages.
     */
    private void stealSuitableFallback(BuddyZone z, int f, int startMt, boolean wholeBlock) {
        int current = order[f];
        int oldType = blockMt[blockIndex(f)];
        if (oldType != MT_HIGHATOMIC) {
            if (current >= PAGEBLOCK_ORDER) {
                for (int b = 0; b < 1 << (current - PAGEBLOCK_ORDER); b++) {
                    blockMt[blockIndex(f) + b] = (byte) startMt;
                }
            } else if (wholeBlock) {
                int freePages = moveFreepagesBlock(z, f, startMt);
                int alike = startMt == MT_MOVABLE ? 0
                        : oldType == MT_MOVABLE ? PAGEBLOCK_NR_PAGES - freePages : 0;
                if (freePages > 0) {
                    if (freePages + alike >= PAGEBLOCK_NR_PAGES / 2) {
                        blockMt[blockIndex(f)] = (byte) startMt;
                    }
                    return;
                }
            }
        }
        moveToFreeList(z, f, current, startMt);
    }

    /** {@code move_freepages_block}: every free block of the pageblock to the tail of {@code mt}'s lists. */
    private int moveFreepagesBlock(BuddyZone z, int f, int mt) {
        long pfn = basePfn + f;
        long start = pfn & ~(long) (PAGEBLOCK_NR_PAGES - 1);
        long end = start + PAGEBLOCK_NR_PAGES - 1;
        if (start < z.config.startPfn()) {
            start = pfn;
        }
        if (end >= z.config.endPfn()) {
            return 0;
        }
        int moved = 0;
        for (long p = start; p <= end;) {
            int g = frame(p);
            if ((flags[g] & F_BUDDY) == 0) {
                p++;
                continue;
            }
            int o = order[g];
            moveToFreeList(z, g, o, mt);
            p += 1L << o;
            moved += 1 << o;
        }
        return moved;
    }

    /** {@code reserve_highatomic_pageblock}. */
    private void reserveHighatomicPageblock(BuddyZone z, int f) {
        long maxManaged = z.config.managedPages() / 100 + PAGEBLOCK_NR_PAGES;
        if (z.nrReservedHighatomic >= maxManaged) {
            return;
        }
        int b = blockIndex(f);
        if (MigrateType.of(blockMt[b]).isMergeable()) {
            z.nrReservedHighatomic += PAGEBLOCK_NR_PAGES;
            blockMt[b] = (byte) MT_HIGHATOMIC;
            moveFreepagesBlock(z, f, MT_HIGHATOMIC);
        }
    }

    /** {@code prep_new_page}: one reference on the head, compound head and tails with __GFP_COMP. */
    private void prepNewPage(BuddyZone z, int f, int ord, long gfp) {
        flags[f] = (byte) (flags[f] & ~(F_BUDDY | F_PCP) | F_ALLOC);
        order[f] = (byte) ord;
        refcount[f] = SeededBug.PAGE_REFCOUNT_NOT_SET.isActive() ? 0 : 1;
        if (ord > 0 && (gfp & Gfp.COMP) != 0) {
            flags[f] |= F_HEAD;
            for (int i = 1; i < 1 << ord; i++) {
                flags[f + i] |= F_TAIL;
                order[f + i] = (byte) ord;
            }
        }
        z.allocatedPages += 1L << ord;
        markDirty(f);
    }

    // ---------------------------------------------------------------- freeing

    /**
     * {@code __free_pages(page, order)} on {@code cpu}. A call the kernel would report (a bad page,
     * a refcount underflow) or that frees with another order than allocated is refused and
     * changes nothing, except where the kernel itself drops the reference and leaks the page.
     */
    public Result freePages(long page, int ord, int cpu) {
        beginStep();
        long pfn = layout.pageToPfn(page);
        if (pfn < basePfn || pfn >= basePfn + nFrames) {
            return Result.refused("not a struct page: 0x" + Long.toHexString(page));
        }
        return freePfn(pfn, ord, cpu);
    }

    /** {@code free_pages(addr, order)}: a lowmem virtual address; 0 does nothing. */
    public Result freePagesVirt(long addr, int ord, int cpu) {
        beginStep();
        if (addr == 0) {
            return Result.VOID;
        }
        long pfn = layout.virtToPfn(addr);
        if (pfn < basePfn || pfn >= basePfn + nFrames) {
            return new Result.Refused("!virt_addr_valid", "kernel BUG at mm/page_alloc.c: VM_BUG_ON(!virt_addr_valid(0x"
                    + Long.toHexString(addr) + "))");
        }
        return freePfn(pfn, ord, cpu);
    }

    private Result freePfn(long pfn, int ord, int cpu) {
        if (cpu < 0 || cpu >= nrCpus) {
            return Result.refused("cpu " + cpu + " is not possible (nr_cpu_ids " + nrCpus + ")");
        }
        if (ord < 0 || ord >= MAX_ORDER) {
            return Result.refused("order " + ord + " >= MAX_ORDER");
        }
        int f = frame(pfn);
        if (zoneOf[f] < 0) {
            return Result.refused("pfn 0x" + Long.toHexString(pfn) + " is in no zone");
        }
        if (refcount[f] == 0) {
            // put_page_testzero would underflow; the kernel's checks find a buddy page by its type
            return (flags[f] & F_BUDDY) != 0 ? badPage(f, "nonzero mapcount")
                    : badPage(f, "VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
        }
        if ((flags[f] & F_ALLOC) != 0 && order[f] != ord) {
            return new Result.Refused("wrong order", "freeing pfn 0x" + Long.toHexString(pfn) + " with order " + ord
                    + ", allocated with order " + order[f]);
        }
        if ((flags[f] & F_ALLOC) == 0 && (flags[f] & F_RESERVED) == 0) {
            return badPage(f, "VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
        }
        if (refcount[f] > 1) {
            refcount[f]--;
            markDirty(f);
            return Result.VOID;
        }
        if (f + (1 << ord) > nFrames) {
            return Result.refused("block of order " + ord + " at pfn 0x" + Long.toHexString(pfn) + " ends outside mem_map");
        }
        return freePagesInternal(f, ord, cpu);
    }

    /** The reference dropped to zero: {@code free_pages_prepare} checks, then the pcp or buddy free. */
    private Result freePagesInternal(int f, int ord, int cpu) {
        String reason = freePrepareBadReason(f, ord);
        if (reason != null) {
            // as bad_page leaves it: the reference is dropped and the block is never freed
            refcount[f] = 0;
            if ((flags[f] & F_ALLOC) != 0) {
                flags[f] |= F_LEAKED;
            }
            markDirty(f);
            return badPage(f, reason);
        }
        BuddyZone z = zoneOfFrame(f);
        refcount[f] = 0;
        if ((flags[f] & F_HEAD) != 0) {
            for (int i = 1; i < 1 << ord; i++) {
                flags[f + i] &= ~F_TAIL;
                order[f + i] = 0;
            }
        }
        flags[f] &= ~(F_ALLOC | F_HEAD);
        order[f] = 0;
        z.allocatedPages -= 1L << ord;
        if (ord <= COSTLY_ORDER) {
            freeUnrefPage(z, f, ord, cpu);
        } else {
            freeOnePage(z, f, ord, blockMt(f), false);
        }
        return Result.VOID;
    }

    /**
     * {@code page_bad_reason} over the block as {@code free_pages_prepare} walks it (the head's own
     * reference is the one being dropped); null when every page is fit to free.
     */
    private String freePrepareBadReason(int f, int ord) {
        String reason = pageBadReason(f, true);
        boolean compound = (flags[f] & F_HEAD) != 0;
        for (int i = 1; i < 1 << ord && reason == null; i++) {
            if (compound && (flags[f + i] & F_TAIL) == 0) {
                reason = "PageTail not set";
            } else {
                reason = pageBadReason(f + i, false);
            }
        }
        return reason;
    }

    /** {@code page_bad_reason} with PAGE_FLAGS_CHECK_AT_FREE; later checks override earlier ones, as there. */
    private String pageBadReason(int f, boolean refcountChecked) {
        String reason = null;
        if ((flags[f] & F_BUDDY) != 0) {
            reason = "nonzero mapcount";
        }
        if (!refcountChecked && refcount[f] != 0) {
            reason = "nonzero _refcount";
        }
        if ((flags[f] & F_RESERVED) != 0) {
            reason = "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
        }
        if (reason == null && (flags[f] & F_PCP) != 0) {
            // the kernel's checks pass here and the per-CPU list would be corrupted; the model refuses
            reason = "page already on a per-CPU list";
        }
        return reason;
    }

    private Result badPage(int f, String reason) {
        long pfn = basePfn + f;
        return new Result.Refused(reason, String.format("BUG: Bad page state in process swapper/0  pfn:%05x"
                + " page:0x%x refcount:%d flags:0x%x page dumped because: %s", pfn, layout.pfnToPage(pfn),
                refcount[f], pageFlags(pfn), reason));
    }

    /** {@code free_unref_page}: to this CPU's list, draining a batch when {@code count >= high}. */
    private void freeUnrefPage(BuddyZone z, int f, int ord, int cpu) {
        int mt = blockMt(f);
        pcpMt[f] = (byte) mt;
        int listType = mt;
        if (mt >= MigrateType.PCPTYPES) {
            if (mt == MT_ISOLATE || !pcpReady) {
                freeOnePage(z, f, ord, mt, false);
                return;
            }
            listType = MT_MOVABLE;
        }
        if (!pcpReady) {
            // the boot pageset (high 0, batch 1) frees each page straight back
            freeOnePage(z, f, ord, mt, false);
            return;
        }
        PerCpuPages pcp = z.pcp[cpu];
        int pindex = ord * MigrateType.PCPTYPES + listType;
        pcp.countBeforeFree = pcp.count;
        pcpLink(z, pcp, pindex, f, ord, false);
        pcp.count += 1 << ord;
        pcp.lastWasFree = true;
        boolean freeHigh = pcp.freeFactor != 0 && ord > 0 && ord <= COSTLY_ORDER;
        int high = freeHigh ? 0 : pcp.high;
        if (pcp.count >= high && !SeededBug.BUDDY_PCP_NO_DRAIN.isActive()) {
            freePcppagesBulk(z, nrPcpFree(pcp, high, pcp.batch, freeHigh), pcp, pindex);
        }
    }

    /** {@code nr_pcp_free}, CONFIG_PCP_BATCH_SCALE_MAX = 5. */
    private static int nrPcpFree(PerCpuPages pcp, int high, int batch, boolean freeHigh) {
        if (freeHigh) {
            return pcp.count;
        }
        if (high < batch) {
            return 1;
        }
        int minNr = batch;
        int maxNr = high - batch;
        batch <<= pcp.freeFactor;
        if (batch < maxNr && pcp.freeFactor < 5) {
            pcp.freeFactor++;
        }
        return Math.min(Math.max(batch, minNr), maxNr);
    }

    /** {@code free_pcppages_bulk}: round-robin over the lists from {@code pindex}, each from its tail. */
    private void freePcppagesBulk(BuddyZone z, int count, PerCpuPages pcp, int pindex) {
        count = Math.min(pcp.count, count);
        int minP = 0;
        int maxP = NR_PCP_LISTS - 1;
        pindex = pindex - 1;
        while (count > 0) {
            while (true) {
                if (++pindex > maxP) {
                    pindex = minP;
                }
                if (pcp.head[pindex] >= 0) {
                    break;
                }
                if (pindex == maxP) {
                    maxP--;
                }
                if (pindex == minP) {
                    minP++;
                }
            }
            int ord = pindex / MigrateType.PCPTYPES;
            int nr = 1 << ord;
            do {
                int f = pcp.tail[pindex];
                pcpUnlink(z, pcp, pindex, f);
                count -= nr;
                pcp.count -= nr;
                freeOnePage(z, f, ord, pcpMt[f], false);
            } while (count > 0 && pcp.head[pindex] >= 0);
        }
    }

    /** {@code __free_one_page}: merges with free buddies up the orders, then lists the block. */
    private void freeOnePage(BuddyZone z, int f, int ord, int mt, boolean toTail) {
        long pfn = basePfn + f;
        if (mt != MT_ISOLATE) {
            modFreepageState(z, 1L << ord, mt);
        }
        long buddyPfn = 0;
        while (ord < MAX_ORDER - 1) {
            if (SeededBug.BUDDY_NO_MERGE.isActive()) {
                break;
            }
            buddyPfn = pfn ^ (1L << ord);
            int bf = isBuddy(z, buddyPfn, ord);
            if (bf < 0) {
                break;
            }
            if (ord >= PAGEBLOCK_ORDER) {
                int bmt = blockMt[blockIndex(bf)];
                if (mt != bmt && (!MigrateType.of(mt).isMergeable() || !MigrateType.of(bmt).isMergeable())) {
                    break;
                }
            }
            delFromFreeList(z, bf, ord);
            pfn = SeededBug.BUDDY_MISALIGNED_MERGE.isActive() ? pfn | buddyPfn : pfn & buddyPfn;
            ord++;
        }
        if (!toTail) {
            toTail = buddyMergeLikely(z, pfn, buddyPfn, ord);
        }
        int listType = mt;
        if (SeededBug.BUDDY_CMA_ON_MOVABLE_LIST.isActive() && mt == MT_CMA) {
            listType = MT_MOVABLE;
        }
        addToFreeList(z, frame(pfn), ord, listType, toTail);
    }

    /** {@code page_is_buddy}: the frame of the free buddy of that order in the same zone, or -1. */
    private int isBuddy(BuddyZone z, long buddyPfn, int ord) {
        if (buddyPfn < basePfn || buddyPfn >= basePfn + nFrames) {
            return -1;
        }
        int bf = (int) (buddyPfn - basePfn);
        if ((flags[bf] & F_BUDDY) == 0 || order[bf] != ord || zoneOf[bf] != z.type.ordinal()) {
            return -1;
        }
        return bf;
    }

    /** {@code buddy_merge_likely}: list at the tail when the next-higher buddy is free. */
    private boolean buddyMergeLikely(BuddyZone z, long pfn, long buddyPfn, int ord) {
        if (ord >= MAX_ORDER - 2) {
            return false;
        }
        long higher = buddyPfn & pfn;
        return isBuddy(z, higher ^ (1L << (ord + 1)), ord + 1) >= 0;
    }

    // ---------------------------------------------------------------- split_page

    /** {@code split_page(page, order)}: a non-compound block becomes 2^order pages of one reference each. */
    public Result splitPage(long page, int ord) {
        beginStep();
        long pfn = layout.pageToPfn(page);
        if (pfn < basePfn || pfn >= basePfn + nFrames) {
            return Result.refused("not a struct page: 0x" + Long.toHexString(page));
        }
        int f = frame(pfn);
        if ((flags[f] & (F_HEAD | F_TAIL)) != 0) {
            return badPage(f, "VM_BUG_ON_PAGE(PageCompound(page))");
        }
        if (refcount[f] == 0 || (flags[f] & F_ALLOC) == 0) {
            return badPage(f, "VM_BUG_ON_PAGE(!page_count(page))");
        }
        if (order[f] != ord) {
            return new Result.Refused("wrong order", "splitting pfn 0x" + Long.toHexString(pfn) + " with order " + ord
                    + ", allocated with order " + order[f]);
        }
        for (int i = 0; i < 1 << ord; i++) {
            flags[f + i] |= F_ALLOC;
            order[f + i] = 0;
            if (i > 0) {
                refcount[f + i] = 1;
            }
            markDirty(f + i);
        }
        return Result.VOID;
    }

    // ---------------------------------------------------------------- list primitives

    private void addToFreeList(BuddyZone z, int f, int ord, int mt, boolean toTail) {
        flags[f] |= F_BUDDY;
        order[f] = (byte) ord;
        link(z, f, ord, mt, toTail);
        z.nrFree[ord]++;
    }

    private void delFromFreeList(BuddyZone z, int f, int ord) {
        unlink(z, f, ord);
        flags[f] &= ~F_BUDDY;
        order[f] = 0;
        if (!SeededBug.BUDDY_STALE_NR_FREE.isActive()) {
            z.nrFree[ord]--;
        }
    }

    private void moveToFreeList(BuddyZone z, int f, int ord, int mt) {
        unlink(z, f, ord);
        link(z, f, ord, mt, true);
    }

    private void link(BuddyZone z, int f, int ord, int mt, boolean toTail) {
        int id = ord * MigrateType.COUNT + mt;
        listMt[f] = (byte) mt;
        linkInto(z.head, z.tail, id, f, toTail);
        z.listLen[id]++;
        z.listPages += 1L << ord;
    }

    private void unlink(BuddyZone z, int f, int ord) {
        int id = ord * MigrateType.COUNT + listMt[f];
        unlinkFrom(z.head, z.tail, id, f);
        z.listLen[id]--;
        z.listPages -= 1L << ord;
    }

    private void pcpLink(BuddyZone z, PerCpuPages pcp, int pindex, int f, int ord, boolean toTail) {
        flags[f] |= F_PCP;
        order[f] = (byte) ord;
        linkInto(pcp.head, pcp.tail, pindex, f, toTail);
        pcp.listLen[pindex]++;
        z.pcpListPages += 1L << ord;
    }

    private void pcpUnlink(BuddyZone z, PerCpuPages pcp, int pindex, int f) {
        unlinkFrom(pcp.head, pcp.tail, pindex, f);
        flags[f] &= ~F_PCP;
        pcp.listLen[pindex]--;
        z.pcpListPages -= 1L << (pindex / MigrateType.PCPTYPES);
    }

    /** {@code list_add} / {@code list_add_tail} of frame {@code f} on list {@code id}, threaded through next/prev. */
    private void linkInto(int[] head, int[] tail, int id, int f, boolean toTail) {
        if (head[id] < 0) {
            head[id] = f;
            tail[id] = f;
            next[f] = -1;
            prev[f] = -1;
        } else if (toTail) {
            int t = tail[id];
            next[t] = f;
            prev[f] = t;
            next[f] = -1;
            tail[id] = f;
        } else {
            int h = head[id];
            prev[h] = f;
            next[f] = h;
            prev[f] = -1;
            head[id] = f;
        }
        markDirty(f);
    }

    /** {@code list_del} of frame {@code f} from list {@code id}. */
    private void unlinkFrom(int[] head, int[] tail, int id, int f) {
        int p = prev[f];
        int n = next[f];
        if (p < 0) {
            head[id] = n;
        } else {
            next[p] = n;
        }
        if (n < 0) {
            tail[id] = p;
        } else {
            prev[n] = p;
        }
        markDirty(f);
    }

    // ---------------------------------------------------------------- bookkeeping for the checks

    /**
     * Starts a new kernel call: forgets the frames and the allocation the previous one touched.
     * {@code Kernel.apply} calls it before every call, so that pages other subsystems allocate
     * inside one call are all checked after it.
     */
    public void beginStep() {
        nDirty = 0;
        dirtyOverflow = false;
        lastAlloc = null;
    }

    private void markDirty(int f) {
        if (nDirty == dirty.length) {
            if (dirty.length >= DIRTY_CAP) {
                dirtyOverflow = true;
                return;
            }
            dirty = Arrays.copyOf(dirty, dirty.length * 2);
        }
        dirty[nDirty++] = f;
    }

    /** Frame indexes (pfn - {@link #basePfn()}) the last call touched, each once, in order. */
    public int[] dirtyFrames() {
        int[] d = Arrays.copyOf(dirty, nDirty);
        Arrays.sort(d);
        int n = 0;
        for (int i = 0; i < d.length; i++) {
            if (n == 0 || d[n - 1] != d[i]) {
                d[n++] = d[i];
            }
        }
        return Arrays.copyOf(d, n);
    }

    /** True when the last call touched more frames than are tracked: checks must scan everything. */
    public boolean dirtyOverflow() {
        return dirtyOverflow;
    }

    /**
     * Whether invariant {@code id} must scan every frame now: when the last call touched more
     * frames than are tracked, and once per invariant after boot's hand-over, which touched all.
     */
    public boolean needsFullScan(String id) {
        return dirtyOverflow || bootScanPending && scannedSinceBoot.add(id);
    }

    /** Boot calls this after handing pages over: each invariant then scans every frame once. */
    public void clearDirty() {
        beginStep();
        bootScanPending = true;
        scannedSinceBoot.clear();
    }

    /** The last allocation's trace, or null when the last call was not an allocation. */
    public AllocTrace lastAlloc() {
        return lastAlloc;
    }

    private ZoneSnapshot[] snapshot(int ord, int cpu, int mt) {
        ZoneSnapshot[] s = new ZoneSnapshot[NZONES];
        for (BuddyZone z : zones) {
            if (z != null && z.config.managedPages() > 0) {
                PerCpuPages pcp = z.pcp[cpu];
                boolean pcpHas = ord <= COSTLY_ORDER && pcp.head[ord * MigrateType.PCPTYPES + mt] >= 0;
                s[z.type.ordinal()] = new ZoneSnapshot(z.freePages, z.freeCma, z.nrReservedHighatomic,
                        pcpHas, maxFreeOrder(z, false), maxFreeOrder(z, true));
            }
        }
        return s;
    }

    /** The highest order with a block on a MIGRATE_PCPTYPES list (or, with {@code cma}, on the CMA list). */
    private static int maxFreeOrder(BuddyZone z, boolean cma) {
        for (int o = MAX_ORDER - 1; o >= 0; o--) {
            if (cma) {
                if (z.listLen[o * MigrateType.COUNT + MT_CMA] > 0) {
                    return o;
                }
                continue;
            }
            for (int mt = 0; mt < MigrateType.PCPTYPES; mt++) {
                if (z.listLen[o * MigrateType.COUNT + mt] > 0) {
                    return o;
                }
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- reading

    int frame(long pfn) {
        return (int) (pfn - basePfn);
    }

    private int blockIndex(int f) {
        return (int) (((basePfn + f) >>> PAGEBLOCK_ORDER) - blockBase);
    }

    private int blockMt(int f) {
        return blockMt[blockIndex(f)];
    }

    private BuddyZone zoneOfFrame(int f) {
        int zi = zoneOf[f];
        if (zi < 0) {
            throw new IllegalArgumentException("pfn 0x" + Long.toHexString(basePfn + f) + " is in no zone");
        }
        return zones[zi];
    }

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
        return basePfn;
    }

    /** The number of frames mem_map describes. */
    public int frameCount() {
        return nFrames;
    }

    /** The zone of that type, or null when boot gave none. */
    public BuddyZone zone(ZoneType type) {
        return zones[type.ordinal()];
    }

    /** True when {@code pfn} has a page descriptor here. */
    public boolean hasPfn(long pfn) {
        return pfn >= basePfn && pfn < basePfn + nFrames;
    }

    /** {@code page_ref_count}. */
    public int refcount(long pfn) {
        return refcount[frame(pfn)];
    }

    /** {@code page_mapcount}: {@code _mapcount + 1}, where a PageBuddy page carries the buddy page type. */
    public long mapcount(long pfn) {
        int f = frame(pfn);
        return (flags[f] & F_BUDDY) != 0 ? 0xffffff80L : 0;
    }

    /** The order a free block, an allocation or a per-CPU page has ({@code page_private} for a free block). */
    public int order(long pfn) {
        return order[frame(pfn)];
    }

    /** The zone index of {@code pfn}, -1 when no zone spans it. */
    public int zoneIndex(long pfn) {
        return zoneOf[frame(pfn)];
    }

    /** {@code page->flags}' PG_reserved and PG_head bits, as the kernel numbers them. */
    public long pageFlags(long pfn) {
        int f = frame(pfn);
        long v = 0;
        if ((flags[f] & F_RESERVED) != 0) {
            v |= 1L << PG_RESERVED;
        }
        if ((flags[f] & F_HEAD) != 0) {
            v |= 1L << PG_HEAD;
        }
        return v;
    }

    /** True when the frame heads a free block on a buddy list (PageBuddy). */
    public boolean isBuddy(long pfn) {
        return (flags[frame(pfn)] & F_BUDDY) != 0;
    }

    /** True when the frame is on a per-CPU list. */
    public boolean isOnPcp(long pfn) {
        return (flags[frame(pfn)] & F_PCP) != 0;
    }

    /** True when the frame heads a live (or leaked) allocation. */
    public boolean isAllocated(long pfn) {
        return (flags[frame(pfn)] & F_ALLOC) != 0;
    }

    /** True when the frame heads an allocation the kernel leaked after reporting its free. */
    public boolean isLeaked(long pfn) {
        return (flags[frame(pfn)] & F_LEAKED) != 0;
    }

    /** True when the frame has PG_reserved. */
    public boolean isReserved(long pfn) {
        return (flags[frame(pfn)] & F_RESERVED) != 0;
    }

    /** True when the frame is a compound tail page. */
    public boolean isTail(long pfn) {
        return (flags[frame(pfn)] & F_TAIL) != 0;
    }

    /**
     * True when a free block sits on the list of its order and migratetype: its neighbours point
     * back at it, or the list's head (tail) is the block itself.
     */
    public boolean isLinkedOnItsList(long pfn) {
        int f = frame(pfn);
        BuddyZone z = zoneOfFrame(f);
        int id = order[f] * MigrateType.COUNT + listMt[f];
        boolean headOk = prev[f] < 0 ? z.head[id] == f : next[prev[f]] == f;
        boolean tailOk = next[f] < 0 ? z.tail[id] == f : prev[next[f]] == f;
        return headOk && tailOk;
    }

    /** The migratetype list a free block is on. */
    public MigrateType listMigratetype(long pfn) {
        return MigrateType.of(listMt[frame(pfn)]);
    }

    /** The pageblock migratetype of {@code pfn} ({@code get_pageblock_migratetype}). */
    public MigrateType pageblockMigratetype(long pfn) {
        return MigrateType.of(blockMt[blockIndex(frame(pfn))]);
    }

    /** The frames of {@code free_area[order].free_list[mt]}, head first. */
    public long[] freeList(ZoneType type, int ord, MigrateType mt) {
        BuddyZone z = zones[type.ordinal()];
        int id = ord * MigrateType.COUNT + mt.ordinal();
        long[] out = new long[(int) z.listLen[id]];
        int i = 0;
        for (int f = z.head[id]; f >= 0 && i < out.length; f = next[f]) {
            out[i++] = basePfn + f;
        }
        return out;
    }

    /** The pfns on one CPU's list {@code pindex} of a zone, head first. */
    public long[] pcpList(ZoneType type, int cpu, int pindex) {
        PerCpuPages pcp = zones[type.ordinal()].pcp[cpu];
        long[] out = new long[pcp.listLen[pindex]];
        int i = 0;
        for (int f = pcp.head[pindex]; f >= 0 && i < out.length; f = next[f]) {
            out[i++] = basePfn + f;
        }
        return out;
    }

    /** The first pfn on one CPU's list {@code pindex} of a zone, -1 when the list is empty. */
    public long pcpListHead(ZoneType type, int cpu, int pindex) {
        int f = zones[type.ordinal()].pcp[cpu].head[pindex];
        return f < 0 ? -1 : basePfn + f;
    }

    /** Pages on {@code cpu}'s per-CPU lists over all zones ({@code pcp[cpu].count}). */
    public long pcpCount(int cpu) {
        long n = 0;
        for (BuddyZone z : zones) {
            if (z != null) {
                n += z.pcp[cpu].count;
            }
        }
        return n;
    }

    /** Pageblocks of each migratetype whose first page lies in the zone ({@code pagetypeinfo_showblockcount}). */
    public long[] pageblockCounts(ZoneType type) {
        long[] counts = new long[MigrateType.COUNT];
        BuddyZone z = zones[type.ordinal()];
        if (z == null || z.config.isEmpty()) {
            return counts;
        }
        for (long pfn = z.config.startPfn(); pfn < z.config.endPfn(); pfn += PAGEBLOCK_NR_PAGES) {
            counts[blockMt[blockIndex(frame(pfn))]]++;
        }
        return counts;
    }
}
