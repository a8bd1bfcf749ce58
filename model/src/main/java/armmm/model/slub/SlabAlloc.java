package armmm.model.slub;

import armmm.model.core.Result;

/**
 * The allocation path of mm/slub.c: {@code kmem_cache_alloc} through {@code slab_alloc_node}
 * (the CPU slab's lockless freelist, with init_on_alloc's zeroing) and {@code ___slab_alloc}
 * ({@code get_freelist}, the per-CPU partial list, {@code get_partial_node}, {@code new_slab});
 * debug caches go to {@link DebugProcessing}.
 */
final class SlabAlloc {
    private final SlubState st;
    private final SlabPages slabs;
    private final FreePointer fp;
    private final DebugProcessing debug;
    private final SlabFree free;

    SlabAlloc(SlubState st, SlabPages slabs, FreePointer fp, DebugProcessing debug, SlabFree free) {
        this.st = st;
        this.slabs = slabs;
        this.fp = fp;
        this.debug = debug;
        this.free = free;
    }

    /** {@code kmem_cache_alloc(s, gfp)} on {@code cpu}: the object's address, 0 for NULL. */
    Result kmemCacheAlloc(KmemCache s, long gfp, int cpu) {
        Result bad = st.checkCpu(cpu);
        if (bad != null) {
            return bad;
        }
        return allocObject(s, gfp, cpu);
    }

    /** {@code slab_alloc_node} without the CPU check: an object of {@code s}, marked allocated and initialised. */
    Result allocObject(KmemCache s, long gfp, int cpu) {
        CacheNode n = s.node;
        st.touched.add(s);
        Result r = s.debug() ? debug.allocDebug(s, n, gfp) : allocCpu(s, n, gfp, cpu);
        if (r.isRefused() || r.value() == 0) {
            return r;
        }
        long addr = r.value();
        Slab slab = st.lastSlab;
        int i = slab.indexOf(addr);
        slab.allocated[i] = true;
        st.stats.allocs++;
        if (s.wantInitOnAlloc(gfp)) {
            // init_on_alloc (the build's default) zeroes the object
            int o = (int) (addr - slab.base);
            java.util.Arrays.fill(slab.mem, o, o + s.objectSize(), (byte) 0);
        }
        return r;
    }

    /** The CPU freelist, else {@code ___slab_alloc}: the CPU partial list, the node's partial list, a new slab. */
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
                        c.bump(st.cpus);
                        continue;
                    }
                }
                Slab slab = c.slab;
                int obj = c.freelist;
                Result corrupt = fp.readFreePointer(s, slab, obj);
                if (corrupt != null) {
                    return corrupt;
                }
                c.freelist = slab.next[obj];
                c.bump(st.cpus);
                st.lastSlab = slab;
                return Result.of(slab.objectAddress(obj));
            }
            if (!c.partial.isEmpty()) {
                Slab slab = c.partial.pop();
                slab.list = Slab.SlabList.CPU_SLAB;
                c.slab = slab;
                st.stats.cpuPartialAlloc++;
                continue;
            }
            Slab got = getPartialNode(s, n, c, cpu);
            if (got == null) {
                got = slabs.newSlab(s, n, gfp);
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
                st.stats.nodePartialAlloc++;
            } else {
                free.putCpuPartial(s, n, c, slab, false);
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
}
