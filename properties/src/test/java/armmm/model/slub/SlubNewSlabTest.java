package armmm.model.slub;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.page.PageAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code new_slab}/{@code allocate_slab} (mm/slub.c, 6.1) and the mask the buddy allocator sees:
 * the caller's mask cut to GFP_RECLAIM_MASK (mm/internal.h: no __GFP_ACCOUNT, no zone bits) plus
 * {@code s->allocflags}; the first try at {@code s->oo} always quiet and without retrying
 * ({@code | __GFP_NOWARN | __GFP_NORETRY, & ~__GFP_NOFAIL}), and above {@code s->min} for a
 * sleeping mask also {@code | __GFP_NOMEMALLOC, & ~__GFP_RECLAIM}; when it fails (fragmentation),
 * the fallback at {@code s->min} with the mask as it came, giving a slab of
 * {@code oo_objects(s->min)} objects. Also {@code kvmalloc_node}'s own mask above a page, seen
 * in that fallback.
 */
class SlubNewSlabTest {

    /** A board where only order-1 blocks are free: every page taken, then every other order-1 block given back. */
    private static SlubAllocator fragmented(String cmdline) throws Exception {
        SlubAllocator a = SlubBoards.slub(cmdline, 2048, 1, 1, Set.of());
        PageAllocator pa = a.pages();
        List<Long> pairs = new ArrayList<>();
        long pfn;
        while ((pfn = pa.allocPagesPfn(Gfp.GFP_KERNEL | Gfp.MEMALLOC, 1, 0)) >= 0) {
            pairs.add(pfn);
        }
        while (pa.allocPagesPfn(Gfp.GFP_KERNEL | Gfp.MEMALLOC, 0, 0) >= 0) {
            // the odd pages left
        }
        // give back the blocks whose buddy (pfn ^ 2) stays taken: nothing merges above order 1
        for (long p : pairs) {
            if ((p & 2) == 0) {
                pa.freePagesPfn(p, 1, 0);
            }
        }
        pa.drainLocalPages(0);
        return a;
    }

    @Test
    void theFirstTryIsQuietAndAboveTheMinimumOrderNeitherReclaimsNorUsesReserves() throws Exception {
        SlubAllocator a = SlubBoards.slub("", 8192, 1, 1, Set.of());
        // kmalloc-4k: s->oo order 3, s->min order 0; GFP_KERNEL sleeps
        assertThat(a.kmalloc(4096, Gfp.GFP_KERNEL | Gfp.NOFAIL, 0).value()).isNotZero();
        long g = a.pages().lastAlloc().gfp();
        assertThat(g & (Gfp.NOWARN | Gfp.NORETRY | Gfp.NOMEMALLOC | Gfp.COMP))
                .isEqualTo(Gfp.NOWARN | Gfp.NORETRY | Gfp.NOMEMALLOC | Gfp.COMP);
        assertThat(g & (Gfp.NOFAIL | Gfp.RECLAIM)).isZero();
        assertThat(g & (Gfp.IO | Gfp.FS)).isEqualTo(Gfp.IO | Gfp.FS);
        // GFP_ATOMIC does not sleep: reclaim bits as they were (kswapd), no __GFP_NOMEMALLOC
        assertThat(a.kmalloc(2048, Gfp.GFP_ATOMIC, 0).value()).isNotZero();
        g = a.pages().lastAlloc().gfp();
        assertThat(g & Gfp.KSWAPD_RECLAIM).isNotZero();
        assertThat(g & Gfp.NOMEMALLOC).isZero();
        assertThat(g & (Gfp.NOWARN | Gfp.NORETRY)).isEqualTo(Gfp.NOWARN | Gfp.NORETRY);
        // kmalloc-64: s->oo is s->min (order 0): still quiet, not retrying, no __GFP_NOFAIL; reclaim kept
        assertThat(a.kmalloc(64, Gfp.GFP_KERNEL | Gfp.NOFAIL, 0).value()).isNotZero();
        g = a.pages().lastAlloc().gfp();
        assertThat(g & (Gfp.NOWARN | Gfp.NORETRY)).isEqualTo(Gfp.NOWARN | Gfp.NORETRY);
        assertThat(g & (Gfp.NOFAIL | Gfp.NOMEMALLOC | Gfp.COMP)).isZero();
        assertThat(g & Gfp.RECLAIM).isEqualTo(Gfp.RECLAIM);
        // GFP_KERNEL_ACCOUNT picks kmalloc-cg-128; its slab's pages are not __GFP_ACCOUNT
        assertThat(a.kmalloc(128, Gfp.GFP_KERNEL_ACCOUNT, 0).value()).isNotZero();
        assertThat(a.slabOf(a.pages().layout().pageAddress(a.pages().lastAlloc().pfn())).cache.name())
                .isEqualTo("kmalloc-cg-128");
        assertThat(a.pages().lastAlloc().gfp() & Gfp.ACCOUNT).isZero();
    }

    @Test
    void underFragmentationTheSlabFallsBackToTheMinimumOrderWithTheCallersMask() throws Exception {
        SlubAllocator a = fragmented("");
        KmemCache k4 = a.caches().byName("kmalloc-4k");
        assertThat(k4.layout().order()).isEqualTo(3);
        assertThat(k4.layout().minOrder()).isZero();
        long o = a.kmalloc(4096, Gfp.GFP_KERNEL | Gfp.NOFAIL, 0).value();
        assertThat(o).isNotZero();
        Slab s = a.slabOf(o);
        assertThat(s.order).isZero();
        assertThat(s.objects).isEqualTo(1);
        long g = a.pages().lastAlloc().gfp();
        assertThat(g & Gfp.NOFAIL).isNotZero();
        assertThat(g & (Gfp.NOWARN | Gfp.NORETRY | Gfp.NOMEMALLOC | Gfp.COMP)).isZero();
        assertThat(g & Gfp.RECLAIM).isEqualTo(Gfp.RECLAIM);
        // kmalloc-8k: s->min order 1, a compound page of 2 frames, 1 object
        long e = a.kmalloc(8192, Gfp.GFP_KERNEL, 0).value();
        Slab s8 = a.slabOf(e);
        assertThat(s8.order).isEqualTo(1);
        assertThat(s8.objects).isEqualTo(1);
        assertThat(a.pages().lastAlloc().gfp() & Gfp.COMP).isNotZero();
        // its second page maps to the same slab
        assertThat(a.slabOf(e + 4096)).isSameAs(s8);
        assertThat(a.slabAtPfn(s8.pfn + 1)).isSameAs(s8);
        assertThat(a.slabAtPfn(s8.pfn + 2)).isNotSameAs(s8);
    }

    @Test
    void kvmallocsQuietMaskShowsInTheFallbackOnlyAboveAPage() throws Exception {
        // 4096: kmalloc-4k, the caller's mask as it is
        SlubAllocator a = fragmented("");
        assertThat(a.kvmalloc(4096, Gfp.GFP_KERNEL | Gfp.NOFAIL, 0).value()).isNotZero();
        long g = a.pages().lastAlloc().gfp();
        assertThat(g & Gfp.NOFAIL).isNotZero();
        assertThat(g & (Gfp.NOWARN | Gfp.NORETRY)).isZero();
        // 4097: kmalloc-8k, quiet, not retrying, no __GFP_NOFAIL
        assertThat(a.kvmalloc(4097, Gfp.GFP_KERNEL | Gfp.NOFAIL, 0).value()).isNotZero();
        g = a.pages().lastAlloc().gfp();
        assertThat(g & Gfp.NOFAIL).isZero();
        assertThat(g & (Gfp.NOWARN | Gfp.NORETRY)).isEqualTo(Gfp.NOWARN | Gfp.NORETRY);
        assertThat(a.pages().lastAlloc().order()).isEqualTo(1);
    }
}
