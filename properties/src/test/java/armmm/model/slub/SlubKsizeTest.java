package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code ksize} as 6.1 answers it (mm/slab_common.c {@code __ksize}, mm/slab.h {@code slab_ksize}
 * under CONFIG_SLUB and CONFIG_SLUB_DEBUG): a slab object's usable size is the cache's
 * {@code object_size} when it has a red zone or poison, its {@code inuse} when the free pointer or
 * the owner tracks lie after the object (SLAB_TYPESAFE_BY_RCU, SLAB_STORE_USER), else its whole
 * {@code size}, padding included; a large kmalloc's is its folio's size. {@code krealloc} stays in
 * place while the new size fits that ({@code __do_krealloc}).
 *
 * <p>The 97-byte cache, worked from mm/slub.c {@code calculate_sizes} on ARM (pointers of 4 bytes,
 * {@code ARCH_SLAB_MINALIGN} 8, arch/arm/include/asm/cache.h): 97 rounded to a pointer is 100,
 * which is {@code inuse}; the free pointer goes inside the object (offset 48) unless RCU or poison
 * puts it at 100, 4 bytes more; the size is then aligned to 8: 104 either way. With SLAB_STORE_USER
 * two tracks follow, but {@code inuse} stays 100.
 */
class SlubKsizeTest {

    private static SlubAllocator slub() throws Exception {
        return SlubBoards.slub("", 8192, 1, 1, Set.of());
    }

    private static long ksizeOfAnObject(SlubAllocator a, int flags) {
        int id = (int) a.kmemCacheCreate("c" + flags, 97, 0, flags, false).value();
        KmemCache c = a.cache(id);
        long p = a.kmemCacheAlloc(c, Gfp.GFP_KERNEL, 0).value();
        assertThat(p).isNotZero();
        return a.ksize(p).value();
    }

    @Test
    void aPlainCacheLendsItsPadding() throws Exception {
        SlubAllocator a = slub();
        int id = (int) a.kmemCacheCreate("c97", 97, 0, 0, false).value();
        KmemCache c = a.cache(id);
        assertThat(c.objectSize()).isEqualTo(97);
        assertThat(c.inuse()).isEqualTo(100);
        assertThat(c.size()).isEqualTo(104);
        long p = a.kmemCacheAlloc(c, Gfp.GFP_KERNEL, 0).value();
        assertThat(a.ksize(p).value()).isEqualTo(104);
    }

    @Test
    void metadataAfterTheObjectStopsItAtInuse() throws Exception {
        SlubAllocator a = slub();
        assertThat(ksizeOfAnObject(a, SlabFlags.SLAB_TYPESAFE_BY_RCU)).isEqualTo(100);
        assertThat(ksizeOfAnObject(a, SlabFlags.SLAB_STORE_USER)).isEqualTo(100);
    }

    @Test
    void aRedZoneOrPoisonStopsItAtTheObject() throws Exception {
        SlubAllocator a = slub();
        assertThat(ksizeOfAnObject(a, SlabFlags.SLAB_RED_ZONE)).isEqualTo(97);
        assertThat(ksizeOfAnObject(a, SlabFlags.SLAB_POISON)).isEqualTo(97);
    }

    @Test
    void kmallocObjectsAndLargeKmallocs() throws Exception {
        SlubAllocator a = slub();
        // kmalloc-128: object_size = size = 128
        assertThat(a.ksize(a.kmalloc(100, Gfp.GFP_KERNEL, 0).value()).value()).isEqualTo(128);
        // above KMALLOC_MAX_CACHE_SIZE (8 KiB): whole pages of get_order(9000) = order 2
        assertThat(a.ksize(a.kmalloc(9000, Gfp.GFP_KERNEL, 0).value()).value()).isEqualTo(16384);
    }

    @Test
    void kreallocStaysInPlaceWithinThePadding() throws Exception {
        SlubAllocator a = slub();
        int id = (int) a.kmemCacheCreate("c97", 97, 0, 0, false).value();
        long p = a.kmemCacheAlloc(a.cache(id), Gfp.GFP_KERNEL, 0).value();
        assertThat(a.krealloc(p, 104, Gfp.GFP_KERNEL, 0).value()).isEqualTo(p);
        long q = a.krealloc(p, 105, Gfp.GFP_KERNEL, 0).value();
        assertThat(q).isNotEqualTo(p);
        // kmalloc-128 took the 105 bytes
        assertThat(a.ksize(q).value()).isEqualTo(128);
    }
}
