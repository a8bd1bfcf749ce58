package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The cache geometry and boot knobs at their edges, each value worked from mm/slub.c (6.1):
 * {@code calculate_sizes} (the free pointer's place for poisoned, RCU, constructor and tiny
 * red-zoned objects, {@code SLAB_STORE_USER}'s two tracks plus the kmalloc request size, the
 * red-zone word only for a word-multiple object), {@code calculate_order} and
 * {@code calc_slab_order} (the object-count target lowered to 1 before the fraction-1 fallback, the
 * {@code MAX_OBJS_PER_PAGE} bound), {@code parse_slub_debug_flags}/{@code setup_slub_debug}/
 * {@code kmem_cache_flags}, the kmalloc caches' {@code refcount} (-1 only for KMALLOC_NORMAL,
 * {@code new_kmalloc_cache} with MEMCG_KMEM) and {@code s->allocflags}; the kmalloc values as
 * the probe captured them (oracle/kernel/slub-smp1/probe_caches.txt: dma-kmalloc-64
 * {@code allocflags=1 refcount=1}, kmalloc-rcl-64 {@code allocflags=10 refcount=1},
 * kmalloc-cg-64 {@code refcount=1}, kmalloc-64 {@code refcount=-1}, MPTCPv6 order 2
 * {@code allocflags=40000}; slabinfo.txt ends with kmem_cache_node, then kmem_cache).
 */
class SlubLayoutEdgesTest {
    private static final SlubParams ONE_CPU = SlubParams.defaults(1);

    private static CacheLayout open(int size, int align, int flags, boolean ctor, Set<SlubBug> bugs) throws Exception {
        return CacheLayout.open(size, align, flags, ctor, ONE_CPU, bugs);
    }

    private static CacheLayout open(int size, int align, int flags, boolean ctor) throws Exception {
        return open(size, align, flags, ctor, Set.of());
    }

    @Test
    void poisonIsOnlyForObjectsNeitherRcuNorConstructed() throws Exception {
        assertThat(open(64, 8, SlabFlags.SLAB_POISON, false).flags() & SlabFlags.OBJECT_POISON).isNotZero();
        assertThat(open(64, 8, SlabFlags.SLAB_POISON, true).flags() & SlabFlags.OBJECT_POISON).isZero();
        assertThat(open(64, 8, SlabFlags.SLAB_POISON | SlabFlags.SLAB_TYPESAFE_BY_RCU, false).flags()
                & SlabFlags.OBJECT_POISON).isZero();
        // a constructor alone moves the pointer past the object: offset 64, size 68 -> 72
        CacheLayout ctor = open(64, 8, 0, true);
        assertThat(ctor.offset()).isEqualTo(64);
        assertThat(ctor.size()).isEqualTo(72);
        assertThat(ctor.freeptrOutsideObject()).isTrue();
        CacheLayout plain = open(64, 8, 0, false);
        assertThat(plain.offset()).isEqualTo(32);
        assertThat(plain.size()).isEqualTo(64);
        assertThat(plain.freeptrOutsideObject()).isFalse();
    }

    @Test
    void theRedZoneWordIsAddedOnlyToAWordMultipleAndTinyObjectsKeepThePointerOut() throws Exception {
        // 61 bytes: ALIGN(61, 4) = 64 != 61, so inuse stays 64; red zone word, red_left_pad ALIGN(4, 8) = 8
        CacheLayout odd = open(61, 8, SlabFlags.SLAB_RED_ZONE, false);
        assertThat(odd.inuse()).isEqualTo(64);
        assertThat(odd.offset()).isEqualTo(28);
        assertThat(odd.redLeftPad()).isEqualTo(8);
        assertThat(odd.size()).isEqualTo(80);
        // 4 bytes, red-zoned: 4 == object_size, so 8 in use; not below a pointer: mid-object offset 0
        CacheLayout four = open(4, 8, SlabFlags.SLAB_RED_ZONE, false);
        assertThat(four.inuse()).isEqualTo(8);
        assertThat(four.offset()).isZero();
        assertThat(four.size()).isEqualTo(24);
        // 2 bytes, red-zoned: below a pointer (74c1d3e08153): the pointer after the 4 bytes in use
        CacheLayout two = open(2, 8, SlabFlags.SLAB_RED_ZONE, false);
        assertThat(two.inuse()).isEqualTo(4);
        assertThat(two.offset()).isEqualTo(4);
        assertThat(two.size()).isEqualTo(24);
        // SMALL_OBJECT_FREEPTR_IN_REDZONE drops that clause: ALIGN_DOWN(2 / 2, 4) = 0
        assertThat(open(2, 8, SlabFlags.SLAB_RED_ZONE, false, Set.of(SlubBug.SMALL_OBJECT_FREEPTR_IN_REDZONE)).offset())
                .isZero();
    }

    @Test
    void theOldFreePointerPlacementsOfTheSeededBugs() throws Exception {
        // FREEPTR_MIDDLE_OF_INUSE: ALIGN(inuse / 2, 4); 64 red-zoned: inuse 68, offset 36 (fixed: 32)
        Set<SlubBug> middle = Set.of(SlubBug.FREEPTR_MIDDLE_OF_INUSE);
        assertThat(open(64, 8, SlabFlags.SLAB_RED_ZONE, false, middle).offset()).isEqualTo(36);
        assertThat(open(64, 8, SlabFlags.SLAB_RED_ZONE, false).offset()).isEqualTo(32);
        // inuse of a single word: offset 0; of two words: 4
        assertThat(open(4, 8, 0, false, middle).offset()).isZero();
        assertThat(open(8, 8, 0, false, middle).offset()).isEqualTo(4);
        // FREEPTR_ROUNDED_INTO_REDZONE: ALIGN(ALIGN(size, 4) / 2, 4); 61 bytes: 32 (fixed: ALIGN_DOWN(30, 4) = 28)
        Set<SlubBug> rounded = Set.of(SlubBug.FREEPTR_ROUNDED_INTO_REDZONE);
        assertThat(open(61, 8, 0, false, rounded).offset()).isEqualTo(32);
        assertThat(open(61, 8, 0, false).offset()).isEqualTo(28);
        assertThat(open(4, 8, 0, false, rounded).offset()).isZero();
        assertThat(open(6, 8, 0, false, rounded).offset()).isEqualTo(4);
        assertThat(open(6, 8, 0, false).offset()).isZero();
    }

    @Test
    void storeUserAddsTwoTracksAndAKmallocCacheItsRequestSize() throws Exception {
        // 64 + 2 x 20 = 104; SLAB_KMALLOC: + 4 = 108, ALIGN(108, 8) = 112
        assertThat(open(64, 8, SlabFlags.SLAB_STORE_USER, false).size()).isEqualTo(104);
        assertThat(open(64, 8, SlabFlags.SLAB_STORE_USER | SlabFlags.SLAB_KMALLOC, false).size()).isEqualTo(112);
        // the probe's FZPU kmalloc-64: size=192 offset=68 inuse=68 red_left_pad=64 (oracle/kernel/slub-debug-FZPU)
        CacheLayout fzpu = open(64, 64, SlabFlags.SLAB_CONSISTENCY_CHECKS | SlabFlags.SLAB_RED_ZONE | SlabFlags.SLAB_POISON
                | SlabFlags.SLAB_STORE_USER | SlabFlags.SLAB_KMALLOC, false);
        assertThat(fzpu.size()).isEqualTo(192);
        assertThat(fzpu.offset()).isEqualTo(68);
        assertThat(fzpu.inuse()).isEqualTo(68);
        assertThat(fzpu.redLeftPad()).isEqualTo(64);
        assertThat(fzpu.objects()).isEqualTo(21);
    }

    @Test
    void calculateOrderLowersTheTargetBeforeTheFractionOneFallback() throws Exception {
        // slub_min_objects=2, 12000 bytes, max order 3: 2 objects need order 3, which wastes 8768 > 32768 / 4
        // at every fraction; 1 object is the loop's end: calc_slab_order(size, 1, 3, 1) = get_order(12000) = 2
        SlubParams two = SlubParams.parse("slub_min_objects=2", 1);
        assertThat(CacheLayout.calculateOrder(12000, two)).isEqualTo(2);
        // slub_min_objects=1: no loop at all; 10000 bytes: order 2 (order 3 would waste only 2768)
        SlubParams one = SlubParams.parse("slub_min_objects=1", 1);
        assertThat(CacheLayout.calculateOrder(10000, one)).isEqualTo(2);
        // the default target for 1 CPU, 4 x (fls(1) + 1) = 8, and 5000 bytes: 6 fit order 3 with 2768 left,
        // more than 1/16 but within 1/8: order 3
        assertThat(CacheLayout.calculateOrder(5000, ONE_CPU)).isEqualTo(3);
        // more than MAX_OBJS_PER_PAGE objects at slub_min_order: get_order(size * 32767) - 1
        SlubParams minOrder7 = SlubParams.parse("slub_min_order=7", 1);
        assertThat(CacheLayout.calculateOrder(8, minOrder7)).isEqualTo(5);
        // above the largest order: -ENOSYS
        assertThat(CacheLayout.calculateOrder(16 << 20, ONE_CPU)).isEqualTo(-1);
        assertThat(CacheLayout.getOrder(4096)).isZero();
        assertThat(CacheLayout.getOrder(4097)).isEqualTo(1);
        assertThat(CacheLayout.getOrder(1)).isZero();
    }

    @Test
    void slubDebugIsParsedBlockByBlockAsTheKernelReadsIt() {
        int f = SlabFlags.SLAB_CONSISTENCY_CHECKS;
        int z = SlabFlags.SLAB_RED_ZONE;
        // no value, or "=" alone: full debugging
        assertThat(SlubDebug.parse("")).isEqualTo(new SlubDebug(SlabFlags.DEBUG_DEFAULT, List.of(), false));
        assertThat(SlubDebug.parse("=")).isEqualTo(new SlubDebug(SlabFlags.DEBUG_DEFAULT, List.of(), false));
        // empty blocks are skipped: the global F stays
        assertThat(SlubDebug.parse("=F;;Z,kmalloc-64")).isEqualTo(new SlubDebug(f,
                List.of(new SlubDebug.Block(z, List.of("kmalloc-64"))), false));
        // ",list" alone: full debugging for the list, the global setting unchanged, no 'o' read from the names
        assertThat(SlubDebug.parse("=,kmalloc-64,foo")).isEqualTo(new SlubDebug(0,
                List.of(new SlubDebug.Block(SlabFlags.DEBUG_DEFAULT, List.of("kmalloc-64", "foo"))), false));
        assertThat(SlubDebug.parse("=FZ,kmalloc-64,foo*")).isEqualTo(new SlubDebug(0,
                List.of(new SlubDebug.Block(f | z, List.of("kmalloc-64", "foo*"))), false));
        assertThat(SlubDebug.parse("=U;F,foo").global()).isEqualTo(SlabFlags.SLAB_STORE_USER);
        assertThat(SlubDebug.parse("=T").global()).isEqualTo(SlabFlags.SLAB_TRACE);
        assertThat(SlubDebug.parse("=A").global()).isEqualTo(SlabFlags.SLAB_FAILSLAB);
        assertThat(SlubDebug.parse("=FO")).isEqualTo(new SlubDebug(f, List.of(), true));
        // enabled: a global flag or any list
        assertThat(SlubDebug.off().enabled()).isFalse();
        assertThat(SlubDebug.parse("=F").enabled()).isTrue();
        assertThat(SlubDebug.parse("=F,foo").enabled()).isTrue();
        assertThat(SlubDebug.parse("=-").enabled()).isFalse();
    }

    @Test
    void kmemCacheFlagsMatchesNamesGlobsAndSkipsNoUserFlagsCaches() {
        int f = SlabFlags.SLAB_CONSISTENCY_CHECKS;
        int u = SlabFlags.SLAB_STORE_USER;
        SlubDebug global = SlubDebug.parse("=FU");
        assertThat(global.apply(0, "x")).isEqualTo(f | u);
        // SLAB_NO_USER_FLAGS: untouched; SLAB_NOLEAKTRACE: no user tracking by default
        assertThat(global.apply(SlabFlags.SLAB_NO_USER_FLAGS, "x")).isEqualTo(SlabFlags.SLAB_NO_USER_FLAGS);
        assertThat(global.apply(SlabFlags.SLAB_NOLEAKTRACE, "x")).isEqualTo(SlabFlags.SLAB_NOLEAKTRACE | f);
        // a bare "*" matches every name (cmplen 0); "kmalloc-*" a prefix; a plain name exactly
        SlubDebug all = SlubDebug.parse("=Z,*");
        assertThat(all.apply(0, "anything")).isEqualTo(SlabFlags.SLAB_RED_ZONE);
        SlubDebug prefix = SlubDebug.parse("=P,kmalloc-*");
        assertThat(prefix.apply(0, "kmalloc-64")).isEqualTo(SlabFlags.SLAB_POISON);
        assertThat(prefix.apply(0, "dma-kmalloc-64")).isZero();
        SlubDebug exact = SlubDebug.parse("=P,kmalloc-64");
        assertThat(exact.apply(0, "kmalloc-64")).isEqualTo(SlabFlags.SLAB_POISON);
        assertThat(exact.apply(0, "kmalloc-640")).isZero();
    }

    @Test
    void kmallocCachesRefcountListOrderAndAllocflagsAreTheProbes() throws Exception {
        SlubAllocator a = SlubBoards.slub("", 8192, 1, 1, Set.of());
        SlabCaches caches = a.caches();
        assertThat(caches.byName("kmalloc-64").refcount()).isEqualTo(-1);
        assertThat(caches.byName("kmalloc-rcl-64").refcount()).isEqualTo(1);
        assertThat(caches.byName("kmalloc-cg-64").refcount()).isEqualTo(1);
        assertThat(caches.byName("dma-kmalloc-64").refcount()).isEqualTo(1);
        List<KmemCache> newest = caches.newestFirst();
        assertThat(newest.get(newest.size() - 1).name()).isEqualTo("kmem_cache");
        assertThat(newest.get(newest.size() - 2).name()).isEqualTo("kmem_cache_node");
        assertThat(newest.get(0).name()).isEqualTo("dma-kmalloc-8k");
        assertThat(caches.kmallocCache(KmallocType.NORMAL, KmallocIndex.SHIFT_HIGH).name()).isEqualTo("kmalloc-8k");
        assertThat(caches.kmallocCache(KmallocType.NORMAL, KmallocIndex.SHIFT_HIGH + 1)).isNull();
        assertThat(caches.kmallocCache(KmallocType.NORMAL, -1)).isNull();
        assertThat(caches.kmallocSlab(1, Gfp.GFP_KERNEL).name()).isEqualTo("kmalloc-64");
        assertThat(caches.params()).isNotNull();
        // s->allocflags reach the page allocator with every new slab: GFP_DMA, __GFP_RECLAIMABLE, __GFP_COMP (order > 0)
        a.kmalloc(64, Gfp.GFP_KERNEL | Gfp.GFP_DMA, 0);
        assertThat(a.pages().lastAlloc().gfp() & (Gfp.DMA | Gfp.RECLAIMABLE | Gfp.COMP)).isEqualTo(Gfp.DMA);
        a.kmalloc(64, Gfp.GFP_KERNEL | Gfp.RECLAIMABLE, 0);
        assertThat(a.pages().lastAlloc().gfp() & (Gfp.DMA | Gfp.RECLAIMABLE | Gfp.COMP)).isEqualTo(Gfp.RECLAIMABLE);
        a.kmalloc(64, Gfp.GFP_KERNEL, 0);
        assertThat(a.pages().lastAlloc().gfp() & (Gfp.DMA | Gfp.RECLAIMABLE | Gfp.COMP)).isZero();
        // kmalloc-2k: order 2, 8 objects (the probe: order=2 objects=8 on one CPU)
        assertThat(caches.byName("kmalloc-2k").layout().order()).isEqualTo(2);
        a.kmalloc(2048, Gfp.GFP_KERNEL, 0);
        assertThat(a.pages().lastAlloc().gfp() & (Gfp.DMA | Gfp.RECLAIMABLE | Gfp.COMP)).isEqualTo(Gfp.COMP);
    }
}
