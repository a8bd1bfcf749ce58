package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The kmalloc family and a cache's life at their edges (mm/slab_common.c, mm/slub.c, mm/util.c,
 * 6.1): {@code __kmalloc_large_node} up to KMALLOC_MAX_SIZE = 2^(MAX_ORDER + PAGE_SHIFT - 1)
 * = 8 MiB (CONFIG_ARCH_FORCE_MAX_ORDER=12) and NULL when the buddy allocator has no block,
 * {@code kfree} and {@code __ksize} of NULL, ZERO_SIZE_PTR and large allocations,
 * {@code __do_krealloc} (ksize bytes copied, the old object kept when the new kmalloc fails),
 * {@code kvmalloc_node}'s flags only above a page, {@code kmalloc_array}'s overflow check,
 * {@code kmem_cache_create} failing with -ENOMEM when its own {@code struct kmem_cache} cannot be
 * allocated, {@code __kmem_cache_alias} (no new structures), {@code kmem_cache_destroy}'s
 * reference count, and the per-step check's cache that every state-changing call invalidates.
 */
class SlubKmallocLifecycleEdgesTest {

    private static SlubAllocator slub(String cmdline) throws Exception {
        return SlubBoards.slub(cmdline, 8192, 1, 1, Set.of());
    }

    /** The objects of {@code cache} handed out and not freed. */
    private static long active(SlubAllocator a, String cache) {
        long n = 0;
        for (Slab s : a.node(a.caches().byName(cache)).all) {
            for (boolean b : s.allocated) {
                n += b ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void largeKmallocsUpToEightMibUntilTheBuddyAllocatorHasNoBlock() throws Exception {
        SlubAllocator a = slub("");
        // one order-11 block (2048 frames, MAX_ORDER - 1) per free block of that order in the buddy allocator
        long blocks = a.pages().zone(armmm.model.zone.ZoneType.DMA).nrFree(11);
        assertThat(blocks).isPositive();
        for (int i = 0; i < blocks; i++) {
            long got = a.kmalloc(8L << 20, Gfp.GFP_KERNEL, 0).value();
            assertThat(got).as("block %d", i).isNotZero();
            assertThat(a.large()).containsEntry(got, 11);
            assertThat(a.ksize(got)).isEqualTo(Result.of(8L << 20));
        }
        assertThat(a.kmalloc(8L << 20, Gfp.GFP_KERNEL, 0)).isEqualTo(Result.of(0));
        assertThat(a.kmalloc((8L << 20) + 1, Gfp.GFP_KERNEL, 0)).isEqualTo(Result.of(0));
        assertThat(a.large()).hasSize((int) blocks);
        assertThat(a.stats().counters()).containsEntry("large kmallocs", blocks);
        // 8193 bytes: get_order = 2 (three pages round up to four)
        long l = a.kmalloc(8193, Gfp.GFP_KERNEL, 0).value();
        assertThat(a.large()).containsEntry(l, 2);
        assertThat(a.ksize(l)).isEqualTo(Result.of(16384));
        assertThat(a.kfree(l, 0)).isEqualTo(Result.VOID);
        assertThat(a.large()).doesNotContainKey(l);
        // 8192 is still a kmalloc cache's
        long c = a.kmalloc(8192, Gfp.GFP_KERNEL, 0).value();
        assertThat(a.slabOf(c).cache.name()).isEqualTo("kmalloc-8k");
        // NULL and ZERO_SIZE_PTR: nothing to free, ksize 0; 17 is no object
        assertThat(a.kfree(0, 0)).isEqualTo(Result.VOID);
        assertThat(a.kfree(16, 0)).isEqualTo(Result.VOID);
        assertThat(a.ksize(0)).isEqualTo(Result.of(0));
        assertThat(a.ksize(16)).isEqualTo(Result.of(0));
        assertThat(a.kfree(17, 0).isModelFinding()).isTrue();
        assertThat(a.ksize(17).isModelFinding()).isTrue();
    }

    @Test
    void kreallocCopiesKsizeBytesAndKeepsTheOldObjectWhenTheNewOneFails() throws Exception {
        SlubAllocator a = slub("");
        long o;
        do {
            o = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        } while ((o & 0xfff) == 0xfc0);
        // the byte after the object (the next object's first) must not come along
        assertThat(a.poke(o + 64, 0x77, 1)).isEqualTo(Result.VOID);
        assertThat(a.poke(o + 63, 0x55, 1)).isEqualTo(Result.VOID);
        long n = a.krealloc(o, 100, Gfp.GFP_KERNEL, 0).value();
        assertThat(a.peek(n + 63)).isEqualTo(0x55);
        assertThat(a.peek(n + 64)).isZero();
        // exactly ksize: in place
        assertThat(a.krealloc(n, 128, Gfp.GFP_KERNEL, 0)).isEqualTo(Result.of(n));
        // the new kmalloc fails (above KMALLOC_MAX_SIZE): NULL, the old object untouched and still live
        assertThat(a.krealloc(n, 16L << 20, Gfp.GFP_KERNEL, 0)).isEqualTo(Result.of(0));
        assertThat(a.ksize(n)).isEqualTo(Result.of(128));
        assertThat(a.peek(n + 63)).isEqualTo(0x55);
        // a pointer that is no kmalloc object: ksize's finding, nothing allocated
        long allocs = a.stats().counters().get("allocs");
        assertThat(a.krealloc(0xc300_0008L, 10, Gfp.GFP_KERNEL, 0).isModelFinding()).isTrue();
        assertThat(a.stats().counters().get("allocs")).isEqualTo(allocs);
        // ksize of a pointer into an object, or of a freed object: not a live kmalloc object
        assertThat(a.ksize(n + 8).isModelFinding()).isTrue();
        a.kfree(n, 0);
        assertThat(a.ksize(n).isModelFinding()).isTrue();
    }

    @Test
    void kmallocArrayRefusesEveryProductAbove32Bits() throws Exception {
        SlubAllocator a = slub("");
        assertThat(a.kmallocArray(0xffff_ffffL, 0xffff_ffffL, Gfp.GFP_KERNEL, 0)).isEqualTo(Result.of(0));
        assertThat(a.kmallocArray(0x8000_0000L, 0x8000_0000L, Gfp.GFP_KERNEL, 0)).isEqualTo(Result.of(0));
        assertThat(a.kmallocArray(2, 0x8000_0000L, Gfp.GFP_KERNEL, 0)).isEqualTo(Result.of(0));
        assertThat(a.kmallocArray(0, 0xffff_ffffL, Gfp.GFP_KERNEL, 0)).isEqualTo(Result.of(16));
        long o = a.kmallocArray(16, 4, Gfp.GFP_KERNEL, 0).value();
        assertThat(a.slabOf(o).cache.name()).isEqualTo("kmalloc-64");
    }

    @Test
    void aCacheWhoseStructureCannotBeAllocatedIsMinusEnomemAndLeavesNothingBehind() throws Exception {
        SlubAllocator a = SlubBoards.slub("", 600, 1, 1, Set.of());
        while (a.kmalloc(4096, Gfp.GFP_KERNEL, 0).value() != 0) {
            // use up the board
        }
        while (a.kmalloc(64, Gfp.GFP_KERNEL, 0).value() != 0) {
            // and the CPU slabs' last objects
        }
        Result failed = null;
        String name = null;
        for (int i = 0; i < 80 && failed == null; i++) {
            long nodes = active(a, "kmem_cache_node");
            long caches = active(a, "kmem_cache");
            Result r = a.kmemCacheCreate("c" + i, 100 + 8 * i, 0, SlabFlags.SLAB_HWCACHE_ALIGN, true);
            if (r.isRefused()) {
                failed = r;
                name = "c" + i;
                // whatever was taken for it went back
                assertThat(active(a, "kmem_cache_node")).isEqualTo(nodes);
                assertThat(active(a, "kmem_cache")).isEqualTo(caches);
            }
        }
        assertThat(failed).isEqualTo(new Result.Refused("-ENOMEM", "kmem_cache_create(" + name + ") failed with error -12"));
        assertThat(a.caches().byName(name)).isNull();
    }

    @Test
    void aMergedCacheGetsNoNewStructuresAndDestroyDropsOneReferenceAtATime() throws Exception {
        SlubAllocator a = slub("");
        long caches = active(a, "kmem_cache");
        int id = (int) a.kmemCacheCreate("foo", 100, 0, 0, false).value();
        KmemCache foo = a.cache(id);
        assertThat(active(a, "kmem_cache")).isEqualTo(caches + 1);
        CacheNode node = a.node(foo);
        long o = a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0).value();
        assertThat(a.kmemCacheCreate("bar", 100, 0, 0, false)).isEqualTo(Result.of(id));
        assertThat(a.node(foo)).isSameAs(node);
        assertThat(active(a, "kmem_cache")).isEqualTo(caches + 1);
        assertThat(foo.refcount()).isEqualTo(2);
        a.kmemCacheFree(foo, o, 0);
        // refcount 2: only a reference goes
        assertThat(a.kmemCacheDestroy(foo)).isEqualTo(Result.VOID);
        assertThat(a.cache(id)).isSameAs(foo);
        assertThat(foo.refcount()).isEqualTo(1);
        // refcount 1: shut down, its slabs and structures freed
        assertThat(a.kmemCacheDestroy(foo)).isEqualTo(Result.VOID);
        assertThat(a.cache(id)).isNull();
        assertThat(a.caches().byName("foo")).isNull();
        assertThat(active(a, "kmem_cache")).isEqualTo(caches);
        assertThat(a.slabOf(o)).isNull();
        // destroyed already: refcount 0, the model's finding
        assertThat(a.kmemCacheDestroy(foo).isModelFinding()).isTrue();
        // a boot cache (refcount -1)
        assertThat(((Result.Refused) a.kmemCacheDestroy(a.caches().byName("kmalloc-64"))).report())
                .contains("kmem_cache_destroy of kmalloc-64, which boot created");
    }

    @Test
    void destroyFlushesTheCpuSlabsBeforeLookingForObjects() throws Exception {
        SlubAllocator a = slub("");
        int id = (int) a.kmemCacheCreate("foo", 100, 0, 0, false).value();
        KmemCache foo = a.cache(id);
        long o = a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0).value();
        Slab s = a.slabOf(o);
        a.kmemCacheFree(foo, o, 0);
        long freed = a.stats().counters().get("slabs freed to buddy");
        // the CPU slab holds no object: flushed, discarded, the cache gone without a report
        assertThat(a.kmemCacheDestroy(foo)).isEqualTo(Result.VOID);
        assertThat(a.stats().counters().get("slabs freed to buddy")).isEqualTo(freed + 1);
        assertThat(s.list).isEqualTo(Slab.SlabList.NONE);
        assertThat(a.slabOf(o)).isNull();
        // one live object: "Objects remaining", the cache stays served with refcount 0
        int id2 = (int) a.kmemCacheCreate("baz", 200, 0, 0, true).value();
        KmemCache baz = a.cache(id2);
        a.kmemCacheAlloc(baz, Gfp.GFP_KERNEL, 0);
        assertThat(((Result.Refused) a.kmemCacheDestroy(baz)).reason()).isEqualTo("Objects remaining");
        assertThat(a.cache(id2)).isSameAs(baz);
        assertThat(baz.refcount()).isZero();
    }

    @Test
    void withoutBootObjectsACacheTakesNoStructures() throws Exception {
        SlabCaches caches = SlabCaches.boot(SlubParams.parse("", 1));
        SlubAllocator a = new SlubAllocator(caches, SlubBoards.pages(8192, 1), 1, Set.of(), false);
        assertThat(active(a, "kmem_cache")).isZero();
        int id = (int) a.kmemCacheCreate("foo", 100, 0, 0, false).value();
        assertThat(a.cache(id)).isNotNull();
        assertThat(active(a, "kmem_cache")).isZero();
        assertThat(active(a, "kmem_cache_node")).isZero();
    }

    @Test
    void everyStateChangingCallInvalidatesTheCachedCheck() throws Exception {
        SlubAllocator a = slub("");
        KmemCache k64 = a.caches().byName("kmalloc-64");
        int id = (int) a.kmemCacheCreate("foo", 100, 0, 0, false).value();
        KmemCache foo = a.cache(id);
        long p = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        KmemCache dup = a.cache((int) a.kmemCacheCreate("dup", 40, 0, 0, false).value());
        for (int i = 0; i < 3; i++) {
            a.kmemCacheCreate("dup" + i, 40, 0, 0, false);
        }
        assertThat(dup.refcount()).isEqualTo(4);
        // each call: check (cached), the call, a kmalloc (one count up), damage, check again: must be fresh
        Runnable[] calls = {
            () -> a.kmemCacheCreate("x" + System.nanoTime(), 24, 0, SlabFlags.SLAB_HWCACHE_ALIGN, true),
            () -> a.kmemCacheShrink(foo),
            () -> a.kmemCacheAllocBulk(foo, Gfp.GFP_KERNEL, 1, 0),
            () -> a.poke(p, 1, 1),
            a::beginStep,
            () -> a.kmemCacheDestroy(dup),
        };
        for (int i = 0; i < calls.length; i++) {
            a.beginStep();
            a.kmalloc(64, Gfp.GFP_KERNEL, 0);
            assertThat(SlubChecks.check(a)).as("call %d before", i).isEmpty();
            calls[i].run();
            a.kmalloc(64, Gfp.GFP_KERNEL, 0);
            CpuSlab c = a.node(k64).cpu[0];
            c.slab.inuse--;
            assertThat(SlubChecks.check(a)).as("call %d", i).isNotEmpty();
            c.slab.inuse++;
            a.beginStep();
            a.kmalloc(64, Gfp.GFP_KERNEL, 0);
            assertThat(SlubChecks.check(a)).as("call %d after", i).isEmpty();
        }
    }
}
