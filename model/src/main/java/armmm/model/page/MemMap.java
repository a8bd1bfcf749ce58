package armmm.model.page;

import static armmm.model.page.PageAllocator.PAGEBLOCK_NR_PAGES;
import static armmm.model.page.PageAllocator.PAGEBLOCK_ORDER;
import static armmm.model.page.PageAllocator.PG_HEAD;
import static armmm.model.page.PageAllocator.PG_RESERVED;

import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import java.util.Arrays;
import java.util.List;

/**
 * {@code mem_map} of one node (mm/page_alloc.c {@code memmap_init}, include/linux/mm_types.h):
 * the {@code struct page} of each frame kept as compact arrays (reference count, state bits,
 * order, zone, {@code page->index} migratetype, list links) and the pageblock migratetypes
 * ({@code pageblock_flags}, {@code get_pageblock_migratetype}), with the zones they belong to.
 * Every change to a frame is recorded in {@link DirtyFrames} for the invariant checks.
 */
final class MemMap {
    /** Model page-state bits (byte per frame); {@link #pageFlags} maps them to PG_* bits. */
    static final int F_RESERVED = 1;
    static final int F_BUDDY = 2;
    static final int F_HEAD = 4;
    static final int F_TAIL = 8;
    static final int F_PCP = 16;
    static final int F_ALLOC = 32;
    /** An allocation whose free the kernel reported: its reference is gone and the pages leak. */
    static final int F_LEAKED = 64;
    /** PG_slab: set and cleared by SLUB ({@code __folio_set_slab}, {@code __folio_clear_slab}) on a slab's head page. */
    static final int F_SLAB = 128;

    static final int MT_MOVABLE = MigrateType.MOVABLE.ordinal();
    static final int MT_HIGHATOMIC = MigrateType.HIGHATOMIC.ordinal();
    static final int MT_CMA = MigrateType.CMA.ordinal();
    static final int MT_ISOLATE = MigrateType.ISOLATE.ordinal();
    static final int NZONES = ZoneType.values().length;

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
    /** {@code page_group_by_mobility_disabled} ({@link MobilityGrouping}). */
    boolean mobilityDisabled;
    /** True once boot's hand-over is over; the seeded allocator bugs act only after it. */
    boolean handedOver;
    /** {@code watermark_boost_factor} (mm/page_alloc.c): 15000 until a sysctl write changes it. */
    long watermarkBoostFactor = armmm.model.zone.WatermarkBoost.WATERMARK_BOOST_FACTOR;
    /**
     * Every {@code watermark_boost_factor} in force since boot (kernel-visible: boot's value and each
     * accepted write): a boost taken under one factor stays when a write lowers it, so INV-BUDDY-07
     * bounds the boost by the largest cap among them.
     */
    final java.util.SortedSet<Long> watermarkBoostFactors =
            new java.util.TreeSet<>(java.util.List.of(armmm.model.zone.WatermarkBoost.WATERMARK_BOOST_FACTOR));
    /** The CPU the current kernel call runs on: the one whose vmstat differences it changes. */
    int cpu;
    /** CONFIG_DEBUG_VM of the build ({@code BuildConfig.debugVm}): which of 6.1's page checks run, and when. */
    boolean debugVm;
    /**
     * True once a double free took a {@code _refcount} below 0, or the planted
     * {@code PAGE_PCP_NOT_UNLINKED} handed out a page still on its list: only then can a page on
     * the free or per-CPU lists be in a state {@code check_new_pages} or {@code free_page_is_bad}
     * reports, so the allocation paths and the drain look only then (the kernel looks always; the
     * outcome is the same).
     */
    boolean underflowSeen;
    /** The {@code BUG: Bad page state} lines printed during the current call, reported with its result. */
    final java.util.List<String> reports = new java.util.ArrayList<>();
    /** The frames each kernel call touched, for the checks. */
    final DirtyFrames dirty = new DirtyFrames();

    /**
     * mem_map over {@code configs} (any order; empty zones allowed), every frame PG_reserved
     * with refcount 1 and every pageblock MIGRATE_MOVABLE ({@code memmap_init}).
     */
    /** The seeded bugs planted in this kernel's page allocator. */
    final armmm.model.core.Bugs bugs;

    /**
     * True when seeded bug {@code b} is planted and boot is over ({@link #handedOver}): a planted
     * allocator bug acts only in kernel calls, so that boot never trips it.
     */
    boolean bug(PageBug b) {
        return handedOver && bugs.has(b);
    }

    MemMap(List<ZoneConfig> configs, int nrCpus, armmm.model.core.Bugs bugs) {
        this.bugs = bugs;
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (ZoneConfig c : configs) {
            if (zones[c.type().ordinal()] != null) {
                throw new IllegalArgumentException("zone " + c.type() + " given twice");
            }
            zones[c.type().ordinal()] = new BuddyZone(c, nrCpus, bugs, this);
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

    /** Records that frame {@code f} changed. */
    void markDirty(int f) {
        dirty.mark(f);
    }

    /** The frame index of {@code pfn} ({@code pfn_to_page}). */
    int frame(long pfn) {
        return (int) (pfn - basePfn);
    }

    /** The pageblock index of frame {@code f}. */
    int blockIndex(int f) {
        return (int) (((basePfn + f) >>> PAGEBLOCK_ORDER) - blockBase);
    }

    /** {@code get_pageblock_migratetype} of frame {@code f}. */
    int blockMt(int f) {
        return blockMt[blockIndex(f)];
    }

    /** {@code page_zone}: the zone of frame {@code f}; a frame in no zone is the caller's error. */
    BuddyZone zoneOfFrame(int f) {
        int zi = zoneOf[f];
        if (zi < 0) {
            throw new IllegalArgumentException("pfn 0x" + Long.toHexString(basePfn + f) + " is in no zone");
        }
        return zones[zi];
    }

    /** True when {@code pfn} has a page descriptor here. */
    boolean hasPfn(long pfn) {
        return pfn >= basePfn && pfn < basePfn + nFrames;
    }

    /** {@code ClearPageReserved}, keeping the zone's reserved-page count. */
    void clearReserved(BuddyZone z, int f) {
        if ((flags[f] & F_RESERVED) != 0) {
            flags[f] &= ~F_RESERVED;
            z.reservedPages--;
        }
    }

    /** {@code list_add} / {@code list_add_tail} of frame {@code f} on list {@code id}, threaded through next/prev. */
    void linkInto(int[] head, int[] tail, int id, int f, boolean toTail) {
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
    void unlinkFrom(int[] head, int[] tail, int id, int f) {
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

    /** {@code page->flags}' PG_slab, PG_reserved and PG_head bits, as the kernel numbers them. */
    long pageFlags(long pfn) {
        int f = frame(pfn);
        long v = 0;
        if ((flags[f] & F_RESERVED) != 0) {
            v |= 1L << PG_RESERVED;
        }
        if ((flags[f] & F_HEAD) != 0) {
            v |= 1L << PG_HEAD;
        }
        if ((flags[f] & F_SLAB) != 0) {
            v |= 1L << PageAllocator.PG_SLAB;
        }
        return v;
    }

    /**
     * True when a free block sits on the list of its order and migratetype: its neighbours point
     * back at it, or the list's head (tail) is the block itself.
     */
    boolean isLinkedOnItsList(long pfn) {
        int f = frame(pfn);
        int id = order[f] * MigrateType.COUNT + listMt[f];
        boolean headOk = prev[f] < 0 ? anyZone(z -> z.head[id] == f) : next[prev[f]] == f;
        boolean tailOk = next[f] < 0 ? anyZone(z -> z.tail[id] == f) : prev[next[f]] == f;
        return headOk && tailOk;
    }

    /**
     * Whether some zone's lists satisfy {@code test}. Not only the frame's own zone: a piece of the
     * block that boot's hand-over freed across an unaligned zone end ({@code __free_pages_memory}
     * chunks by alignment, not by zone) sits on the lower zone's lists although its page is in
     * the next zone.
     */
    private boolean anyZone(java.util.function.Predicate<BuddyZone> test) {
        for (BuddyZone z : zones) {
            if (z != null && test.test(z)) {
                return true;
            }
        }
        return false;
    }

    /** The frames of {@code free_area[order].free_list[mt]}, head first. */
    long[] freeList(ZoneType type, int ord, MigrateType mt) {
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
    long[] pcpList(ZoneType type, int cpu, int pindex) {
        PerCpuPages pcp = zones[type.ordinal()].pcp[cpu];
        long[] out = new long[pcp.listLen[pindex]];
        int i = 0;
        for (int f = pcp.head[pindex]; f >= 0 && i < out.length; f = next[f]) {
            out[i++] = basePfn + f;
        }
        return out;
    }

    /** Pageblocks of each migratetype whose first page lies in the zone ({@code pagetypeinfo_showblockcount}). */
    long[] pageblockCounts(ZoneType type) {
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
