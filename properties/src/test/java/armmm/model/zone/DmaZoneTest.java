package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.board.BoardLine;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageOp;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A machine with a DMA zone size ({@code machine_desc.dma_zone_size}, arch/arm/mm/init.c
 * {@code setup_dma_zone}, {@code zone_sizes_init}): ZONE_DMA, ZONE_NORMAL and ZONE_HIGHMEM all
 * populated, every figure below worked out by hand from the kernel's formulas (mm/page_alloc.c),
 * and the 6.1 quirk that comes with it: {@code arm_dma_pfn_limit} is the pfn of the LAST DMA byte
 * but {@code max_zone_pfn} is an end, so ZONE_DMA stops one page short of the DMA limit, off a
 * MAX_ORDER boundary, and boot's hand-over frees the block holding that end into ZONE_DMA.
 */
class DmaZoneTest {
    /** QEMU virt, 1 GiB at 0x40000000, a 256 MiB DMA zone size: arm_dma_limit 0x4fffffff. */
    private static final Board BOARD = Board.virt(1L << 30).withDmaZoneSize(256L << 20);

    @Test
    void theDmaLimitCapsZoneDmaOnePageShortAndZoneNormalTakesTheRestOfLowmem() {
        assertThat(BOARD.armDmaLimit()).isEqualTo(0x4fff_ffffL);
        assertThat(BOARD.armDmaPfnLimit()).isEqualTo(0x4ffffL);
        assertThat(BOARD.maxDmaAddress()).isEqualTo(0xd000_0000L); // PAGE_OFFSET + 256 MiB
        ZoneSetup s = Kernel.boot(BOARD).zones().orElseThrow();
        ZoneConfig dma = s.zone(ZoneType.DMA);
        ZoneConfig normal = s.zone(ZoneType.NORMAL);
        ZoneConfig high = s.zone(ZoneType.HIGHMEM);
        // max_zone_pfn = {min(0x4ffff, max_low 0x70000), 0x70000, 0x80000}; zones start where the last ended
        assertThat(new long[] {dma.startPfn(), dma.spannedPages(), dma.presentPages()})
                .containsExactly(0x40000, 0x4ffff - 0x40000, 65535);
        assertThat(new long[] {normal.startPfn(), normal.spannedPages(), normal.presentPages()})
                .containsExactly(0x4ffff, 0x70000 - 0x4ffff, 131073);
        assertThat(new long[] {high.startPfn(), high.spannedPages()}).containsExactly(0x70000, 65536);
    }

    @Test
    void watermarksProtectionAndPcpSizesOfThreeZonesFollowTheKernelFormulas() {
        ZoneSetup s = Kernel.boot(BOARD).zones().orElseThrow();
        // managed at postcore (init_per_zone_wmark_min): the hand-over, then CMA (in DMA: 4096 pages
        // below arm_dma_limit rounded down to 8 MiB); the initrd (216) and init (512) come later
        long dma = s.managed().atWatermarks().get(ZoneType.DMA);
        long normal = s.managed().atWatermarks().get(ZoneType.NORMAL);
        long high = s.managed().atWatermarks().get(ZoneType.HIGHMEM);
        assertThat(new long[] {dma, normal, high}).containsExactly(60188, 128537, 65536);
        assertThat(s.zone(ZoneType.DMA).managedPages()).isEqualTo(60188 + 216 + 512);
        assertThat(s.cmaPages(ZoneType.DMA)).isEqualTo(4096);
        // min_free_kbytes = int_sqrt(4 x 16 x (60188 + 128537)) = int_sqrt(12078400) = 3475
        assertThat(s.minFreeKbytes()).isEqualTo(3475);
        // pages_min 868; DMA tmp = 868 x 60188 / 188725 = 276, step max(69, 60); Normal tmp = 868 x
        // 128537 / 188725 = 591, step max(147, 128); HighMem min clamp(64, 32, 128), tmp 301, step max(75, 65)
        assertThat(wmarks(s, ZoneType.DMA)).containsExactly(276, 345, 414);
        assertThat(wmarks(s, ZoneType.NORMAL)).containsExactly(591, 738, 885);
        assertThat(wmarks(s, ZoneType.HIGHMEM)).containsExactly(64, 139, 214);
        // lowmem_reserve: DMA ratio 256: 128537/256, (128537 + 65536)/256; Normal ratio 32: 65536/32
        assertThat(s.zone(ZoneType.DMA).lowmemReserve()).containsExactly(0, 502, 758, 758);
        assertThat(s.zone(ZoneType.NORMAL).lowmemReserve()).containsExactly(0, 0, 2048, 2048);
        assertThat(s.zone(ZoneType.HIGHMEM).lowmemReserve()).containsExactly(0, 0, 0, 0);
        // zone_batchsize: min(managed >> 10, 256) / 4 as 2^n - 1; zone_highsize: max(low, 4 x batch) on one CPU
        assertThat(new int[] {s.zone(ZoneType.DMA).pcpBatch(), s.zone(ZoneType.DMA).pcpHigh()}).containsExactly(15, 345);
        assertThat(new int[] {s.zone(ZoneType.NORMAL).pcpBatch(), s.zone(ZoneType.NORMAL).pcpHigh()}).containsExactly(31, 738);
    }

    @Test
    void theHandOverCountsTheBlockHoldingDmasEndAsDmasAs61Does() {
        ZoneSetup s = Kernel.boot(BOARD).zones().orElseThrow();
        // __free_pages_memory frees [0x4f800, 0x50000) as one order-11 block: __free_pages_core adds
        // all 2048 to page_zone(0x4f800) = DMA, one page of Normal with them. Counted by pfn, DMA
        // would manage 60187 + 728 and Normal 128538.
        assertThat(s.zone(ZoneType.DMA).managedPages()).isEqualTo(60916);
        assertThat(s.zone(ZoneType.NORMAL).managedPages()).isEqualTo(128537);
        assertThat(armmm.model.check.ZoneChecks.check(s)).isEmpty();
    }

    @Test
    void theLastPageOfTheDmaLimitLeavesDmasListsAndIsFreedIntoNormal() {
        Kernel k = Kernel.boot(BOARD);
        assertThat(k.check()).isEmpty();
        PageAllocator pa = k.pages();
        long normalFree = pa.zone(ZoneType.NORMAL).freePages() + pcp(pa, ZoneType.NORMAL);
        List<long[]> held = new ArrayList<>();
        // every order-11 block GFP_DMA can have, the one holding DMA's end given back whole: the
        // order-0 requests that follow must split it
        long window = -1;
        for (int i = 0; i < 64; i++) {
            long page = alloc(k, 11);
            if (page == 0) {
                break;
            }
            if (pa.layout().pageToPfn(page) == 0x4f800) {
                window = page;
            } else {
                held.add(new long[] {page, 11});
            }
        }
        assertThat(window).as("the order-11 block at pfn 0x4f800 is on DMA's lists").isPositive();
        assertThat(k.apply(new PageOp.FreePages(window, 11, 0))).isEqualTo(Result.VOID);
        long boundaryPage = -1;
        for (int i = 0; i < 8192 && boundaryPage < 0; i++) {
            long page = alloc(k, 0);
            if (page == 0) {
                break;
            }
            if (pa.layout().pageToPfn(page) == 0x4ffff) {
                boundaryPage = page;
            } else {
                held.add(new long[] {page, 0});
            }
        }
        assertThat(boundaryPage).as("GFP_DMA reaches the page past ZONE_DMA's end").isPositive();
        assertThat(pa.zoneIndex(0x4ffff)).isEqualTo(ZoneType.NORMAL.ordinal());
        assertThat(pa.zone(ZoneType.NORMAL).freePages() + pcp(pa, ZoneType.NORMAL)).isEqualTo(normalFree);
        // __free_pages goes by page_zone(): the page joins Normal, which grows by one page
        assertThat(k.apply(new PageOp.FreePages(boundaryPage, 0, 0))).isEqualTo(Result.VOID);
        assertThat(k.check()).isEmpty();
        assertThat(pa.zone(ZoneType.NORMAL).freePages() + pcp(pa, ZoneType.NORMAL)).isEqualTo(normalFree + 1);
        for (long[] h : held) {
            assertThat(k.apply(new PageOp.FreePages(h[0], (int) h[1], 0))).isEqualTo(Result.VOID);
        }
        assertThat(k.check()).isEmpty();
        assertThat(k.checkComplete()).isEmpty();
    }

    @Test
    void theBoardLineAndTheScenarioObservablesCarryTheDmaZoneSize() {
        Board b = BoardLine.parse(Map.of("ram", "1024M", "dma_zone_size", "256M"));
        assertThat(b.dmaZoneSize()).isEqualTo(256L << 20);
        assertThat(BoardLine.render(b)).isEqualTo("board ram=1024M dma_zone_size=256M");
        RunReport r = Runner.run(Parser.parse("dma.scn", """
                board ram=1024M dma_zone_size=256M
                expect zone[DMA].spanned == 65535
                expect zone[Normal].start_pfn == 0x4ffff
                expect zone[Normal].protection[2] == 2048
                alloc_pages GFP_KERNEL 0 -> $k
                expect page[$k].zone == Normal
                alloc_pages GFP_DMA 0 -> $d
                expect page[$d].zone == DMA
                __free_pages $k 0
                __free_pages $d 0
                """));
        assertThat(r.messages()).isEmpty();
        assertThat(r.passed()).isEqualTo(5);
    }

    /** {@code alloc_pages(GFP_DMA, order)} on CPU 0, every invariant checked after it; 0 for NULL. */
    private static long alloc(Kernel k, int order) {
        Result r = k.apply(new PageOp.AllocPages(Gfp.GFP_DMA, order, 0));
        assertThat(k.check()).as("after GFP_DMA order %d", order).isEmpty();
        return ((Result.Value) r).value();
    }

    private static long[] wmarks(ZoneSetup s, ZoneType t) {
        ZoneConfig z = s.zone(t);
        return new long[] {z.min(), z.low(), z.high()};
    }

    private static long pcp(PageAllocator pa, ZoneType t) {
        long n = 0;
        for (int cpu = 0; cpu < pa.nrCpus(); cpu++) {
            n += pa.zone(t).pcp(cpu).count();
        }
        return n;
    }
}
