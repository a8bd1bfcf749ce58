package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code kmem_cache_alloc_bulk} and {@code kmem_cache_free_bulk} (mm/slub.c, 6.1): the bulk
 * allocation takes objects off the CPU's lockless freelist in its order, calls
 * {@code ___slab_alloc} when the freelist runs dry (bumping the tid first, the fix
 * fd4d9c7d0c71), zeroes each object ({@code slab_post_alloc_hook} with
 * {@code slab_want_init_on_alloc}: the armmp build has INIT_ON_ALLOC_DEFAULT_ON), and on a
 * failure gives back every object it took and returns 0; the bulk free frees each object in
 * turn.
 */
class SlubBulkTest {

    private static SlubAllocator slub(long pages, Set<SlubBug> bugs) throws Exception {
        return SlubBoards.slub("", pages, 1, 1, bugs);
    }

    @Test
    void aBulkAllocationTakesTheObjectsOneAllocationAtATimeWouldTake() throws Exception {
        SlubAllocator bulk = slub(8192, Set.of());
        SlubAllocator single = slub(8192, Set.of());
        KmemCache b = bulk.cache((int) bulk.kmemCacheCreate("foo", 64, 0, 0, true).value());
        KmemCache s = single.cache((int) single.kmemCacheCreate("foo", 64, 0, 0, true).value());
        int per = b.layout().objects();
        // two slabs' worth and two more: the first object and the (per+1)-th and (2per+1)-th come
        // from ___slab_alloc, the rest off c->freelist
        int n = 2 * per + 2;
        long[] got = bulk.kmemCacheAllocBulk(b, Gfp.GFP_KERNEL, n, 0);
        assertThat(got).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(got[i]).as("object %d", i).isEqualTo(single.kmemCacheAlloc(s, Gfp.GFP_KERNEL, 0).value());
        }
        Set<Long> distinct = new HashSet<>();
        for (long p : got) {
            distinct.add(p);
        }
        assertThat(distinct).hasSize(n);
        assertThat(bulk.node(b).all).hasSize(3);
        assertThat(bulk.stats().allocs).isEqualTo(single.stats().allocs);
        assertThat(SlubChecks.fullScan(bulk)).isEmpty();
        assertThat(bulk.node(b).cpu[0].staleWindow).isNull();
        // objects each slab handed out: the two full ones all, the CPU slab two
        assertThat(bulk.node(b).all.stream().mapToInt(sl -> {
            int k = 0;
            for (boolean x : sl.allocated) {
                k += x ? 1 : 0;
            }
            return k;
        })).containsExactly(per, per, 2);

        // kmem_cache_free_bulk: each in turn, the first refusal returned, the others still freed
        long[] some = {got[0], got[0] + 8, got[1]};
        Result r = bulk.kmemCacheFreeBulk(b, some, 0);
        assertThat(r.isRefused()).isTrue();
        assertThat(bulk.ksize(got[0]).isRefused()).isTrue();
        assertThat(bulk.ksize(got[1]).isRefused()).isTrue();
        // slab_ksize: no debug flags, so s->size: 64 + the 4-byte free pointer a ctor moves out of
        // the object, aligned to sizeof(unsigned long long) = 8: 72
        assertThat(bulk.ksize(got[2]).value()).isEqualTo(72);
        assertThat(bulk.kmemCacheFreeBulk(b, new long[] {got[2], got[3]}, 0)).isEqualTo(Result.VOID);
        assertThat(SlubChecks.fullScan(bulk)).isEmpty();
    }

    @Test
    void bulkObjectsAreZeroedAsInitOnAllocWants() throws Exception {
        SlubAllocator a = slub(8192, Set.of());
        KmemCache k64 = a.caches().byName("kmalloc-64");
        long p = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        long q = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        a.poke(p, 0x5a5a5a5aL, 4);
        a.poke(q + 60, 0x5a5a5a5aL, 4);
        // freed, they carry their free pointers (at offset 32 of a 64-byte object without ctor)
        // and the caller's bytes; the bulk allocation takes q, then p, off the CPU freelist
        a.kfree(p, 0);
        a.kfree(q, 0);
        long[] got = a.kmemCacheAllocBulk(k64, Gfp.GFP_KERNEL, 2, 0);
        assertThat(got).containsExactly(q, p);
        for (long o : got) {
            for (int i = 0; i < 64; i++) {
                assertThat(a.peek(o + i)).as("byte %d of 0x%x", i, o).isZero();
            }
        }
    }

    @Test
    void aDebugCacheTakesTheSlowPathForEveryObject() throws Exception {
        // kmem_cache_debug(s): each object through ___slab_alloc and alloc_debug_processing,
        // which marks it active: init_object writes SLUB_RED_ACTIVE (0xcc) into its right red zone
        SlubAllocator a = SlubBoards.slub("slub_debug=FZ", 8192, 1, 1, Set.of());
        KmemCache k64 = a.caches().byName("kmalloc-64");
        long[] got = a.kmemCacheAllocBulk(k64, Gfp.GFP_KERNEL, 3, 0);
        assertThat(got).hasSize(3);
        for (long o : got) {
            assertThat(a.peek(o + 64)).as("0x%x", o).isEqualTo(0xcc);
        }
        assertThat(SlubChecks.fullScan(a)).isEmpty();
    }

    @Test
    void aFailedBulkAllocationGivesEveryObjectBack() throws Exception {
        // 640 frames, the first 512 reserved: 128 free pages, 16 slabs of kmalloc-8k (order 3)
        SlubAllocator a = slub(640, Set.of());
        KmemCache k8k = a.caches().byName("kmalloc-8k");
        assertThat(k8k.layout().order()).isEqualTo(3);
        long[] got = a.kmemCacheAllocBulk(k8k, Gfp.GFP_KERNEL, 100, 0);
        assertThat(got).isEmpty();
        for (Slab slab : a.node(k8k).all) {
            for (boolean x : slab.allocated) {
                assertThat(x).isFalse();
            }
        }
        assertThat(SlubChecks.fullScan(a)).isEmpty();
        // a bulk that fits still succeeds afterwards
        assertThat(a.kmemCacheAllocBulk(k8k, Gfp.GFP_KERNEL, 2, 0)).hasSize(2);
    }

    @Test
    void withoutTheTidBumpTheRefillLeavesAStaleLocklessFreelist() throws Exception {
        SlubAllocator a = slub(8192, EnumSet.of(SlubBug.BULK_MISSING_TID_BUMP));
        KmemCache foo = a.cache((int) a.kmemCacheCreate("foo", 64, 0, 0, true).value());
        int per = foo.layout().objects();
        // objects taken off c->freelist, then ___slab_alloc with the freelist changed since the last bump
        assertThat(a.kmemCacheAllocBulk(foo, Gfp.GFP_KERNEL, per + 1, 0)).hasSize(per + 1);
        assertThat(a.node(foo).cpu[0].staleWindow).startsWith("kmem_cache_alloc_bulk -> ___slab_alloc");
        assertThat(SlubChecks.fullScan(a)).extracting(v -> v.id()).containsExactly("INV-SLUB-07");
    }
}
