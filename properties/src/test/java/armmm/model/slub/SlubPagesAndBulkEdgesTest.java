package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.page.PageAllocator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The page side of SLUB and the bulk calls at their edges (mm/slub.c, 6.1): {@code virt_to_slab}
 * for addresses just outside the memory map (no slab: the model's finding, never an index past
 * its page map), PG_slab set on a new slab's head page and cleared by {@code __free_slab} before
 * the pages go back ({@code FREE_SLAB_KEEPS_PG_SLAB} leaves it), every page of a higher-order slab
 * mapped to it ({@code NEW_SLAB_MAPS_FIRST_PAGE_ONLY} maps only the first), krealloc into and out
 * of a large allocation (whose bytes the model does not keep), {@code kmem_cache_alloc_bulk}
 * giving back what it took when a free pointer is found damaged, {@code kmem_cache_free_bulk}
 * returning the first refusal, and the {@code slab[ADDR]} observable's path shape.
 */
class SlubPagesAndBulkEdgesTest {

    private static SlubAllocator slub(Set<SlubBug> bugs) throws Exception {
        return SlubBoards.slub("", 8192, 1, 1, bugs);
    }

    @Test
    void addressesJustOutsideTheMemoryMapAreInNoSlab() throws Exception {
        SlubAllocator a = slub(Set.of());
        PageAllocator pa = a.pages();
        long base = pa.basePfn();
        long below = pa.layout().pageAddress(base) - 4096;
        long above = pa.layout().pageAddress(base + pa.frameCount() - 1) + 4096;
        assertThat(above).isEqualTo(below + 4096 + 4096L * pa.frameCount());
        assertThat(a.slabAtPfn(base - 1)).isNull();
        assertThat(a.slabAtPfn(base + pa.frameCount())).isNull();
        assertThat(a.ksize(below).isModelFinding()).isTrue();
        assertThat(a.ksize(above).isModelFinding()).isTrue();
        assertThat(a.kfree(above, 0).isModelFinding()).isTrue();
        assertThat(a.peek(above)).isZero();
        assertThat(a.poke(above, 1, 1)).isEqualTo(Result.refused("poke of 0x" + Long.toHexString(above)
                + ": not slab memory the model keeps"));
        // a poke that runs off the end of a slab into no slab is refused before any byte is written
        long o = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        Slab s = a.slabOf(o);
        long lastByte = s.base + 4095;
        if (a.slabOf(lastByte + 1) == null) {
            assertThat(a.poke(lastByte - 1, 0x11223344L, 4).isRefused()).isTrue();
            assertThat(a.peek(lastByte - 1)).isNotEqualTo(0x44);
        }
        assertThat(a.poke(o, 0x11223344L, 4)).isEqualTo(Result.VOID);
        assertThat(a.peek(o + 3)).isEqualTo(0x11);
        assertThat(a.peek(o + 1)).isEqualTo(0x33);
        assertThat(s.poked).isTrue();
    }

    @Test
    void pgSlabIsSetOnTheHeadPageAndClearedBeforeTheSlabIsFreed() throws Exception {
        long pgSlab = 1L << PageAllocator.PG_SLAB;
        for (boolean keep : new boolean[] {false, true}) {
            SlubAllocator a = slub(keep ? Set.of(SlubBug.FREE_SLAB_KEEPS_PG_SLAB) : Set.of());
            int id = (int) a.kmemCacheCreate("foo", 64, 0, 0, false).value();
            KmemCache foo = a.cache(id);
            long slabsBefore = a.stats().counters().get("slabs allocated");
            long o = a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0).value();
            long pfn = a.slabOf(o).pfn();
            assertThat(a.stats().counters().get("slabs allocated")).isEqualTo(slabsBefore + 1);
            assertThat(a.pages().pageFlags(pfn) & pgSlab).isNotZero();
            a.kmemCacheFree(foo, o, 0);
            a.kmemCacheShrink(foo);
            assertThat(a.slabOf(o)).isNull();
            assertThat(a.pages().pageFlags(pfn) & pgSlab).as("bug planted: %s", keep).isEqualTo(keep ? pgSlab : 0);
        }
    }

    @Test
    void everyPageOfAnOrderThreeSlabIsMappedToItUnlessTheBugMapsOnlyTheFirst() throws Exception {
        for (boolean firstOnly : new boolean[] {false, true}) {
            SlubAllocator a = slub(firstOnly ? Set.of(SlubBug.NEW_SLAB_MAPS_FIRST_PAGE_ONLY) : Set.of());
            assertThat(a.kmalloc(4096, Gfp.GFP_KERNEL, 0).value()).isNotZero();
            Slab s = a.node(a.caches().byName("kmalloc-4k")).cpu[0].slab;
            assertThat(s.order).isEqualTo(3);
            assertThat(s.inuse()).isEqualTo(8);
            assertThat(s.objects()).isEqualTo(8);
            assertThat(s.frozen()).isTrue();
            for (int p = 1; p < 8; p++) {
                assertThat(a.slabAtPfn(s.pfn() + p)).as("page %d, bug %s", p, firstOnly).isSameAs(firstOnly ? null : s);
            }
            assertThat(a.slabAtPfn(s.pfn() + 8)).isNotSameAs(s);
            assertThat(a.slabs()).contains(s);
        }
    }

    @Test
    void kreallocIntoAndOutOfALargeAllocation() throws Exception {
        SlubAllocator a = slub(Set.of());
        long o = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        long big = a.krealloc(o, 16384, Gfp.GFP_KERNEL, 0).value();
        assertThat(a.large()).containsEntry(big, 2);
        assertThat(a.ksize(o).isModelFinding()).isTrue();
        long bigger = a.krealloc(big, 65536, Gfp.GFP_KERNEL, 0).value();
        assertThat(a.large()).containsOnlyKeys(bigger);
        assertThat(a.large()).containsEntry(bigger, 4);
    }

    @Test
    void aBulkAllocationThatFindsADamagedFreePointerGivesEverythingBack() throws Exception {
        SlubAllocator a = slub(Set.of());
        int id = (int) a.kmemCacheCreate("foo", 64, 0, 0, false).value();
        KmemCache foo = a.cache(id);
        long p = a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0).value();
        long q = a.kmemCacheAlloc(foo, Gfp.GFP_KERNEL, 0).value();
        a.kmemCacheFree(foo, q, 0);
        a.kmemCacheFree(foo, p, 0);
        // the CPU freelist: p, then q; q's free pointer damaged: the second object of the bulk fails
        a.poke(q + 32, 0, 4);
        long allocs = a.stats().counters().get("allocs");
        assertThat(a.kmemCacheAllocBulk(foo, Gfp.GFP_KERNEL, 3, 0)).isEmpty();
        assertThat(a.stats().counters()).containsEntry("report: model finding", 1L);
        // p was taken and given back: on the CPU freelist again, published
        CpuSlab c = a.node(foo).cpu[0];
        assertThat(c.freelist).isEqualTo(a.slabOf(p).indexOf(p));
        assertThat(a.stats().counters().get("allocs")).isEqualTo(allocs + 1);
        // the word was restored: a bulk of 3 now takes p, q and the next
        long[] got = a.kmemCacheAllocBulk(foo, Gfp.GFP_KERNEL, 3, 0);
        assertThat(got).hasSize(3).startsWith(p, q);
        assertThat(c.publishedFreelist).isEqualTo(c.freelist);
        assertThat(c.staleWindow).isNull();
    }

    @Test
    void freeBulkReturnsTheFirstRefusalAndFreesTheRest() throws Exception {
        SlubAllocator a = slub(Set.of());
        int id = (int) a.kmemCacheCreate("foo", 64, 0, 0, false).value();
        KmemCache foo = a.cache(id);
        long[] got = a.kmemCacheAllocBulk(foo, Gfp.GFP_KERNEL, 2, 0);
        long bad1 = got[0] + 8;
        long bad2 = got[1] + 8;
        Result r = a.kmemCacheFreeBulk(foo, new long[] {bad1, got[0], bad2, got[1]}, 0);
        assertThat(r.isModelFinding()).isTrue();
        assertThat(((Result.Refused) r).report()).contains(Long.toHexString(bad1)).doesNotContain(Long.toHexString(bad2));
        assertThat(a.ksize(got[0]).isModelFinding()).isTrue();
        assertThat(a.ksize(got[1]).isModelFinding()).isTrue();
        assertThat(a.kmemCacheFreeBulk(foo, new long[0], 0)).isEqualTo(Result.VOID);
    }

    @Test
    void theSlabObservableNeedsExactlyAnAddressAndAField() throws Exception {
        SlubAllocator a = slub(Set.of());
        long o = a.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        ObservablePath one = new ObservablePath(List.of(new ObservablePath.Segment("slab", Long.toString(o))));
        assertThat(SlubSubsystem.INSTANCE.observe(a, null, one)).isEmpty();
        ObservablePath three = new ObservablePath(List.of(new ObservablePath.Segment("slab", Long.toString(o)),
                new ObservablePath.Segment("order", null), new ObservablePath.Segment("x", null)));
        assertThat(SlubSubsystem.INSTANCE.observe(a, null, three)).isEmpty();
    }
}
