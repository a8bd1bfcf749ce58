package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.zone.ZoneType;
import org.junit.jupiter.api.Test;

/**
 * What an allocation's trace says of its pass (mm/page_alloc.c {@code __alloc_pages}): the fast
 * pass runs at ALLOC_WMARK_LOW with ALLOC_KSWAPD from __GFP_KSWAPD_RECLAIM and ALLOC_CMA for a movable
 * request ({@code gfp_to_alloc_flags_cma}); the slow pass at ALLOC_WMARK_MIN, with
 * ALLOC_MIN_RESERVE (__GFP_HIGH) and ALLOC_NON_BLOCK for GFP_ATOMIC; the highest zone is
 * {@code gfp_zone}'s. On {@link TestBoards#small}, whose DMA has min 128 and low 160.
 */
class AllocTraceFlagsTest {
    private final PageAllocator pa = TestBoards.small(2);

    @Test
    void theFastPassOfAKernelAndAMovableRequest() {
        pa.allocPages(Gfp.GFP_KERNEL, 0, 0);
        AllocTrace t = pa.lastAlloc();
        assertThat(t.highestZone()).isEqualTo(ZoneType.NORMAL.ordinal());
        assertThat(t.allocFlags()).isEqualTo(PageAllocator.ALLOC_WMARK_LOW | PageAllocator.ALLOC_KSWAPD);
        assertThat(t.watermark()).isEqualTo(1);
        assertThat(t.usedReserves()).isFalse();
        assertThat(t.allowsCma()).isFalse();
        pa.allocPages(Gfp.GFP_HIGHUSER_MOVABLE, 0, 0);
        t = pa.lastAlloc();
        // __GFP_HIGHMEM | __GFP_MOVABLE: GFP_ZONE_TABLE's ZONE_MOVABLE (empty here)
        assertThat(t.highestZone()).isEqualTo(ZoneType.MOVABLE.ordinal());
        assertThat(t.allocFlags()).isEqualTo(PageAllocator.ALLOC_WMARK_LOW | PageAllocator.ALLOC_KSWAPD
                | PageAllocator.ALLOC_CMA);
        assertThat(t.allowsCma()).isTrue();
        assertThat(t.usedReserves()).isFalse();
    }

    @Test
    void theSlowPassOfAnAtomicRequestMayUseTheReserves() {
        // DMA's five order-11 blocks and one order-9 block to movable requests: 512 pages left, and an
        // order-9 request fails both watermarks (512 - 511 = 1 is not above 160, nor above 128)
        for (int i = 0; i < 5; i++) {
            pa.allocPages(Gfp.GFP_KERNEL | Gfp.MOVABLE, 11, 0);
        }
        pa.allocPages(Gfp.GFP_KERNEL | Gfp.MOVABLE, 9, 0);
        assertThat(pa.allocPages(Gfp.GFP_KERNEL | Gfp.MOVABLE, 9, 0).value()).isZero();
        AllocTrace kernel = pa.lastAlloc();
        assertThat(kernel.watermark()).isZero();
        assertThat(kernel.usedReserves()).isFalse();
        assertThat(kernel.pfn()).isEqualTo(-1);
        pa.allocPages(Gfp.GFP_ATOMIC, 9, 0);
        AllocTrace atomic = pa.lastAlloc();
        assertThat(atomic.watermark()).isZero();
        assertThat(atomic.usedReserves()).isTrue();
        assertThat(atomic.allocFlags() & PageAllocator.ALLOC_MIN_RESERVE).isNotZero();
        assertThat(atomic.allocFlags() & PageAllocator.ALLOC_NON_BLOCK).isNotZero();
        assertThat(atomic.allowsCma()).isFalse();
    }
}
