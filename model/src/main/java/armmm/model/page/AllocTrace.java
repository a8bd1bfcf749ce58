package armmm.model.page;

/**
 * What one allocation ({@code __alloc_pages}, mm/page_alloc.c) asked for, found and got; read by
 * the GFP invariants. The zones' state before the allocation is kept as plain numbers and turned
 * into {@link ZoneSnapshot}s only when a check reads them: most allocations' traces are replaced
 * by the next allocation's before anyone looks.
 */
public final class AllocTrace {
    /** Numbers per zone in {@link #zones}, in {@link ZoneSnapshot}'s component order. */
    static final int FIELDS = 9;

    private long gfp;
    private int order;
    private int highestZone;
    /** Zone {@code i}'s state at {@code [i * FIELDS, (i + 1) * FIELDS)}; booleans as 0 or 1. */
    private final long[] zones = new long[MemMap.NZONES * FIELDS];
    /** Bit {@code i} set when zone {@code i} was populated (has managed pages) at the allocation. */
    private int populated;
    private long pfn = -1;
    private int zone = -1;
    private int allocFlags;

    AllocTrace() {
    }

    /**
     * Starts the trace of a new allocation: {@link Zonelist} keeps one trace and reuses it, so a
     * trace read after the next allocation shows that allocation (the checks read the last
     * allocation of a call, after the call).
     */
    void begin(long newGfp, int newOrder, int newHighestZone) {
        gfp = newGfp;
        order = newOrder;
        highestZone = newHighestZone;
        populated = 0;
        pfn = -1;
        zone = -1;
        allocFlags = 0;
    }

    /** Records zone {@code i} as the allocation found it (the arguments of {@link ZoneSnapshot}). */
    void zone(int i, long freePages, long freeCma, long statFree, long statCma, long reservedHighatomic,
            boolean pcpHasPage, int maxFreeOrder, int maxCmaOrder, long watermarkBoost) {
        int b = i * FIELDS;
        zones[b] = freePages;
        zones[b + 1] = freeCma;
        zones[b + 2] = statFree;
        zones[b + 3] = statCma;
        zones[b + 4] = reservedHighatomic;
        zones[b + 5] = pcpHasPage ? 1 : 0;
        zones[b + 6] = maxFreeOrder;
        zones[b + 7] = maxCmaOrder;
        zones[b + 8] = watermarkBoost;
        populated |= 1 << i;
    }
    void done(long p, int z, int flags) {
        pfn = p;
        zone = z;
        allocFlags = flags;
    }

    /** The GFP mask. */
    public long gfp() {
        return gfp;
    }

    /** The order. */
    public int order() {
        return order;
    }

    /** The pfn allocated, -1 for NULL. */
    public long pfn() {
        return pfn;
    }

    /** The index of the zone whose lists served the page (rmqueue's zone, not always page_zone of the block), -1 for NULL. */
    public int zone() {
        return zone;
    }

    /**
     * The ALLOC_* flags (mm/internal.h) of the pass that succeeded, or of the last pass: 0-2 the
     * watermark, 0x10 ALLOC_NON_BLOCK, 0x20 ALLOC_MIN_RESERVE, 0x80 ALLOC_CMA, 0x200 ALLOC_HIGHATOMIC.
     */
    public int allocFlags() {
        return allocFlags;
    }

    /** The zone index the allocator walked down from. */
    public int highestZone() {
        return highestZone;
    }

    /** Zone {@code i} as the allocation found it, or null for an unpopulated zone. */
    public ZoneSnapshot before(int i) {
        if ((populated & 1 << i) == 0) {
            return null;
        }
        int b = i * FIELDS;
        return new ZoneSnapshot(zones[b], zones[b + 1], zones[b + 2], zones[b + 3], zones[b + 4], zones[b + 5] != 0,
                (int) zones[b + 6], (int) zones[b + 7], zones[b + 8]);
    }

    /** True when the pass could dip below the min watermark (ALLOC_RESERVES or no watermarks). */
    public boolean usedReserves() {
        return (allocFlags & (PageAllocator.ALLOC_RESERVES | PageAllocator.ALLOC_NO_WATERMARKS)) != 0;
    }

    /** True when the pass could use CMA pageblocks. */
    public boolean allowsCma() {
        return (allocFlags & PageAllocator.ALLOC_CMA) != 0;
    }

    /** The watermark index the pass used: 0 min, 1 low, 2 high. */
    public int watermark() {
        return allocFlags & PageAllocator.ALLOC_WMARK_MASK;
    }
}
