package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.kernel.Kernel;
import armmm.model.subsystem.Arg;
import armmm.model.subsystem.HandleNames;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The SLUB calls as scenario lines ({@link SlubOp}): each call's name and arguments in the kernel's
 * argument order (include/linux/slab.h, mm/slab_common.c, mm/util.c), the spelling that builds it
 * back, how it prints, and the refusal of every call on a kernel without SLUB.
 */
class SlubCallsTest {

    /** One of every call, with distinct argument values so that a swapped or lost argument shows. */
    private static List<SlubOp> everyCall() {
        long gfp = Gfp.GFP_KERNEL;
        return List.of(new SlubOp.Kmalloc(1, gfp, 1), new SlubOp.Kzalloc(2, gfp, 2), new SlubOp.KmallocArray(3, 4, gfp, 3),
                new SlubOp.Krealloc(0xc100_0005L, 6, gfp, 1), new SlubOp.Kfree(0xc100_0007L, 2),
                new SlubOp.Ksize(0xc100_0008L), new SlubOp.Kvmalloc(9, gfp, 3), new SlubOp.Kvfree(0xc100_000aL, 1),
                new SlubOp.KmemCacheCreate("cache_b", 11, 12, SlabFlags.SLAB_HWCACHE_ALIGN, true),
                new SlubOp.KmallocSlab(13, gfp), new SlubOp.CacheAlloc(14, gfp, 2),
                new SlubOp.CacheFree(15, 0xc100_0010L, 3), new SlubOp.AllocBulk(17, gfp, 18, 1),
                new SlubOp.Shrink(19), new SlubOp.Destroy(20), new SlubOp.Poke(0xc100_0015L, 0x16, 2));
    }

    @Test
    void everyCallIsBuiltBackFromItsSpellingArgumentsAndCpu() {
        List<String> names = new ArrayList<>();
        for (SlubOp op : everyCall()) {
            OpSpec spec = SlubOp.SPECS.stream().filter(s -> s.name().equals(op.name())).findFirst().orElseThrow();
            assertThat(op.args()).extracting(Arg::kind).as(op.name()).containsExactlyElementsOf(spec.args());
            long[] values = op.args().stream().mapToLong(Arg::value).toArray();
            String[] texts = op.args().stream().map(a -> a.kind() == armmm.model.subsystem.ArgKind.NAME ? a.text() : null)
                    .toArray(String[]::new);
            Op rebuilt = spec.factory().make(values, texts, op.cpu());
            assertThat(rebuilt).as(op.name()).isEqualTo(op);
            assertThat(rebuilt.toString()).isEqualTo(op.toString());
            assertThat(op.toString()).as(op.name()).isEqualTo(op.render(HandleNames.NONE)).startsWith(op.name());
            names.add(op.name());
        }
        assertThat(SlubOp.SPECS.stream().map(OpSpec::name).collect(Collectors.toList()))
                .containsExactlyInAnyOrderElementsOf(names);
        // the allocating and freeing calls take cpu=N; the cache queries and poke do not
        assertThat(SlubOp.SPECS.stream().filter(OpSpec::perCpu).map(OpSpec::name)).containsExactlyInAnyOrder("kmalloc",
                "kzalloc", "kmalloc_array", "krealloc", "kfree", "kvmalloc", "kvfree", "kmem_cache_alloc", "kmem_cache_free",
                "kmem_cache_alloc_bulk");
    }

    @Test
    void callsPrintInKernelArgumentOrderWithTheirCpu() {
        assertThat(new SlubOp.Kmalloc(64, Gfp.GFP_KERNEL, 0)).hasToString("kmalloc 64 GFP_KERNEL");
        assertThat(new SlubOp.Kmalloc(64, Gfp.GFP_KERNEL, 1)).hasToString("kmalloc 64 GFP_KERNEL cpu=1");
        assertThat(new SlubOp.KmallocArray(3, 40, Gfp.GFP_KERNEL, 0)).hasToString("kmalloc_array 3 40 GFP_KERNEL");
        assertThat(new SlubOp.Poke(0xc100_0000L, 0x6b, 1)).hasToString("poke 0xc1000000 0x6b 1");
        assertThat(new SlubOp.Kmalloc(64, Gfp.GFP_KERNEL, 0).resultStem()).isEqualTo("o");
        assertThat(new SlubOp.KmallocSlab(64, Gfp.GFP_KERNEL).resultStem()).isEqualTo("k");
        assertThat(new SlubOp.KmemCacheCreate("c", 8, 0, 0, false).resultStem()).isEqualTo("k");
        assertThat(new SlubOp.KmemCacheCreate(null, 8, 0, 0, false).cacheName()).isEmpty();
    }

    @Test
    void withoutABoardEveryCallIsRefusedAndNothingHappens() {
        Kernel bare = Kernel.bare();
        for (SlubOp op : everyCall()) {
            assertThat(op.applyTo(bare)).as(op.name()).isEqualTo(SlubOp.NO_SLUB);
        }
    }
}
