package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The slow free paths of mm/slub.c (6.1) on a cache of 64-byte objects ({@code foo}: order 0,
 * 64 objects a slab, {@code min_partial} = max(5, min(10, ilog2(64) / 2)) = 5,
 * {@code cpu_partial} 120 objects, so {@code cpu_partial_slabs} = (2 x 120 + 63) / 64 = 4 by
 * {@code slub_set_cpu_partial}): {@code __slab_free} of a full slab ({@code put_cpu_partial}
 * onto the freeing CPU), the drain of a CPU partial list holding {@code cpu_partial_slabs}
 * slabs ({@code __unfreeze_partials}: empty slabs go back to the buddy allocator once the node
 * keeps {@code min_partial}, counted as the list grows), the free of a node partial slab's last
 * object ({@code discard_slab} under the same bound), a remote free onto another CPU's slab,
 * {@code get_partial_node}'s refill (the first slab for the CPU, more onto its partial list
 * until more than {@code cpu_partial_slabs / 2}), and {@code deactivate_slab} from a flush.
 */
class SlubFreePathsTest {

    private SlubAllocator a;
    private KmemCache foo;
    private CacheNode n;

    private void boot(Set<SlubBug> bugs) throws Exception {
        a = SlubBoards.slub("", 8192, 2, 1, bugs);
        foo = a.cache((int) a.kmemCacheCreate("foo", 64, 0, 0, false).value());
        n = a.node(foo);
        assertThat(foo.layout().objects()).isEqualTo(64);
        assertThat(foo.layout().minPartial()).isEqualTo(5);
        assertThat(foo.layout().cpuPartialSlabs()).isEqualTo(4);
    }

    /** Allocates {@code count} objects on {@code cpu}; the addresses grouped by slab, in slab order. */
    private Map<Slab, List<Long>> fill(int count, int cpu) {
        Map<Slab, List<Long>> bySlab = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            long o = a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, cpu).value();
            assertThat(o).isNotZero();
            bySlab.computeIfAbsent(a.slabOf(o), s -> new ArrayList<>()).add(o);
        }
        return bySlab;
    }

    private void free(long o, int cpu) {
        assertThat(a.kmemCacheFree(foo, o, cpu)).isEqualTo(Result.VOID);
    }

    @Test
    void fullSlabsGoToTheFreeingCpuAndItsListDrainsToTheNodeAtFourSlabs() throws Exception {
        boot(Set.of());
        // 10 full slabs and an 11th as CPU 0's slab: get_freelist found each full one empty and dropped it
        Map<Slab, List<Long>> objs = fill(641, 0);
        List<Slab> slabs = new ArrayList<>(objs.keySet());
        List<Slab> f = slabs.subList(0, 10);
        for (Slab s : f) {
            assertThat(s.frozen).isFalse();
            assertThat(s.inuse).isEqualTo(64);
            assertThat(s.list).isEqualTo(Slab.SlabList.NODE_FULL);
        }
        CpuSlab c1 = n.cpu[1];
        long puts = a.stats().counters().get("cpu partial put");
        // one free from each of F1..F4 on CPU 1: each was full, so CPU 1 freezes it onto its partial list
        for (int i = 0; i < 4; i++) {
            free(objs.get(f.get(i)).get(0), 1);
            assertThat(f.get(i).frozen).isTrue();
            assertThat(f.get(i).cpu).isEqualTo(1);
            assertThat(f.get(i).inuse).isEqualTo(63);
            assertThat(f.get(i).list).isEqualTo(Slab.SlabList.CPU_PARTIAL);
            assertThat(n.full).doesNotContain(f.get(i));
        }
        assertThat(a.stats().counters().get("cpu partial put")).isEqualTo(puts + 4);
        assertThat(a.stats().counters().get("cross-cpu frees")).isZero();
        assertThat(c1.partial).containsExactly(f.get(3), f.get(2), f.get(1), f.get(0));
        assertThat(n.partial).isEmpty();
        // F5: the list holds cpu_partial_slabs (4): drained, newest first, onto the node's tail
        free(objs.get(f.get(4)).get(0), 1);
        assertThat(c1.partial).containsExactly(f.get(4));
        assertThat(n.partial).containsExactly(f.get(3), f.get(2), f.get(1), f.get(0));
        for (int i = 0; i < 4; i++) {
            assertThat(f.get(i).frozen).isFalse();
            assertThat(f.get(i).cpu).isEqualTo(-1);
            assertThat(f.get(i).list).isEqualTo(Slab.SlabList.NODE_PARTIAL);
        }
        // F6..F8 onto CPU 1's list, then F7 and F8 emptied there (frozen: they stay where they are)
        for (int i = 5; i < 8; i++) {
            free(objs.get(f.get(i)).get(0), 1);
        }
        for (int i = 6; i < 8; i++) {
            for (long o : objs.get(f.get(i)).subList(1, 64)) {
                free(o, 1);
            }
            assertThat(f.get(i).inuse).isZero();
            assertThat(f.get(i).list).isEqualTo(Slab.SlabList.CPU_PARTIAL);
        }
        assertThat(c1.partial).containsExactly(f.get(7), f.get(6), f.get(5), f.get(4));
        long freed = a.stats().counters().get("slabs freed to buddy");
        // F9 drains again: F8 (empty) meets 4 slabs on the node, fewer than min_partial: kept; F7 (empty)
        // meets 5: freed; F6 and F5 are not empty
        free(objs.get(f.get(8)).get(0), 1);
        assertThat(n.partial).containsExactly(f.get(3), f.get(2), f.get(1), f.get(0), f.get(7), f.get(5), f.get(4));
        assertThat(a.slabOf(objs.get(f.get(6)).get(0))).isNull();
        assertThat(a.stats().counters().get("slabs freed to buddy")).isEqualTo(freed + 1);
        assertThat(n.all).doesNotContain(f.get(6)).contains(f.get(7));
        assertThat(c1.partial).containsExactly(f.get(8));

        // F1 on the node (7 slabs there): its last object freed on CPU 0 sends it back to the buddy allocator
        List<Long> f1 = objs.get(f.get(0));
        for (long o : f1.subList(1, 63)) {
            free(o, 0);
        }
        assertThat(f.get(0).inuse).isEqualTo(1);
        assertThat(f.get(0).list).isEqualTo(Slab.SlabList.NODE_PARTIAL);
        free(f1.get(63), 0);
        assertThat(n.partial).doesNotContain(f.get(0));
        assertThat(a.slabOf(f1.get(63))).isNull();
        assertThat(a.stats().counters().get("slabs freed to buddy")).isEqualTo(freed + 2);
    }

    @Test
    void anEmptiedNodePartialSlabStaysWhileTheNodeHoldsFewerThanMinPartial() throws Exception {
        boot(Set.of());
        fill(129, 0);
        Map<Slab, List<Long>> objs = new LinkedHashMap<>();
        for (long o : allObjects()) {
            objs.computeIfAbsent(a.slabOf(o), s -> new ArrayList<>()).add(o);
        }
        List<Slab> f = new ArrayList<>(objs.keySet()).subList(0, 2);
        // F1 and F2 to CPU 1, then a shrink flushes them onto the node
        free(objs.get(f.get(0)).get(0), 1);
        free(objs.get(f.get(1)).get(0), 1);
        a.kmemCacheShrink(foo);
        assertThat(n.partial).contains(f.get(0), f.get(1));
        long freed = a.stats().counters().get("slabs freed to buddy");
        for (long o : objs.get(f.get(0)).subList(1, 64)) {
            free(o, 0);
        }
        // 3 slabs on the node (F1, F2 and CPU 0's former slab), fewer than 5: the empty F1 stays
        assertThat(f.get(0).inuse).isZero();
        assertThat(f.get(0).list).isEqualTo(Slab.SlabList.NODE_PARTIAL);
        assertThat(n.partial).contains(f.get(0));
        assertThat(a.stats().counters().get("slabs freed to buddy")).isEqualTo(freed);
    }

    @Test
    void aFreeBehindObjectZeroAtTheHeadKeepsTheSlabOnTheNode() throws Exception {
        boot(Set.of());
        fill(65, 0);
        Slab s = a.slabOf(allObjects().get(0));
        assertThat(s.list).isEqualTo(Slab.SlabList.NODE_FULL);
        // through CPU 1's list and a flush onto the node, with object 1 free
        free(s.objectAddress(1), 1);
        a.kmemCacheShrink(foo);
        assertThat(s.list).isEqualTo(Slab.SlabList.NODE_PARTIAL);
        // object 0 freed: slab->freelist is object 0 (index 0 is not NULL); the next free keeps the slab listed
        free(s.objectAddress(0), 0);
        assertThat(s.freelist).isZero();
        free(s.objectAddress(2), 0);
        assertThat(s.list).isEqualTo(Slab.SlabList.NODE_PARTIAL);
        assertThat(s.frozen).isFalse();
        assertThat(n.cpu[0].partial).doesNotContain(s);
        assertThat(s.inuse).isEqualTo(61);
    }

    @Test
    void aRemoteFreeOntoAnotherCpusSlabLeavesItFrozenThereAndCountsOnce() throws Exception {
        boot(Set.of());
        long o = a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0).value();
        Slab s = a.slabOf(o);
        assertThat(s.inuse).isEqualTo(64);
        free(o, 1);
        // __slab_free on a frozen slab: inuse drops, the object goes onto slab->freelist, nothing moves
        assertThat(s.inuse).isEqualTo(63);
        assertThat(s.frozen).isTrue();
        assertThat(s.cpu).isZero();
        assertThat(s.list).isEqualTo(Slab.SlabList.CPU_SLAB);
        assertThat(s.freelist).isEqualTo(s.indexOf(o));
        assertThat(n.cpu[0].slab).isSameAs(s);
        assertThat(n.cpu[1].partial).isEmpty();
        assertThat(a.stats().counters().get("cross-cpu frees")).isEqualTo(1L);

        // with REMOTE_FREE_KEEPS_INUSE the frozen slab keeps its count
        boot(Set.of(SlubBug.REMOTE_FREE_KEEPS_INUSE));
        long p = a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0).value();
        free(p, 1);
        assertThat(a.slabOf(p).inuse).isEqualTo(64);
    }

    @Test
    void theFastPathsMoveTheTidAndPublishTheFreelist() throws Exception {
        boot(Set.of());
        CpuSlab c = n.cpu[0];
        long o = a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0).value();
        long t0 = c.tid;
        assertThat(c.publishedFreelist).isEqualTo(c.freelist);
        a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0);
        assertThat(c.tid).isNotEqualTo(t0);
        assertThat(c.publishedFreelist).isEqualTo(c.freelist);
        long t1 = c.tid;
        // do_slab_free's fast path: onto c->freelist, the tid bumped
        free(o, 0);
        assertThat(c.freelist).isEqualTo(a.slabOf(o).indexOf(o));
        assertThat(c.tid).isNotEqualTo(t1);
        assertThat(c.publishedFreelist).isEqualTo(c.freelist);
        // the flush drops the CPU slab: the tid moves and publishes the empty CPU state
        long t2 = c.tid;
        a.kmemCacheShrink(foo);
        assertThat(c.slab).isNull();
        assertThat(c.tid).isNotEqualTo(t2);
        assertThat(c.publishedSlab).isNull();
        assertThat(c.publishedFreelist).isEqualTo(-1);
        // get_freelist finding the slab empty drops it with a bump too
        boot(Set.of());
        c = n.cpu[0];
        fill(63, 0);
        long step = c.tid;
        a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0);
        step = c.tid - step;
        assertThat(step).isPositive();
        Slab first = c.slab;
        long t3 = c.tid;
        a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0);
        // ___slab_alloc: c->slab dropped with next_tid, then the new slab's first object with another
        assertThat(c.slab).isNotSameAs(first);
        assertThat(c.tid - t3).isEqualTo(2 * step);
        assertThat(c.publishedSlab).isSameAs(c.slab);
        assertThat(c.staleWindow).isNull();
    }

    @Test
    void getPartialNodeTakesOneSlabAndPutsThreeMoreOnTheCpuList() throws Exception {
        boot(Set.of());
        // seven slabs on the node's partial list: full slabs freed into on CPU 1, flushed by a shrink
        fill(64 * 7 + 1, 0);
        Map<Slab, List<Long>> objs = new LinkedHashMap<>();
        for (long o : allObjects()) {
            objs.computeIfAbsent(a.slabOf(o), s -> new ArrayList<>()).add(o);
        }
        List<Slab> f = new ArrayList<>(objs.keySet()).subList(0, 7);
        for (Slab s : f) {
            free(objs.get(s).get(0), 1);
        }
        a.kmemCacheShrink(foo);
        assertThat(n.partial).containsAll(f);
        int before = n.partial.size();
        List<Slab> order = new ArrayList<>(n.partial);
        long nodeAllocs = a.stats().counters().get("node partial alloc");
        long cpuAllocs = a.stats().counters().get("cpu partial alloc");
        // CPU 0 has no slab: the head becomes its slab, the next three go to its partial list
        // (cpu_partial_slabs / 2 = 2, and the walk stops once more than that were put)
        long o = a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0).value();
        CpuSlab c = n.cpu[0];
        assertThat(c.slab).isSameAs(order.get(0));
        assertThat(a.slabOf(o)).isSameAs(order.get(0));
        assertThat(c.slab.frozen).isTrue();
        assertThat(c.slab.freelist).isEqualTo(-1);
        assertThat(c.slab.inuse).isEqualTo(64);
        assertThat(c.partial).containsExactly(order.get(3), order.get(2), order.get(1));
        for (Slab s : c.partial) {
            assertThat(s.frozen).isTrue();
            assertThat(s.cpu).isZero();
            assertThat(s.list).isEqualTo(Slab.SlabList.CPU_PARTIAL);
        }
        assertThat(n.partial).hasSize(before - 4);
        assertThat(a.stats().counters().get("node partial alloc")).isEqualTo(nodeAllocs + 1);
        // CPU 0's slab had one free object (the one CPU 1 freed): the next alloc takes the CPU partial head
        a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0);
        assertThat(c.slab).isSameAs(order.get(3));
        assertThat(c.slab.list).isEqualTo(Slab.SlabList.CPU_SLAB);
        assertThat(a.stats().counters().get("cpu partial alloc")).isEqualTo(cpuAllocs + 1);
    }

    @Test
    void aFlushDeactivatesTheCpuSlabOntoTheListItsFreeObjectsSay() throws Exception {
        boot(Set.of());
        List<Long> three = fill(3, 0).values().iterator().next();
        Slab s = a.slabOf(three.get(0));
        // a remote free first: slab->freelist holds it, so the CPU freelist's tail is linked to it
        free(three.get(2), 1);
        a.kmemCacheShrink(foo);
        // 61 back from the CPU freelist, 1 remote: 2 in use, partial
        assertThat(s.inuse).isEqualTo(2);
        assertThat(s.frozen).isFalse();
        assertThat(s.cpu).isEqualTo(-1);
        assertThat(s.list).isEqualTo(Slab.SlabList.NODE_PARTIAL);
        assertThat(n.partial).containsExactly(s);
        // the free pointer written at the splice decodes: all 62 are served again without a report
        for (int i = 0; i < 62; i++) {
            assertThat(a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0).isRefused()).as("alloc %d", i).isFalse();
        }
        assertThat(n.cpu[0].slab).isSameAs(s);
        // a full CPU slab flushed: the node's full list
        a.kmemCacheShrink(foo);
        assertThat(s.inuse).isEqualTo(64);
        assertThat(s.list).isEqualTo(Slab.SlabList.NODE_FULL);
        assertThat(n.full).contains(s);
        assertThat(n.partial).doesNotContain(s);
    }

    @Test
    void aCpuFreelistEndingInObjectZeroGoesBackWhole() throws Exception {
        boot(Set.of());
        fill(64, 0);
        Slab s = n.cpu[0].slab;
        // do_slab_free pushes onto c->freelist: object 0 first, so it ends the list
        free(s.objectAddress(0), 0);
        free(s.objectAddress(5), 0);
        a.kmemCacheShrink(foo);
        assertThat(s.inuse).isEqualTo(62);
        assertThat(s.list).isEqualTo(Slab.SlabList.NODE_PARTIAL);
        assertThat(s.freelist).isEqualTo(5);
        assertThat(s.next[5]).isZero();
        assertThat(s.next[0]).isEqualTo(-1);
    }

    @Test
    void deactivateFreesAnEmptySlabItselfOnceTheNodeKeepsMinPartial() throws Exception {
        // SHRINK_FREES_LISTED_SLAB frees the node's empty slabs' pages but leaves them listed: a slab
        // deactivate_slab freed itself is gone, one it put on the partial list is left behind
        boot(Set.of(SlubBug.SHRINK_FREES_LISTED_SLAB));
        Map<Slab, List<Long>> objs = fill(9 * 64 + 1, 0);
        List<Slab> f = new ArrayList<>(objs.keySet());
        for (Slab s : f.subList(0, 9)) {
            free(objs.get(s).get(0), 1);
        }
        assertThat(n.partial).hasSize(8);
        long last = objs.get(f.get(9)).get(0);
        Slab s10 = a.slabOf(last);
        free(last, 0);
        a.kmemCacheShrink(foo);
        // 8 on the node (>= min_partial 5): M_FREE, discard_slab
        assertThat(a.slabOf(last)).isNull();
        assertThat(n.all).doesNotContain(s10);
        assertThat(n.partial).doesNotContain(s10);

        // no slab on the node: the empty CPU slab goes onto the partial list (M_PARTIAL), where the bug leaves it
        boot(Set.of(SlubBug.SHRINK_FREES_LISTED_SLAB));
        Map<Slab, List<Long>> two = fill(65, 0);
        long only = new ArrayList<>(two.values()).get(1).get(0);
        Slab s2 = a.slabOf(only);
        free(only, 0);
        a.kmemCacheShrink(foo);
        assertThat(n.partial).contains(s2);
        assertThat(a.slabOf(only)).isSameAs(s2);
    }

    /** Every object the test allocated and still holds, in allocation order of the slabs. */
    private List<Long> allObjects() {
        List<Long> out = new ArrayList<>();
        for (Slab s : n.all) {
            for (int i = 0; i < s.objects; i++) {
                if (s.allocated[i]) {
                    out.add(s.objectAddress(i));
                }
            }
        }
        return out;
    }
}
