package armmm.model.page;

/** What one allocation asked for, found and got; read by the GFP invariants. */
public final class AllocTrace {
    private final long gfp;
    private final int order;
    private final int highestZone;
    private final ZoneSnapshot[] before;
    private long pfn = -1;
    private int zone = -1;
    private int allocFlags;

    AllocTrace(long gfp, int order, int highestZone, ZoneSnapshot[] before) {
        this.gfp = gfp;
        this.order = order;
        this.highestZone = highestZone;
        this.before = before;
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

    /** The zone index the page came from, -1 for NULL. */
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
        return before[i];
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
