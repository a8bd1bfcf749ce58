package armmm.model.slub;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code slab_caches} list and the calls that change it: the boot of {@code kmem_cache_init}
 * (mm/slub.c: kmem_cache_node, kmem_cache, then {@code create_kmalloc_caches} of
 * mm/slab_common.c), {@code kmem_cache_create} with merging ({@code find_mergeable},
 * {@code slab_unmergeable}, {@code __kmem_cache_alias}) and the list side of
 * {@code kmem_cache_destroy}. Geometry only: the objects live in the allocator.
 */
public final class SlabCaches {
    /** {@code offsetof(struct kmem_cache, node)} in this build (ARM32, SLUB_DEBUG, CPU_PARTIAL, MEMCG). */
    public static final int KMEM_CACHE_NODE_OFFSET = 136;
    /** {@code nr_node_ids}: no NUMA on ARM32. */
    public static final int NR_NODE_IDS = 1;
    /** {@code sizeof(struct kmem_cache_node)} in this build (list_lock, nr_partial, partial, debug counters, full). */
    public static final int KMEM_CACHE_NODE_SIZE = 32;
    /** {@code cache_line_size()}: L1_CACHE_BYTES. */
    public static final int CACHE_LINE = 64;
    /** {@code ARCH_SLAB_MINALIGN} (arch/arm/include/asm/cache.h). */
    public static final int ARCH_SLAB_MINALIGN = 8;

    private final SlubParams params;
    /** Oldest first: the order {@code find_mergeable} walks (the kernel's list reversed). */
    private final List<KmemCache> caches = new ArrayList<>();
    private final KmemCache[][] kmalloc = new KmemCache[KmallocType.values().length][KmallocIndex.SHIFT_HIGH + 1];
    private int nextId;
    /** The seeded bugs of {@code calculate_sizes} for caches created from now on (the allocator plants them). */
    private java.util.Set<SlubBug> layoutBugs = java.util.Set.of();

    /** The outcome of {@code kmem_cache_create}: a cache (new or merged) or the kernel's error. */
    public record Created(KmemCache cache, boolean merged, int errno) {
        /** Success. */
        public boolean ok() {
            return cache != null;
        }
    }

    private SlabCaches(SlubParams params) {
        this.params = params;
    }

    /**
     * {@code kmem_cache_init}: the two bootstrap caches and every kmalloc cache of the four types.
     *
     * @throws CacheLayout.NoOrderException where the kernel panics ("Creation of kmalloc slab ... failed")
     */
    public static SlabCaches boot(SlubParams params) throws CacheLayout.NoOrderException {
        SlabCaches sc = new SlabCaches(params);
        sc.bootCache("kmem_cache_node", KMEM_CACHE_NODE_SIZE, SlabFlags.SLAB_HWCACHE_ALIGN, 0, -1);
        sc.bootCache("kmem_cache", KMEM_CACHE_NODE_OFFSET + NR_NODE_IDS * CacheLayout.POINTER,
                SlabFlags.SLAB_HWCACHE_ALIGN, 0, -1);
        // bootstrap() puts kmem_cache on the list before kmem_cache_node
        Collections.swap(sc.caches, 0, 1);
        for (KmallocType type : KmallocType.values()) {
            for (int idx : KmallocIndex.createdIndices()) {
                int size = KmallocIndex.size(idx);
                // MEMCG_KMEM keeps the normal kmalloc caches out of merging (refcount -1)
                sc.kmalloc[type.ordinal()][idx] = sc.bootCache(type.prefix() + KmallocIndex.shortSize(idx), size,
                        type.flags() | SlabFlags.SLAB_KMALLOC, size, type == KmallocType.NORMAL ? -1 : 1);
            }
        }
        return sc;
    }

    /** {@code create_boot_cache}: natural alignment for power-of-two sizes, no merging. */
    private KmemCache bootCache(String name, int size, int flags, int usersize, int refcount)
            throws CacheLayout.NoOrderException {
        int align = KmallocIndex.KMALLOC_MIN_SIZE;
        if (Integer.bitCount(size) == 1) {
            align = Math.max(align, size);
        }
        align = calculateAlignment(flags, align, size);
        CacheLayout layout = CacheLayout.open(size, align, params.debug().apply(flags, name), false, params);
        KmemCache c = new KmemCache(nextId++, name, layout, false, usersize, refcount);
        caches.add(c);
        return c;
    }

    /** {@code calculate_alignment} (mm/slab_common.c). */
    public static int calculateAlignment(int flags, int align, int size) {
        int a = align;
        if ((flags & SlabFlags.SLAB_HWCACHE_ALIGN) != 0) {
            int ralign = CACHE_LINE;
            while (size <= ralign / 2) {
                ralign /= 2;
            }
            a = Math.max(a, ralign);
        }
        a = Math.max(a, ARCH_SLAB_MINALIGN);
        return CacheLayout.alignUp(a, CacheLayout.POINTER);
    }

    /**
     * {@code kmem_cache_create(name, size, align, flags, ctor)}: an existing compatible cache
     * gains an alias, or a new cache is made. Flags outside {@code SLAB_FLAGS_PERMITTED} give
     * -EINVAL; a size no slab order can hold gives -EINVAL as {@code kmem_cache_open} does.
     */
    public Created create(String name, int size, int align, int flags, boolean ctor) {
        return create(name, size, align, flags, ctor, 0);
    }

    /**
     * {@code kmem_cache_create_usercopy}: as {@link #create}, with a hardened-usercopy region of
     * {@code usersize} bytes; a cache with one is never an alias ({@code __kmem_cache_alias} is
     * tried only without) and never takes one ({@code slab_unmergeable}).
     */
    public Created create(String name, int size, int align, int flags, boolean ctor, int usersize) {
        if ((flags & ~SlabFlags.PERMITTED) != 0) {
            return new Created(null, false, -22);
        }
        int f = flags & SlabFlags.CACHE_CREATE_MASK;
        KmemCache merged = usersize != 0 ? null : findMergeable(size, align, f, name, ctor);
        if (merged != null) {
            merged.alias(name, size);
            return new Created(merged, true, 0);
        }
        return createCache(name, size, calculateAlignment(f, align, size), f, ctor, usersize);
    }

    /**
     * A cache made exactly as {@code create_cache} makes it, bypassing the flag mask and merging:
     * how a probe's recorded {@code struct kmem_cache} (flags such as SLAB_KMALLOC included) is
     * recomputed.
     */
    public Created createCache(String name, int size, int align, int flags, boolean ctor, int usersize) {
        try {
            CacheLayout layout = CacheLayout.open(size, align, params.debug().apply(flags, name), ctor, params,
                    layoutBugs);
            KmemCache c = new KmemCache(nextId++, name, layout, ctor, usersize, 1);
            caches.add(c);
            return new Created(c, false, 0);
        } catch (CacheLayout.NoOrderException e) {
            return new Created(null, false, -22);
        }
    }

    /**
     * Plants the seeded bugs of {@code calculate_sizes} for every cache {@code kmem_cache_create}
     * makes from now on. The boot caches are made before: their sizes (multiples of 8) lay out
     * alike with or without them.
     */
    void plantLayoutBugs(java.util.Set<SlubBug> bugs) {
        this.layoutBugs = java.util.Set.copyOf(bugs);
    }

    /** {@code slab_unmergeable}. */
    boolean unmergeable(KmemCache s) {
        return params.nomerge() || (s.flags() & SlabFlags.NEVER_MERGE) != 0 || s.hasCtor() || s.usersize() != 0
                || s.refcount() < 0;
    }

    /** {@code find_mergeable}: the oldest cache that can serve this request, or null. */
    KmemCache findMergeable(int size0, int align0, int flags0, String name, boolean ctor) {
        if (params.nomerge() || ctor) {
            return null;
        }
        int size = CacheLayout.alignUp(size0, CacheLayout.POINTER);
        int align = calculateAlignment(flags0, align0, size);
        size = CacheLayout.alignUp(size, align);
        int flags = params.debug().apply(flags0, name);
        if ((flags & SlabFlags.NEVER_MERGE) != 0) {
            return null;
        }
        for (KmemCache s : caches) {
            if (unmergeable(s) || size > s.size()) {
                continue;
            }
            if ((flags & SlabFlags.MERGE_SAME) != (s.flags() & SlabFlags.MERGE_SAME)) {
                continue;
            }
            if ((s.size() & ~(align - 1)) != s.size()) {
                continue;
            }
            if (s.size() - size >= CacheLayout.POINTER) {
                continue;
            }
            return s;
        }
        return null;
    }

    /**
     * The list side of {@code kmem_cache_destroy}: drops one reference; true when it was the
     * last and the cache left the list. {@code busy} says the allocator still holds objects, in
     * which case the cache stays, with its reference count at zero, as 6.1 leaves it.
     */
    public boolean destroy(KmemCache s, boolean busy) {
        if (s.release() != 0) {
            return false;
        }
        if (busy) {
            return false;
        }
        caches.remove(s);
        return true;
    }

    /** {@code kmalloc_caches[type][index]}, or null where this build has none. */
    public KmemCache kmallocCache(KmallocType type, int index) {
        return index < 0 || index > KmallocIndex.SHIFT_HIGH ? null : kmalloc[type.ordinal()][index];
    }

    /**
     * {@code kmalloc_slab(size, flags)}: the cache a kmalloc of {@code size} bytes with mask
     * {@code gfp} uses; null for size 0 (ZERO_SIZE_PTR) and above KMALLOC_MAX_CACHE_SIZE.
     */
    public KmemCache kmallocSlab(long size, long gfp) {
        int idx = KmallocIndex.slabIndex(size);
        return idx <= 0 ? null : kmallocCache(KmallocType.of(gfp), idx);
    }

    /** Every cache on the list, newest first as {@code /proc/slabinfo} prints them. */
    public List<KmemCache> newestFirst() {
        List<KmemCache> out = new ArrayList<>(caches);
        Collections.reverse(out);
        return out;
    }

    /** The cache called {@code name} on the list (not an alias), or null. */
    public KmemCache byName(String name) {
        for (KmemCache c : caches) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** The cache with creation index {@code id} (on the list or not yet destroyed), or null. */
    public KmemCache byId(int id) {
        for (KmemCache c : caches) {
            if (c.id() == id) {
                return c;
            }
        }
        return null;
    }

    /** The parameters the caches were made with. */
    public SlubParams params() {
        return params;
    }
}
