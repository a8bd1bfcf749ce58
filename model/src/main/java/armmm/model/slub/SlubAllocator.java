package armmm.model.slub;

import armmm.model.core.Result;
import armmm.model.core.Gfp;
import armmm.model.page.PageAllocator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SLUB allocator of mm/slub.c on the model's buddy allocator: slabs as buddy pages,
 * per-CPU slabs with their lockless freelists and per-CPU partial lists, the node partial list,
 * empty slabs freed beyond {@code min_partial}, the debug paths for {@code slub_debug} caches
 * ({@code alloc_single_from_partial}, {@code free_to_partial_list}) and kmalloc with its
 * large-allocation path. Sequential: one call at a time, as a stepped chain sees the kernel.
 *
 * <p>The facade over the parts that follow mm/slub.c's function groups: {@link SlabPages}
 * ({@code allocate_slab}, {@code discard_slab}), {@link FreePointer} ({@code set_freepointer}),
 * {@link SlabAlloc} ({@code slab_alloc_node}, {@code ___slab_alloc}), {@link SlabFree}
 * ({@code __slab_free}, {@code deactivate_slab}), {@link DebugProcessing} (the SLUB_DEBUG
 * single-object paths), {@link CacheLifecycle} ({@code kmem_cache_create}/{@code _destroy}/
 * {@code _shrink}), {@link Kmalloc} (mm/slab_common.c) and {@link SlabBulk}.
 */
public final class SlubAllocator {
    static final int RED_INACTIVE = 0xbb;
    static final int RED_ACTIVE = 0xcc;
    static final int POISON_FREE = 0x6b;
    static final int POISON_END = 0xa5;
    /** {@code ZERO_SIZE_PTR}. */
    public static final long ZERO_SIZE_PTR = 16;

    private final SlubState st;
    private final SlabPages slabPages;
    private final SlabAlloc alloc;
    private final SlabFree free;
    private final CacheLifecycle lifecycle;
    private final Kmalloc kmalloc;
    private final SlabBulk bulk;
    List<armmm.model.core.Violation> cachedChecks;
    long cachedAt = -1;
    /** The checks' count of list walks, which marks the slabs each walk sees (no kernel counterpart). */
    long listWalks;

    /**
     * SLUB booted on {@code pages}: the caches of {@code caches} get their nodes and
     * random freelist orders from {@code seed}.
     */
    public SlubAllocator(SlabCaches caches, PageAllocator pages, long seed, Set<SlubBug> bugs) {
        this(caches, pages, seed, bugs, true);
    }

    /**
     * As above; {@code bootObjects} false leaves the boot caches' own {@code struct kmem_cache}
     * and {@code kmem_cache_node} unallocated, so that the page allocator is untouched until a
     * SLUB call runs (for tests of the allocator alone; a whole-kernel boot allocates them).
     */
    public SlubAllocator(SlabCaches caches, PageAllocator pages, long seed, Set<SlubBug> bugs, boolean bootObjects) {
        st = new SlubState(caches, pages, seed, bugs);
        FreePointer fp = new FreePointer(st);
        slabPages = new SlabPages(st, fp);
        DebugProcessing debug = new DebugProcessing(st, slabPages, fp);
        free = new SlabFree(st, slabPages, fp, debug);
        alloc = new SlabAlloc(st, slabPages, fp, debug, free);
        lifecycle = new CacheLifecycle(st, slabPages, alloc, free, bootObjects);
        kmalloc = new Kmalloc(st, slabPages, alloc, free);
        bulk = new SlabBulk(st, fp, alloc, free);
        List<KmemCache> oldestFirst = caches.newestFirst();
        java.util.Collections.reverse(oldestFirst);
        for (KmemCache c : oldestFirst) {
            lifecycle.open(c);
        }
        // kmem_cache_init: every boot cache's struct kmem_cache and kmem_cache_node are objects
        // of the two bootstrap caches (early_kmem_cache_node_alloc, bootstrap, create_kmalloc_cache)
        for (KmemCache c : oldestFirst) {
            if (bootObjects) {
                lifecycle.bootstrapStructs(c, Gfp.GFP_NOWAIT);
            }
        }
    }

    /** The caches. */
    public SlabCaches caches() {
        return st.caches;
    }

    /** What the allocator has been through (for statistics). */
    public SlubStats stats() {
        return st.stats;
    }

    // ------------------------------------------------------------------ caches

    /** {@code kmem_cache_create}; the Result's value is the cache id, -EINVAL refused. */
    public Result kmemCacheCreate(String name, int size, int align, int flags, boolean ctor) {
        return kmemCacheCreateUsercopy(name, size, align, flags, 0, ctor);
    }

    /**
     * {@code kmem_cache_create_usercopy} (mm/slab_common.c) with a usercopy region of
     * {@code usersize} bytes (0: none, which is {@code kmem_cache_create}): the cache's id, or the
     * refusal; a cache with a usercopy region never merges.
     */
    public Result kmemCacheCreateUsercopy(String name, int size, int align, int flags, int usersize, boolean ctor) {
        return lifecycle.kmemCacheCreateUsercopy(name, size, align, flags, usersize, ctor);
    }

    /**
     * {@code kmem_cache_destroy}: the last reference flushes and frees the empty slabs; a cache
     * with live objects stays, reported as 6.1 reports it.
     */
    public Result kmemCacheDestroy(KmemCache s) {
        return lifecycle.kmemCacheDestroy(s);
    }

    /** {@code kmem_cache_shrink}: flush every CPU, free every empty slab, most-used slabs first. */
    public Result kmemCacheShrink(KmemCache s) {
        return lifecycle.kmemCacheShrink(s);
    }

    // ------------------------------------------------------------------ objects

    /** {@code kmem_cache_alloc(s, gfp)} on {@code cpu}: the object's address, 0 for NULL. */
    public Result kmemCacheAlloc(KmemCache s, long gfp, int cpu) {
        return alloc.kmemCacheAlloc(s, gfp, cpu);
    }

    /** {@code kmem_cache_free(s, addr)} on {@code cpu}. */
    public Result kmemCacheFree(KmemCache s, long addr, int cpu) {
        return free.kmemCacheFree(s, addr, cpu);
    }

    /**
     * {@code kmem_cache_alloc_bulk(s, gfp, n)}: the addresses, or an empty array when any
     * allocation failed (everything taken is given back, as the kernel does).
     */
    public long[] kmemCacheAllocBulk(KmemCache s, long gfp, int n, int cpu) {
        return bulk.kmemCacheAllocBulk(s, gfp, n, cpu);
    }

    /** A CPU beyond {@code nr_cpu_ids} refused, as every per-CPU call refuses it (the call counted), else null. */
    Result checkCpu(int cpu) {
        return st.checkCpu(cpu);
    }

    /** {@code kmem_cache_free_bulk}: each object freed in turn; the first refusal is returned. */
    public Result kmemCacheFreeBulk(KmemCache s, long[] addrs, int cpu) {
        return bulk.kmemCacheFreeBulk(s, addrs, cpu);
    }

    // ------------------------------------------------------------------ kmalloc

    /** {@code kmalloc(size, gfp)}: a kmalloc cache, or whole pages above 8 KiB; ZERO_SIZE_PTR (16) for 0. */
    public Result kmalloc(long size, long gfp, int cpu) {
        return kmalloc.kmalloc(size, gfp, cpu);
    }

    /** {@code kzalloc}: kmalloc with __GFP_ZERO. */
    public Result kzalloc(long size, long gfp, int cpu) {
        return kmalloc.kzalloc(size, gfp, cpu);
    }

    /** {@code kmalloc_array(n, size, gfp)}: NULL when n x size overflows a size_t (32 bits). */
    public Result kmallocArray(long n, long size, long gfp, int cpu) {
        return kmalloc.kmallocArray(n, size, gfp, cpu);
    }

    /** {@code kfree(addr)}: NULL and ZERO_SIZE_PTR do nothing. */
    public Result kfree(long addr, int cpu) {
        return kmalloc.kfree(addr, cpu);
    }

    /** {@code ksize(addr)} ({@code __ksize}): the usable size, {@code slab_ksize} of the object's cache or the large allocation's pages. */
    public Result ksize(long addr) {
        return kmalloc.ksize(addr);
    }

    /**
     * {@code krealloc(p, size, gfp)}: in place when the object already holds {@code size}
     * ({@code __do_krealloc} compares with ksize), else a new object, the contents copied, the old freed.
     */
    public Result krealloc(long addr, long size, long gfp, int cpu) {
        return kmalloc.krealloc(addr, size, gfp, cpu);
    }

    /**
     * {@code kvmalloc}'s kmalloc attempt (quiet above a page, and without retrying hard unless the
     * caller asked for __GFP_RETRY_MAYFAIL); the vmalloc
     * fallback needs the vmalloc subsystem, so {@link SlubOp.Kvmalloc} makes it.
     */
    public Result kvmalloc(long size, long gfp, int cpu) {
        return kmalloc.kvmalloc(size, gfp, cpu);
    }

    /** {@code kvfree} of an address outside vmalloc space: kfree ({@link SlubOp.Kvfree} vfrees the others). */
    public Result kvfree(long addr, int cpu) {
        return kmalloc.kfree(addr, cpu);
    }

    // ------------------------------------------------------------------ memory

    /**
     * {@code poke ADDR VALUE SIZE}: a store of 1, 2 or 4 bytes anywhere in a slab, as a buggy
     * caller would make it: nothing is checked now; the allocator sees the damage when it next
     * reads that memory, as the kernel does.
     */
    public Result poke(long addr, long value, int size) {
        st.opCount++;
        if (size != 1 && size != 2 && size != 4) {
            return Result.refused("poke size must be 1, 2 or 4, found " + size);
        }
        for (int i = 0; i < size; i++) {
            Slab slab = slabOf(addr + i);
            if (slab == null) {
                return Result.refused("poke of 0x" + Long.toHexString(addr + i) + ": not slab memory the model keeps");
            }
        }
        for (int i = 0; i < size; i++) {
            slabPages.writeByte(addr + i, (byte) (value >>> (8 * i)));
            Slab slab = slabOf(addr + i);
            slab.poked = true;
            st.touched.add(slab.cache);
        }
        return Result.VOID;
    }

    /** The byte at {@code addr} of slab memory (for observables and tests). */
    public int peek(long addr) {
        return slabPages.readByte(addr) & 0xff;
    }

    // ------------------------------------------------------------------ for checks and reports

    /** The slab holding {@code addr}, or null. */
    Slab slabOf(long addr) {
        return slabPages.slabOf(addr);
    }

    /** Every slab of every cache (for checks). */
    public Collection<Slab> slabs() {
        java.util.LinkedHashSet<Slab> out = new java.util.LinkedHashSet<>();
        for (CacheNode n : st.nodes.values()) {
            out.addAll(n.all);
        }
        return out;
    }

    /** The /proc/slabinfo rows, newest cache first as {@code slab_caches} lists them. */
    public List<SlabinfoRow> slabinfo() {
        List<SlabinfoRow> rows = new ArrayList<>();
        for (KmemCache s : st.caches.newestFirst()) {
            CacheNode n = s.node;
            long objs = 0;
            long slabs = 0;
            long free = 0;
            if (n != null) {
                for (Slab slab : n.all) {
                    objs += slab.objects;
                    slabs++;
                }
                for (Slab slab : n.partial) {
                    free += slab.objects - slab.inuse;
                }
            }
            rows.add(new SlabinfoRow(s.name(), objs - free, objs, s.size(), s.layout().objects(),
                    s.layout().pagesPerSlab(), slabs));
        }
        return rows;
    }

    /** Starts a step: the per-step checks will read what the calls from now on touch. */
    public void beginStep() {
        st.opCount++;
        st.touched.clear();
        st.largeTouched = false;
    }

    /** The count of calls that may change state: a cached check result is valid while it stands still. */
    long opCount() {
        return st.opCount;
    }

    /** The caches touched since {@link #beginStep} that are still served. */
    Collection<KmemCache> touched() {
        List<KmemCache> out = new ArrayList<>();
        for (KmemCache c : st.touched) {
            if (c.node != null) {
                out.add(c);
            }
        }
        return out;
    }

    /** Whether a large kmalloc happened since {@link #beginStep}. */
    boolean largeTouched() {
        return st.largeTouched;
    }

    /** The slab that owns page {@code pfn} in the model's page map, or null. */
    Slab slabAtPfn(long pfn) {
        return slabPages.slabAtPfn(pfn);
    }

    /** The per-node state of {@code s}, or null for a destroyed cache. */
    CacheNode node(KmemCache s) {
        return s.node;
    }

    /** The caches the allocator serves (live or refused destruction). */
    Collection<KmemCache> served() {
        return st.nodes.keySet();
    }

    /** The page allocator underneath. */
    public PageAllocator pages() {
        return st.pages;
    }

    /** kmalloc_large allocations, address to order. */
    Map<Long, Integer> large() {
        return kmalloc.large();
    }

    /** The cache with handle {@code id} that the allocator still serves, or null. */
    public KmemCache cache(int id) {
        for (KmemCache c : st.nodes.keySet()) {
            if (c.id() == id) {
                return c;
            }
        }
        return null;
    }
}
