package armmm.model.slub;

import armmm.model.core.Result;
import armmm.model.core.Gfp;
import armmm.model.page.PageAllocator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The SLUB allocator of mm/slub.c on the model's buddy allocator: slabs as buddy pages,
 * per-CPU slabs with their lockless freelists and per-CPU partial lists, the node partial list,
 * empty slabs freed beyond {@code min_partial}, the debug paths for {@code slub_debug} caches
 * ({@code alloc_single_from_partial}, {@code free_to_partial_list}) and kmalloc with its
 * large-allocation path. Sequential: one call at a time, as a stepped chain sees the kernel.
 */
public final class SlubAllocator {
    static final int RED_INACTIVE = 0xbb;
    static final int RED_ACTIVE = 0xcc;
    static final int POISON_FREE = 0x6b;
    static final int POISON_END = 0xa5;

    private final SlabCaches caches;
    private final PageAllocator pages;
    private final int cpus;
    private final SplittableRandom rng;
    private final Set<SlubBug> bugs;
    /** Counts calls that may change state: a cached check result is valid while it stands still. */
    long opCount;
    List<armmm.model.core.Violation> cachedChecks;
    long cachedAt = -1;
    /** The checks' count of list walks, which marks the slabs each walk sees (no kernel counterpart). */
    long listWalks;
    /** Whether caches' own structures are slab objects (created and freed with them). */
    private final boolean bootObjects;
    /** The slab the last object came from. */
    private Slab lastSlab;
    private final Map<KmemCache, CacheNode> nodes = new LinkedHashMap<>();
    /** Every page of every slab, by pfn. */
    private final Slab[] byPfn;
    private final long basePfn;
    /** kmalloc_large allocations: address to order. */
    private final TreeMap<Long, Integer> large = new TreeMap<>();
    final SlubStats stats = new SlubStats();
    /** The caches the calls since {@link #beginStep} touched: what a per-step check reads. */
    private final java.util.LinkedHashSet<KmemCache> touched = new java.util.LinkedHashSet<>();
    private boolean largeTouched;

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
        this.caches = caches;
        this.pages = pages;
        this.cpus = pages.nrCpus();
        this.rng = new SplittableRandom(seed);
        this.bugs = bugs.isEmpty() ? EnumSet.noneOf(SlubBug.class) : EnumSet.copyOf(bugs);
        caches.plantLayoutBugs(this.bugs);
        this.basePfn = pages.basePfn();
        this.byPfn = new Slab[pages.frameCount()];
        List<KmemCache> oldestFirst = caches.newestFirst();
        java.util.Collections.reverse(oldestFirst);
        for (KmemCache c : oldestFirst) {
            open(c);
        }
        // kmem_cache_init: every boot cache's struct kmem_cache and kmem_cache_node are objects
        // of the two bootstrap caches (early_kmem_cache_node_alloc, bootstrap, create_kmalloc_cache)
        for (KmemCache c : oldestFirst) {
            if (bootObjects) {
                bootstrapStructs(c, Gfp.GFP_NOWAIT);
            }
        }
        this.bootObjects = bootObjects;
    }

    /** Allocates {@code c}'s {@code struct kmem_cache} and its node from the bootstrap caches; false on NULL. */
    private boolean bootstrapStructs(KmemCache c, long gfp) {
        KmemCache node = caches.byName("kmem_cache_node");
        KmemCache cache = caches.byName("kmem_cache");
        long n = allocObject(node, gfp, 0).value();
        long k = n == 0 ? 0 : allocObject(cache, gfp | Gfp.ZERO, 0).value();
        if (k == 0) {
            if (n != 0) {
                kmemCacheFree(node, n, 0);
            }
            return false;
        }
        c.structs = new long[] {k, n};
        return true;
    }

    private CacheNode open(KmemCache c) {
        CacheNode n = new CacheNode(cpus);
        n.random = rng.nextInt();
        // freelist_randomize: Fisher-Yates over the objects of a full-order slab
        int count = c.layout().objects();
        n.randomSeq = new int[count];
        for (int i = 0; i < count; i++) {
            n.randomSeq[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = n.randomSeq[i];
            n.randomSeq[i] = n.randomSeq[j];
            n.randomSeq[j] = t;
        }
        nodes.put(c, n);
        c.node = n;
        return n;
    }

    /** The caches. */
    public SlabCaches caches() {
        return caches;
    }

    /** What the allocator has been through (for statistics). */
    public SlubStats stats() {
        return stats;
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
        opCount++;
        SlabCaches.Created made = caches.create(name, size, align, flags, ctor, usersize);
        if (!made.ok() && size == 0) {
            // s->size 0: calc_slab_order divides PAGE_SIZE by it (ARM's __div0 prints
            // "Division by zero in kernel." and goes on with garbage); the model stops here
            return modelFinding("kmem_cache_create(" + name + ") of a 0-byte object without metadata:"
                    + " calculate_order divides by s->size 0");
        }
        if (!made.ok()) {
            return new Result.Refused("-EINVAL", "kmem_cache_create(" + name + ") failed with error -22");
        }
        if (!made.merged()) {
            open(made.cache());
            if (bootObjects && !bootstrapStructs(made.cache(), Gfp.GFP_KERNEL)) {
                nodes.remove(made.cache());
                made.cache().node = null;
                caches.destroy(made.cache(), false);
                return new Result.Refused("-ENOMEM", "kmem_cache_create(" + name + ") failed with error -12");
            }
        }
        return Result.of(made.cache().id());
    }

    /**
     * {@code kmem_cache_destroy}: the last reference flushes and frees the empty slabs; a cache
     * with live objects stays, reported as 6.1 reports it.
     */
    public Result kmemCacheDestroy(KmemCache s) {
        opCount++;
        if (s.refcount() <= 0) {
            // the kernel only drops the count of a boot cache or of one already destroyed
            return modelFinding("kmem_cache_destroy of " + s.name() + ", which "
                    + (s.refcount() < 0 ? "boot created" : "was already destroyed"));
        }
        if (s.refcount() > 1) {
            caches.destroy(s, false);
            return Result.VOID;
        }
        CacheNode n = s.node;
        touched.add(s);
        flushAll(s, n);
        discardEmpty(s, n);
        List<Long> live = liveObjects(n);
        if (!live.isEmpty()) {
            caches.destroy(s, true);
            return new Result.Refused("Objects remaining", "BUG " + s.name() + " (Not tainted): Objects remaining in "
                    + s.name() + " on __kmem_cache_shutdown()\nkmem_cache_destroy " + s.name()
                    + ": Slab cache still has objects when called from ...");
        }
        caches.destroy(s, false);
        nodes.remove(s);
        s.node = null;
        // slab_kmem_cache_release: the cache's own structures go back to the bootstrap caches
        if (s.structs != null) {
            kmemCacheFree(caches.byName("kmem_cache_node"), s.structs[1], 0);
            kmemCacheFree(caches.byName("kmem_cache"), s.structs[0], 0);
        }
        return Result.VOID;
    }

    /** {@code kmem_cache_shrink}: flush every CPU, free every empty slab, most-used slabs first. */
    public Result kmemCacheShrink(KmemCache s) {
        opCount++;
        CacheNode n = s.node;
        touched.add(s);
        flushAll(s, n);
        discardEmpty(s, n);
        n.partial.sort((a, b) -> Integer.compare(b.inuse, a.inuse));
        return Result.of(n.partial.isEmpty() ? 0 : 1);
    }

    private void discardEmpty(KmemCache s, CacheNode n) {
        for (Slab slab : new ArrayList<>(n.partial)) {
            if (slab.inuse == 0) {
                if (bugs.contains(SlubBug.SHRINK_FREES_LISTED_SLAB)) {
                    pages.setPageSlab(slab.pfn, false);
                    pages.freePagesPfn(slab.pfn, slab.order, 0);
                    continue;
                }
                n.partial.remove(slab);
                discardSlab(slab, n);
            }
        }
    }

    private static List<Long> liveObjects(CacheNode n) {
        List<Long> out = new ArrayList<>();
        for (Slab slab : n.all) {
            for (int i = 0; i < slab.objects; i++) {
                if (slab.allocated[i]) {
                    out.add(slab.objectAddress(i));
                }
            }
        }
        return out;
    }

    /** {@code flush_all}: every CPU's slab deactivated and partial list unfrozen. */
    private void flushAll(KmemCache s, CacheNode n) {
        for (CpuSlab c : n.cpu) {
            if (c.slab != null) {
                Slab slab = c.slab;
                int freelist = c.freelist;
                c.slab = null;
                c.freelist = -1;
                c.bump(cpus);
                deactivateSlab(s, n, slab, freelist);
            }
            unfreezePartials(s, n, c);
        }
    }

    // ------------------------------------------------------------------ allocation

    /** {@code kmem_cache_alloc(s, gfp)} on {@code cpu}: the object's address, 0 for NULL. */
    public Result kmemCacheAlloc(KmemCache s, long gfp, int cpu) {
        Result bad = checkCpu(cpu);
        if (bad != null) {
            return bad;
        }
        return allocObject(s, gfp, cpu);
    }

    private Result allocObject(KmemCache s, long gfp, int cpu) {
        CacheNode n = s.node;
        touched.add(s);
        Result r = s.debug() ? allocDebug(s, n, gfp) : allocCpu(s, n, gfp, cpu);
        if (r.isRefused() || r.value() == 0) {
            return r;
        }
        long addr = r.value();
        Slab slab = lastSlab;
        int i = slab.indexOf(addr);
        slab.allocated[i] = true;
        stats.allocs++;
        if ((s.flags() & SlabFlags.SLAB_POISON) == 0 || (gfp & Gfp.ZERO) != 0) {
            // init_on_alloc (the build's default) zeroes the object; poisoning takes precedence
            int o = (int) (addr - slab.base);
            java.util.Arrays.fill(slab.mem, o, o + s.objectSize(), (byte) 0);
        }
        return r;
    }

    private Result allocCpu(KmemCache s, CacheNode n, long gfp, int cpu) {
        CpuSlab c = n.cpu[cpu];
        while (true) {
            if (c.slab != null) {
                if (c.freelist < 0) {
                    // get_freelist: take what remote frees left on the slab
                    Slab slab = c.slab;
                    c.freelist = slab.freelist;
                    slab.freelist = -1;
                    slab.inuse = slab.objects;
                    if (c.freelist < 0) {
                        slab.frozen = false;
                        slab.cpu = -1;
                        slab.list = Slab.SlabList.NODE_FULL;
                        n.full.add(slab);
                        c.slab = null;
                        c.bump(cpus);
                        continue;
                    }
                }
                Slab slab = c.slab;
                int obj = c.freelist;
                Result corrupt = readFreePointer(s, slab, obj);
                if (corrupt != null) {
                    return corrupt;
                }
                c.freelist = slab.next[obj];
                c.bump(cpus);
                lastSlab = slab;
                return Result.of(slab.objectAddress(obj));
            }
            if (!c.partial.isEmpty()) {
                Slab slab = c.partial.pop();
                slab.list = Slab.SlabList.CPU_SLAB;
                c.slab = slab;
                stats.cpuPartialAlloc++;
                continue;
            }
            Slab got = getPartialNode(s, n, c, cpu);
            if (got == null) {
                got = newSlab(s, n, gfp);
                if (got == null) {
                    return Result.of(0);
                }
                got.freelist = -1;
                got.inuse = got.objects;
                c.freelist = got.firstFree;
            }
            got.frozen = true;
            got.cpu = cpu;
            got.list = Slab.SlabList.CPU_SLAB;
            c.slab = got;
        }
    }

    /** {@code get_partial_node}: the first slab becomes the CPU slab, more go to the CPU partial list. */
    private Slab getPartialNode(KmemCache s, CacheNode n, CpuSlab c, int cpu) {
        Slab first = null;
        int partialSlabs = 0;
        while (!n.partial.isEmpty()) {
            Slab slab = n.partial.remove(0);
            slab.frozen = true;
            slab.cpu = cpu;
            if (first == null) {
                // acquire_slab: the whole freelist moves to the CPU
                first = slab;
                c.freelist = slab.freelist;
                slab.freelist = -1;
                slab.inuse = slab.objects;
                stats.nodePartialAlloc++;
            } else {
                putCpuPartial(s, n, c, slab, false);
                partialSlabs++;
            }
            if (partialSlabs > s.layout().cpuPartialSlabs() / 2) {
                break;
            }
        }
        if (first != null) {
            first.freelist = -1;
        }
        return first;
    }

    /** The debug caches' path: one object at a time from the node's lists, checks on every object. */
    private Result allocDebug(KmemCache s, CacheNode n, long gfp) {
        while (true) {
            Slab slab = n.partial.isEmpty() ? null : n.partial.get(0);
            if (slab == null) {
                slab = newSlab(s, n, gfp);
                if (slab == null) {
                    return Result.of(0);
                }
                slab.freelist = slab.firstFree;
                slab.inuse = 0;
                slab.list = Slab.SlabList.NODE_PARTIAL;
                n.partial.add(0, slab);
            }
            int obj = slab.freelist;
            Result corrupt = readFreePointer(s, slab, obj);
            if (corrupt != null) {
                return corrupt;
            }
            slab.freelist = slab.next[obj];
            slab.inuse++;
            String bad = (s.flags() & SlabFlags.SLAB_CONSISTENCY_CHECKS) != 0
                    ? SlubObjectDebug.checkObject(s, slab, obj, RED_INACTIVE) : null;
            if (bad != null) {
                // alloc_debug_processing failed: "Marking all objects used", the slab is frozen for good
                n.partial.remove(slab);
                // every object left is leaked with the slab, as the kernel leaves it
                slab.allocated[obj] = true;
                for (int f = slab.freelist; f >= 0; f = slab.next[f]) {
                    slab.allocated[f] = true;
                }
                slab.freelist = -1;
                slab.inuse = slab.objects;
                slab.frozen = true;
                slab.failed = true;
                slab.list = Slab.SlabList.NONE;
                stats.report(firstLine(bad));
                return new Result.Refused(firstLine(bad), SlubObjectDebug.bugLine(s, bad)
                        + "\nFIX " + s.name() + ": Marking all objects used");
            }
            SlubObjectDebug.initObject(s, slab, obj, RED_ACTIVE);
            if (slab.inuse == slab.objects) {
                n.partial.remove(slab);
                n.full.add(slab);
                slab.list = Slab.SlabList.NODE_FULL;
            }
            lastSlab = slab;
            return Result.of(slab.objectAddress(obj));
        }
    }

    /** {@code allocate_slab}: pages from the buddy allocator, falling back to {@code s->min}; the freelist shuffled. */
    private Slab newSlab(KmemCache s, CacheNode n, long gfp) {
        long flags = (gfp & (Gfp.RECLAIM | Gfp.IO | Gfp.FS | Gfp.HIGH | Gfp.ATOMIC | Gfp.NOWARN | Gfp.NOFAIL
                | Gfp.RETRY_MAYFAIL | Gfp.NORETRY | Gfp.MEMALLOC | Gfp.NOMEMALLOC | Gfp.ACCOUNT))
                | allocFlags(s);
        int order = s.layout().order();
        long pfn = -1;
        if (order > s.layout().minOrder()) {
            pfn = pages.allocPagesPfn((flags | Gfp.NOWARN | Gfp.NORETRY) & ~Gfp.NOFAIL, order, 0);
        }
        if (pfn < 0) {
            order = s.layout().minOrder();
            pfn = pages.allocPagesPfn(order > 0 ? flags | Gfp.COMP : flags & ~Gfp.COMP, order, 0);
        }
        if (pfn < 0) {
            stats.allocFailures++;
            return null;
        }
        int objects = CacheLayout.orderObjects(order, s.size());
        // __folio_set_slab: PG_slab on the head page (PF_NO_TAIL; a tail reads it through its head)
        pages.setPageSlab(pfn, true);
        Slab slab = new Slab(pfn, order, s, objects, pages.layout().pageAddress(pfn));
        int mapped = bugs.contains(SlubBug.NEW_SLAB_MAPS_FIRST_PAGE_ONLY) ? 1 : slab.pages();
        for (int p = 0; p < mapped; p++) {
            byPfn[(int) (pfn + p - basePfn)] = slab;
        }
        n.all.add(slab);
        stats.slabsAllocated++;
        // shuffle_freelist: a random start in the cache's sequence, skipping indices this slab lacks
        int[] seq = n.randomSeq;
        int pos = rng.nextInt(seq.length);
        int prev = -1;
        int first = -1;
        for (int k = 0; k < seq.length; k++) {
            int idx = seq[(pos + k) % seq.length];
            if (idx >= objects) {
                continue;
            }
            if ((s.flags() & SlabFlags.DEBUG) != 0) {
                SlubObjectDebug.initObject(s, slab, idx, RED_INACTIVE);
            }
            if (prev < 0) {
                first = idx;
            } else {
                slab.next[prev] = idx;
                writeFreePointer(s, slab, prev, idx);
            }
            prev = idx;
        }
        slab.next[prev] = -1;
        writeFreePointer(s, slab, prev, -1);
        slab.firstFree = first;
        return slab;
    }

    private static long allocFlags(KmemCache s) {
        long f = 0;
        if ((s.flags() & SlabFlags.SLAB_CACHE_DMA) != 0) {
            f |= Gfp.DMA;
        }
        if ((s.flags() & SlabFlags.SLAB_RECLAIM_ACCOUNT) != 0) {
            f |= Gfp.RECLAIMABLE;
        }
        if (s.layout().order() > 0) {
            f |= Gfp.COMP;
        }
        return f;
    }

    // ------------------------------------------------------------------ freeing

    /** {@code kmem_cache_free(s, addr)} on {@code cpu}. */
    public Result kmemCacheFree(KmemCache s, long addr, int cpu) {
        Result bad = checkCpu(cpu);
        if (bad != null) {
            return bad;
        }
        Slab slab = slabOf(addr);
        if (slab == null) {
            return modelFinding("kmem_cache_free of 0x" + Long.toHexString(addr) + ", which is in no slab");
        }
        String wrong = null;
        if (slab.cache != s) {
            // cache_from_obj with SLAB_FREELIST_HARDENED: warn, then free to the object's own cache
            wrong = "kmem_cache_free: Wrong slab cache. " + s.name() + " but object is from " + slab.cache.name();
            stats.report("Wrong slab cache");
        }
        Result r = freeObject(slab.cache, slab, addr, cpu);
        if (wrong != null) {
            return new Result.Refused("Wrong slab cache", r.isRefused() ? wrong + "\n" + ((Result.Refused) r).report() : wrong);
        }
        return r;
    }

    private Result freeObject(KmemCache s, Slab slab, long addr, int cpu) {
        CacheNode n = s.node;
        touched.add(s);
        int obj = slab.indexOf(addr);
        if (s.debug()) {
            return freeDebug(s, n, slab, addr, obj);
        }
        if (obj < 0) {
            // the kernel links the pointer in as it is and corrupts the freelist
            return modelFinding("free of 0x" + Long.toHexString(addr) + ", not the start of an object of "
                    + s.name() + " (the kernel does not check this without slub_debug)");
        }
        CpuSlab c = n.cpu[cpu];
        int head = slab == c.slab ? c.freelist : slab.freelist;
        if (head == obj && !bugs.contains(SlubBug.NO_NAIVE_DOUBLE_FREE_CHECK)) {
            stats.report("kernel BUG at mm/slub.c:419!");
            return new Result.Refused("kernel BUG at mm/slub.c:419!", "kernel BUG at mm/slub.c:419!\n"
                    + "Internal error: Oops - BUG: 0 [#1] SMP ARM");
        }
        if (!slab.allocated[obj]) {
            if (bugs.contains(SlubBug.NO_NAIVE_DOUBLE_FREE_CHECK) && head == obj) {
                // the check is gone: the object links to itself and the freelist loops
                slab.next[obj] = obj;
                return Result.VOID;
            }
            return modelFinding("double free of 0x" + Long.toHexString(addr) + " in " + s.name()
                    + " (not at the freelist head: the kernel does not detect it)");
        }
        slab.allocated[obj] = false;
        stats.frees++;
        if (slab == c.slab) {
            // do_slab_free's fast path: onto the lockless freelist
            slab.next[obj] = c.freelist;
            writeFreePointer(s, slab, obj, c.freelist);
            c.freelist = obj;
            c.bump(cpus);
            return Result.VOID;
        }
        if (slab.frozen && slab.cpu != cpu) {
            stats.crossCpuFrees++;
        }
        slabFree(s, n, slab, obj, 1, cpu);
        return Result.VOID;
    }

    /** {@code __slab_free} of a chain of {@code cnt} objects headed by {@code obj} (already linked). */
    private void slabFree(KmemCache s, CacheNode n, Slab slab, int obj, int cnt, int cpu) {
        int prior = slab.freelist;
        int tail = obj;
        for (int k = 1; k < cnt; k++) {
            tail = slab.next[tail];
        }
        slab.next[tail] = prior;
        writeFreePointer(s, slab, tail, prior);
        slab.freelist = obj;
        if (!bugs.contains(SlubBug.REMOTE_FREE_KEEPS_INUSE) || !slab.frozen) {
            slab.inuse -= cnt;
        }
        if (slab.frozen) {
            return;
        }
        if (prior < 0) {
            // was full and on no list: the CPU takes it onto its partial list
            n.full.remove(slab);
            slab.frozen = true;
            slab.cpu = cpu;
            putCpuPartial(s, n, n.cpu[cpu], slab, true);
            return;
        }
        if (slab.inuse == 0 && mayDiscard(s, n)) {
            n.partial.remove(slab);
            discardSlab(slab, n);
        }
    }

    private boolean mayDiscard(KmemCache s, CacheNode n) {
        return n.nrPartial() >= s.layout().minPartial();
    }

    /** The debug path: checks, then the object goes back to its slab under the node's lock. */
    private Result freeDebug(KmemCache s, CacheNode n, Slab slab, long addr, int obj) {
        if ((s.flags() & SlabFlags.SLAB_CONSISTENCY_CHECKS) != 0) {
            String bad = null;
            String detail = "";
            if (obj < 0) {
                bad = "Invalid object pointer 0x" + Long.toHexString(addr);
            } else if (!slab.allocated[obj]) {
                bad = "Object already free";
            } else {
                bad = SlubObjectDebug.checkObject(s, slab, obj, RED_ACTIVE);
            }
            if (bad != null) {
                stats.report(bad.startsWith("Invalid") ? "Invalid object pointer" : firstLine(bad));
                String fix = obj >= 0 ? "\nFIX " + s.name() + ": Object at 0x" + Long.toHexString(addr) + " not freed" : "";
                return new Result.Refused(bad.startsWith("Invalid") ? "Invalid object pointer" : firstLine(bad),
                        SlubObjectDebug.bugLine(s, bad) + detail + fix);
            }
        } else if (obj < 0 || !slab.allocated[obj]) {
            return modelFinding((obj < 0 ? "free of a pointer into the middle of an object: 0x" : "double free of 0x")
                    + Long.toHexString(addr) + " in " + s.name() + " (slub_debug without F does not check this)");
        }
        slab.allocated[obj] = false;
        stats.frees++;
        if (!bugs.contains(SlubBug.FREE_SKIPS_INIT_OBJECT)) {
            SlubObjectDebug.initObject(s, slab, obj, RED_INACTIVE);
        }
        int prior = slab.freelist;
        slab.next[obj] = prior;
        writeFreePointer(s, slab, obj, prior);
        slab.freelist = obj;
        slab.inuse--;
        boolean free = slab.inuse == 0 && mayDiscard(s, n);
        if (prior < 0) {
            n.full.remove(slab);
            if (!free) {
                n.partial.add(slab);
                slab.list = Slab.SlabList.NODE_PARTIAL;
            }
        } else if (free) {
            n.partial.remove(slab);
        }
        if (free) {
            discardSlab(slab, n);
        }
        return Result.VOID;
    }

    /** {@code put_cpu_partial}: a full per-CPU list (draining) is unfrozen onto the node first. */
    private void putCpuPartial(KmemCache s, CacheNode n, CpuSlab c, Slab slab, boolean drain) {
        if (drain && c.partial.size() >= s.layout().cpuPartialSlabs()) {
            unfreezePartials(s, n, c);
        }
        slab.list = Slab.SlabList.CPU_PARTIAL;
        slab.cpu = indexOf(n, c);
        c.partial.push(slab);
        stats.cpuPartialPut++;
    }

    private int indexOf(CacheNode n, CpuSlab c) {
        for (int i = 0; i < n.cpu.length; i++) {
            if (n.cpu[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** {@code __unfreeze_partials}: every slab of the per-CPU list to the node, or freed when empty. */
    private void unfreezePartials(KmemCache s, CacheNode n, CpuSlab c) {
        List<Slab> discard = new ArrayList<>();
        // the list is walked from its head, the newest slab
        for (Slab slab : c.partial) {
            slab.frozen = false;
            slab.cpu = -1;
            if (slab.inuse == 0 && mayDiscard(s, n)) {
                discard.add(slab);
                slab.list = Slab.SlabList.NONE;
            } else {
                n.partial.add(slab);
                slab.list = Slab.SlabList.NODE_PARTIAL;
            }
        }
        c.partial.clear();
        for (Slab slab : discard) {
            discardSlab(slab, n);
        }
    }

    /** {@code deactivate_slab}: the CPU freelist goes back to the slab, which goes to a list or is freed. */
    private void deactivateSlab(KmemCache s, CacheNode n, Slab slab, int freelist) {
        int tail = -1;
        int count = 0;
        for (int f = freelist; f >= 0; f = slab.next[f]) {
            tail = f;
            count++;
        }
        if (bugs.contains(SlubBug.DEACTIVATE_LOSES_OBJECT) && count > 1) {
            // the pre-52f23478081a walk stops one short and splices in front of the last object
            int before = freelist;
            while (slab.next[slab.next[before]] >= 0) {
                before = slab.next[before];
            }
            tail = before;
            count--;
        }
        if (tail >= 0) {
            slab.inuse -= count;
            slab.next[tail] = slab.freelist;
            writeFreePointer(s, slab, tail, slab.freelist);
            slab.freelist = freelist;
        }
        slab.frozen = bugs.contains(SlubBug.DEACTIVATE_KEEPS_FROZEN);
        slab.cpu = -1;
        if (slab.inuse == 0 && mayDiscard(s, n)) {
            discardSlab(slab, n);
        } else if (slab.freelist >= 0) {
            n.partial.add(slab);
            slab.list = Slab.SlabList.NODE_PARTIAL;
        } else {
            slab.list = Slab.SlabList.NODE_FULL;
            n.full.add(slab);
        }
    }

    /** {@code discard_slab}: the pages go back to the buddy allocator. */
    private void discardSlab(Slab slab, CacheNode n) {
        n.all.remove(slab);
        n.full.remove(slab);
        slab.list = Slab.SlabList.NONE;
        for (int p = 0; p < slab.pages(); p++) {
            byPfn[(int) (slab.pfn + p - basePfn)] = null;
        }
        // __free_slab: __folio_clear_slab before the pages go back (PG_slab fails the free's page check)
        if (!bugs.contains(SlubBug.FREE_SLAB_KEEPS_PG_SLAB)) {
            pages.setPageSlab(slab.pfn, false);
        }
        pages.freePagesPfn(slab.pfn, slab.order, 0);
        stats.slabsFreed++;
    }

    // ------------------------------------------------------------------ kmalloc

    /** {@code kmalloc(size, gfp)}: a kmalloc cache, or whole pages above 8 KiB; ZERO_SIZE_PTR (16) for 0. */
    public Result kmalloc(long size, long gfp, int cpu) {
        Result bad = checkCpu(cpu);
        if (bad != null) {
            return bad;
        }
        if (size == 0) {
            return Result.of(ZERO_SIZE_PTR);
        }
        if (size > KmallocIndex.MAX_CACHE_SIZE) {
            return kmallocLarge(size, gfp, cpu);
        }
        KmemCache s = caches.kmallocSlab(size, gfp);
        Result r = allocObject(s, gfp, cpu);
        return r;
    }

    /** {@code ZERO_SIZE_PTR}. */
    public static final long ZERO_SIZE_PTR = 16;

    private Result kmallocLarge(long size, long gfp, int cpu) {
        if (size > KmallocIndex.MAX_SIZE) {
            // __kmalloc_large_node: get_order beyond MAX_ORDER, the page allocator warns and fails
            return Result.of(0);
        }
        int order = CacheLayout.getOrder(size);
        long pfn = pages.allocPagesPfn((gfp | Gfp.COMP) & ~Gfp.HIGHMEM, order, cpu);
        if (pfn < 0) {
            return Result.of(0);
        }
        long addr = pages.layout().pageAddress(pfn);
        large.put(addr, order);
        largeTouched = true;
        stats.largeAllocs++;
        return Result.of(addr);
    }

    /** {@code kzalloc}: kmalloc with __GFP_ZERO. */
    public Result kzalloc(long size, long gfp, int cpu) {
        return kmalloc(size, gfp | Gfp.ZERO, cpu);
    }

    /** {@code kmalloc_array(n, size, gfp)}: NULL when n x size overflows a size_t (32 bits). */
    public Result kmallocArray(long n, long size, long gfp, int cpu) {
        if (size != 0 && n > 0xFFFF_FFFFL / size) {
            return Result.of(0);
        }
        return kmalloc(n * size, gfp, cpu);
    }

    /** {@code kfree(addr)}: NULL and ZERO_SIZE_PTR do nothing. */
    public Result kfree(long addr, int cpu) {
        Result bad = checkCpu(cpu);
        if (bad != null) {
            return bad;
        }
        if (addr <= ZERO_SIZE_PTR) {
            return Result.VOID;
        }
        Slab slab = slabOf(addr);
        if (slab != null) {
            return freeObject(slab.cache, slab, addr, cpu);
        }
        Integer order = large.remove(addr);
        if (order != null) {
            pages.freePagesPfn(pages.layout().virtToPfn(addr), order, cpu);
            return Result.VOID;
        }
        return modelFinding("kfree of 0x" + Long.toHexString(addr) + ", which no kmalloc returned"
                + " (the kernel would free_large_kmalloc a non-slab page or oops)");
    }

    /** {@code ksize(addr)} ({@code __ksize}): the usable size, {@link #slabKsize} of the object's cache or the large allocation's pages. */
    public Result ksize(long addr) {
        if (addr <= ZERO_SIZE_PTR) {
            return Result.of(0);
        }
        Integer order = large.get(addr);
        if (order != null) {
            return Result.of((long) CacheLayout.PAGE_SIZE << order);
        }
        Slab slab = slabOf(addr);
        if (slab == null || slab.indexOf(addr) < 0 || !slab.allocated[slab.indexOf(addr)]) {
            return modelFinding("ksize of 0x" + Long.toHexString(addr) + ", not a live kmalloc object");
        }
        return Result.of(slabKsize(slab.cache));
    }

    /**
     * mm/slab.h {@code slab_ksize} (CONFIG_SLUB, CONFIG_SLUB_DEBUG, no KASAN): the object alone
     * when a red zone or poison guards its end; up to {@code inuse} when the free pointer or the
     * owner tracks follow it; else the whole slot, alignment padding included.
     */
    private static int slabKsize(KmemCache s) {
        if ((s.flags() & (SlabFlags.SLAB_RED_ZONE | SlabFlags.SLAB_POISON)) != 0) {
            return s.objectSize();
        }
        if ((s.flags() & (SlabFlags.SLAB_TYPESAFE_BY_RCU | SlabFlags.SLAB_STORE_USER)) != 0) {
            return s.inuse();
        }
        return s.size();
    }

    /**
     * {@code krealloc(p, size, gfp)}: in place when the object already holds {@code size}
     * ({@code __do_krealloc} compares with ksize), else a new object, the contents copied, the old freed.
     */
    public Result krealloc(long addr, long size, long gfp, int cpu) {
        if (size == 0) {
            kfree(addr, cpu);
            return Result.of(ZERO_SIZE_PTR);
        }
        long ks = 0;
        if (addr > ZERO_SIZE_PTR) {
            Result k = ksize(addr);
            if (k.isRefused()) {
                return k;
            }
            ks = k.value();
            if (ks >= size) {
                return Result.of(addr);
            }
        }
        Result r = kmalloc(size, gfp, cpu);
        if (r.isRefused() || r.value() == 0) {
            return r;
        }
        if (ks > 0) {
            copy(addr, r.value(), (int) ks);
            kfree(addr, cpu);
        }
        return r;
    }

    private void copy(long from, long to, int len) {
        for (int i = 0; i < len; i++) {
            byte b = readByte(from + i);
            writeByte(to + i, b);
        }
    }

    private byte readByte(long addr) {
        Slab slab = slabOf(addr);
        return slab == null ? 0 : slab.mem[(int) (addr - slab.base)];
    }

    private void writeByte(long addr, byte b) {
        Slab slab = slabOf(addr);
        if (slab != null) {
            slab.mem[(int) (addr - slab.base)] = b;
        }
    }

    /**
     * {@code kvmalloc}'s kmalloc attempt (mm/util.c {@code kvmalloc_node}): above a page quiet,
     * without __GFP_NOFAIL, and without retrying hard unless the caller asked for
     * __GFP_RETRY_MAYFAIL; the vmalloc fallback needs the vmalloc subsystem, so
     * {@link SlubOp.Kvmalloc} makes it.
     */
    public Result kvmalloc(long size, long gfp, int cpu) {
        long g = gfp;
        if (size > CacheLayout.PAGE_SIZE) {
            g |= Gfp.NOWARN;
            if ((g & Gfp.RETRY_MAYFAIL) == 0) {
                g |= Gfp.NORETRY;
            }
            g &= ~Gfp.NOFAIL;
        }
        return kmalloc(size, g, cpu);
    }

    /** {@code kvfree} of an address outside vmalloc space: kfree ({@link SlubOp.Kvfree} vfrees the others). */
    public Result kvfree(long addr, int cpu) {
        return kfree(addr, cpu);
    }

    /**
     * {@code kmem_cache_alloc_bulk(s, gfp, n)}: the addresses, or an empty array when any
     * allocation failed (everything taken is given back, as the kernel does).
     */
    public long[] kmemCacheAllocBulk(KmemCache s, long gfp, int n, int cpu) {
        opCount++;
        long[] out = new long[n];
        CacheNode node = s.node;
        touched.add(s);
        CpuSlab c = node.cpu[cpu];
        for (int i = 0; i < n; i++) {
            Result r;
            if (!s.debug() && c.slab != null && c.freelist >= 0) {
                Slab slab = c.slab;
                int obj = c.freelist;
                r = readFreePointer(s, slab, obj);
                if (r == null) {
                    c.freelist = slab.next[obj];
                    r = Result.of(slab.objectAddress(obj));
                    slab.allocated[obj] = true;
                    stats.allocs++;
                    if ((s.flags() & SlabFlags.SLAB_POISON) == 0 || (gfp & Gfp.ZERO) != 0) {
                        int o = (int) (r.value() - slab.base);
                        java.util.Arrays.fill(slab.mem, o, o + s.objectSize(), (byte) 0);
                    }
                }
            } else {
                // the slow path refills the CPU freelist; fd4d9c7d0c71 bumps the tid before it
                if (!bugs.contains(SlubBug.BULK_MISSING_TID_BUMP)) {
                    c.bump(cpus);
                }
                c.window("kmem_cache_alloc_bulk -> ___slab_alloc");
                r = allocObject(s, gfp, cpu);
            }
            if (r.isRefused() || r.value() == 0) {
                for (int j = 0; j < i; j++) {
                    kmemCacheFree(s, out[j], cpu);
                }
                return new long[0];
            }
            out[i] = r.value();
        }
        c.bump(cpus);
        return out;
    }

    /** {@code kmem_cache_free_bulk}: each object freed in turn; the first refusal is returned. */
    public Result kmemCacheFreeBulk(KmemCache s, long[] addrs, int cpu) {
        Result first = Result.VOID;
        for (long a : addrs) {
            Result r = kmemCacheFree(s, a, cpu);
            if (r.isRefused() && !first.isRefused()) {
                first = r;
            }
        }
        return first;
    }

    /**
     * {@code poke ADDR VALUE SIZE}: a store of 1, 2 or 4 bytes anywhere in a slab, as a buggy
     * caller would make it: nothing is checked now; the allocator sees the damage when it next
     * reads that memory, as the kernel does.
     */
    public Result poke(long addr, long value, int size) {
        opCount++;
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
            writeByte(addr + i, (byte) (value >>> (8 * i)));
            Slab slab = slabOf(addr + i);
            slab.poked = true;
            touched.add(slab.cache);
        }
        return Result.VOID;
    }

    /** The byte at {@code addr} of slab memory (for observables and tests). */
    public int peek(long addr) {
        return readByte(addr) & 0xff;
    }

    // ------------------------------------------------------------------ freelist pointers

    /** {@code set_freepointer}: the hardened encoding of the link from {@code obj} to {@code next}. */
    void writeFreePointer(KmemCache s, Slab slab, int obj, int next) {
        int where = (int) (slab.objectAddress(obj) - slab.base) + s.layout().offset();
        slab.write32(where, encode(s, slab, obj, next));
    }

    private int encode(KmemCache s, Slab slab, int obj, int next) {
        long ptrAddr = slab.objectAddress(obj) + s.layout().offset();
        int ptr = next < 0 ? 0 : (int) slab.objectAddress(next);
        return ptr ^ s.node.random ^ Integer.reverseBytes((int) ptrAddr);
    }

    /** Reads the free pointer of {@code obj} as the kernel would; a word that no longer decodes to the true link is reported. */
    private Result readFreePointer(KmemCache s, Slab slab, int obj) {
        int where = (int) (slab.objectAddress(obj) - slab.base) + s.layout().offset();
        int found = slab.read32(where);
        int expected = encode(s, slab, obj, slab.next[obj]);
        if (found == expected) {
            return null;
        }
        long ptrAddr = slab.objectAddress(obj) + s.layout().offset();
        long decoded = (found ^ s.node.random ^ Integer.reverseBytes((int) ptrAddr)) & 0xFFFF_FFFFL;
        slab.write32(where, expected);
        String what = "free pointer of free object 0x" + Long.toHexString(slab.objectAddress(obj)) + " in "
                + s.name() + " overwritten: it now decodes to 0x" + Long.toHexString(decoded);
        if ((s.flags() & SlabFlags.SLAB_CONSISTENCY_CHECKS) != 0) {
            stats.report("Freepointer corrupt");
            return new Result.Refused("Freepointer corrupt", SlubObjectDebug.bugLine(s, "Freepointer corrupt")
                    + "\n" + what);
        }
        return modelFinding(what + " (the kernel would follow it)");
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private Result modelFinding(String what) {
        stats.report("model finding");
        return Result.modelRefusal(what);
    }

    private Result checkCpu(int cpu) {
        opCount++;
        if (cpu < 0 || cpu >= cpus) {
            return Result.refused("cpu " + cpu + " is not possible (nr_cpu_ids " + cpus + ")");
        }
        return null;
    }

    /** The slab holding {@code addr}, or null. */
    Slab slabOf(long addr) {
        long pfn = pages.layout().virtToPfn(addr);
        return pfn < basePfn || pfn - basePfn >= byPfn.length ? null : byPfn[(int) (pfn - basePfn)];
    }

    /** Every slab of every cache (for checks). */
    public Collection<Slab> slabs() {
        java.util.LinkedHashSet<Slab> out = new java.util.LinkedHashSet<>();
        for (CacheNode n : nodes.values()) {
            out.addAll(n.all);
        }
        return out;
    }

    /** The /proc/slabinfo rows, newest cache first as {@code slab_caches} lists them. */
    public List<SlabinfoRow> slabinfo() {
        List<SlabinfoRow> rows = new ArrayList<>();
        for (KmemCache s : caches.newestFirst()) {
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
        opCount++;
        touched.clear();
        largeTouched = false;
    }

    /** The caches touched since {@link #beginStep} that are still served. */
    Collection<KmemCache> touched() {
        List<KmemCache> out = new ArrayList<>();
        for (KmemCache c : touched) {
            if (c.node != null) {
                out.add(c);
            }
        }
        return out;
    }

    /** Whether a large kmalloc happened since {@link #beginStep}. */
    boolean largeTouched() {
        return largeTouched;
    }

    /** The slab that owns page {@code pfn} in the model's page map, or null. */
    Slab slabAtPfn(long pfn) {
        return pfn < basePfn || pfn - basePfn >= byPfn.length ? null : byPfn[(int) (pfn - basePfn)];
    }

    /** The per-node state of {@code s}, or null for a destroyed cache. */
    CacheNode node(KmemCache s) {
        return s.node;
    }

    /** The caches the allocator serves (live or refused destruction). */
    Collection<KmemCache> served() {
        return nodes.keySet();
    }

    /** The page allocator underneath. */
    public PageAllocator pages() {
        return pages;
    }

    /** kmalloc_large allocations, address to order. */
    Map<Long, Integer> large() {
        return large;
    }

    /** The cache with handle {@code id} that the allocator still serves, or null. */
    public KmemCache cache(int id) {
        for (KmemCache c : nodes.keySet()) {
            if (c.id() == id) {
                return c;
            }
        }
        return null;
    }
}
