package armmm.model.slub;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import java.util.ArrayList;
import java.util.List;

/**
 * A cache's life in mm/slub.c and mm/slab_common.c: {@code kmem_cache_open} with
 * {@code init_cache_random_seq}, the bootstrap of its own {@code struct kmem_cache} and
 * {@code kmem_cache_node} ({@code early_kmem_cache_node_alloc}, {@code bootstrap}),
 * {@code kmem_cache_create_usercopy}, {@code kmem_cache_destroy} with
 * {@code __kmem_cache_shutdown}, and {@code kmem_cache_shrink} with {@code __kmem_cache_do_shrink}.
 */
final class CacheLifecycle {
    private final SlubState st;
    private final SlabPages slabs;
    private final SlabAlloc alloc;
    private final SlabFree free;
    /** Whether caches' own structures are slab objects (created and freed with them). */
    private final boolean bootObjects;

    CacheLifecycle(SlubState st, SlabPages slabs, SlabAlloc alloc, SlabFree free, boolean bootObjects) {
        this.st = st;
        this.slabs = slabs;
        this.alloc = alloc;
        this.free = free;
        this.bootObjects = bootObjects;
    }

    /** Allocates {@code c}'s {@code struct kmem_cache} and its node from the bootstrap caches; false on NULL. */
    boolean bootstrapStructs(KmemCache c, long gfp) {
        KmemCache node = st.caches.byName("kmem_cache_node");
        KmemCache cache = st.caches.byName("kmem_cache");
        long n = alloc.allocObject(node, gfp, 0).value();
        long k = n == 0 ? 0 : alloc.allocObject(cache, gfp | Gfp.ZERO, 0).value();
        if (k == 0) {
            if (n != 0) {
                free.kmemCacheFree(node, n, 0);
            }
            return false;
        }
        c.structs = new long[] {k, n};
        return true;
    }

    /** {@code kmem_cache_open}'s node and CPU structures, with {@code init_cache_random_seq} and {@code s->random}. */
    CacheNode open(KmemCache c) {
        CacheNode n = new CacheNode(st.cpus);
        n.random = st.rng.nextInt();
        // freelist_randomize: Fisher-Yates over the objects of a full-order slab
        int count = c.layout().objects();
        n.randomSeq = new int[count];
        for (int i = 0; i < count; i++) {
            n.randomSeq[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = st.rng.nextInt(i + 1);
            int t = n.randomSeq[i];
            n.randomSeq[i] = n.randomSeq[j];
            n.randomSeq[j] = t;
        }
        st.nodes.put(c, n);
        c.node = n;
        return n;
    }

    /**
     * {@code kmem_cache_create_usercopy} (mm/slab_common.c) with a usercopy region of
     * {@code usersize} bytes (0: none, which is {@code kmem_cache_create}): the cache's id, or the
     * refusal; a cache with a usercopy region never merges.
     */
    Result kmemCacheCreateUsercopy(String name, int size, int align, int flags, int usersize, boolean ctor) {
        st.opCount++;
        SlabCaches.Created made = st.caches.create(name, size, align, flags, ctor, usersize);
        if (!made.ok() && size == 0) {
            // s->size 0: calc_slab_order divides PAGE_SIZE by it (ARM's __div0 prints
            // "Division by zero in kernel." and goes on with garbage); the model stops here
            return st.modelFinding("kmem_cache_create(" + name + ") of a 0-byte object without metadata:"
                    + " calculate_order divides by s->size 0");
        }
        if (!made.ok()) {
            return new Result.Refused("-EINVAL", "kmem_cache_create(" + name + ") failed with error -22");
        }
        if (!made.merged()) {
            open(made.cache());
            if (bootObjects && !bootstrapStructs(made.cache(), Gfp.GFP_KERNEL)) {
                st.nodes.remove(made.cache());
                made.cache().node = null;
                st.caches.destroy(made.cache(), false);
                return new Result.Refused("-ENOMEM", "kmem_cache_create(" + name + ") failed with error -12");
            }
        }
        return Result.of(made.cache().id());
    }

    /**
     * {@code kmem_cache_destroy}: the last reference flushes and frees the empty slabs; a cache
     * with live objects stays, reported as 6.1 reports it.
     */
    Result kmemCacheDestroy(KmemCache s) {
        st.opCount++;
        if (s.refcount() <= 0) {
            // the kernel only drops the count of a boot cache or of one already destroyed
            return st.modelFinding("kmem_cache_destroy of " + s.name() + ", which "
                    + (s.refcount() < 0 ? "boot created" : "was already destroyed"));
        }
        if (s.refcount() > 1) {
            st.caches.destroy(s, false);
            return Result.VOID;
        }
        CacheNode n = s.node;
        st.touched.add(s);
        free.flushAll(s, n);
        discardEmpty(s, n);
        List<Long> live = liveObjects(n);
        if (!live.isEmpty()) {
            st.caches.destroy(s, true);
            return new Result.Refused("Objects remaining", "BUG " + s.name() + " (Not tainted): Objects remaining in "
                    + s.name() + " on __kmem_cache_shutdown()\nkmem_cache_destroy " + s.name()
                    + ": Slab cache still has objects when called from ...");
        }
        st.caches.destroy(s, false);
        st.nodes.remove(s);
        s.node = null;
        // slab_kmem_cache_release: the cache's own structures go back to the bootstrap caches
        if (s.structs != null) {
            free.kmemCacheFree(st.caches.byName("kmem_cache_node"), s.structs[1], 0);
            free.kmemCacheFree(st.caches.byName("kmem_cache"), s.structs[0], 0);
        }
        return Result.VOID;
    }

    /** {@code kmem_cache_shrink}: flush every CPU, free every empty slab, most-used slabs first. */
    Result kmemCacheShrink(KmemCache s) {
        st.opCount++;
        CacheNode n = s.node;
        st.touched.add(s);
        free.flushAll(s, n);
        discardEmpty(s, n);
        n.partial.sort((a, b) -> Integer.compare(b.inuse, a.inuse));
        return Result.of(n.partial.isEmpty() ? 0 : 1);
    }

    /** {@code __kmem_cache_do_shrink}'s and {@code free_partial}'s pass: every empty slab on the node's list freed. */
    private void discardEmpty(KmemCache s, CacheNode n) {
        for (Slab slab : new ArrayList<>(n.partial)) {
            if (slab.inuse == 0) {
                if (st.bugs.contains(SlubBug.SHRINK_FREES_LISTED_SLAB)) {
                    st.pages.setPageSlab(slab.pfn, false);
                    st.pages.freePagesPfn(slab.pfn, slab.order, 0);
                    continue;
                }
                n.partial.remove(slab);
                slabs.discardSlab(slab, n);
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
}
