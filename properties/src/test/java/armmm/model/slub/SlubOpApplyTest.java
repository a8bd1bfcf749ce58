package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.subsystem.KernelState;
import armmm.model.vmalloc.KernelPtes;
import armmm.model.vmalloc.PageSource;
import armmm.model.vmalloc.ShadowPtes;
import armmm.model.vmalloc.Vmalloc;
import armmm.properties.FakeKernelState;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The SLUB calls as a scenario runs them ({@link SlubOp#applyTo}) on a kernel that has SLUB (and
 * vmalloc for kvmalloc/kvfree): each call reaches the allocator with its own arguments in the
 * kernel's order (include/linux/slab.h, mm/slab_common.c, mm/util.c {@code kvmalloc_node} and
 * {@code kvfree}), a handle names the cache {@code kmalloc_slab} or {@code kmem_cache_create}
 * returned (creation index + 1), and a handle or count no call accepts is refused. Every expected
 * value is worked from the kernel rule: kmalloc-N's object is {@code ksize} N
 * ({@code slab_ksize}, mm/slab.h, a plain kmalloc cache's whole slot), {@code kmalloc(0)} is
 * ZERO_SIZE_PTR (16), {@code kmalloc_array} is NULL when {@code n * size} overflows a 32-bit
 * {@code size_t} ({@code check_mul_overflow}), and so on.
 */
class SlubOpApplyTest {
    private static final long START = 0xf080_0000L;
    private static final long END = 0xff80_0000L;

    /** Frames for vmalloc from 0x60000 up, far from the SLUB board's. */
    private static final class Pages implements PageSource {
        long next = 0x60000;

        @Override public long allocPage(long gfp) { return next++; }
        @Override public void freePage(long pfn) { }
        @Override public long totalramPages() { return 1L << 20; }
        @Override public boolean isMapMemory(long phys) { return true; }
        @Override public long pfnToPage(long pfn) { return 0xef00_0000L + pfn * 36; }
        @Override public long pageToPfn(long page) { return (page - 0xef00_0000L) / 36; }
    }

    private static KernelState kernel(Object... states) {
        return FakeKernelState.of(states);
    }

    private static Vmalloc vmalloc() {
        KernelPtes ptes = new ShadowPtes(START, END, 0x40000, 0x80000);
        Vmalloc v = new Vmalloc(START, END, new Pages(), ptes, 1, Set.of());
        v.init(java.util.List.of());
        return v;
    }

    /** 8192 frames (32 MiB), 2 CPUs, SLUB with {@code cmdline}. */
    private static SlubAllocator slub(String cmdline) throws Exception {
        return SlubBoards.slub(cmdline, 8192, 2, 1, Set.of());
    }

    private static long handle(SlubAllocator a, String name) {
        return a.caches().byName(name).id() + 1L;
    }

    @Test
    void kmallocKzallocAndKmallocArrayReachTheKmallocCacheOfTheirSize() throws Exception {
        SlubAllocator a = slub("slub_debug=P,kmalloc-128");
        KernelState k = kernel(a);
        long o = new SlubOp.Kmalloc(64, Gfp.GFP_KERNEL, 1).applyTo(k).value();
        assertThat(a.slabOf(o).cache.name()).isEqualTo("kmalloc-64");
        assertThat(new SlubOp.Ksize(o).applyTo(k)).isEqualTo(Result.of(64));
        assertThat(new SlubOp.Kmalloc(0, Gfp.GFP_KERNEL, 0).applyTo(k)).isEqualTo(Result.of(16));
        assertThat(new SlubOp.Kmalloc(64, Gfp.GFP_KERNEL, 2).applyTo(k))
                .isEqualTo(Result.refused("cpu 2 is not possible (nr_cpu_ids 2)"));
        // kmalloc-128 poisoned (slub_debug=P): kmalloc leaves 0x6b in the object
        // (slab_want_init_on_alloc: a SLAB_POISON cache is cleared only on __GFP_ZERO); kzalloc clears it
        long p = new SlubOp.Kmalloc(100, Gfp.GFP_KERNEL, 0).applyTo(k).value();
        assertThat(a.slabOf(p).cache.name()).isEqualTo("kmalloc-128");
        assertThat(a.peek(p)).isEqualTo(0x6b);
        long z = new SlubOp.Kzalloc(100, Gfp.GFP_KERNEL, 0).applyTo(k).value();
        assertThat(a.slabOf(z).cache.name()).isEqualTo("kmalloc-128");
        assertThat(a.peek(z)).isZero();
        assertThat(a.peek(z + 99)).isZero();
        // a poisoned cache's ksize is its object_size (slab_ksize)
        assertThat(new SlubOp.Ksize(z).applyTo(k)).isEqualTo(Result.of(128));
        // kmalloc_array(3, 40): 120 bytes, kmalloc-128; kmalloc_array(0x10000, 0x10000): 2^32 wraps, NULL
        long arr = new SlubOp.KmallocArray(3, 40, Gfp.GFP_KERNEL, 1).applyTo(k).value();
        assertThat(a.slabOf(arr).cache.name()).isEqualTo("kmalloc-128");
        assertThat(new SlubOp.KmallocArray(0x10000, 0x10000, Gfp.GFP_KERNEL, 0).applyTo(k)).isEqualTo(Result.of(0));
        assertThat(new SlubOp.KmallocArray(0xffff, 0x10001, Gfp.GFP_KERNEL, 0).applyTo(k)).isEqualTo(Result.of(0));
        // n * size = 0xffffffff fits: kmalloc of it is above KMALLOC_MAX_SIZE, NULL too; 0 x anything is ZERO_SIZE_PTR
        assertThat(new SlubOp.KmallocArray(0xffff_ffffL, 1, Gfp.GFP_KERNEL, 0).applyTo(k)).isEqualTo(Result.of(0));
        assertThat(new SlubOp.KmallocArray(5, 0, Gfp.GFP_KERNEL, 0).applyTo(k)).isEqualTo(Result.of(16));
        assertThat(new SlubOp.KmallocArray(0, 5, Gfp.GFP_KERNEL, 0).applyTo(k)).isEqualTo(Result.of(16));
        // kmalloc_array(2, 4096): 8 KiB, the largest kmalloc cache
        long big = new SlubOp.KmallocArray(2, 4096, Gfp.GFP_KERNEL, 0).applyTo(k).value();
        assertThat(a.slabOf(big).cache.name()).isEqualTo("kmalloc-8k");
    }

    @Test
    void kreallocKeepsAnObjectThatHoldsTheSizeElseCopiesAndFreesIt() throws Exception {
        SlubAllocator a = slub("");
        KernelState k = kernel(a);
        long o = new SlubOp.Kmalloc(50, Gfp.GFP_KERNEL, 0).applyTo(k).value();
        assertThat(new SlubOp.Poke(o, 0x44332211L, 4).applyTo(k)).isEqualTo(Result.VOID);
        assertThat(new SlubOp.Poke(o + 63, 0x5a, 1).applyTo(k)).isEqualTo(Result.VOID);
        // ksize 64 >= 60: the same object
        assertThat(new SlubOp.Krealloc(o, 60, Gfp.GFP_KERNEL, 1).applyTo(k)).isEqualTo(Result.of(o));
        // 100 > 64: a kmalloc-128 object with the 64 old bytes, the old one freed
        long n = new SlubOp.Krealloc(o, 100, Gfp.GFP_KERNEL, 1).applyTo(k).value();
        assertThat(a.slabOf(n).cache.name()).isEqualTo("kmalloc-128");
        assertThat(a.peek(n)).isEqualTo(0x11);
        assertThat(a.peek(n + 3)).isEqualTo(0x44);
        assertThat(a.peek(n + 63)).isEqualTo(0x5a);
        assertThat(new SlubOp.Ksize(o).applyTo(k).isModelFinding()).isTrue();
        // size 0 frees and returns ZERO_SIZE_PTR; NULL is a plain kmalloc
        assertThat(new SlubOp.Krealloc(n, 0, Gfp.GFP_KERNEL, 0).applyTo(k)).isEqualTo(Result.of(16));
        assertThat(new SlubOp.Ksize(n).applyTo(k).isModelFinding()).isTrue();
        long fresh = new SlubOp.Krealloc(0, 30, Gfp.GFP_KERNEL, 0).applyTo(k).value();
        assertThat(a.slabOf(fresh).cache.name()).isEqualTo("kmalloc-64");
        assertThat(new SlubOp.Kfree(fresh, 1).applyTo(k)).isEqualTo(Result.VOID);
        assertThat(new SlubOp.Kfree(fresh, 1).applyTo(k).isRefused()).isTrue();
        assertThat(new SlubOp.Kfree(16, 0).applyTo(k)).isEqualTo(Result.VOID);
        assertThat(new SlubOp.Kfree(fresh, 5).applyTo(k)).isEqualTo(Result.refused("cpu 5 is not possible (nr_cpu_ids 2)"));
    }

    @Test
    void kvmallocFallsBackToVmallocOnlyForANullAboveAPageThatMaySleep() throws Exception {
        SlubAllocator a = slub("");
        Vmalloc v = vmalloc();
        KernelState k = kernel(a, v);
        // 16 KiB: kmalloc's large path serves it, from lowmem
        long low = new SlubOp.Kvmalloc(16384, Gfp.GFP_KERNEL, 0).applyTo(k).value();
        assertThat(low).isBetween(0xc000_0000L, START - 1);
        // 16 MiB: above KMALLOC_MAX_SIZE (8 MiB: 2^(MAX_ORDER + PAGE_SHIFT - 1), CONFIG_ARCH_FORCE_MAX_ORDER=12),
        // kmalloc gives NULL, vmalloc the first free range
        assertThat(new SlubOp.Kvmalloc(16L << 20, Gfp.GFP_KERNEL, 1).applyTo(k)).isEqualTo(Result.of(START));
        // the same without __GFP_DIRECT_RECLAIM (GFP_ATOMIC): no fallback
        assertThat(new SlubOp.Kvmalloc(16L << 20, Gfp.GFP_ATOMIC, 0).applyTo(k)).isEqualTo(Result.of(0));
        // above INT_MAX: NULL, with WARN_ON_ONCE unless __GFP_NOWARN
        assertThat(new SlubOp.Kvmalloc(0x8000_0000L, Gfp.GFP_KERNEL, 0).applyTo(k))
                .isEqualTo(Result.warned(0, "kvmalloc: size 2147483648 above INT_MAX"));
        assertThat(new SlubOp.Kvmalloc(0x8000_0000L, Gfp.GFP_KERNEL | Gfp.NOWARN, 0).applyTo(k)).isEqualTo(Result.of(0));
        // INT_MAX itself is tried: far above what vmalloc space holds, NULL without a warning from kvmalloc
        assertThat(new SlubOp.Kvmalloc(0x7fff_ffffL, Gfp.GFP_KERNEL | Gfp.NOWARN, 0).applyTo(k).value()).isZero();
        // a bad CPU is kmalloc's refusal, never a vmalloc
        assertThat(new SlubOp.Kvmalloc(16L << 20, Gfp.GFP_KERNEL, 3).applyTo(k))
                .isEqualTo(Result.refused("cpu 3 is not possible (nr_cpu_ids 2)"));
        // no vmalloc in the kernel: kmalloc's answer alone
        assertThat(new SlubOp.Kvmalloc(16L << 20, Gfp.GFP_KERNEL, 0).applyTo(kernel(a))).isEqualTo(Result.of(0));
        // kvfree: vfree inside [VMALLOC_START, VMALLOC_END), kfree elsewhere
        assertThat(new SlubOp.Kvfree(START, 0).applyTo(k)).isEqualTo(Result.VOID);
        assertThat(new SlubOp.Kvfree(START, 0).applyTo(k)).isEqualTo(new Result.Refused(
                "Trying to vfree() nonexistent vm area", "WARNING: mm/vmalloc.c: Trying to vfree() nonexistent vm area (f0800000)"));
        Result atEnd = new SlubOp.Kvfree(END, 0).applyTo(k);
        assertThat(atEnd.isModelFinding()).isTrue();
        assertThat(((Result.Refused) atEnd).report()).contains("kfree of 0xff800000");
        assertThat(((Result.Refused) new SlubOp.Kvfree(END - 4096, 0).applyTo(k)).reason())
                .isEqualTo("Trying to vfree() nonexistent vm area");
        assertThat(new SlubOp.Kvfree(low, 1).applyTo(k)).isEqualTo(Result.VOID);
        assertThat(a.large()).isEmpty();
        // without vmalloc a vmalloc-space address goes to kfree, which no kmalloc returned
        assertThat(new SlubOp.Kvfree(START, 0).applyTo(kernel(a)).isModelFinding()).isTrue();
    }

    @Test
    void kvmallocOfAPageOrLessNeverFallsBack() throws Exception {
        // a small board: 88 free frames, used up by 4 KiB kmallocs (kmalloc-4k falls back to order 0)
        SlubAllocator a = SlubBoards.slub("", 600, 1, 1, Set.of());
        Vmalloc v = vmalloc();
        KernelState k = kernel(a, v);
        int got = 0;
        while (a.kmalloc(4096, Gfp.GFP_KERNEL, 0).value() != 0) {
            got++;
        }
        assertThat(got).isPositive();
        assertThat(new SlubOp.Kvmalloc(4096, Gfp.GFP_KERNEL, 0).applyTo(k)).isEqualTo(Result.of(0));
        assertThat(new SlubOp.Kvmalloc(4097, Gfp.GFP_KERNEL, 0).applyTo(k)).isEqualTo(Result.of(START));
    }

    @Test
    void kmallocSlabNamesTheCacheOfTheSizeAndType() throws Exception {
        SlubAllocator a = slub("");
        KernelState k = kernel(a);
        assertThat(new SlubOp.KmallocSlab(64, Gfp.GFP_KERNEL).applyTo(k)).isEqualTo(Result.of(handle(a, "kmalloc-64")));
        assertThat(new SlubOp.KmallocSlab(65, Gfp.GFP_DMA | Gfp.GFP_KERNEL).applyTo(k))
                .isEqualTo(Result.of(handle(a, "dma-kmalloc-128")));
        assertThat(new SlubOp.KmallocSlab(8192, Gfp.GFP_KERNEL_ACCOUNT).applyTo(k))
                .isEqualTo(Result.of(handle(a, "kmalloc-cg-8k")));
        assertThat(new SlubOp.KmallocSlab(8193, Gfp.GFP_KERNEL).applyTo(k)).isEqualTo(Result.of(0));
        assertThat(new SlubOp.KmallocSlab(0, Gfp.GFP_KERNEL).applyTo(k)).isEqualTo(Result.of(0));
    }

    @Test
    void aCreatedCacheIsNamedByItsHandleUntilDestroyed() throws Exception {
        SlubAllocator a = slub("");
        KernelState k = kernel(a);
        Result made = new SlubOp.KmemCacheCreate("foo", 100, 0, 0, false).applyTo(k);
        long h = handle(a, "foo");
        assertThat(made).isEqualTo(Result.of(h));
        // the same request again merges into foo (find_mergeable): the same handle, refcount 2
        assertThat(new SlubOp.KmemCacheCreate("bar", 100, 0, 0, false).applyTo(k)).isEqualTo(Result.of(h));
        assertThat(a.cache((int) h - 1).refcount()).isEqualTo(2);
        // unsigned int size and align, slab_flags_t: anything wider is -EINVAL
        Result einval = new Result.Refused("-EINVAL", "kmem_cache_create(big) failed with error -22");
        assertThat(new SlubOp.KmemCacheCreate("big", 0x8000_0000L, 0, 0, false).applyTo(k)).isEqualTo(einval);
        assertThat(new SlubOp.KmemCacheCreate("big", 64, 0x8000_0000L, 0, false).applyTo(k)).isEqualTo(einval);
        assertThat(new SlubOp.KmemCacheCreate("big", 64, 0, 0x1_0000_0000L, false).applyTo(k)).isEqualTo(einval);
        // a flag outside SLAB_FLAGS_PERMITTED: the allocator's own -EINVAL, passed on as it is
        assertThat(new SlubOp.KmemCacheCreate("big", 64, 0, 0x8000_0000L, false).applyTo(k)).isEqualTo(einval);

        long o = new SlubOp.CacheAlloc(h, Gfp.GFP_KERNEL, 1).applyTo(k).value();
        assertThat(a.slabOf(o).cache.id() + 1L).isEqualTo(h);
        assertThat(new SlubOp.AllocBulk(h, Gfp.GFP_KERNEL, 3, 0).applyTo(k)).isEqualTo(Result.of(3));
        assertThat(new SlubOp.AllocBulk(h, Gfp.GFP_KERNEL, 0, 0).applyTo(k)).isEqualTo(Result.of(0));
        assertThat(new SlubOp.AllocBulk(h, Gfp.GFP_KERNEL, 1024, 0).applyTo(k)).isEqualTo(Result.of(1024));
        assertThat(new SlubOp.AllocBulk(h, Gfp.GFP_KERNEL, 1025, 0).applyTo(k))
                .isEqualTo(Result.refused("bulk count 1025, expected 0..1024"));
        assertThat(new SlubOp.AllocBulk(h, Gfp.GFP_KERNEL, -1, 0).applyTo(k))
                .isEqualTo(Result.refused("bulk count -1, expected 0..1024"));
        // a CPU beyond nr_cpu_ids is refused as every per-CPU call refuses it, nothing allocated
        long before = a.stats().counters().get("allocs");
        assertThat(new SlubOp.AllocBulk(h, Gfp.GFP_KERNEL, 2, 2).applyTo(k))
                .isEqualTo(Result.refused("cpu 2 is not possible (nr_cpu_ids 2)"));
        assertThat(new SlubOp.AllocBulk(h, Gfp.GFP_KERNEL, 2, -1).applyTo(k))
                .isEqualTo(Result.refused("cpu -1 is not possible (nr_cpu_ids 2)"));
        assertThat(a.stats().counters().get("allocs")).isEqualTo(before);
        assertThat(new SlubOp.CacheFree(h, o, 1).applyTo(k)).isEqualTo(Result.VOID);
        // shrink: the CPU slabs flushed, the partial slabs stay (live objects): 1 (list not empty)
        assertThat(new SlubOp.Shrink(h).applyTo(k)).isEqualTo(Result.of(1));
        // the first destroy drops bar's reference only; the second finds objects left
        assertThat(new SlubOp.Destroy(h).applyTo(k)).isEqualTo(Result.VOID);
        assertThat(new SlubOp.Destroy(h).applyTo(k).isRefused()).isTrue();
        assertThat(((Result.Refused) new SlubOp.Destroy(h).applyTo(k)).reason()).isEqualTo(Result.MODEL_MISUSE);

        for (long bad : new long[] {0, -1, 0x8000_0000L, 9999}) {
            Result none = Result.refused("no kmem_cache with handle " + bad);
            assertThat(new SlubOp.CacheAlloc(bad, Gfp.GFP_KERNEL, 0).applyTo(k)).as("alloc %d", bad).isEqualTo(none);
            assertThat(new SlubOp.CacheFree(bad, o, 0).applyTo(k)).as("free %d", bad).isEqualTo(none);
            assertThat(new SlubOp.AllocBulk(bad, Gfp.GFP_KERNEL, 2, 0).applyTo(k)).as("bulk %d", bad).isEqualTo(none);
            assertThat(new SlubOp.Shrink(bad).applyTo(k)).as("shrink %d", bad).isEqualTo(none);
            assertThat(new SlubOp.Destroy(bad).applyTo(k)).as("destroy %d", bad).isEqualTo(none);
        }
    }

    @Test
    void anEmptyCacheIsDestroyedAndItsHandleNamesNothing() throws Exception {
        SlubAllocator a = slub("");
        KernelState k = kernel(a);
        long h = new SlubOp.KmemCacheCreate("baz", 200, 0, SlabFlags.SLAB_HWCACHE_ALIGN, true).applyTo(k).value();
        assertThat(a.cache((int) h - 1).hasCtor()).isTrue();
        long o = new SlubOp.CacheAlloc(h, Gfp.GFP_KERNEL, 0).applyTo(k).value();
        assertThat(new SlubOp.CacheFree(h, o, 0).applyTo(k)).isEqualTo(Result.VOID);
        // shrink after the only object went back: every slab freed, the partial list empty: 0
        assertThat(new SlubOp.Shrink(h).applyTo(k)).isEqualTo(Result.of(0));
        assertThat(new SlubOp.Destroy(h).applyTo(k)).isEqualTo(Result.VOID);
        assertThat(new SlubOp.CacheAlloc(h, Gfp.GFP_KERNEL, 0).applyTo(k))
                .isEqualTo(Result.refused("no kmem_cache with handle " + h));
        // poke: 1, 2 or 4 bytes, little-endian
        long p = new SlubOp.Kmalloc(64, Gfp.GFP_KERNEL, 0).applyTo(k).value();
        assertThat(new SlubOp.Poke(p + 8, 0xbeef, 2).applyTo(k)).isEqualTo(Result.VOID);
        assertThat(a.peek(p + 8)).isEqualTo(0xef);
        assertThat(a.peek(p + 9)).isEqualTo(0xbe);
        assertThat(new SlubOp.Poke(p, 1, 3).applyTo(k)).isEqualTo(Result.refused("poke size must be 1, 2 or 4, found 3"));
    }
}
