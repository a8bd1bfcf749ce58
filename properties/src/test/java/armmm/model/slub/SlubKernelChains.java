package armmm.model.slub;

import static armmm.pbt.Gens.weighted;

import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.subsystem.Op;
import armmm.model.vmalloc.Vmalloc;
import armmm.pbt.ChainSpec;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.Stats;
import armmm.properties.World;
import java.util.ArrayList;
import java.util.List;

/**
 * SLUB's calls in the whole-kernel chain, on the kernel's own SLUB ({@code kmem_cache_init} of
 * the booted board) and through {@code Kernel.apply}: kmalloc of every size class and type,
 * large kmallocs, kzalloc, krealloc, kvmalloc (with its vmalloc fallback) and their frees on any
 * CPU, caches created (merging included) with {@code kmem_cache_create}, used, shrunk and
 * destroyed, bulk allocation, and a free of a pointer into an object. The objects and caches are
 * the {@link World}'s handles of the registry's kinds {@code object} and {@code cache}.
 */
public final class SlubKernelChains {
    private static final List<Long> MASKS = List.of(Gfp.GFP_KERNEL, Gfp.GFP_KERNEL, Gfp.GFP_KERNEL_ACCOUNT,
            Gfp.GFP_KERNEL | Gfp.RECLAIMABLE, Gfp.GFP_DMA | Gfp.GFP_KERNEL, Gfp.GFP_ATOMIC, Gfp.GFP_KERNEL | Gfp.ZERO);
    private static final List<Integer> FLAGS = List.of(0, 0, SlabFlags.SLAB_HWCACHE_ALIGN,
            SlabFlags.SLAB_HWCACHE_ALIGN | SlabFlags.SLAB_RECLAIM_ACCOUNT, SlabFlags.SLAB_TYPESAFE_BY_RCU,
            SlabFlags.SLAB_ACCOUNT | SlabFlags.SLAB_PANIC, SlabFlags.SLAB_RED_ZONE | SlabFlags.SLAB_POISON,
            SlabFlags.SLAB_CACHE_DMA);

    private SlubKernelChains() {
    }

    /** Adds SLUB's calls to a chain of kernel calls; they are enabled on kernels that have SLUB. */
    public static ChainSpec.Builder<World, Op> withSlubCalls(ChainSpec.Builder<World, Op> chain) {
        return chain
                .action("kmalloc", 12, SlubKernelChains::hasSlub, w -> Gens.combine(size(), Gens.oneOf(MASKS), cpu(w),
                        SlubOp.Kmalloc::new))
                .action("kzalloc", 2, SlubKernelChains::hasSlub, w -> Gens.combine(size(), Gens.constant(Gfp.GFP_KERNEL), cpu(w),
                        SlubOp.Kzalloc::new))
                .action("kmalloc (large)", 1, SlubKernelChains::hasSlub, w -> Gens.combine(Gens.longs(8193, 64 << 10),
                        Gens.constant(Gfp.GFP_KERNEL), cpu(w), SlubOp.Kmalloc::new))
                .action("kvmalloc", 1, SlubKernelChains::hasSlub, w -> Gens.combine(Gens.longs(1, 256 << 10),
                        Gens.oneOf(Gfp.GFP_KERNEL, Gfp.GFP_ATOMIC), cpu(w), SlubOp.Kvmalloc::new))
                .action("kfree", 10, w -> !linear(w).isEmpty(), w -> Gens.combine(Gens.oneOf(linear(w)), cpu(w),
                        SlubOp.Kfree::new))
                .action("kvfree", 2, w -> !objects(w).isEmpty(), w -> Gens.combine(Gens.oneOf(objects(w)), cpu(w),
                        SlubOp.Kvfree::new))
                .action("krealloc", 2, w -> !linear(w).isEmpty(), w -> Gens.combine(Gens.oneOf(linear(w)), size(), cpu(w),
                        (o, s, cpu) -> new SlubOp.Krealloc(o, s, Gfp.GFP_KERNEL, cpu)))
                .action("kmalloc_array", 1, SlubKernelChains::hasSlub, w -> Gens.combine(
                        Gens.frequency(weighted(4, Gens.longs(1, 64)), weighted(1, Gens.longs(1L << 20, 1L << 31))),
                        Gens.longs(1, 512), cpu(w), (n, size, cpu) -> new SlubOp.KmallocArray(n, size, Gfp.GFP_KERNEL, cpu)))
                .action("ksize", 1, w -> !linear(w).isEmpty(), w -> Gens.oneOf(linear(w)).map(SlubOp.Ksize::new))
                .action("kmalloc_slab", 1, SlubKernelChains::hasSlub, w -> Gens.combine(size(), Gens.oneOf(MASKS),
                        SlubOp.KmallocSlab::new))
                .action("kmem_cache_create", 2, SlubKernelChains::hasSlub, w -> Gens.combine(
                        Gens.frequency(weighted(3, Gens.longs(1, 512)), weighted(1, Gens.longs(513, 5000))),
                        Gens.oneOf(0L, 0L, 8L, 64L, 256L), Gens.oneOf(FLAGS), Gens.booleans(0.2),
                        (size, align, flags, ctor) -> new SlubOp.KmemCacheCreate(freshName(w), size, align, flags, ctor)))
                .action("kmem_cache_alloc", 6, w -> !caches(w).isEmpty(), w -> Gens.combine(Gens.oneOf(caches(w)),
                        Gens.oneOf(Gfp.GFP_KERNEL, Gfp.GFP_ATOMIC), cpu(w), SlubOp.CacheAlloc::new))
                .action("kmem_cache_free", 4, w -> !slabObjects(w).isEmpty(), w -> Gens.combine(Gens.oneOf(slabObjects(w)),
                        cpu(w), (o, cpu) -> new SlubOp.CacheFree(cacheHandle(w, o), o, cpu)))
                .action("kmem_cache_alloc_bulk", 1, w -> !caches(w).isEmpty(), w -> Gens.combine(Gens.oneOf(caches(w)),
                        Gens.constant(Gfp.GFP_KERNEL), Gens.longs(1, 40), cpu(w), SlubOp.AllocBulk::new))
                .action("kmem_cache_shrink", 1, w -> !caches(w).isEmpty(), w -> Gens.oneOf(caches(w)).map(SlubOp.Shrink::new))
                .action("kmem_cache_destroy", 1, w -> !created(w).isEmpty(), w -> Gens.oneOf(created(w)).map(SlubOp.Destroy::new))
                .action("kfree (middle pointer)", 1, w -> !slabObjects(w).isEmpty(), w -> Gens.combine(
                        Gens.oneOf(slabObjects(w)), Gens.ints(1, 15), cpu(w), (o, d, cpu) -> new SlubOp.Kfree(o + 4L * d, cpu)))
                .postcondition((w, op, outcome) -> {
                    if (op instanceof SlubOp) {
                        label(w, op, (Result) outcome);
                    }
                    return List.of();
                });
    }

    private static boolean hasSlub(World w) {
        return w.kernel().state(SlubAllocator.class) != null;
    }

    /**
     * A name no live cache has (the next cache id): two caches that cannot merge would both name
     * a /sys/kernel/slab directory after it ({@code sysfs_slab_add}), which the model does not
     * model (spec/slub.md), so the chain does not go there.
     */
    private static String freshName(World w) {
        return "cache" + (w.kernel().state(SlubAllocator.class).caches().newestFirst().get(0).id() + 1);
    }

    private static Gen<Long> size() {
        return Gens.frequency(weighted(5, Gens.longs(1, 256)), weighted(3, Gens.longs(257, 2048)),
                weighted(1, Gens.longs(2049, 8192)), weighted(1, Gens.constant(0L)));
    }

    private static Gen<Integer> cpu(World w) {
        return Gens.ints(0, w.kernel().booted().orElseThrow().board().cpus() - 1);
    }

    /** The live objects the caller holds (kmalloc, kmem_cache_alloc, kvmalloc results). */
    private static List<Long> objects(World w) {
        List<Long> out = new ArrayList<>();
        for (long o : w.handles("object")) {
            if (o != SlubAllocator.ZERO_SIZE_PTR) {
                out.add(o);
            }
        }
        return out;
    }

    /** The objects kfree takes: slab objects and large kmallocs, not kvmalloc's vmalloc addresses. */
    private static List<Long> linear(World w) {
        Vmalloc v = w.kernel().state(Vmalloc.class);
        return objects(w).stream().filter(o -> v == null || o < v.vmallocStart() || o >= v.vmallocEnd()).toList();
    }

    /** The objects that lie in a slab (kmem_cache_free needs their cache). */
    private static List<Long> slabObjects(World w) {
        SlubAllocator a = w.kernel().state(SlubAllocator.class);
        return linear(w).stream().filter(o -> a.slabOf(o) != null).toList();
    }

    /** The handle of the cache whose slab holds {@code o}. */
    private static long cacheHandle(World w, long o) {
        return w.kernel().state(SlubAllocator.class).slabOf(o).cache.id() + 1L;
    }

    /** The cache handles the caller holds that name a cache still on the list. */
    private static List<Long> caches(World w) {
        SlubAllocator a = w.kernel().state(SlubAllocator.class);
        if (a == null) {
            return List.of();
        }
        return w.handles("cache").stream().filter(h -> a.cache((int) (h - 1)) != null).toList();
    }

    /** The caches the chain created (kmem_cache_create's handles), one entry per reference. */
    private static List<Long> created(World w) {
        SlubAllocator a = w.kernel().state(SlubAllocator.class);
        return caches(w).stream().filter(h -> a.cache((int) (h - 1)).refcount() > 0
                && (a.cache((int) (h - 1)).flags() & SlabFlags.SLAB_KMALLOC) == 0
                && !a.cache((int) (h - 1)).name().startsWith("kmem_cache")).toList();
    }

    private static void label(World w, Op op, Result r) {
        if (r instanceof Result.Refused ref) {
            Stats.label("slub refused: " + ref.reason());
        } else if (op.resultStem() != null && r.value() == 0 && !(op instanceof SlubOp.KmallocSlab)) {
            Stats.label("slub: NULL");
        } else if (op instanceof SlubOp.KmemCacheCreate && w.handles("cache").stream().filter(h -> h == r.value()).count() > 1) {
            Stats.label("slub: cache merged");
        } else {
            Stats.label("slub: " + op.name());
        }
    }
}
