package armmm.model.slub;

import static armmm.pbt.Gens.weighted;

import armmm.model.core.Result;
import armmm.model.core.Gfp;
import armmm.pbt.ChainSpec;
import armmm.pbt.Failure;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.Stats;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Chains of SLUB calls: kmalloc of every size class and type and above 8 KiB, frees on any CPU,
 * caches created, used, shrunk and destroyed, bulk calls, and the misuse a buggy caller makes
 * (double free, wrong cache, middle pointer, writes past an object and into a freed one), with
 * and without {@code slub_debug}, on boards small enough to reach the page allocator's NULL.
 */
final class SlubChains {
    static final List<String> CMDLINES = List.of("", "", "slub_debug=FZPU", "slub_debug=FZ,kmalloc-64,kmalloc-128",
            "slub_nomerge slub_min_objects=4", "slub_debug=P");
    static final List<Long> MASKS = List.of(Gfp.GFP_KERNEL, Gfp.GFP_KERNEL, Gfp.GFP_KERNEL_ACCOUNT,
            Gfp.GFP_KERNEL | Gfp.RECLAIMABLE, Gfp.GFP_DMA | Gfp.GFP_KERNEL, Gfp.GFP_ATOMIC, Gfp.GFP_KERNEL | Gfp.ZERO);

    private SlubChains() {
    }

    static Gen<SlubWorld> worlds(Set<SlubBug> bugs, int minCpus) {
        return Gens.combine(Gens.oneOf(CMDLINES), Gens.ints(minCpus, 4), Gens.ints(1024, 8192), Gens.longs(0, 1L << 40),
                (cmdline, cpus, pages, seed) -> {
                    try {
                        return new SlubWorld(SlubBoards.slub(cmdline, pages, cpus, seed, bugs), cmdline, cpus, pages, seed);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    static ChainSpec.Builder<SlubWorld, SlubCall> spec(String name, Set<SlubBug> bugs, int minCpus) {
        return ChainSpec.<SlubWorld, SlubCall>builder(name)
                .initialState(worlds(bugs, minCpus))
                .action("kmalloc", 30, w -> Gens.combine(size(), Gens.oneOf(MASKS), cpu(w), SlubCall.Kmalloc::new))
                .action("kmalloc (large)", 2, w -> Gens.combine(Gens.longs(8193, 1 << 20), Gens.constant(Gfp.GFP_KERNEL),
                        cpu(w), SlubCall.Kmalloc::new))
                .action("kfree", 22, w -> !w.live.isEmpty(), w -> Gens.combine(Gens.oneOf(w.live), cpu(w),
                        (l, cpu) -> new SlubCall.Kfree(l.addr(), cpu)))
                .action("krealloc", 3, w -> w.live.stream().anyMatch(SlubWorld.Live::kmalloc),
                        w -> Gens.combine(Gens.oneOf(w.live.stream().filter(SlubWorld.Live::kmalloc).toList()), size(),
                                cpu(w), (l, s, cpu) -> new SlubCall.Krealloc(l.addr(), s, cpu)))
                // half the sizes below a few words, and red zones without poison: the free
                // pointer's place in a small red-zoned object is where calculate_sizes went wrong
                // (e41a49fadbc8, 74c1d3e08153)
                .action("kmem_cache_create", 3, w -> Gens.combine(
                        Gens.frequency(weighted(1, Gens.ints(1, 12)), weighted(1, Gens.ints(1, 3000))),
                        Gens.oneOf(0, 0, 8, 64, 256),
                        Gens.oneOf(0, 0, SlabFlags.SLAB_HWCACHE_ALIGN, SlabFlags.SLAB_TYPESAFE_BY_RCU,
                                SlabFlags.SLAB_ACCOUNT, SlabFlags.SLAB_RED_ZONE | SlabFlags.SLAB_POISON,
                                SlabFlags.SLAB_RED_ZONE, SlabFlags.SLAB_RED_ZONE),
                        Gens.booleans(0.2), SlubCall.CacheCreate::new))
                .action("kmem_cache_alloc", 12, w -> Gens.combine(cacheToUse(w), cpu(w), SlubCall.CacheAlloc::new))
                .action("kmem_cache_free", 8, w -> !w.live.isEmpty(), w -> Gens.combine(Gens.oneOf(w.live), cpu(w),
                        (l, cpu) -> new SlubCall.CacheFree(l.cache(), l.addr(), cpu)))
                .action("kmem_cache_alloc_bulk", 4, w -> Gens.combine(Gens.oneOf(w.handles()), Gens.ints(1, 80), cpu(w),
                        SlubCall.AllocBulk::new))
                .action("kmem_cache_shrink", 4, w -> Gens.oneOf(w.handles()).map(SlubCall.Shrink::new))
                .action("kmem_cache_destroy", 2, w -> !w.created.isEmpty(),
                        w -> Gens.oneOf(w.created).map(SlubCall.Destroy::new))
                .action("kfree (double free)", 3, w -> !w.freed.isEmpty(), w -> Gens.combine(
                        Gens.frequency(weighted(3, Gens.constant(w.freed.get(w.freed.size() - 1))), weighted(1, Gens.oneOf(w.freed))),
                        cpu(w), (l, cpu) -> new SlubCall.Kfree(l.addr(), cpu)))
                .action("kmem_cache_free (wrong cache)", 2, w -> !w.live.isEmpty(), w -> Gens.combine(Gens.oneOf(w.live), Gens.oneOf(w.handles()),
                        cpu(w), (l, c, cpu) -> new SlubCall.CacheFree(c, l.addr(), cpu)))
                .action("kfree (middle pointer)", 2, w -> !w.live.isEmpty(), w -> Gens.combine(Gens.oneOf(w.live), Gens.ints(1, 16),
                        cpu(w), (l, d, cpu) -> new SlubCall.Kfree(l.addr() + 4L * d, cpu)))
                .action("poke (past the object)", 2, w -> w.live.stream().anyMatch(l -> objectSize(w, l) > 0),
                        w -> Gens.combine(Gens.oneOf(w.live.stream().filter(l -> objectSize(w, l) > 0).toList()),
                                Gens.ints(0, 7), (l, d) -> new SlubCall.Poke(l.addr() + objectSize(w, l) + d, 0x78, 1)))
                .action("poke (a freed object)", 2, w -> !w.freed.isEmpty(), w -> Gens.combine(Gens.oneOf(w.freed),
                        Gens.ints(0, 15), (l, d) -> new SlubCall.Poke(l.addr() + 4L * d, 0x42424242L, 4)))
                .executor((w, call) -> {
                    // as Kernel.apply starts a step: the page allocator's touched frames (INV-SLUB-08) too
                    w.slub.pages().beginStep();
                    w.slub.beginStep();
                    return call.apply(w);
                })
                .invariant("INV-SLUB", w -> SlubChecks.check(w.slub).stream()
                        .map(v -> new Failure(v.id(), v.reason(), v.details())).toList())
                .postcondition((w, call, outcome) -> {
                    Result r = (Result) outcome;
                    if (r instanceof Result.Refused ref) {
                        Stats.label("refused: " + ref.reason());
                    } else if (r.value() == 0 && (call instanceof SlubCall.Kmalloc k && k.size() > 0
                            || call instanceof SlubCall.CacheAlloc)) {
                        Stats.label("NULL from the page allocator");
                    }
                    java.util.Map<String, Long> now = w.slub.stats().counters();
                    now.forEach((k, v) -> {
                        if (v > w.lastCounters.getOrDefault(k, 0L)) {
                            Stats.label("reached: " + k);
                        }
                    });
                    w.lastCounters = now;
                    return List.of();
                })
                .tries(40)
                .steps(120);
    }

    static EnumSet<SlubBug> none() {
        return EnumSet.noneOf(SlubBug.class);
    }

    private static long objectSize(SlubWorld w, SlubWorld.Live l) {
        KmemCache c = w.slub.cache(l.cache());
        return c == null || w.slub.poke(l.addr(), w.slub.peek(l.addr()), 1).isRefused() ? 0 : c.objectSize();
    }

    private static Gen<Long> size() {
        return Gens.frequency(weighted(5, Gens.longs(1, 256)), weighted(3, Gens.longs(257, 2048)),
                weighted(1, Gens.longs(2049, 8192)), weighted(1, Gens.constant(0L)));
    }

    /**
     * A cache to allocate from: a third of the time one the chain created (when it has one), not
     * one of the forty-odd kmalloc caches, so that a created cache's geometry gets used.
     */
    private static Gen<Integer> cacheToUse(SlubWorld w) {
        List<Integer> all = w.handles();
        List<Integer> created = w.created.stream().filter(all::contains).toList();
        return created.isEmpty() ? Gens.oneOf(all)
                : Gens.frequency(weighted(1, Gens.oneOf(created)), weighted(2, Gens.oneOf(all)));
    }

    private static Gen<Integer> cpu(SlubWorld w) {
        return Gens.ints(0, w.cpus - 1);
    }
}
