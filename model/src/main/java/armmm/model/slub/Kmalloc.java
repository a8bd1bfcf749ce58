package armmm.model.slub;

import static armmm.model.slub.SlubAllocator.ZERO_SIZE_PTR;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import java.util.TreeMap;

/**
 * The kmalloc family of mm/slab_common.c and mm/util.c on SLUB: {@code kmalloc} through
 * {@code kmalloc_slab} or {@code __kmalloc_large_node}, {@code kzalloc}, {@code kmalloc_array},
 * {@code kfree} (slab object or {@code free_large_kmalloc}), {@code __ksize},
 * {@code __do_krealloc}, and {@code kvmalloc_node}'s kmalloc attempt with {@code kvfree}.
 */
final class Kmalloc {
    private final SlubState st;
    private final SlabPages slabs;
    private final SlabAlloc alloc;
    private final SlabFree free;
    /** kmalloc_large allocations: address to order. */
    private final TreeMap<Long, Integer> large = new TreeMap<>();

    Kmalloc(SlubState st, SlabPages slabs, SlabAlloc alloc, SlabFree free) {
        this.st = st;
        this.slabs = slabs;
        this.alloc = alloc;
        this.free = free;
    }

    /** {@code kmalloc(size, gfp)}: a kmalloc cache, or whole pages above 8 KiB; ZERO_SIZE_PTR (16) for 0. */
    Result kmalloc(long size, long gfp, int cpu) {
        Result bad = st.checkCpu(cpu);
        if (bad != null) {
            return bad;
        }
        if (size == 0) {
            return Result.of(ZERO_SIZE_PTR);
        }
        if (size > KmallocIndex.MAX_CACHE_SIZE) {
            return kmallocLarge(size, gfp, cpu);
        }
        KmemCache s = st.caches.kmallocSlab(size, gfp);
        Result r = alloc.allocObject(s, gfp, cpu);
        return r;
    }

    /** {@code __kmalloc_large_node}: a compound page block of {@code get_order(size)} from lowmem. */
    private Result kmallocLarge(long size, long gfp, int cpu) {
        if (size > KmallocIndex.MAX_SIZE) {
            // __kmalloc_large_node: get_order beyond MAX_ORDER, the page allocator warns and fails
            return Result.of(0);
        }
        int order = CacheLayout.getOrder(size);
        long pfn = st.pages.allocPagesPfn((gfp | Gfp.COMP) & ~Gfp.HIGHMEM, order, cpu);
        if (pfn < 0) {
            return Result.of(0);
        }
        long addr = st.pages.layout().pageAddress(pfn);
        large.put(addr, order);
        st.largeTouched = true;
        st.stats.largeAllocs++;
        return Result.of(addr);
    }

    /** {@code kzalloc}: kmalloc with __GFP_ZERO. */
    Result kzalloc(long size, long gfp, int cpu) {
        return kmalloc(size, gfp | Gfp.ZERO, cpu);
    }

    /** {@code kmalloc_array(n, size, gfp)}: NULL when n x size overflows a size_t (32 bits). */
    Result kmallocArray(long n, long size, long gfp, int cpu) {
        if (size != 0 && n > 0xFFFF_FFFFL / size) {
            return Result.of(0);
        }
        return kmalloc(n * size, gfp, cpu);
    }

    /** {@code kfree(addr)}: NULL and ZERO_SIZE_PTR do nothing. */
    Result kfree(long addr, int cpu) {
        Result bad = st.checkCpu(cpu);
        if (bad != null) {
            return bad;
        }
        if (addr <= ZERO_SIZE_PTR) {
            return Result.VOID;
        }
        Slab slab = slabs.slabOf(addr);
        if (slab != null) {
            return free.freeObject(slab.cache, slab, addr, cpu);
        }
        Integer order = large.remove(addr);
        if (order != null) {
            st.pages.freePagesPfn(st.pages.layout().virtToPfn(addr), order, cpu);
            return Result.VOID;
        }
        return st.modelFinding("kfree of 0x" + Long.toHexString(addr) + ", which no kmalloc returned"
                + " (the kernel would free_large_kmalloc a non-slab page or oops)");
    }

    /** {@code ksize(addr)}: the usable size, the cache's object size or the large allocation's pages. */
    Result ksize(long addr) {
        if (addr <= ZERO_SIZE_PTR) {
            return Result.of(0);
        }
        Integer order = large.get(addr);
        if (order != null) {
            return Result.of((long) CacheLayout.PAGE_SIZE << order);
        }
        Slab slab = slabs.slabOf(addr);
        if (slab == null || slab.indexOf(addr) < 0 || !slab.allocated[slab.indexOf(addr)]) {
            return st.modelFinding("ksize of 0x" + Long.toHexString(addr) + ", not a live kmalloc object");
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
    Result krealloc(long addr, long size, long gfp, int cpu) {
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
            byte b = slabs.readByte(from + i);
            slabs.writeByte(to + i, b);
        }
    }

    /**
     * {@code kvmalloc}'s kmalloc attempt (mm/util.c {@code kvmalloc_node}): above a page quiet,
     * without __GFP_NOFAIL, and without retrying hard unless the caller asked for __GFP_RETRY_MAYFAIL.
     */
    Result kvmalloc(long size, long gfp, int cpu) {
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

    /** kmalloc_large allocations, address to order. */
    TreeMap<Long, Integer> large() {
        return large;
    }
}
