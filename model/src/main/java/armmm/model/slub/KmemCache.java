package armmm.model.slub;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code struct kmem_cache} (include/linux/slub_def.h): its name, geometry, reference count
 * and the names merged into it ({@code __kmem_cache_alias}, mm/slub.c). A merge widens
 * {@code object_size} and {@code inuse} to the largest caller, as the kernel does so that
 * kzalloc clears every caller's whole object.
 */
public final class KmemCache {
    private final String name;
    private final CacheLayout layout;
    private final boolean ctor;
    private final int usersize;
    private final int id;
    private int objectSize;
    private int inuse;
    private int refcount;
    private final List<String> aliases = new ArrayList<>();
    /** Addresses of this cache's {@code struct kmem_cache} and {@code kmem_cache_node} objects. */
    long[] structs;
    /** The allocator's per-node state while the cache is served. */
    CacheNode node;

    KmemCache(int id, String name, CacheLayout layout, boolean ctor, int usersize, int refcount) {
        this.id = id;
        this.name = name;
        this.layout = layout;
        this.ctor = ctor;
        this.usersize = usersize;
        this.objectSize = layout.objectSize();
        this.inuse = layout.inuse();
        this.refcount = refcount;
    }

    /** The order of creation, stable across merges: the model's handle for the cache. */
    public int id() {
        return id;
    }

    /** {@code name}. */
    public String name() {
        return name;
    }

    /** The geometry computed at creation ({@code object_size} and {@code inuse} there are the first caller's). */
    public CacheLayout layout() {
        return layout;
    }

    /** {@code object_size}, widened by merges. */
    public int objectSize() {
        return objectSize;
    }

    /** {@code inuse}, widened by merges. */
    public int inuse() {
        return inuse;
    }

    /** {@code size}. */
    public int size() {
        return layout.size();
    }

    /** {@code flags}. */
    public int flags() {
        return layout.flags();
    }

    /** {@code ctor != NULL}. */
    public boolean hasCtor() {
        return ctor;
    }

    /**
     * {@code slab_want_init_on_alloc} (mm/slab.h) with init_on_alloc on, as the armmp build's
     * {@code CONFIG_INIT_ON_ALLOC_DEFAULT_ON=y} has it: a constructor's objects are never zeroed
     * (they keep what the constructor built), RCU-typesafe and poisoned caches only on
     * {@code __GFP_ZERO}, every other cache always.
     */
    boolean wantInitOnAlloc(long gfp) {
        if (ctor) {
            return false;
        }
        if ((flags() & (SlabFlags.SLAB_TYPESAFE_BY_RCU | SlabFlags.SLAB_POISON)) != 0) {
            return (gfp & armmm.model.core.Gfp.ZERO) != 0;
        }
        return true;
    }

    /** {@code usersize}. */
    public int usersize() {
        return usersize;
    }

    /** {@code refcount}: -1 for a cache exempt from merging, else the number of creators not yet destroyed. */
    public int refcount() {
        return refcount;
    }

    /** The names later {@code kmem_cache_create} calls merged into this cache. */
    public List<String> aliases() {
        return List.copyOf(aliases);
    }

    void alias(String other, int size) {
        refcount++;
        aliases.add(other);
        objectSize = Math.max(objectSize, size);
        inuse = Math.max(inuse, CacheLayout.alignUp(size, CacheLayout.POINTER));
    }

    int release() {
        return --refcount;
    }

    void unrelease() {
        refcount++;
    }

    /** Whether debugging of any kind is on for this cache ({@code kmem_cache_debug}). */
    public boolean debug() {
        return (layout.flags() & SlabFlags.DEBUG) != 0;
    }

    @Override
    public String toString() {
        return name;
    }
}
