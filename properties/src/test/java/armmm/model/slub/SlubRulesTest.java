package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import org.junit.jupiter.api.Test;

/**
 * The rules of mm/slab_common.c and mm/slub.c on inputs the oracle boots did not exercise:
 * kmalloc routing, merging, per-cache {@code slub_debug} and the order knobs. Each expected value
 * is worked out by hand from the 6.1 source, in the comment beside it.
 */
class SlubRulesTest {

    private static SlabCaches boot(String cmdline, int cpus) throws Exception {
        return SlabCaches.boot(SlubParams.parse(cmdline, cpus));
    }

    @Test
    void kmallocSlabRoutesBySizeAndByGfp() throws Exception {
        SlabCaches c = boot("", 1);
        assertThat(c.kmallocSlab(1, Gfp.GFP_KERNEL).name()).isEqualTo("kmalloc-64");
        // no kmalloc-96 with a 64-byte KMALLOC_MIN_SIZE: 65..128 share kmalloc-128
        assertThat(c.kmallocSlab(65, Gfp.GFP_KERNEL).name()).isEqualTo("kmalloc-128");
        assertThat(c.kmallocSlab(96, Gfp.GFP_KERNEL).name()).isEqualTo("kmalloc-128");
        assertThat(c.kmallocSlab(129, Gfp.GFP_KERNEL).name()).isEqualTo("kmalloc-192");
        assertThat(c.kmallocSlab(193, Gfp.GFP_KERNEL).name()).isEqualTo("kmalloc-256");
        assertThat(c.kmallocSlab(4097, Gfp.GFP_KERNEL).name()).isEqualTo("kmalloc-8k");
        assertThat(c.kmallocSlab(8193, Gfp.GFP_KERNEL)).isNull();
        assertThat(c.kmallocSlab(0, Gfp.GFP_KERNEL)).isNull();
        assertThat(c.kmallocSlab(64, Gfp.GFP_KERNEL_ACCOUNT).name()).isEqualTo("kmalloc-cg-64");
        assertThat(c.kmallocSlab(64, Gfp.GFP_KERNEL | Gfp.RECLAIMABLE | Gfp.ACCOUNT).name()).isEqualTo("kmalloc-rcl-64");
        assertThat(c.kmallocSlab(64, Gfp.GFP_DMA | Gfp.RECLAIMABLE).name()).isEqualTo("dma-kmalloc-64");
        assertThat(KmallocIndex.kmallocIndex(96)).isEqualTo(7);
        assertThat(KmallocIndex.kmallocIndex(150)).isEqualTo(2);
    }

    @Test
    void aCompatibleCacheIsMergedIntoTheOldestMatch() throws Exception {
        SlabCaches c = boot("", 1);
        KmemCache a = c.create("a", 100, 0, 0, false).cache();
        SlabCaches.Created b = c.create("b", 102, 0, 0, false);
        assertThat(b.merged()).isTrue();
        assertThat(b.cache()).isSameAs(a);
        assertThat(a.refcount()).isEqualTo(2);
        assertThat(a.objectSize()).isEqualTo(102);
        assertThat(a.inuse()).isEqualTo(104);
        // 108 rounds to 108: 108 - 104 >= sizeof(void *) rejects the merge
        assertThat(c.create("wider", 105, 0, 0, false).merged()).isFalse();
        assertThat(c.create("ctor", 100, 0, 0, true).merged()).isFalse();
        assertThat(c.create("acct", 100, 0, SlabFlags.SLAB_ACCOUNT, false).merged()).isFalse();
        assertThat(c.create("rcu", 100, 0, SlabFlags.SLAB_TYPESAFE_BY_RCU, false).merged()).isFalse();
        // kmalloc caches carry a usersize (and the normal ones refcount -1): never merge targets
        assertThat(c.create("k64", 64, 0, 0, false).merged()).isFalse();
        assertThat(c.create("bad", 64, 0, SlabFlags.SLAB_KMALLOC, false).errno()).isEqualTo(-22);
    }

    @Test
    void slubNomergeKeepsEveryCacheApart() throws Exception {
        SlabCaches c = boot("slub_nomerge", 1);
        c.create("a", 100, 0, 0, false);
        assertThat(c.create("b", 100, 0, 0, false).merged()).isFalse();
    }

    @Test
    void slubDebugSelectsCachesByNameAndPrefix() throws Exception {
        SlabCaches c = boot("slub_debug=FZ,kmalloc-64,dma-*", 1);
        assertThat(c.byName("kmalloc-64").flags() & SlabFlags.SLAB_RED_ZONE).isNotZero();
        assertThat(c.byName("kmalloc-128").flags() & SlabFlags.DEBUG).isZero();
        assertThat(c.byName("dma-kmalloc-8k").flags() & SlabFlags.SLAB_CONSISTENCY_CHECKS).isNotZero();
        // 64 + 4 right red zone, pointer mid-object, + 4 pad, + 64 left pad, aligned to 64: 192
        assertThat(c.byName("kmalloc-64").size()).isEqualTo(192);
        assertThat(c.byName("kmalloc-64").layout().cpuPartial()).isZero();
        SlabCaches all = boot("slub_debug", 1);
        assertThat(all.byName("kmalloc-128").flags() & SlabFlags.DEBUG_DEFAULT).isEqualTo(SlabFlags.DEBUG_DEFAULT);
    }

    @Test
    void orderKnobsMoveTheSlabOrder() throws Exception {
        // slub_min_order=2: every slab at least 16 KiB, kmalloc-64 holds 256
        KmemCache k64 = boot("slub_min_order=2", 1).byName("kmalloc-64");
        assertThat(k64.layout().order()).isEqualTo(2);
        assertThat(k64.layout().objects()).isEqualTo(256);
        // slub_max_order=0: no order-0 slab holds 8 KiB, the fallback to MAX_ORDER gives order 1
        KmemCache k8k = boot("slub_max_order=0", 1).byName("kmalloc-8k");
        assertThat(k8k.layout().order()).isEqualTo(1);
        assertThat(k8k.layout().objects()).isEqualTo(1);
        // one CPU aims at 4 x (fls(1) + 1) = 8 objects: kmalloc-1k needs order 1; two CPUs aim
        // at 12 (order 2, as the smp2 board shows); eight at 20 (order 3)
        assertThat(boot("", 1).byName("kmalloc-1k").layout().order()).isEqualTo(1);
        assertThat(boot("", 2).byName("kmalloc-1k").layout().order()).isEqualTo(2);
        assertThat(boot("", 8).byName("kmalloc-1k").layout().order()).isEqualTo(3);
        // slub_min_objects=2: two 2 KiB objects fill one page exactly
        assertThat(boot("slub_min_objects=2", 1).byName("kmalloc-2k").layout().order()).isZero();
        // slub_debug=O drops the metadata that would push kmalloc-4k past order 0... of one object:
        // 4096 + debug needs order 2 > get_order(4096) = 0, so kmalloc-4k keeps only F
        KmemCache k4k = boot("slub_debug=FZPUO", 1).byName("kmalloc-4k");
        assertThat(k4k.flags() & SlabFlags.DEBUG).isEqualTo(SlabFlags.SLAB_CONSISTENCY_CHECKS);
        assertThat(k4k.size()).isEqualTo(4096);
        assertThat(boot("slub_debug=FZPUO", 1).byName("kmalloc-64").size()).isEqualTo(192);
    }
}
