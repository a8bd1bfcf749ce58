package armmm.model.slub;

import static armmm.model.slub.SlubAllocator.RED_INACTIVE;

import armmm.model.core.Gfp;

/**
 * A slab's pages (mm/slub.c): {@code allocate_slab} and {@code new_slab} with
 * {@code shuffle_freelist}, {@code discard_slab} and {@code __free_slab}, and the page-to-slab
 * map that {@code virt_to_slab} reads (with the slab memory's bytes by address).
 */
final class SlabPages {
    private final SlubState st;
    private final FreePointer fp;
    /** Every page of every slab, by pfn. */
    private final Slab[] byPfn;
    private final long basePfn;

    SlabPages(SlubState st, FreePointer fp) {
        this.st = st;
        this.fp = fp;
        this.basePfn = st.pages.basePfn();
        this.byPfn = new Slab[st.pages.frameCount()];
    }

    /** {@code allocate_slab}: pages from the buddy allocator, falling back to {@code s->min}; the freelist shuffled. */
    Slab newSlab(KmemCache s, CacheNode n, long gfp) {
        // new_slab keeps GFP_RECLAIM_MASK (mm/internal.h) of the caller's mask: no __GFP_ACCOUNT (objects
        // are charged one by one), no zone or __GFP_ZERO bits; then s->allocflags
        long flags = (gfp & (Gfp.RECLAIM | Gfp.IO | Gfp.FS | Gfp.HIGH | Gfp.ATOMIC | Gfp.NOWARN | Gfp.NOFAIL
                | Gfp.RETRY_MAYFAIL | Gfp.NORETRY | Gfp.MEMALLOC | Gfp.NOMEMALLOC))
                | allocFlags(s);
        int order = s.layout().order();
        // allocate_slab: the first try, at s->oo, may fail quietly under pressure (also when s->oo is
        // s->min); above s->min a sleeping mask neither reclaims nor dips into the reserves
        long firstTry = (flags | Gfp.NOWARN | Gfp.NORETRY) & ~Gfp.NOFAIL;
        if ((firstTry & Gfp.DIRECT_RECLAIM) != 0 && order > s.layout().minOrder()) {
            firstTry = (firstTry | Gfp.NOMEMALLOC) & ~Gfp.RECLAIM;
        }
        long pfn = st.pages.allocPagesPfn(firstTry, order, 0);
        if (pfn < 0) {
            order = s.layout().minOrder();
            pfn = st.pages.allocPagesPfn(order > 0 ? flags | Gfp.COMP : flags & ~Gfp.COMP, order, 0);
        }
        if (pfn < 0) {
            st.stats.allocFailures++;
            return null;
        }
        int objects = CacheLayout.orderObjects(order, s.size());
        // __folio_set_slab: PG_slab on the head page (PF_NO_TAIL; a tail reads it through its head)
        st.pages.setPageSlab(pfn, true);
        Slab slab = new Slab(pfn, order, s, objects, st.pages.layout().pageAddress(pfn));
        int mapped = st.bugs.contains(SlubBug.NEW_SLAB_MAPS_FIRST_PAGE_ONLY) ? 1 : slab.pages();
        for (int p = 0; p < mapped; p++) {
            byPfn[(int) (pfn + p - basePfn)] = slab;
        }
        n.all.add(slab);
        st.stats.slabsAllocated++;
        // shuffle_freelist: a random start in the cache's sequence, skipping indices this slab lacks
        int[] seq = n.randomSeq;
        int pos = st.rng.nextInt(seq.length);
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
                fp.writeFreePointer(s, slab, prev, idx);
            }
            prev = idx;
        }
        slab.next[prev] = -1;
        fp.writeFreePointer(s, slab, prev, -1);
        slab.firstFree = first;
        return slab;
    }

    /** {@code s->allocflags} as {@code calculate_sizes} sets it: the GFP bits the cache adds to every slab. */
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

    /** {@code discard_slab}: the pages go back to the buddy allocator. */
    void discardSlab(Slab slab, CacheNode n) {
        n.all.remove(slab);
        n.full.remove(slab);
        slab.list = Slab.SlabList.NONE;
        for (int p = 0; p < slab.pages(); p++) {
            byPfn[(int) (slab.pfn + p - basePfn)] = null;
        }
        // __free_slab: __folio_clear_slab before the pages go back (PG_slab fails the free's page check)
        if (!st.bugs.contains(SlubBug.FREE_SLAB_KEEPS_PG_SLAB)) {
            st.pages.setPageSlab(slab.pfn, false);
        }
        st.pages.freePagesPfn(slab.pfn, slab.order, 0);
        st.stats.slabsFreed++;
    }

    /** The slab holding {@code addr} ({@code virt_to_slab}), or null. */
    Slab slabOf(long addr) {
        long pfn = st.pages.layout().virtToPfn(addr);
        return pfn < basePfn || pfn - basePfn >= byPfn.length ? null : byPfn[(int) (pfn - basePfn)];
    }

    /** The slab that owns page {@code pfn} in the model's page map, or null. */
    Slab slabAtPfn(long pfn) {
        return pfn < basePfn || pfn - basePfn >= byPfn.length ? null : byPfn[(int) (pfn - basePfn)];
    }

    /** The byte at {@code addr} of slab memory, 0 outside it. */
    byte readByte(long addr) {
        Slab slab = slabOf(addr);
        return slab == null ? 0 : slab.mem[(int) (addr - slab.base)];
    }

    /** Stores {@code b} at {@code addr} of slab memory; nothing outside it. */
    void writeByte(long addr, byte b) {
        Slab slab = slabOf(addr);
        if (slab != null) {
            slab.mem[(int) (addr - slab.base)] = b;
        }
    }
}
