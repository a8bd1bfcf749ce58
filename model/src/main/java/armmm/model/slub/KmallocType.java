package armmm.model.slub;

import armmm.model.core.Gfp;

/**
 * {@code enum kmalloc_cache_type} (include/linux/slab.h) with CONFIG_ZONE_DMA and
 * CONFIG_MEMCG_KMEM: which of the four kmalloc arrays a GFP mask uses ({@code kmalloc_type}).
 */
public enum KmallocType {
    NORMAL("kmalloc-", 0),
    CGROUP("kmalloc-cg-", SlabFlags.SLAB_ACCOUNT),
    RECLAIM("kmalloc-rcl-", SlabFlags.SLAB_RECLAIM_ACCOUNT),
    DMA("dma-kmalloc-", SlabFlags.SLAB_CACHE_DMA);

    private final String prefix;
    private final int flags;

    KmallocType(String prefix, int flags) {
        this.prefix = prefix;
        this.flags = flags;
    }

    /** The name prefix of this array's caches ({@code kmalloc_info[].name[type]}). */
    public String prefix() {
        return prefix;
    }

    /** The flags {@code new_kmalloc_cache} adds for this type. */
    public int flags() {
        return flags;
    }

    /** {@code kmalloc_type}: __GFP_DMA first, then __GFP_RECLAIMABLE, then __GFP_ACCOUNT. */
    public static KmallocType of(long gfp) {
        if ((gfp & (Gfp.RECLAIMABLE | Gfp.DMA | Gfp.ACCOUNT)) == 0) {
            return NORMAL;
        }
        if ((gfp & Gfp.DMA) != 0) {
            return DMA;
        }
        return (gfp & Gfp.RECLAIMABLE) != 0 ? RECLAIM : CGROUP;
    }
}
