package armmm.model.slub;

import armmm.model.core.Result;
import java.util.ArrayList;
import java.util.List;

/**
 * The free path of mm/slub.c: {@code kmem_cache_free} with {@code cache_from_obj},
 * {@code slab_free}/{@code do_slab_free} (the CPU slab's lockless freelist) and
 * {@code __slab_free}, {@code put_cpu_partial}, {@code __unfreeze_partials},
 * {@code deactivate_slab} and {@code flush_all}; debug caches go to {@link DebugProcessing}.
 */
final class SlabFree {
    private final SlubState st;
    private final SlabPages slabs;
    private final FreePointer fp;
    private final DebugProcessing debug;

    SlabFree(SlubState st, SlabPages slabs, FreePointer fp, DebugProcessing debug) {
        this.st = st;
        this.slabs = slabs;
        this.fp = fp;
        this.debug = debug;
    }

    /** {@code kmem_cache_free(s, addr)} on {@code cpu}. */
    Result kmemCacheFree(KmemCache s, long addr, int cpu) {
        Result bad = st.checkCpu(cpu);
        if (bad != null) {
            return bad;
        }
        Slab slab = slabs.slabOf(addr);
        if (slab == null) {
            return st.modelFinding("kmem_cache_free of 0x" + Long.toHexString(addr) + ", which is in no slab");
        }
        String wrong = null;
        if (slab.cache != s) {
            // cache_from_obj with SLAB_FREELIST_HARDENED: warn, then free to the object's own cache
            wrong = "kmem_cache_free: Wrong slab cache. " + s.name() + " but object is from " + slab.cache.name();
            st.stats.report("Wrong slab cache");
        }
        Result r = freeObject(slab.cache, slab, addr, cpu);
        if (wrong != null) {
            return new Result.Refused("Wrong slab cache", r.isRefused() ? wrong + "\n" + ((Result.Refused) r).report() : wrong);
        }
        return r;
    }

    /** {@code slab_free}: the debug path, or {@code do_slab_free}'s fast path onto the CPU freelist, or {@code __slab_free}. */
    Result freeObject(KmemCache s, Slab slab, long addr, int cpu) {
        CacheNode n = s.node;
        st.touched.add(s);
        int obj = slab.indexOf(addr);
        if (s.debug()) {
            return debug.freeDebug(s, n, slab, addr, obj);
        }
        if (obj < 0) {
            // the kernel links the pointer in as it is and corrupts the freelist
            return st.modelFinding("free of 0x" + Long.toHexString(addr) + ", not the start of an object of "
                    + s.name() + " (the kernel does not check this without slub_debug)");
        }
        CpuSlab c = n.cpu[cpu];
        int head = slab == c.slab ? c.freelist : slab.freelist;
        if (head == obj && !st.bugs.contains(SlubBug.NO_NAIVE_DOUBLE_FREE_CHECK)) {
            st.stats.report("kernel BUG at mm/slub.c:419!");
            return new Result.Refused("kernel BUG at mm/slub.c:419!", "kernel BUG at mm/slub.c:419!\n"
                    + "Internal error: Oops - BUG: 0 [#1] SMP ARM");
        }
        if (!slab.allocated[obj]) {
            if (st.bugs.contains(SlubBug.NO_NAIVE_DOUBLE_FREE_CHECK) && head == obj) {
                // the check is gone: the object links to itself and the freelist loops
                slab.next[obj] = obj;
                return Result.VOID;
            }
            return st.modelFinding("double free of 0x" + Long.toHexString(addr) + " in " + s.name()
                    + " (not at the freelist head: the kernel does not detect it)");
        }
        slab.allocated[obj] = false;
        st.stats.frees++;
        if (slab == c.slab) {
            // do_slab_free's fast path: onto the lockless freelist
            slab.next[obj] = c.freelist;
            fp.writeFreePointer(s, slab, obj, c.freelist);
            c.freelist = obj;
            c.bump(st.cpus);
            return Result.VOID;
        }
        if (slab.frozen && slab.cpu != cpu) {
            st.stats.crossCpuFrees++;
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
        fp.writeFreePointer(s, slab, tail, prior);
        slab.freelist = obj;
        if (!st.bugs.contains(SlubBug.REMOTE_FREE_KEEPS_INUSE) || !slab.frozen) {
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
            slabs.discardSlab(slab, n);
        }
    }

    /** Whether an empty slab may go back to the buddy allocator: the node already keeps {@code min_partial}. */
    static boolean mayDiscard(KmemCache s, CacheNode n) {
        return n.nrPartial() >= s.layout().minPartial();
    }

    /** {@code put_cpu_partial}: a full per-CPU list (draining) is unfrozen onto the node first. */
    void putCpuPartial(KmemCache s, CacheNode n, CpuSlab c, Slab slab, boolean drain) {
        if (drain && c.partial.size() >= s.layout().cpuPartialSlabs()) {
            unfreezePartials(s, n, c);
        }
        slab.list = Slab.SlabList.CPU_PARTIAL;
        slab.cpu = indexOf(n, c);
        c.partial.push(slab);
        st.stats.cpuPartialPut++;
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
            slabs.discardSlab(slab, n);
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
        if (st.bugs.contains(SlubBug.DEACTIVATE_LOSES_OBJECT) && count > 1) {
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
            fp.writeFreePointer(s, slab, tail, slab.freelist);
            slab.freelist = freelist;
        }
        slab.frozen = st.bugs.contains(SlubBug.DEACTIVATE_KEEPS_FROZEN);
        slab.cpu = -1;
        if (slab.inuse == 0 && mayDiscard(s, n)) {
            slabs.discardSlab(slab, n);
        } else if (slab.freelist >= 0) {
            n.partial.add(slab);
            slab.list = Slab.SlabList.NODE_PARTIAL;
        } else {
            slab.list = Slab.SlabList.NODE_FULL;
            n.full.add(slab);
        }
    }

    /** {@code flush_all}: every CPU's slab deactivated and partial list unfrozen. */
    void flushAll(KmemCache s, CacheNode n) {
        for (CpuSlab c : n.cpu) {
            if (c.slab != null) {
                Slab slab = c.slab;
                int freelist = c.freelist;
                c.slab = null;
                c.freelist = -1;
                c.bump(st.cpus);
                deactivateSlab(s, n, slab, freelist);
            }
            unfreezePartials(s, n, c);
        }
    }
}
