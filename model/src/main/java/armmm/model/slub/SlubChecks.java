package armmm.model.slub;

import armmm.model.core.Violation;
import armmm.model.page.PageAllocator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SLUB invariants (INV-SLUB-*, spec/invariants.md), each computed from the slabs' own
 * fields (freelist heads, links, inuse, frozen, memory) and the CPU and node lists, without the
 * allocator's helpers: they walk the lists themselves and recount.
 */
public final class SlubChecks {
    private SlubChecks() {
    }

    /** Every SLUB invariant over every slab of every cache. */
    public static List<Violation> fullScan(SlubAllocator a) {
        return check(a, a.served(), true, true);
    }

    /** Every SLUB invariant over the caches the calls since {@code beginStep} touched. */
    public static List<Violation> check(SlubAllocator a) {
        // one walk per step serves all eight invariants, which each ask for their own id
        if (a.cachedChecks == null || a.cachedAt != a.opCount()) {
            List<Violation> found = check(a, a.touched(), a.largeTouched(), false);
            a.cachedChecks = found.isEmpty() ? List.of() : List.copyOf(found);
            a.cachedAt = a.opCount();
        }
        return a.cachedChecks;
    }

    private static List<Violation> check(SlubAllocator a, Collection<KmemCache> caches, boolean large, boolean full) {
        List<Violation> out = new ArrayList<>();
        for (KmemCache s : caches) {
            CacheNode n = a.node(s);
            lists(a, s, n, out);
            for (Slab slab : n.all) {
                CpuSlab owner = null;
                for (CpuSlab c : n.cpu) {
                    if (c.slab == slab) {
                        owner = c;
                    }
                }
                freelists(s, slab, owner, out);
                placement(a, s, slab, out);
                if (s.debug() && !slab.poked) {
                    patterns(s, slab, owner, out);
                }
            }
            for (int cpu = 0; cpu < n.cpu.length; cpu++) {
                if (n.cpu[cpu].staleWindow != null) {
                    out.add(new Violation("INV-SLUB-07", "stale lockless freelist",
                            s.name() + " cpu " + cpu + ": " + n.cpu[cpu].staleWindow));
                }
            }
        }
        overlap(a, caches, large, out);
        pgSlab(a, caches, full, out);
        return out;
    }

    /**
     * INV-SLUB-08: PG_slab (the page allocator's {@code page->flags}) is on exactly the head pages
     * of the slabs on SLUB's lists: each slab of {@code caches} has it on its first page and not on
     * its tails, and every frame with it is the first page of a listed slab. Per step the frames
     * the step's calls touched are read (a slab freed this step touched its frames); in full, every
     * frame against every cache's slabs.
     */
    private static void pgSlab(SlubAllocator a, Collection<KmemCache> caches, boolean full, List<Violation> out) {
        PageAllocator pa = a.pages();
        for (KmemCache s : caches) {
            for (Slab slab : a.node(s).all) {
                if (!pa.isPageSlab(slab.pfn)) {
                    out.add(new Violation("INV-SLUB-08", "slab page without PG_slab",
                            String.format("%s slab pfn 0x%x", s.name(), slab.pfn)));
                }
                for (int p = 1; p < slab.pages(); p++) {
                    if (pa.isPageSlab(slab.pfn + p)) {
                        out.add(new Violation("INV-SLUB-08", "PG_slab on a tail page",
                                String.format("%s slab pfn 0x%x page 0x%x", s.name(), slab.pfn, slab.pfn + p)));
                    }
                }
            }
        }
        long base = pa.basePfn();
        if (full || pa.needsFullScan("INV-SLUB-08")) {
            Set<Long> heads = new HashSet<>();
            for (KmemCache s : a.served()) {
                for (Slab slab : a.node(s).all) {
                    heads.add(slab.pfn);
                }
            }
            for (long pfn = base; pfn < base + pa.frameCount(); pfn++) {
                if (pa.isPageSlab(pfn) && !heads.contains(pfn)) {
                    out.add(new Violation("INV-SLUB-08", "PG_slab on a page no slab holds", String.format("pfn 0x%x", pfn)));
                }
            }
            return;
        }
        for (int f : pa.dirtyFrames()) {
            long pfn = base + f;
            if (pa.isPageSlab(pfn) && !listedHead(a, caches, pfn) && !listedHead(a, a.served(), pfn)) {
                out.add(new Violation("INV-SLUB-08", "PG_slab on a page no slab holds", String.format("pfn 0x%x", pfn)));
            }
        }
    }

    /** Whether {@code pfn} is the first page of a slab on the lists of one of {@code caches}. */
    private static boolean listedHead(SlubAllocator a, Collection<KmemCache> caches, long pfn) {
        for (KmemCache s : caches) {
            for (Slab slab : a.node(s).all) {
                if (slab.pfn == pfn) {
                    return true;
                }
            }
        }
        return false;
    }

    /** INV-SLUB-01 and -02: one place per object, loop-free in-slab freelists, inuse recounted. */
    private static void freelists(KmemCache s, Slab slab, CpuSlab owner, List<Violation> out) {
        int[] seen = new int[slab.objects];
        int onSlabList = walk(slab, slab.freelist, seen, 1, s, "slab freelist", out);
        if (owner != null) {
            walk(slab, owner.freelist, seen, 2, s, "cpu freelist", out);
        }
        for (int i = 0; i < slab.objects; i++) {
            boolean free = seen[i] != 0;
            if (free == slab.allocated[i]) {
                out.add(new Violation("INV-SLUB-01", free ? "object both free and allocated" : "object lost",
                        String.format("%s slab pfn 0x%x object 0x%x", s.name(), slab.pfn, slab.objectAddress(i))));
            }
        }
        int expected = slab.objects - onSlabList;
        if (slab.inuse != expected) {
            out.add(new Violation("INV-SLUB-02", "inuse does not match the freelist",
                    String.format("%s slab pfn 0x%x: inuse %d, objects %d, %d on slab->freelist", s.name(), slab.pfn,
                            slab.inuse, slab.objects, onSlabList)));
        }
    }

    private static int walk(Slab slab, int head, int[] seen, int mark, KmemCache s, String what, List<Violation> out) {
        int count = 0;
        for (int f = head; f >= 0; f = slab.next[f]) {
            if (f >= slab.objects) {
                out.add(new Violation("INV-SLUB-01", "freelist points outside its slab",
                        String.format("%s slab pfn 0x%x %s index %d", s.name(), slab.pfn, what, f)));
                return count;
            }
            if (seen[f] != 0) {
                out.add(new Violation("INV-SLUB-01", seen[f] == mark ? "freelist loop" : "object on two freelists",
                        String.format("%s slab pfn 0x%x %s at 0x%x", s.name(), slab.pfn, what, slab.objectAddress(f))));
                return count;
            }
            seen[f] = mark;
            count++;
        }
        return count;
    }

    /** INV-SLUB-03: allocated objects aligned inside PG_slab pages the buddy allocator has handed out. */
    private static void placement(SlubAllocator a, KmemCache s, Slab slab, List<Violation> out) {
        if (!a.pages().isAllocated(slab.pfn) || a.pages().isBuddy(slab.pfn)) {
            out.add(new Violation("INV-SLUB-03", "slab page not allocated",
                    String.format("%s slab pfn 0x%x is free in the buddy allocator", s.name(), slab.pfn)));
        }
        for (int i = 0; i < slab.objects; i++) {
            if (slab.allocated[i] && slab.objectAddress(i) % s.layout().align() != 0) {
                out.add(new Violation("INV-SLUB-03", "misaligned object",
                        String.format("%s object 0x%x, align %d", s.name(), slab.objectAddress(i), s.layout().align())));
            }
        }
    }

    /** INV-SLUB-05: list membership, owner and frozen agree; every slab in exactly one place. */
    private static void lists(SlubAllocator a, KmemCache s, CacheNode n, List<Violation> out) {
        // each walk marks the slabs it meets with its own number: a slab met twice is on two lists
        long here = ++a.listWalks;
        for (int cpu = 0; cpu < n.cpu.length; cpu++) {
            CpuSlab c = n.cpu[cpu];
            if (c.slab != null) {
                place(s, c.slab, "cpu " + cpu + " slab", here, out);
                frozenBy(s, c.slab, cpu, out);
            }
            for (Slab p : c.partial) {
                place(s, p, "cpu " + cpu + " partial", here, out);
                frozenBy(s, p, cpu, out);
            }
        }
        for (Slab p : n.partial) {
            place(s, p, "node partial", here, out);
            if (p.frozen && !p.failed || p.freelist < 0) {
                out.add(new Violation("INV-SLUB-05", p.frozen ? "frozen slab on the node partial list"
                        : "full slab on the node partial list", String.format("%s slab pfn 0x%x", s.name(), p.pfn)));
            }
        }
        for (Slab p : n.full) {
            place(s, p, "full", here, out);
            if (p.frozen && !p.failed) {
                out.add(new Violation("INV-SLUB-05", "frozen slab on no CPU",
                        String.format("%s slab pfn 0x%x", s.name(), p.pfn)));
            }
        }
        for (Slab slab : n.all) {
            if (slab.cache != s) {
                out.add(new Violation("INV-SLUB-05", "slab of another cache",
                        String.format("%s holds slab pfn 0x%x of %s", s.name(), slab.pfn, slab.cache.name())));
            }
            if (slab.seenInWalk != here && !(slab.failed && slab.inuse == slab.objects)) {
                // the one place a slab may be off every list: a debug slab frozen after a failed check
                out.add(new Violation("INV-SLUB-05", "slab on no list",
                        String.format("%s slab pfn 0x%x inuse %d", s.name(), slab.pfn, slab.inuse)));
            }
        }
    }

    private static void frozenBy(KmemCache s, Slab slab, int cpu, List<Violation> out) {
        if (!slab.frozen || slab.cpu != cpu) {
            out.add(new Violation("INV-SLUB-05", "CPU-owned slab not frozen by that CPU",
                    String.format("%s slab pfn 0x%x frozen=%b owner %d, listed on cpu %d", s.name(), slab.pfn,
                            slab.frozen, slab.cpu, cpu)));
        }
    }

    private static void place(KmemCache s, Slab slab, String where, long here, List<Violation> out) {
        String before = slab.seenInWalk == here ? slab.seenWhere : null;
        slab.seenInWalk = here;
        slab.seenWhere = where;
        if (before != null || slab.cache != s) {
            out.add(new Violation("INV-SLUB-05", "slab on two lists",
                    String.format("%s slab pfn 0x%x on %s and %s", s.name(), slab.pfn, before, where)));
        }
    }

    /** INV-SLUB-04: every page of a slab is that slab's alone, and no large kmalloc lies on a slab page. */
    private static void overlap(SlubAllocator a, Collection<KmemCache> caches, boolean large, List<Violation> out) {
        for (KmemCache s : caches) {
            for (Slab slab : a.node(s).all) {
                for (int p = 0; p < slab.pages(); p++) {
                    Slab owner = a.slabAtPfn(slab.pfn + p);
                    if (owner != slab) {
                        out.add(new Violation("INV-SLUB-04", "overlapping allocations", String.format(
                                "%s slab pfn 0x%x: page 0x%x belongs to %s", s.name(), slab.pfn, slab.pfn + p,
                                owner == null ? "no slab" : owner.cache.name() + " slab pfn 0x" + Long.toHexString(owner.pfn))));
                    }
                }
            }
        }
        if (!large) {
            return;
        }
        for (Map.Entry<Long, Integer> e : a.large().entrySet()) {
            long pfn = a.pages().layout().virtToPfn(e.getKey());
            for (long p = pfn; p < pfn + (1L << e.getValue()); p++) {
                if (a.slabAtPfn(p) != null) {
                    out.add(new Violation("INV-SLUB-04", "overlapping allocations",
                            String.format("large kmalloc 0x%x covers slab page 0x%x", e.getKey(), p)));
                }
            }
        }
    }

    /** INV-SLUB-06: with debugging, every free object's red zones and poison as init_object left them. */
    private static void patterns(KmemCache s, Slab slab, CpuSlab owner, List<Violation> out) {
        CacheLayout l = s.layout();
        for (int i = 0; i < slab.objects; i++) {
            if (slab.allocated[i]) {
                continue;
            }
            int p = (int) (slab.objectAddress(i) - slab.base);
            String bad = null;
            if ((s.flags() & SlabFlags.SLAB_RED_ZONE) != 0) {
                bad = span(slab, p - l.redLeftPad(), l.redLeftPad(), 0xbb, "left red zone");
                if (bad == null) {
                    bad = span(slab, p + l.objectSize(), l.inuse() - l.objectSize(), 0xbb, "right red zone");
                }
            }
            if (bad == null && (s.flags() & SlabFlags.OBJECT_POISON) != 0) {
                bad = span(slab, p, l.objectSize() - 1, 0x6b, "poison");
                if (bad == null && (slab.mem[p + l.objectSize() - 1] & 0xff) != 0xa5) {
                    bad = "end poison";
                }
            }
            if (bad != null) {
                out.add(new Violation("INV-SLUB-06", bad + " of a free object damaged",
                        String.format("%s object 0x%x", s.name(), slab.objectAddress(i))));
            }
        }
    }

    private static String span(Slab slab, int from, int len, int val, String what) {
        for (int i = from; i < from + len; i++) {
            if ((slab.mem[i] & 0xff) != val) {
                return what;
            }
        }
        return null;
    }
}
