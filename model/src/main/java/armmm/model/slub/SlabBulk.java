package armmm.model.slub;

import armmm.model.core.Result;

/**
 * The bulk operations of mm/slub.c: {@code kmem_cache_alloc_bulk} (objects straight off the CPU
 * freelist, {@code ___slab_alloc} when it runs dry, everything given back on a failure) and
 * {@code kmem_cache_free_bulk}.
 */
final class SlabBulk {
    private final SlubState st;
    private final FreePointer fp;
    private final SlabAlloc alloc;
    private final SlabFree free;

    SlabBulk(SlubState st, FreePointer fp, SlabAlloc alloc, SlabFree free) {
        this.st = st;
        this.fp = fp;
        this.alloc = alloc;
        this.free = free;
    }

    /**
     * {@code kmem_cache_alloc_bulk(s, gfp, n)}: the addresses, or an empty array when any
     * allocation failed (everything taken is given back, as the kernel does).
     */
    long[] kmemCacheAllocBulk(KmemCache s, long gfp, int n, int cpu) {
        st.opCount++;
        long[] out = new long[n];
        CacheNode node = s.node;
        st.touched.add(s);
        CpuSlab c = node.cpu[cpu];
        for (int i = 0; i < n; i++) {
            Result r;
            if (!s.debug() && c.slab != null && c.freelist >= 0) {
                Slab slab = c.slab;
                int obj = c.freelist;
                r = fp.readFreePointer(s, slab, obj);
                if (r == null) {
                    c.freelist = slab.next[obj];
                    r = Result.of(slab.objectAddress(obj));
                    slab.allocated[obj] = true;
                    st.stats.allocs++;
                    if (s.wantInitOnAlloc(gfp)) {
                        int o = (int) (r.value() - slab.base);
                        java.util.Arrays.fill(slab.mem, o, o + s.objectSize(), (byte) 0);
                    }
                }
            } else {
                // the slow path refills the CPU freelist; fd4d9c7d0c71 bumps the tid before it
                if (!st.bugs.contains(SlubBug.BULK_MISSING_TID_BUMP)) {
                    c.bump(st.cpus);
                }
                c.window("kmem_cache_alloc_bulk -> ___slab_alloc");
                r = alloc.allocObject(s, gfp, cpu);
            }
            if (r.isRefused() || r.value() == 0) {
                for (int j = 0; j < i; j++) {
                    free.kmemCacheFree(s, out[j], cpu);
                }
                return new long[0];
            }
            out[i] = r.value();
        }
        c.bump(st.cpus);
        return out;
    }

    /** {@code kmem_cache_free_bulk}: each object freed in turn; the first refusal is returned. */
    Result kmemCacheFreeBulk(KmemCache s, long[] addrs, int cpu) {
        Result first = Result.VOID;
        for (long a : addrs) {
            Result r = free.kmemCacheFree(s, a, cpu);
            if (r.isRefused() && !first.isRefused()) {
                first = r;
            }
        }
        return first;
    }
}
