package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.core.Violation;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The SLUB invariants ({@link SlubChecks}, INV-SLUB-01..08 of spec/invariants.md) against states
 * that break exactly one kernel rule, each planted by hand into a state that a real call
 * sequence built: each check reports the broken rule with its id and the slab, object or page it
 * concerns, and stays silent on the state next to it that the kernel allows. The rules are
 * those of mm/slub.c and mm/slab.h in 6.1: a free object is on one freelist ({@code slab->freelist}
 * or the CPU's lockless {@code c->freelist}) and an allocated one on none; {@code slab->inuse}
 * counts the objects not on {@code slab->freelist} ({@code get_freelist}, {@code __slab_free});
 * a CPU slab or CPU partial slab is frozen by its CPU ({@code ___slab_alloc}, {@code put_cpu_partial});
 * a node partial slab is unfrozen with free objects ({@code add_partial}); PG_slab is on a slab's head
 * page only ({@code allocate_slab}, {@code __free_slab}); and with {@code SLAB_RED_ZONE} and
 * {@code SLAB_POISON} a free object carries {@code SLUB_RED_INACTIVE} (0xbb), {@code POISON_FREE}
 * (0x6b) and {@code POISON_END} (0xa5) as {@code init_object} writes them (include/linux/poison.h).
 */
class SlubChecksStatesTest {

    /** SLUB on a 32 MiB one-CPU board with {@code cmdline}. */
    private static SlubAllocator slub(String cmdline) throws Exception {
        return SlubBoards.slub(cmdline, 8192, 1, 1, Set.of());
    }

    /** A cache of 64-byte objects with a constructor (so never merged into kmalloc-64) and one object taken. */
    private static KmemCache fooWithOne(SlubAllocator a) {
        KmemCache foo = a.cache((int) a.kmemCacheCreate("foo", 64, 0, 0, true).value());
        assertThat(a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0).isRefused()).isFalse();
        return foo;
    }

    private static List<String> ids(List<Violation> vs) {
        return vs.stream().map(Violation::id).distinct().sorted().toList();
    }

    private static boolean has(List<Violation> vs, String id, String message, String detail) {
        return vs.stream().anyMatch(v -> v.id().equals(id) && v.reason().equals(message) && v.details().equals(detail));
    }

    @Test
    void theCpuSlabsFreelistRulesEachReportTheirObject() throws Exception {
        SlubAllocator a = slub("");
        KmemCache foo = fooWithOne(a);
        CpuSlab c = a.node(foo).cpu[0];
        Slab slab = c.slab;
        assertThat(SlubChecks.fullScan(a)).isEmpty();
        // one allocation from a fresh frozen CPU slab: slab->freelist is NULL, inuse == objects,
        // every other object on c->freelist
        assertThat(slab.freelist).isEqualTo(-1);
        assertThat(slab.inuse).isEqualTo(slab.objects);
        int head = c.freelist;
        int second = slab.next[head];
        String at = String.format("foo slab pfn 0x%x", slab.pfn);

        // a free object marked allocated
        slab.allocated[head] = true;
        List<Violation> vs = SlubChecks.fullScan(a);
        assertThat(ids(vs)).containsExactly("INV-SLUB-01");
        assertThat(has(vs, "INV-SLUB-01", "object both free and allocated",
                at + String.format(" object 0x%x", slab.objectAddress(head)))).isTrue();
        assertThat(vs).hasSize(1);
        slab.allocated[head] = false;

        // the cpu freelist looping back onto its head
        int saved = slab.next[second];
        slab.next[second] = head;
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-01", "freelist loop",
                at + String.format(" cpu freelist at 0x%x", slab.objectAddress(head)))).isTrue();
        assertThat(vs.stream().filter(v -> v.reason().equals("object lost"))).hasSize(slab.objects - 3);
        // pointing past the slab's last object
        slab.next[second] = slab.objects;
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-01", "freelist points outside its slab",
                at + " cpu freelist index " + slab.objects)).isTrue();
        slab.next[second] = saved;
        assertThat(SlubChecks.fullScan(a)).isEmpty();

        // the same objects on slab->freelist too: on two freelists, and inuse no longer counts them
        slab.freelist = second;
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-01", "object on two freelists",
                at + String.format(" cpu freelist at 0x%x", slab.objectAddress(second)))).isTrue();
        int onSlab = slab.objects - 2;
        assertThat(has(vs, "INV-SLUB-02", "inuse does not match the freelist", at
                + String.format(": inuse %d, objects %d, %d on slab->freelist", slab.objects, slab.objects, onSlab)))
                .isTrue();
        slab.freelist = -1;

        // the allocated object forgotten: free by the record, on no freelist
        int taken = -1;
        for (int i = 0; i < slab.objects; i++) {
            if (slab.allocated[i]) {
                taken = i;
            }
        }
        slab.allocated[taken] = false;
        vs = SlubChecks.fullScan(a);
        assertThat(vs).hasSize(1);
        assertThat(has(vs, "INV-SLUB-01", "object lost", at + String.format(" object 0x%x", slab.objectAddress(taken))))
                .isTrue();
        slab.allocated[taken] = true;

        // inuse one short of the count
        slab.inuse--;
        vs = SlubChecks.fullScan(a);
        assertThat(vs).hasSize(1);
        assertThat(has(vs, "INV-SLUB-02", "inuse does not match the freelist", at + String.format(
                ": inuse %d, objects %d, 0 on slab->freelist", slab.objects - 1, slab.objects))).isTrue();
        slab.inuse++;
        assertThat(SlubChecks.fullScan(a)).isEmpty();
    }

    @Test
    void aCpuSlabMustBeFrozenByItsCpuAndOnOneListOnly() throws Exception {
        SlubAllocator a = slub("");
        KmemCache foo = fooWithOne(a);
        CacheNode n = a.node(foo);
        Slab slab = n.cpu[0].slab;
        String at = String.format("foo slab pfn 0x%x", slab.pfn);

        slab.frozen = false;
        List<Violation> vs = SlubChecks.fullScan(a);
        assertThat(vs).hasSize(1);
        assertThat(has(vs, "INV-SLUB-05", "CPU-owned slab not frozen by that CPU",
                at + " frozen=false owner 0, listed on cpu 0")).isTrue();
        slab.frozen = true;
        slab.cpu = 1;
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-05", "CPU-owned slab not frozen by that CPU",
                at + " frozen=true owner 1, listed on cpu 0")).isTrue();
        slab.cpu = 0;

        // also on the node partial list: two lists, and frozen there
        n.partial.add(slab);
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-05", "slab on two lists", at + " on cpu 0 slab and node partial")).isTrue();
        assertThat(has(vs, "INV-SLUB-05", "frozen slab on the node partial list", at)).isTrue();
        n.partial.remove(slab);
        // also on this CPU's partial list
        n.cpu[0].partial.add(slab);
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-05", "slab on two lists", at + " on cpu 0 slab and cpu 0 partial")).isTrue();
        n.cpu[0].partial.clear();

        // off every list: the CPU lets go of it
        n.cpu[0].slab = null;
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-05", "slab on no list", at + " inuse " + slab.inuse)).isTrue();
        n.cpu[0].slab = slab;
        assertThat(SlubChecks.fullScan(a)).isEmpty();

        // a stale lockless freelist on the CPU
        n.cpu[0].staleWindow = "test window";
        vs = SlubChecks.fullScan(a);
        assertThat(vs).hasSize(1);
        assertThat(has(vs, "INV-SLUB-07", "stale lockless freelist", "foo cpu 0: test window")).isTrue();
        n.cpu[0].staleWindow = null;
        assertThat(SlubChecks.fullScan(a)).isEmpty();
    }

    @Test
    void theNodeListsHoldUnfrozenSlabsTheFullListOnlyFullOnes() throws Exception {
        SlubAllocator a = slub("");
        KmemCache foo = a.cache((int) a.kmemCacheCreate("foo", 64, 0, 0, true).value());
        int per = foo.layout().objects();
        long[] objs = new long[per + 1];
        for (int i = 0; i <= per; i++) {
            objs[i] = a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0).value();
        }
        CacheNode n = a.node(foo);
        // the first slab ran out of objects: the CPU dropped it unfrozen (get_freelist found
        // no free object), on no kernel list; the model keeps it on n->full
        Slab first = a.slabOf(objs[0]);
        assertThat(n.full).containsExactly(first);
        assertThat(first.frozen).isFalse();
        String at = String.format("foo slab pfn 0x%x", first.pfn);
        assertThat(SlubChecks.fullScan(a)).isEmpty();

        first.frozen = true;
        List<Violation> vs = SlubChecks.fullScan(a);
        assertThat(vs).hasSize(1);
        assertThat(has(vs, "INV-SLUB-05", "frozen slab on no CPU", at)).isTrue();
        // a slab a failed debug check froze for good may sit there (6.1 never unfreezes it)
        first.failed = true;
        assertThat(SlubChecks.fullScan(a)).isEmpty();
        // and is the one slab allowed off every list while full
        n.full.remove(first);
        assertThat(SlubChecks.fullScan(a)).isEmpty();
        // not while it has a free object
        first.inuse--;
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-05", "slab on no list", at + " inuse " + (per - 1))).isTrue();
        first.inuse++;
        first.failed = false;
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-05", "slab on no list", at + " inuse " + per)).isTrue();
        first.frozen = false;
        n.full.add(first);
        assertThat(SlubChecks.fullScan(a)).isEmpty();

        // free one object of it: to the CPU's partial list (put_cpu_partial), frozen by CPU 0;
        // kmem_cache_shrink flushes it to the node partial list, unfrozen
        a.kmemCacheFree(foo, objs[0], 0);
        assertThat(n.cpu[0].partial).containsExactly(first);
        assertThat(SlubChecks.fullScan(a)).isEmpty();
        first.frozen = false;
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-05", "CPU-owned slab not frozen by that CPU",
                at + " frozen=false owner 0, listed on cpu 0")).isTrue();
        first.frozen = true;
        // flush_all deactivates the CPU slab too (per - 1 free objects); __kmem_cache_do_shrink
        // then moves the slabs with fewer than SHRINK_PROMOTE_MAX (32) free objects to the head
        // of n->partial, fullest first, and leaves the emptier ones in place behind them
        Slab second = a.slabOf(objs[per]);
        assertThat(per - 1).isGreaterThanOrEqualTo(32);
        a.kmemCacheShrink(foo);
        assertThat(n.partial).containsExactly(first, second);
        assertThat(first.frozen).isFalse();
        assertThat(SlubChecks.fullScan(a)).isEmpty();

        first.frozen = true;
        vs = SlubChecks.fullScan(a);
        assertThat(vs).hasSize(1);
        assertThat(has(vs, "INV-SLUB-05", "frozen slab on the node partial list", at)).isTrue();
        first.failed = true;
        assertThat(SlubChecks.fullScan(a)).isEmpty();
        first.failed = false;
        first.frozen = false;
        // slab->freelist emptied under it: a full slab on the partial list
        int head = first.freelist;
        first.freelist = -1;
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-05", "full slab on the node partial list", at)).isTrue();
        first.freelist = head;
        // its one free object looping onto itself, or pointing past the slab: the walk counted it
        // before it stopped, so inuse (objects - 1) still matches and only INV-SLUB-01 reports
        assertThat(first.next[head]).isEqualTo(-1);
        first.next[head] = head;
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-01", "freelist loop",
                at + String.format(" slab freelist at 0x%x", first.objectAddress(head)))).isTrue();
        assertThat(ids(vs)).containsExactly("INV-SLUB-01");
        first.next[head] = first.objects;
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-01", "freelist points outside its slab",
                at + " slab freelist index " + first.objects)).isTrue();
        assertThat(ids(vs)).containsExactly("INV-SLUB-01");
        first.next[head] = -1;
        assertThat(SlubChecks.fullScan(a)).isEmpty();

        // foo's slab put on kmalloc-64's lists: a slab of another cache
        KmemCache k64 = a.caches().byName("kmalloc-64");
        a.node(k64).partial.add(first);
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-05", "slab on two lists",
                String.format("kmalloc-64 slab pfn 0x%x on null and node partial", first.pfn))).isTrue();
        a.node(k64).partial.remove(first);
        a.node(k64).all.add(first);
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-05", "slab of another cache",
                String.format("kmalloc-64 holds slab pfn 0x%x of foo", first.pfn))).isTrue();
        a.node(k64).all.remove(first);
        assertThat(SlubChecks.fullScan(a)).isEmpty();
    }

    @Test
    void pgSlabIsOnEachSlabsHeadPageAndNowhereElse() throws Exception {
        SlubAllocator a = slub("");
        // kmalloc-1k: order 1 on one CPU (calculate_order aims at 4 * (fls(1) + 1) = 8 objects)
        long p = a.kmalloc(1024, Gfp.GFP_KERNEL, 0).value();
        Slab slab = a.slabOf(p);
        assertThat(slab.order).isEqualTo(1);
        var pa = a.pages();
        assertThat(SlubChecks.fullScan(a)).isEmpty();

        pa.setPageSlab(slab.pfn, false);
        List<Violation> vs = SlubChecks.fullScan(a);
        assertThat(vs).hasSize(1);
        assertThat(has(vs, "INV-SLUB-08", "slab page without PG_slab",
                String.format("kmalloc-1k slab pfn 0x%x", slab.pfn))).isTrue();
        pa.setPageSlab(slab.pfn, true);

        pa.setPageSlab(slab.pfn + 1, true);
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-08", "PG_slab on a tail page",
                String.format("kmalloc-1k slab pfn 0x%x page 0x%x", slab.pfn, slab.pfn + 1))).isTrue();
        assertThat(has(vs, "INV-SLUB-08", "PG_slab on a page no slab holds", String.format("pfn 0x%x", slab.pfn + 1)))
                .isTrue();
        assertThat(vs).hasSize(2);
        pa.setPageSlab(slab.pfn + 1, false);

        // the last frame of the board, free, with PG_slab
        long last = pa.basePfn() + pa.frameCount() - 1;
        assertThat(a.slabAtPfn(last)).isNull();
        pa.setPageSlab(last, true);
        vs = SlubChecks.fullScan(a);
        assertThat(vs).hasSize(1);
        assertThat(has(vs, "INV-SLUB-08", "PG_slab on a page no slab holds", String.format("pfn 0x%x", last))).isTrue();
        pa.setPageSlab(last, false);
        assertThat(SlubChecks.fullScan(a)).isEmpty();
        // one per-step check takes the scan of every frame owed after boot's hand-over
        a.beginStep();
        assertThat(SlubChecks.check(a)).isEmpty();
        // the full scan reads every frame, also one the current step's calls did not touch;
        // the per-step walk reads only the step's frames
        pa.setPageSlab(last, true);
        pa.beginStep();
        assertThat(pa.dirtyFrames()).isEmpty();
        assertThat(SlubChecks.fullScan(a)).extracting(Violation::details).containsExactly(String.format("pfn 0x%x", last));
        a.beginStep();
        assertThat(SlubChecks.check(a)).isEmpty();
        pa.setPageSlab(last, false);
        // a step that rewrites PG_slab on the head of a slab of a cache no call touched: still a listed head
        a.beginStep();
        pa.beginStep();
        pa.setPageSlab(slab.pfn, true);
        assertThat(pa.dirtyFrames()).isNotEmpty();
        assertThat(SlubChecks.check(a)).isEmpty();
    }

    @Test
    void aSlabPageIsItsSlabsAloneAndNoLargeKmallocCoversIt() throws Exception {
        SlubAllocator a = slub("");
        long p = a.kmalloc(1024, Gfp.GFP_KERNEL, 0).value();
        Slab slab = a.slabOf(p);
        KmemCache k1k = slab.cache;
        // a second slab record over the same pages, listed too
        Slab twin = new Slab(slab.pfn + 1, 0, k1k, 1, slab.base + 4096);
        twin.inuse = 1;
        twin.allocated[0] = true;
        twin.frozen = false;
        a.node(k1k).all.add(twin);
        a.node(k1k).full.add(twin);
        a.pages().setPageSlab(slab.pfn + 1, false);
        List<Violation> vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-04", "overlapping allocations", String.format(
                "kmalloc-1k slab pfn 0x%x: page 0x%x belongs to kmalloc-1k slab pfn 0x%x", twin.pfn, twin.pfn, slab.pfn)))
                .isTrue();
        a.node(k1k).all.remove(twin);
        a.node(k1k).full.remove(twin);
        // a record of two pages no slab owns in the page map
        long free = a.pages().basePfn() + a.pages().frameCount() - 2;
        Slab ghost = new Slab(free, 1, k1k, 1, 0);
        a.node(k1k).all.add(ghost);
        a.node(k1k).full.add(ghost);
        ghost.inuse = 1;
        ghost.allocated[0] = true;
        vs = SlubChecks.fullScan(a);
        assertThat(has(vs, "INV-SLUB-04", "overlapping allocations",
                String.format("kmalloc-1k slab pfn 0x%x: page 0x%x belongs to no slab", free, free))).isTrue();
        assertThat(has(vs, "INV-SLUB-04", "overlapping allocations",
                String.format("kmalloc-1k slab pfn 0x%x: page 0x%x belongs to no slab", free, free + 1))).isTrue();
        // and the page allocator never handed it out
        assertThat(has(vs, "INV-SLUB-03", "slab page not allocated",
                String.format("kmalloc-1k slab pfn 0x%x is free in the buddy allocator", free))).isTrue();
        a.node(k1k).all.remove(ghost);
        a.node(k1k).full.remove(ghost);
        assertThat(SlubChecks.fullScan(a)).isEmpty();

        // an allocated object off its cache's alignment (kmalloc-1k: 1024, as create_boot_cache
        // gives a power-of-two kmalloc size its natural alignment)
        assertThat(k1k.layout().align()).isEqualTo(1024);
        Slab skewed = new Slab(slab.pfn, slab.order, k1k, 1, slab.base + 8);
        skewed.allocated[0] = true;
        a.node(k1k).all.add(skewed);
        a.node(k1k).full.add(skewed);
        skewed.inuse = 1;
        List<Violation> found = SlubChecks.fullScan(a);
        assertThat(has(found, "INV-SLUB-03", "misaligned object",
                String.format("kmalloc-1k object 0x%x, align 1024", slab.base + 8))).isTrue();
        skewed.allocated[0] = false;
        skewed.freelist = 0;
        skewed.inuse = 0;
        assertThat(SlubChecks.fullScan(a)).noneMatch(v -> v.reason().equals("misaligned object"));
        a.node(k1k).all.remove(skewed);
        a.node(k1k).full.remove(skewed);
        assertThat(SlubChecks.fullScan(a)).isEmpty();
        // a large kmalloc recorded over the slab's second page
        long addr = slab.base + 4096;
        a.large().put(addr, 0);
        vs = SlubChecks.fullScan(a);
        assertThat(vs).hasSize(1);
        assertThat(has(vs, "INV-SLUB-04", "overlapping allocations",
                String.format("large kmalloc 0x%x covers slab page 0x%x", addr, slab.pfn + 1))).isTrue();
        a.large().remove(addr);
        // an order-1 one whose second page is the slab's first
        a.large().put(slab.base - 4096, 1);
        vs = SlubChecks.fullScan(a);
        assertThat(vs).hasSize(1);
        assertThat(has(vs, "INV-SLUB-04", "overlapping allocations",
                String.format("large kmalloc 0x%x covers slab page 0x%x", slab.base - 4096, slab.pfn))).isTrue();
        a.large().remove(slab.base - 4096);
        // an order-1 one ending right before the slab: no overlap
        a.large().put(slab.base - 8192, 1);
        assertThat(SlubChecks.fullScan(a)).isEmpty();
        a.large().remove(slab.base - 8192);
    }

    @Test
    void aFreeDebugObjectKeepsItsRedZonesAndPoison() throws Exception {
        SlubAllocator a = slub("slub_debug=FZP");
        long p = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        long q = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        a.kfree(p, 0);
        Slab slab = a.slabOf(p);
        CacheLayout l = slab.cache.layout();
        // kmalloc-64 under FZP: 64-byte left pad (aligned to the 64-byte line), object 64, right red zone
        assertThat(l.redLeftPad()).isEqualTo(64);
        int off = (int) (p - slab.base);
        String obj = String.format("kmalloc-64 object 0x%x", p);
        assertThat(SlubChecks.fullScan(a)).isEmpty();
        assertThat(slab.mem[off - 1] & 0xff).isEqualTo(0xbb);
        assertThat(slab.mem[off] & 0xff).isEqualTo(0x6b);
        assertThat(slab.mem[off + 62] & 0xff).isEqualTo(0x6b);
        assertThat(slab.mem[off + 63] & 0xff).isEqualTo(0xa5);
        assertThat(slab.mem[off + 64] & 0xff).isEqualTo(0xbb);

        int[][] damages = {{off - 64, 0}, {off - 1, 0}, {off + 64, 1},
            {off, 2}, {off + 62, 2}, {off + 63, 3}};
        String[] what = {"left red zone", "right red zone", "poison", "end poison"};
        for (int[] d : damages) {
            byte was = slab.mem[d[0]];
            slab.mem[d[0]] = 0x00;
            List<Violation> vs = SlubChecks.fullScan(a);
            assertThat(vs).as("byte %d", d[0] - off).hasSize(1);
            assertThat(has(vs, "INV-SLUB-06", what[d[1]] + " of a free object damaged", obj)).as("byte %d", d[0] - off)
                    .isTrue();
            slab.mem[d[0]] = was;
        }
        // poison and end poison both damaged: the poison span is read first
        slab.mem[off] = 0;
        slab.mem[off + 63] = 0;
        assertThat(SlubChecks.fullScan(a)).extracting(Violation::reason)
                .containsExactly("poison of a free object damaged");
        slab.mem[off] = 0x6b;
        slab.mem[off + 63] = (byte) 0xa5;
        // the last byte of the right red zone (up to s->inuse) and the byte past it
        int rightEnd = off + l.inuse() - 1;
        slab.mem[rightEnd] = 0;
        assertThat(has(SlubChecks.fullScan(a), "INV-SLUB-06", "right red zone of a free object damaged", obj)).isTrue();
        slab.mem[rightEnd] = (byte) 0xbb;
        assertThat(SlubChecks.fullScan(a)).isEmpty();

        // an allocated object's patterns are its owner's: q's active red zone is 0xcc and its bytes are anything
        int qoff = (int) (q - slab.base);
        assertThat(slab.mem[qoff + 64] & 0xff).isEqualTo(0xcc);
        slab.mem[qoff] = 0x11;
        assertThat(SlubChecks.fullScan(a)).isEmpty();
        // a poked slab is the caller's business
        slab.mem[off] = 0;
        slab.poked = true;
        assertThat(SlubChecks.fullScan(a)).isEmpty();
    }

    @Test
    void redZoningAloneDoesNotReadPoisonNorPoisoningAloneTheRedZones() throws Exception {
        for (String cmdline : new String[] {"slub_debug=Z", "slub_debug=P"}) {
            SlubAllocator a = slub(cmdline);
            long p = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
            a.kmalloc(64, Gfp.GFP_KERNEL, 0);
            a.kfree(p, 0);
            Slab slab = a.slabOf(p);
            int off = (int) (p - slab.base);
            assertThat(SlubChecks.fullScan(a)).as(cmdline).isEmpty();
            boolean redZone = cmdline.endsWith("Z");
            // damage what the other flag would guard
            int victim = redZone ? off + 10 : off + 64;
            slab.mem[victim] = 0x01;
            assertThat(SlubChecks.fullScan(a)).as(cmdline).isEmpty();
            // and what this flag guards
            int guarded = redZone ? off + 64 : off + 10;
            slab.mem[guarded] = 0x01;
            assertThat(SlubChecks.fullScan(a)).as(cmdline).extracting(Violation::reason)
                    .containsExactly((redZone ? "right red zone" : "poison") + " of a free object damaged");
        }
    }

    @Test
    void thePerStepCheckReadsOnlyTheTouchedCachesAndIsCachedUntilTheNextCall() throws Exception {
        SlubAllocator a = slub("");
        KmemCache foo = fooWithOne(a);
        a.beginStep();
        Slab slab = a.node(foo).cpu[0].slab;
        slab.inuse--;
        // no call touched foo this step: the per-step walk does not read it, the full scan does
        List<Violation> step = SlubChecks.check(a);
        assertThat(step).isEmpty();
        assertThat(SlubChecks.fullScan(a)).extracting(Violation::id).containsExactly("INV-SLUB-02");
        // a call on foo touches it; the result stands until the next call
        long p = a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0).value();
        step = SlubChecks.check(a);
        assertThat(step).extracting(Violation::id).containsExactly("INV-SLUB-02");
        slab.inuse++;
        assertThat(SlubChecks.check(a)).isSameAs(step);
        a.beginStep();
        a.kmemCacheFree(foo, p, 0);
        assertThat(SlubChecks.check(a)).isEmpty();
        // PG_slab on a free frame the step's call dirtied is found without a full scan
        a.beginStep();
        a.pages().beginStep();
        long q = a.kmalloc(4096 * 4, Gfp.GFP_KERNEL, 0).value();
        long pfn = a.pages().layout().virtToPfn(q);
        a.pages().setPageSlab(pfn + 1, true);
        assertThat(SlubChecks.check(a)).extracting(Violation::details).contains(String.format("pfn 0x%x", pfn + 1));
    }
}
