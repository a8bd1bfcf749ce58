package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.core.Violation;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.zone.CmaArea;
import armmm.model.zone.LateFree;
import armmm.model.zone.ManagedPages;
import armmm.model.zone.NodeZones;
import armmm.model.zone.PerZone;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneInputs;
import armmm.model.zone.ZoneSetup;
import armmm.model.zone.ZoneSpans;
import armmm.model.zone.ZoneTuning;
import armmm.model.zone.ZoneType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each check of {@link ZoneChecks} on zones set up by hand that break exactly one of its
 * conditions, and on the neighbouring state the kernel allows.
 *
 * <p>The base board, worked by hand from mm/page_alloc.c and mm/memblock.c: 48 MiB of RAM at
 * 0x40000000 (pfns 0x40000..0x42fff), max_low_pfn 0x42000 (32 MiB of lowmem), no machine DMA
 * limit, 1 MiB reserved at the start (pfns 0x40000..0x400ff), one CPU. {@code free_area_init}:
 * DMA [0x40000, 0x42000) 8192 pages, Normal empty (start 0), HighMem [0x42000, 0x43000) 4096,
 * Movable empty, movable_zone HighMem. Managed ({@code memblock_free_all}, {@code free_highpages}):
 * DMA 8192 - 256 = 7936, HighMem 4096. {@code calculate_min_free_kbytes}: int_sqrt(16 x 7936 x 4)
 * = int_sqrt(507904) = 712; pages_min 178. {@code __setup_per_zone_wmarks} over 7936 lowmem
 * pages: DMA tmp 178, step max(44, 7) = 44: 178/222/266; HighMem min clamp(4, 32, 128) = 32, tmp
 * 178 x 4096 / 7936 = 91, step max(22, 4) = 22: 32/54/76; Normal 0/0/0; Movable (highmem) 32/32/32.
 * {@code setup_per_zone_lowmem_reserve} with ratios 256 32 0 0: DMA against HighMem and Movable
 * 4096 / 256 = 16. {@code zone_batchsize}: 7936 >> 10 = 7, / 4 = 1, rounddown_pow_of_two(1) - 1
 * = 0, at least 1; {@code zone_highsize}: the low watermark over 1 CPU, at least 4: DMA 222,
 * HighMem 54, Normal 4, Movable 32.
 */
class ZoneChecksStatesTest {
    private static final ZoneType DMA = ZoneType.DMA;
    private static final ZoneType NORMAL = ZoneType.NORMAL;
    private static final ZoneType HIGHMEM = ZoneType.HIGHMEM;
    private static final ZoneType MOVABLE = ZoneType.MOVABLE;
    private static final int[] RATIOS = {256, 32, 0, 0};
    private static final Region RAM = new Region(0x4000_0000L, 0x300_0000L, 0);
    private static final Region KERNEL = new Region(0x4000_0000L, 0x10_0000L, 0);

    private static ZoneInputs inputs(List<Region> memory, List<Region> reserved, long maxLowPfn, long dmaPfnLimit,
                                     List<CmaArea> cma, int cpus, List<LateFree> late) {
        return new ZoneInputs(memory, reserved, maxLowPfn, 0x43000, dmaPfnLimit, 0, cma, cpus, 10, RATIOS, late, 2048);
    }

    private static final ZoneInputs BASE_IN = inputs(List.of(RAM), List.of(KERNEL), 0x42000, ZoneInputs.NO_DMA_LIMIT,
            List.of(), 1, List.of());

    private static PerZone pz(long... v) {
        return PerZone.of(v);
    }

    private static ZoneConfig zone(ZoneType t, long start, long spanned, long present, long managed, long min, long low,
                                   long high, long[] reserve, int pcpHigh, int batch) {
        return new ZoneConfig(t, start, spanned, present, managed, min, low, high, reserve, pcpHigh, batch);
    }

    private static final PerZone BASE_MANAGED = pz(7936, 0, 4096, 0);

    private static ZoneSetup base() {
        ZoneSpans spans = new ZoneSpans(pz(0x40000, 0, 0x42000, 0), pz(8192, 0, 4096, 0), pz(8192, 0, 4096, 0), HIGHMEM, 0,
                0x40000, 0x43000);
        List<ZoneConfig> zones = List.of(
                zone(DMA, 0x40000, 8192, 8192, 7936, 178, 222, 266, new long[] {0, 0, 16, 16}, 222, 1),
                zone(NORMAL, 0, 0, 0, 0, 0, 0, 0, new long[4], 4, 1),
                zone(HIGHMEM, 0x42000, 4096, 4096, 4096, 32, 54, 76, new long[4], 54, 1),
                zone(MOVABLE, 0, 0, 0, 0, 32, 32, 32, new long[4], 32, 1));
        return new ZoneSetup(BASE_IN, spans, new ManagedPages(BASE_MANAGED, pz(0, 0, 0, 0), BASE_MANAGED, BASE_MANAGED, 0),
                712, zones, pz(2, 0, 2, 0), tuning(-1, 10, RATIOS, 0, BASE_MANAGED, BASE_MANAGED, BASE_MANAGED));
    }

    private static ZoneTuning tuning(long user, int wsf, int[] ratios, int fraction, PerZone wmark, PerZone reserve,
                                     PerZone pcp) {
        return new ZoneTuning(user, wsf, ratios, fraction, wmark, reserve, pcp, 15000);
    }

    /** {@code s} with the zones of {@code replaced}' types replaced. */
    private static ZoneSetup with(ZoneSetup s, ZoneConfig... replaced) {
        List<ZoneConfig> zones = new ArrayList<>(s.zones());
        for (ZoneConfig z : replaced) {
            zones.set(z.type().ordinal(), z);
        }
        return new ZoneSetup(s.inputs(), s.spans(), s.managed(), s.minFreeKbytes(), zones, s.statThreshold(), s.tuning());
    }

    private static ZoneSetup with(ZoneSetup s, ZoneInputs in) {
        return new ZoneSetup(in, s.spans(), s.managed(), s.minFreeKbytes(), s.zones(), s.statThreshold(), s.tuning());
    }

    private static ZoneSetup with(ZoneSetup s, ZoneTuning t, long minFree) {
        return new ZoneSetup(s.inputs(), s.spans(), s.managed(), minFree, s.zones(), s.statThreshold(), t);
    }

    /** The zone {@code t} of {@code s} with its managed pages set. */
    private static ZoneConfig managed(ZoneSetup s, ZoneType t, long managed) {
        return s.zone(t).withManagedPages(managed);
    }

    /** A zone of the base with start, span and present pages moved. */
    private static ZoneConfig span(ZoneSetup s, ZoneType t, long start, long spanned, long present) {
        ZoneConfig z = s.zone(t);
        return zone(t, start, spanned, present, Math.min(z.managedPages(), present), z.min(), z.low(), z.high(),
                z.lowmemReserve(), z.pcpHigh(), z.pcpBatch());
    }

    private static List<String> reasons(Function<ZoneSetup, List<Violation>> check, ZoneSetup s, String id) {
        List<Violation> v = check.apply(s);
        assertThat(v).allSatisfy(x -> assertThat(x.id()).isEqualTo(id));
        return v.stream().map(Violation::reason).toList();
    }

    private static List<String> details(Function<ZoneSetup, List<Violation>> check, ZoneSetup s) {
        return check.apply(s).stream().map(Violation::details).toList();
    }

    @Test
    void theHandWorkedBaseIsWhatBootComputesAndBreaksNothing() {
        ZoneSetup s = base();
        assertThat(ZoneChecks.check(s)).isEmpty();
        // the model's own set-up agrees with the hand-worked one, number for number
        assertThat(ZoneSetup.compute(BASE_IN)).isEqualTo(s);
        assertThat(ZoneChecks.ALL.stream().map(ZoneChecks.ZoneInvariant::id)).containsExactly("INV-ZONE-01",
                "INV-ZONE-02", "INV-ZONE-03", "INV-ZONE-04", "INV-ZONE-05", "INV-ZONE-06", "INV-ZONE-07", "INV-ZONE-08");
    }

    /**
     * INV-ZONE-01 ({@code calculate_node_totalpages}: an empty zone's zone_start_pfn is 0;
     * {@code zone_spanned_pages_in_node} keeps each zone in its own pfn range inside the node):
     * an empty zone with a start, a zone that starts a page before the previous one ends or before
     * the node, one that ends a page past the node; a zone that starts where the previous ends and
     * one that ends where the node ends are allowed, and an empty zone between does not count.
     */
    @Test
    void zonesLieInOrderInsideTheNode() {
        ZoneSetup s = base();
        var check = (Function<ZoneSetup, List<Violation>>) ZoneChecks::spansOrderedInsideTheNode;
        ZoneSetup emptyWithStart = with(s, zone(NORMAL, 0x42000, 0, 0, 0, 0, 0, 0, new long[4], 4, 1));
        assertThat(reasons(check, emptyWithStart, "INV-ZONE-01")).containsExactly("empty zone with a start");
        assertThat(details(check, emptyWithStart)).containsExactly("Normal spans nothing but starts at pfn 270336");
        ZoneSetup overlap = with(s, span(s, HIGHMEM, 0x41fff, 4097, 4097));
        assertThat(reasons(check, overlap, "INV-ZONE-01")).containsExactly("zones overlap");
        assertThat(details(check, overlap)).containsExactly("HighMem starts at pfn 270335, below the end of DMA at 270336");
        ZoneSetup belowNode = with(s, span(s, DMA, 0x3ffff, 8193, 8192));
        assertThat(details(check, belowNode)).containsExactly("DMA starts at pfn 262143, below the end of node start at 262144");
        ZoneSetup pastNode = with(s, span(s, HIGHMEM, 0x42000, 4097, 4096));
        assertThat(reasons(check, pastNode, "INV-ZONE-01")).containsExactly("zone beyond RAM");
        assertThat(details(check, pastNode)).containsExactly("HighMem ends at pfn 274433, past the node's end 274432");
        // Movable carved out of HighMem's top: it starts where HighMem ends, not a page before
        ZoneSetup carved = with(s, span(s, HIGHMEM, 0x42000, 2048, 2048), span(s, MOVABLE, 0x42800, 2048, 2048));
        assertThat(check.apply(carved)).isEmpty();
        ZoneSetup movableOverlaps = with(s, span(s, HIGHMEM, 0x42000, 2048, 2048), span(s, MOVABLE, 0x427ff, 2049, 2049));
        assertThat(details(check, movableOverlaps)).containsExactly(
                "Movable starts at pfn 272383, below the end of HighMem at 272384");
    }

    /**
     * INV-ZONE-02 ({@code zone_absent_pages_in_node}: holes are the pfns no memblock.memory region
     * covers in whole pages; NOMAP memory is present): memory [0x40000000, 0x41000800) and
     * [0x41001800, 0x43000000) leave pfns 0x41000 and 0x41001 out of DMA's 8192 (8190 present);
     * memory ending at 0x42800000 gives HighMem 2048; a NOMAP region in between is present; a zone
     * starting below memory counts only the memory.
     */
    @Test
    void presentPagesAreTheSpanLessTheHoles() {
        ZoneSetup s = base();
        var check = (Function<ZoneSetup, List<Violation>>) ZoneChecks::presentIsSpannedMinusHoles;
        ZoneSetup miscounted = with(s, span(s, DMA, 0x40000, 8192, 8191));
        assertThat(reasons(check, miscounted, "INV-ZONE-02")).containsExactly("present pages miscounted");
        assertThat(details(check, miscounted)).containsExactly(
                "DMA present 8191, memblock.memory covers 8192 of its 8192 spanned pages");

        ZoneSetup holes = with(s, inputs(List.of(new Region(0x4000_0000L, 0x100_0800L, 0),
                new Region(0x4100_1800L, 0x1ff_e800L, 0)), List.of(KERNEL), 0x42000, ZoneInputs.NO_DMA_LIMIT, List.of(), 1, List.of()));
        assertThat(reasons(check, holes, "INV-ZONE-02")).containsExactly("present pages miscounted");
        assertThat(check.apply(with(holes, span(s, DMA, 0x40000, 8192, 8190)))).isEmpty();
        assertThat(check.apply(with(holes, span(s, DMA, 0x40000, 8192, 8189)))).hasSize(1);

        ZoneSetup shortRam = with(s, inputs(List.of(new Region(0x4000_0000L, 0x280_0000L, 0)), List.of(KERNEL), 0x42000,
                ZoneInputs.NO_DMA_LIMIT, List.of(), 1, List.of()));
        assertThat(details(check, shortRam)).containsExactly(
                "HighMem present 4096, memblock.memory covers 2048 of its 4096 spanned pages");
        assertThat(check.apply(with(shortRam, span(s, HIGHMEM, 0x42000, 4096, 2048)))).isEmpty();

        ZoneSetup nomap = with(s, inputs(List.of(new Region(0x4000_0000L, 0x100_0000L, 0),
                new Region(0x4100_0000L, 0x10_0000L, Memblock.NOMAP), new Region(0x4110_0000L, 0x1f0_0000L, 0)),
                List.of(KERNEL), 0x42000, ZoneInputs.NO_DMA_LIMIT, List.of(), 1, List.of()));
        assertThat(check.apply(nomap)).isEmpty();

        ZoneSetup below = with(s, span(s, DMA, 0x3f000, 0x3000, 8192));
        assertThat(check.apply(below)).isEmpty();
    }

    /** A one-CPU base variant with other memory, reservations, CMA, late frees or DMA limit. */
    private static ZoneSetup board(List<Region> memory, List<Region> reserved, long dmaPfnLimit, List<CmaArea> cma,
                                   List<LateFree> late, ZoneConfig... zones) {
        return with(with(base(), inputs(memory, reserved, 0x42000, dmaPfnLimit, cma, 1, late)), zones);
    }

    private static List<String> managedDetails(ZoneSetup s) {
        return details(ZoneChecks::managedIsWhatWasFreed, s);
    }

    /**
     * INV-ZONE-03 ({@code memblock_free_all} frees the whole pages no reservation touches,
     * PFN_DOWN of a reservation's base to PFN_UP of its end; NOMAP memory is never freed): one
     * page more or less is caught; reservations that touch one page twice take it once; a
     * reservation off page boundaries takes both partial pages; a NOMAP MiB is not managed;
     * memory off page boundaries gives only its whole pages.
     */
    @Test
    void managedPagesAreTheWholeFreePagesOfMappedMemory() {
        ZoneSetup s = base();
        assertThat(reasons(ZoneChecks::managedIsWhatWasFreed, with(s, managed(s, DMA, 7937)), "INV-ZONE-03"))
                .containsExactly("managed pages miscounted");
        assertThat(managedDetails(with(s, managed(s, DMA, 7935))))
                .containsExactly("DMA managed 7935, expected 7936 freed pages (present 8192)");
        // pages [0x40000, 0x40101) and [0x40100, 0x40102) and [0x40001, 0x40002), given out of order: 258 pages in all
        List<Region> reserved = List.of(new Region(0x4010_0c00L, 0x800, 0), new Region(0x4000_0000L, 0x10_0800L, 0),
                new Region(0x4000_1000L, 0x1000, 0));
        ZoneSetup touching = board(List.of(RAM), reserved, ZoneInputs.NO_DMA_LIMIT, List.of(), List.of(), managed(s, DMA, 7934));
        assertThat(managedDetails(touching)).isEmpty();
        assertThat(managedDetails(with(touching, managed(s, DMA, 7933)))).hasSize(1);
        // a NOMAP MiB in lowmem: 256 pages fewer
        ZoneSetup nomap = board(List.of(new Region(0x4000_0000L, 0x100_0000L, 0),
                new Region(0x4100_0000L, 0x10_0000L, Memblock.NOMAP), new Region(0x4110_0000L, 0x1f0_0000L, 0)),
                List.of(KERNEL), ZoneInputs.NO_DMA_LIMIT, List.of(), List.of(), managed(s, DMA, 7680));
        assertThat(managedDetails(nomap)).isEmpty();
        assertThat(managedDetails(with(nomap, managed(s, DMA, 7936))))
                .containsExactly("DMA managed 7936, expected 7680 freed pages (present 8192)");
        // memory [0x40000000, 0x41fff800) and [0x42000400, 0x43000000): pfns 0x41fff and 0x42000 are not whole
        ZoneSetup partial = board(List.of(new Region(0x4000_0000L, 0x1ff_f800L, 0), new Region(0x4200_0400L, 0xff_fc00L, 0)),
                List.of(KERNEL), ZoneInputs.NO_DMA_LIMIT, List.of(), List.of(), managed(s, DMA, 7935), managed(s, HIGHMEM, 4095));
        assertThat(managedDetails(partial)).isEmpty();
        assertThat(managedDetails(with(partial, managed(s, HIGHMEM, 4096))))
                .containsExactly("HighMem managed 4096, expected 4095 freed pages (present 4096)");
    }

    /**
     * INV-ZONE-03's later additions: a CMA area's pages come back at core_initcall
     * ({@code init_cma_reserved_pageblock}), late frees ({@code free_reserved_area}) add theirs,
     * the balloon's pages are off ({@code adjust_managed_page_count}); and managed may not pass
     * present (a late free of 512 pages of which 256 were already free goes 256 past it).
     */
    @Test
    void cmaLateFreesAndTheBalloonMoveManaged() {
        ZoneSetup s = base();
        // 4 MiB of CMA at the top of HighMem, reserved at boot and given back: 1024 pages
        CmaArea cma = new CmaArea(0x42c0_0000L, 0x40_0000L);
        ZoneSetup withCma = board(List.of(RAM), List.of(KERNEL, new Region(0x42c0_0000L, 0x40_0000L, 0)),
                ZoneInputs.NO_DMA_LIMIT, List.of(cma), List.of());
        assertThat(managedDetails(withCma)).isEmpty();
        assertThat(managedDetails(with(withCma, managed(s, HIGHMEM, 3072))))
                .containsExactly("HighMem managed 3072, expected 4096 freed pages (present 4096)");
        // the reserved MiB freed late: managed reaches present exactly
        ZoneSetup late = board(List.of(RAM), List.of(KERNEL), ZoneInputs.NO_DMA_LIMIT, List.of(),
                List.of(new LateFree("initrd", 0x40000, 0x40100)), managed(s, DMA, 8192));
        assertThat(managedDetails(late)).isEmpty();
        // 512 pages freed late, 256 of them free already: 8448 expected, past present
        ZoneSetup twice = board(List.of(RAM), List.of(KERNEL), ZoneInputs.NO_DMA_LIMIT, List.of(),
                List.of(new LateFree("initrd", 0x40000, 0x40200)), managed(s, DMA, 8448));
        assertThat(managedDetails(twice)).containsExactly("DMA managed 8448, expected 8448 freed pages (present 8192)");
        // 10 DMA pages in the balloon
        long[] ballooned = {10, 0, 0, 0};
        assertThat(ZoneChecks.managedIsWhatWasFreed(with(s, managed(s, DMA, 7926)), ballooned)).isEmpty();
        assertThat(ZoneChecks.managedIsWhatWasFreed(s, ballooned).stream().map(Violation::details))
                .containsExactly("DMA managed 7936, expected 7936 freed pages less 10 in the balloon (present 8192)");
    }

    /**
     * INV-ZONE-03 where a lowmem zone ends off a MAX_ORDER_NR_PAGES (2048) boundary: with
     * arm_dma_pfn_limit 0x41100, DMA is [0x40000, 0x41100) (4352 pages) and Normal [0x41100,
     * 0x42000) (3840). {@code __free_pages_memory} walks the free range [0x40100, 0x42000) in
     * naturally aligned blocks of at most 2048 pages: the block [0x41000, 0x41800) holds DMA's end
     * and counts wholly as DMA's ({@code __free_pages_core} on its first page), so 0x700 = 1792
     * Normal pages are DMA's: DMA 4352 - 256 + 1792 = 5888, Normal 3840 - 1792 = 2048. A page
     * reserved at 0x41400 shortens the block to [0x41000, 0x41400): 768 spill (DMA 4864, Normal
     * 3071); one reserved at 0x410ff (DMA's last page) or 0x41100 (Normal's first) leaves none.
     */
    @Test
    void aBlockAcrossAnOffBoundaryZoneEndCountsAsTheLowerZones() {
        ZoneSetup s = base();
        ZoneConfig dma = span(s, DMA, 0x40000, 0x1100, 0x1100);
        ZoneConfig normal = zone(NORMAL, 0x41100, 0xf00, 0xf00, 0, 0, 0, 0, new long[4], 4, 1);
        long dmaLimit = 0x41100;
        ZoneSetup spill = board(List.of(RAM), List.of(KERNEL), dmaLimit, List.of(), List.of(), dma.withManagedPages(5888),
                normal.withManagedPages(2048));
        assertThat(managedDetails(spill)).isEmpty();
        assertThat(managedDetails(board(List.of(RAM), List.of(KERNEL), dmaLimit, List.of(), List.of(),
                dma.withManagedPages(4096), normal.withManagedPages(3840)))).containsExactly(
                "DMA managed 4096, expected 5888 freed pages (present 4352)", "Normal managed 3840, expected 2048 freed pages (present 3840)");
        List<Region> at41400 = List.of(KERNEL, new Region(0x4140_0000L, 0x1000, 0));
        assertThat(managedDetails(board(List.of(RAM), at41400, dmaLimit, List.of(), List.of(), dma.withManagedPages(4864),
                normal.withManagedPages(3071)))).isEmpty();
        for (long page : new long[] {0x410ff, 0x41100}) {
            List<Region> reserved = List.of(KERNEL, new Region(page << 12, 0x1000, 0));
            boolean inDma = page < dmaLimit;
            assertThat(managedDetails(board(List.of(RAM), reserved, dmaLimit, List.of(), List.of(),
                    dma.withManagedPages(inDma ? 4095 : 4096), normal.withManagedPages(inDma ? 3840 : 3839))))
                    .as("page %#x reserved", page).isEmpty();
        }
        // an end on a 2048 boundary spills nothing: DMA [0x40000, 0x41000), Normal [0x41000, 0x42000)
        assertThat(managedDetails(board(List.of(RAM), List.of(KERNEL), 0x41000, List.of(), List.of(),
                span(s, DMA, 0x40000, 0x1000, 0x1000).withManagedPages(3840),
                zone(NORMAL, 0x41000, 0x1000, 0x1000, 4096, 0, 0, 0, new long[4], 4, 1)))).isEmpty();
    }

    /**
     * The block across DMA's end 0x41100 (DMA 4352 pages from 0x40000, Normal 3840, the window
     * [0x41000, 0x41800)) is bounded by the free run around the end, as {@code __free_pages_memory}
     * sees it: a page reserved at the window's start 0x41000 leaves the run [0x41001, ...), whose
     * naturally aligned blocks end on 0x41100 itself (no spill: DMA 4352 - 257, Normal 3840); one
     * reserved just below the window (0x40fff) does not shorten it (DMA 4352 - 257 + 1792); a
     * max_low_pfn of 0x41400 ends the free range there ({@code __free_memory_core} stops at it:
     * block [0x41000, 0x41400), DMA 4864, Normal 0, HighMem 7168 freed page by page); so do a NOMAP
     * page and a hole at 0x41400; memory that starts on the window (0x41000000) after a hole feeds
     * the whole block, memory that starts at 0x41000800 leaves page 0x41000 out and nothing spills.
     */
    @Test
    void theBlockAcrossTheEndIsBoundedByTheFreeRunAroundIt() {
        ZoneSetup s = base();
        ZoneConfig dma = span(s, DMA, 0x40000, 0x1100, 0x1100);
        ZoneConfig normal = zone(NORMAL, 0x41100, 0xf00, 0xf00, 0, 0, 0, 0, new long[4], 4, 1);
        long dmaLimit = 0x41100;
        for (long[] c : new long[][] {{0x41000, 4095, 3840}, {0x40fff, 5887, 2048}}) {
            List<Region> reserved = List.of(KERNEL, new Region(c[0] << 12, 0x1000, 0));
            assertThat(managedDetails(board(List.of(RAM), reserved, dmaLimit, List.of(), List.of(), dma.withManagedPages(c[1]),
                    normal.withManagedPages(c[2])))).as("page %#x reserved", c[0]).isEmpty();
        }
        ZoneSetup lowmemEnd = with(with(base(), inputs(List.of(RAM), List.of(KERNEL), 0x41400, dmaLimit, List.of(), 1,
                List.of())), dma.withManagedPages(4864), zone(NORMAL, 0x41100, 0x300, 0x300, 0, 0, 0, 0, new long[4], 4, 1),
                zone(HIGHMEM, 0x41400, 0x1c00, 0x1c00, 7168, 32, 54, 76, new long[4], 54, 1));
        assertThat(managedDetails(lowmemEnd)).isEmpty();
        // max_low_pfn 0x417ff: the free range ends one page short of the window's end, so the block is still 1024
        ZoneSetup lowmemEndOdd = with(with(base(), inputs(List.of(RAM), List.of(KERNEL), 0x417ff, dmaLimit, List.of(), 1,
                List.of())), dma.withManagedPages(4864), zone(NORMAL, 0x41100, 0x6ff, 0x6ff, 1023, 0, 0, 0, new long[4], 4, 1),
                zone(HIGHMEM, 0x417ff, 0x1801, 0x1801, 6145, 32, 54, 76, new long[4], 54, 1));
        assertThat(managedDetails(lowmemEndOdd)).isEmpty();
        List<Region> nomapAt41400 = List.of(new Region(0x4000_0000L, 0x140_0000L, 0), new Region(0x4140_0000L, 0x1000, Memblock.NOMAP),
                new Region(0x4140_1000L, 0x1bf_f000L, 0));
        assertThat(managedDetails(board(nomapAt41400, List.of(KERNEL), dmaLimit, List.of(), List.of(), dma.withManagedPages(4864),
                normal.withManagedPages(3071)))).isEmpty();
        List<Region> holeAt41400 = List.of(new Region(0x4000_0000L, 0x140_0000L, 0), new Region(0x4150_0000L, 0x1b0_0000L, 0));
        assertThat(managedDetails(board(holeAt41400, List.of(KERNEL), dmaLimit, List.of(), List.of(), dma.withManagedPages(4864),
                normal.withManagedPages(2816)))).isEmpty();
        List<Region> fromWindow = List.of(new Region(0x4000_0000L, 0xff_f000L, 0), new Region(0x4100_0000L, 0x200_0000L, 0));
        assertThat(managedDetails(board(fromWindow, List.of(KERNEL), dmaLimit, List.of(), List.of(), dma.withManagedPages(5887),
                normal.withManagedPages(2048)))).isEmpty();
        List<Region> offWindow = List.of(new Region(0x4000_0000L, 0xff_f000L, 0), new Region(0x4100_0800L, 0x1ff_f800L, 0));
        assertThat(managedDetails(board(offWindow, List.of(KERNEL), dmaLimit, List.of(), List.of(), dma.withManagedPages(4094),
                normal.withManagedPages(3840)))).isEmpty();
    }

    /**
     * The block across the end need not be the run's first: DMA ending at 0x41300 (4864 pages,
     * Normal 3328) with page 0x410ff reserved frees [0x41100, 0x41200) (256 pages, inside DMA)
     * and then [0x41200, 0x41400), which holds the end: 256 Normal pages are DMA's (DMA 4864 - 257
     * + 256 = 4863, Normal 3072).
     */
    @Test
    void theBlockAcrossTheEndMayFollowSmallerBlocks() {
        ZoneSetup s = base();
        List<Region> reserved = List.of(KERNEL, new Region(0x410f_f000L, 0x1000, 0));
        ZoneSetup later = board(List.of(RAM), reserved, 0x41300, List.of(), List.of(),
                span(s, DMA, 0x40000, 0x1300, 0x1300).withManagedPages(4863),
                zone(NORMAL, 0x41300, 0xd00, 0xd00, 3072, 0, 0, 0, new long[4], 4, 1));
        assertThat(managedDetails(later)).isEmpty();
    }

    /**
     * The zone a spilled block is taken from is the one {@code page_zone} gives for the first page
     * past the end: Normal when Movable lies in HighMem (carved out of its top); Movable where a
     * Movable span [0x41100, 0x41800) overlaps Normal's (a state {@code ZONE_MOVABLE_NOT_CARVED} leaves:
     * {@code memmap_init} initialises the struct pages zone by zone, Movable last, so its zone
     * number is the one they keep: Movable manages 1792 - 1792 = 0, Normal all its 3840). With no populated zone after the end (an empty Normal with a
     * start, INV-ZONE-01's business, and the pfns up to HighMem in no zone) nothing spills.
     */
    @Test
    void theSpillLeavesTheZoneOfTheFirstPagePastTheEnd() {
        ZoneSetup s = base();
        ZoneConfig dma = span(s, DMA, 0x40000, 0x1100, 0x1100).withManagedPages(5888);
        ZoneConfig normal = zone(NORMAL, 0x41100, 0xf00, 0xf00, 2048, 0, 0, 0, new long[4], 4, 1);
        long dmaLimit = 0x41100;
        assertThat(managedDetails(board(List.of(RAM), List.of(KERNEL), dmaLimit, List.of(), List.of(), dma, normal,
                zone(HIGHMEM, 0x42000, 0x800, 0x800, 2048, 32, 54, 76, new long[4], 54, 1),
                zone(MOVABLE, 0x42800, 0x800, 0x800, 2048, 32, 32, 32, new long[4], 32, 1)))).isEmpty();
        ZoneSetup overlapping = board(List.of(RAM), List.of(KERNEL), dmaLimit, List.of(), List.of(), dma,
                normal.withManagedPages(3840), zone(MOVABLE, 0x41100, 0x700, 0x700, 0, 32, 32, 32, new long[4], 32, 1));
        assertThat(managedDetails(overlapping)).isEmpty();
        ZoneSetup noNext = board(List.of(RAM), List.of(KERNEL), dmaLimit, List.of(), List.of(), dma.withManagedPages(4096),
                zone(NORMAL, 0x410ff, 0, 0, 0, 0, 0, 0, new long[4], 4, 1));
        assertThat(managedDetails(noNext)).isEmpty();
    }

    /** {@link ZoneChecks#check} reports every invariant's violations, in catalogue order. */
    @Test
    void theWholeCheckReportsEachBrokenInvariant() {
        ZoneSetup s = base();
        // min_free_kbytes 713: pages_min still 178, so only HighMem's min 55 breaks the formula
        ZoneSetup broken = with(with(s, s.tuning(), 713), s.zone(HIGHMEM).withWatermarks(55, 54, 76));
        assertThat(ZoneChecks.check(broken).stream().map(v -> v.id() + " " + v.reason())).containsExactly(
                "INV-ZONE-04 watermarks out of order", "INV-ZONE-05 watermark formula broken",
                "INV-ZONE-07 min_free_kbytes miscomputed");
    }

    /**
     * INV-ZONE-03 in a running kernel with a balloon ({@code fill_balloon} takes each page off its
     * zone's managed count): 4 pages inflated on a 256 MiB board leave the check clean; zones that
     * did not lose them are 4 pages over. The change signal is the zones' writes plus the
     * balloon's calls: a deflate of nothing moves it forward.
     */
    @Test
    void theBalloonsPagesAreOffTheirZonesManagedCount() {
        armmm.model.kernel.Kernel k = armmm.model.kernel.Kernel.boot(armmm.model.board.Board.virt(256L << 20));
        NodeZones atBoot = new NodeZones(k.zones().orElseThrow(), Bugs.NONE);
        assertThat(k.apply(new armmm.model.balloon.BalloonOp.Inflate(4, 0))).isEqualTo(armmm.model.core.Result.of(4));
        Invariant managed = ZoneChecks.invariants().get(2);
        assertThat(managed.check(k)).isEmpty();
        KernelState stale = new KernelState() {
            @Override
            public <S> S state(Class<S> type) {
                return type == NodeZones.class ? type.cast(atBoot) : k.state(type);
            }

            @Override
            public Bugs bugs() {
                return Bugs.NONE;
            }
        };
        assertThat(managed.check(stale)).singleElement().extracting(Violation::details).asString()
                .contains(" less 4 in the balloon ");
        // a kernel without the balloon driver: nothing is held back, nothing to count
        armmm.model.kernel.Kernel plain = armmm.model.kernel.Kernel.boot(armmm.model.board.Board.virt(256L << 20));
        KernelState noBalloon = new KernelState() {
            @Override
            public <S> S state(Class<S> type) {
                return type == armmm.model.balloon.Balloon.class ? null : plain.state(type);
            }

            @Override
            public Bugs bugs() {
                return Bugs.NONE;
            }
        };
        assertThat(noBalloon.state(armmm.model.page.PageAllocator.class)).isNotNull();
        assertThat(managed.check(noBalloon)).isEmpty();
        long before = managed.stamp(k);
        assertThat(before).isEqualTo(k.state(NodeZones.class).stamp() + k.state(armmm.model.balloon.Balloon.class).stamp());
        k.apply(new armmm.model.balloon.BalloonOp.Deflate(0, 0));
        assertThat(managed.stamp(k)).isGreaterThan(before);
    }

    /**
     * The same spill from pfn 0: RAM [0, 32 MiB), no reservation, max_low_pfn 0x2000, DMA [0,
     * 0x100): the first block, [0, 0x800), is DMA's (__ffs(0) gives no bound; MAX_ORDER - 1 does),
     * so DMA manages 256 + 1792 = 2048 and Normal 7936 - 1792 = 6144.
     */
    @Test
    void theSpillFromPfnZeroTakesAWholeMaxOrderBlock() {
        ZoneInputs in = new ZoneInputs(List.of(new Region(0, 0x200_0000L, 0)), List.of(), 0x2000, 0x2000, 0x100, 0,
                List.of(), 1, 10, RATIOS, List.of(), 2048);
        ZoneSetup s = with(with(base(), in), zone(DMA, 0, 0x100, 0x100, 2048, 0, 0, 0, new long[4], 4, 1),
                zone(NORMAL, 0x100, 0x1f00, 0x1f00, 6144, 0, 0, 0, new long[4], 4, 1),
                zone(HIGHMEM, 0, 0, 0, 0, 0, 0, 0, new long[4], 4, 1));
        assertThat(managedDetails(s)).isEmpty();
        assertThat(managedDetails(with(s, zone(DMA, 0, 0x100, 0x100, 256, 0, 0, 0, new long[4], 4, 1)))).hasSize(1);
    }

    /** INV-ZONE-04: min <= low <= high; all three equal (an empty highmem zone's 32/32/32) is allowed. */
    @Test
    void watermarksAreOrdered() {
        ZoneSetup s = base();
        var check = (Function<ZoneSetup, List<Violation>>) ZoneChecks::watermarksOrdered;
        assertThat(check.apply(s)).isEmpty();
        ZoneSetup minAboveLow = with(s, s.zone(DMA).withWatermarks(223, 222, 266));
        assertThat(reasons(check, minAboveLow, "INV-ZONE-04")).containsExactly("watermarks out of order");
        assertThat(details(check, minAboveLow)).containsExactly("DMA min 223 low 222 high 266");
        assertThat(details(check, with(s, s.zone(HIGHMEM).withWatermarks(32, 77, 76))))
                .containsExactly("HighMem min 32 low 77 high 76");
        assertThat(check.apply(with(s, s.zone(DMA).withWatermarks(222, 222, 222)))).isEmpty();
    }

    /**
     * INV-ZONE-05 ({@code __setup_per_zone_wmarks}): each of min, low and high one page off is
     * caught; HighMem's min is clamped to 32..128 (managed 33792: 33, 132096: 128; the step from
     * tmp = 178 x managed / 7936: 757 / 4 = 189 and 2962 / 4 = 740); watermark_scale_factor 1000
     * makes DMA's step 7936 x 1000 / 10000 = 793; a Movable zone in lowmem counts with lowmem and
     * takes tmp for its min; with no lowmem pages tmp is 0.
     */
    @Test
    void watermarksFollowSetupPerZoneWmarks() {
        ZoneSetup s = base();
        var check = (Function<ZoneSetup, List<Violation>>) ZoneChecks::watermarksFollowTheFormula;
        assertThat(reasons(check, with(s, s.zone(DMA).withWatermarks(179, 222, 266)), "INV-ZONE-05"))
                .containsExactly("watermark formula broken");
        assertThat(details(check, with(s, s.zone(DMA).withWatermarks(178, 223, 266)))).containsExactly(
                "DMA min/low/high 178/223/266, expected 178/222/266 from managed 7936 of 7936 lowmem pages");
        assertThat(check.apply(with(s, s.zone(HIGHMEM).withWatermarks(32, 54, 77)))).hasSize(1);

        PerZone big = pz(7936, 0, 33792, 0);
        ZoneSetup mid = with(with(s, tuning(-1, 10, RATIOS, 0, big, BASE_MANAGED, BASE_MANAGED), 712),
                s.zone(HIGHMEM).withWatermarks(33, 222, 411));
        assertThat(check.apply(mid)).isEmpty();
        PerZone huge = pz(7936, 0, 132096, 0);
        ZoneSetup top = with(with(s, tuning(-1, 10, RATIOS, 0, huge, BASE_MANAGED, BASE_MANAGED), 712),
                s.zone(HIGHMEM).withWatermarks(128, 868, 1608));
        assertThat(check.apply(top)).isEmpty();

        ZoneSetup wsf = with(with(s, tuning(-1, 1000, RATIOS, 0, BASE_MANAGED, BASE_MANAGED, BASE_MANAGED), 712),
                s.zone(DMA).withWatermarks(178, 971, 1764), s.zone(HIGHMEM).withWatermarks(32, 441, 850),
                s.zone(MOVABLE).withWatermarks(32, 32, 32));
        assertThat(check.apply(wsf)).isEmpty();

        // movable_zone Normal (no highmem possible): Movable counts with lowmem, 8960 pages, and its min is tmp
        PerZone lowMovable = pz(7936, 0, 4096, 1024);
        ZoneSetup lowmemMovable = new ZoneSetup(s.inputs(), new ZoneSpans(s.spans().startPfn(), s.spans().spanned(),
                s.spans().present(), NORMAL, 0, 0x40000, 0x43000), s.managed(), 712, List.of(
                s.zone(DMA).withWatermarks(157, 196, 235), s.zone(NORMAL), s.zone(HIGHMEM).withWatermarks(32, 52, 72),
                s.zone(MOVABLE).withWatermarks(20, 25, 30)), s.statThreshold(),
                tuning(-1, 10, RATIOS, 0, lowMovable, BASE_MANAGED, BASE_MANAGED));
        assertThat(check.apply(lowmemMovable)).isEmpty();

        // no lowmem pages at all: tmp 0, HighMem 32 + max(0, 4096 x 10 / 10000 = 4)
        ZoneSetup noLowmem = with(with(s, tuning(-1, 10, RATIOS, 0, pz(0, 0, 4096, 0), BASE_MANAGED, BASE_MANAGED), 712),
                s.zone(DMA).withWatermarks(0, 0, 0), s.zone(HIGHMEM).withWatermarks(32, 36, 40));
        assertThat(check.apply(noLowmem)).isEmpty();
    }

    /**
     * INV-ZONE-06 ({@code setup_per_zone_lowmem_reserve}): protection[j] of zone i is the managed
     * pages of zones i+1..j over ratio[i]; with Normal 3840 and Movable 1024 managed: DMA
     * {0, 3840/256 = 15, 7936/256 = 31, 8960/256 = 35}, Normal {0, 0, 4096/32 = 128, 5120/32 =
     * 160}, HighMem (ratio 0) and Movable none. A wrong entry is caught, and the next entry, right
     * but smaller, too (it shrinks); a negative ratio is caught and read as 0; a zone managing
     * nothing protects nothing.
     */
    @Test
    void protectionFollowsTheRatios() {
        ZoneSetup s = base();
        var check = (Function<ZoneSetup, List<Violation>>) ZoneChecks::protectionFollowsTheRatios;
        PerZone managed = pz(7936, 3840, 4096, 1024);
        ZoneSetup four = with(with(s, tuning(-1, 10, RATIOS, 0, BASE_MANAGED, managed, BASE_MANAGED), 712),
                s.zone(DMA).withLowmemReserve(new long[] {0, 15, 31, 35}),
                s.zone(NORMAL).withLowmemReserve(new long[] {0, 0, 128, 160}));
        assertThat(check.apply(four)).isEmpty();
        ZoneSetup wrong = with(four, s.zone(DMA).withLowmemReserve(new long[] {0, 15, 36, 35}));
        assertThat(reasons(check, wrong, "INV-ZONE-06")).containsExactly("lowmem_reserve broken", "lowmem_reserve broken");
        assertThat(details(check, wrong)).containsExactly("DMA protection[2] = 36, expected 31 (ratio 256)",
                "DMA protection[3] = 35, expected 35 (ratio 256)");
        assertThat(details(check, with(four, s.zone(HIGHMEM).withLowmemReserve(new long[] {0, 0, 0, 1}))))
                .containsExactly("HighMem protection[3] = 1, expected 0 (ratio 0)");
        assertThat(details(check, with(four, s.zone(NORMAL).withLowmemReserve(new long[] {1, 1, 128, 160}))))
                .containsExactly("Normal protection[0] = 1, expected 0 (ratio 32)", "Normal protection[1] = 1, expected 0 (ratio 32)");

        // a negative ratio: reported, and protection against it read as 0
        ZoneSetup negative = with(with(s, tuning(-1, 10, new int[] {-5, 32, 0, 0}, 0, BASE_MANAGED, BASE_MANAGED,
                BASE_MANAGED), 712), s.zone(DMA).withLowmemReserve(new long[4]));
        assertThat(reasons(check, negative, "INV-ZONE-06")).containsExactly("negative lowmem_reserve_ratio");
        assertThat(details(check, negative)).containsExactly("lowmem_reserve_ratio[0] = -5");
        // Normal manages nothing in the base: no protection, whatever its ratio
        assertThat(check.apply(s)).isEmpty();
        assertThat(details(check, with(s, s.zone(NORMAL).withLowmemReserve(new long[] {0, 0, 128, 128}))))
                .containsExactly("Normal protection[2] = 128, expected 0 (ratio 32)", "Normal protection[3] = 128, expected 0 (ratio 32)");
    }

    /**
     * INV-ZONE-07 ({@code calculate_min_free_kbytes}: clamp(int_sqrt(16 x lowmem kB), 128, 262144),
     * lowmem being DMA and Normal's managed pages at postcore time; after a write,
     * {@code user_min_free_kbytes} unclamped, 0 included).
     */
    @Test
    void minFreeKbytesIsTheSquareRootRuleOrTheValueWritten() {
        ZoneSetup s = base();
        var check = (Function<ZoneSetup, List<Violation>>) ZoneChecks::minFreeKbytesFromLowmem;
        assertThat(reasons(check, with(s, s.tuning(), 713), "INV-ZONE-07")).containsExactly("min_free_kbytes miscomputed");
        assertThat(details(check, with(s, s.tuning(), 711)))
                .containsExactly("min_free_kbytes 711, expected 712 from 31744 kB of lowmem");
        // written: the value itself, 0 and values the formula would clamp included
        ZoneTuning wrote0 = tuning(0, 10, RATIOS, 0, BASE_MANAGED, BASE_MANAGED, BASE_MANAGED);
        assertThat(check.apply(with(s, wrote0, 0))).isEmpty();
        assertThat(reasons(check, with(s, wrote0, 712), "INV-ZONE-07")).containsExactly("min_free_kbytes is not the value written");
        assertThat(details(check, with(s, wrote0, 712))).containsExactly("min_free_kbytes 712, user_min_free_kbytes 0");
        ZoneTuning wrote50 = tuning(50, 10, RATIOS, 0, BASE_MANAGED, BASE_MANAGED, BASE_MANAGED);
        assertThat(check.apply(with(s, wrote50, 50))).isEmpty();
        // lowmem of 256 pages: int_sqrt(16 x 1024) = 128; of 255 pages int_sqrt(16320) = 127, clamped to 128
        for (long dma : new long[] {256, 255}) {
            assertThat(check.apply(withPostcore(s, pz(dma, 0, 4096, 0), 128))).as("%d pages", dma).isEmpty();
        }
        // Normal counts, HighMem does not: 7936 + 64 pages = 32000 kB, int_sqrt(512000) = 715
        assertThat(check.apply(withPostcore(s, pz(7936, 64, 4096, 0), 715))).isEmpty();
        // the upper clamp: 2^30 pages are 2^32 kB, int_sqrt(2^36) = 2^18 = 262144 exactly; 2^31 pages clamp to it
        assertThat(check.apply(withPostcore(s, pz(1L << 30, 0, 0, 0), 262144))).isEmpty();
        assertThat(check.apply(withPostcore(s, pz(1L << 31, 0, 0, 0), 262144))).isEmpty();
        assertThat(check.apply(withPostcore(s, pz(1L << 31, 0, 0, 0), 370727))).hasSize(1);
    }

    /** {@code s} with the managed counts at postcore time {@code atWatermarks} and min_free_kbytes {@code minFree}. */
    private static ZoneSetup withPostcore(ZoneSetup s, PerZone atWatermarks, long minFree) {
        ManagedPages m = new ManagedPages(atWatermarks, pz(0, 0, 0, 0), atWatermarks, atWatermarks, 0);
        return new ZoneSetup(s.inputs(), s.spans(), m, minFree, s.zones(), s.statThreshold(), s.tuning());
    }

    /**
     * INV-ZONE-08 ({@code zone_batchsize}, {@code zone_highsize}) with 2 CPUs: managed 65536
     * gives batch min(64, 256) / 4 = 16, rounddown_pow_of_two(24) - 1 = 15; 12288 gives 3,
     * rounddown_pow_of_two(4) - 1 = 3; 1048576 the cap: 256 / 4 = 64, 96 -> 63. High is the low
     * watermark over the CPUs (1000 / 2 = 500), at least 4 x batch (low 10: 5 -> 12), or with
     * percpu_pagelist_high_fraction 8 the managed pages over 8 over the CPUs (65536 / 8 / 2 =
     * 4096). An empty zone keeps 4 x batch or the high from its low watermark (Movable, low 32:
     * 16), nothing else.
     */
    @Test
    void pcpSizesFollowZoneBatchsizeAndZoneHighsize() {
        ZoneSetup s = base();
        var check = (Function<ZoneSetup, List<Violation>>) ZoneChecks::pcpSizesFollowTheFormula;
        ZoneSetup two = with(s, inputs(List.of(RAM), List.of(KERNEL), 0x42000, ZoneInputs.NO_DMA_LIMIT, List.of(), 2, List.of()));
        PerZone pcp = pz(65536, 0, 12288, 0);
        ZoneSetup sized = with(with(two, tuning(-1, 10, RATIOS, 0, BASE_MANAGED, BASE_MANAGED, pcp), 712),
                s.zone(DMA).withWatermarks(178, 1000, 1100).withPcp(500, 15), s.zone(HIGHMEM).withWatermarks(32, 100, 110)
                        .withPcp(50, 3), s.zone(MOVABLE).withPcp(16, 1));
        assertThat(check.apply(sized)).isEmpty();
        assertThat(reasons(check, with(sized, sized.zone(DMA).withPcp(500, 16)), "INV-ZONE-08"))
                .containsExactly("per-cpu list sizes broken");
        assertThat(details(check, with(sized, sized.zone(DMA).withPcp(501, 15))))
                .containsExactly("DMA pcp high/batch 501/15, expected 500/15");
        // the floor of 4 x batch
        assertThat(check.apply(with(sized, sized.zone(HIGHMEM).withWatermarks(32, 10, 20).withPcp(12, 3)))).isEmpty();
        assertThat(details(check, with(sized, sized.zone(HIGHMEM).withWatermarks(32, 10, 20).withPcp(5, 3))))
                .containsExactly("HighMem pcp high/batch 5/3, expected 12/3");
        // the batch cap at 1 MiB of pages
        ZoneSetup capped = with(with(two, tuning(-1, 10, RATIOS, 0, BASE_MANAGED, BASE_MANAGED, pz(1 << 20, 0, 12288, 0)), 712),
                sized.zone(DMA).withWatermarks(178, 1000, 1100).withPcp(500, 63), sized.zone(HIGHMEM), sized.zone(MOVABLE));
        assertThat(check.apply(capped)).isEmpty();
        // a fraction: managed over it over the CPUs
        ZoneSetup fraction = with(with(sized, tuning(-1, 10, RATIOS, 8, BASE_MANAGED, BASE_MANAGED, pcp), 712),
                sized.zone(DMA).withPcp(4096, 15), sized.zone(HIGHMEM).withPcp(768, 3));
        assertThat(check.apply(fraction)).isEmpty();
        // empty zones: 4 x batch or the high from the low watermark
        assertThat(check.apply(with(sized, sized.zone(MOVABLE).withPcp(4, 1)))).isEmpty();
        assertThat(details(check, with(sized, sized.zone(MOVABLE).withPcp(7, 1))))
                .containsExactly("Movable pcp high/batch 7/1, expected 16/1");
        assertThat(details(check, with(sized, sized.zone(NORMAL).withPcp(4, 2))))
                .containsExactly("Normal pcp high/batch 4/2, expected 4/1");
    }

    /** A kernel that has the zones {@code z} and nothing else. */
    private static KernelState kernel(NodeZones z) {
        return new KernelState() {
            @Override
            public <S> S state(Class<S> type) {
                return type == NodeZones.class ? type.cast(z) : null;
            }

            @Override
            public Bugs bugs() {
                return Bugs.NONE;
            }
        };
    }

    /**
     * The zone invariants as kernel invariants: applicable where the kernel has zones, each
     * reporting its own violation (INV-ZONE-03 through the balloon-aware check, with no balloon
     * here), stamped by the zones' writes.
     */
    @Test
    void theKernelInvariantsCheckTheKernelsZones() {
        List<Invariant> invs = ZoneChecks.invariants();
        assertThat(invs.stream().map(Invariant::id)).containsExactly("INV-ZONE-01", "INV-ZONE-02", "INV-ZONE-03",
                "INV-ZONE-04", "INV-ZONE-05", "INV-ZONE-06", "INV-ZONE-07", "INV-ZONE-08");
        NodeZones sound = new NodeZones(base(), Bugs.NONE);
        ZoneSetup s = base();
        NodeZones broken = new NodeZones(with(s, managed(s, DMA, 7935).withWatermarks(223, 222, 266)), Bugs.NONE);
        for (Invariant inv : invs) {
            assertThat(inv.appliesTo(kernel(sound))).isTrue();
            assertThat(inv.appliesTo(kernel(null))).isFalse();
            assertThat(inv.check(kernel(null))).isEmpty();
            assertThat(inv.check(kernel(sound))).as(inv.id()).isEmpty();
            assertThat(inv.stamp(kernel(sound))).isEqualTo(sound.stamp());
            assertThat(inv.toString()).isEqualTo(inv.id());
        }
        assertThat(invs.get(2).check(kernel(broken)).stream().map(Violation::details))
                .containsExactly("DMA managed 7935, expected 7936 freed pages (present 8192)");
        assertThat(invs.get(3).check(kernel(broken)).stream().map(Violation::details))
                .containsExactly("DMA min 223 low 222 high 266");
        // a write moves the stamp of every zone invariant
        long before = invs.get(2).stamp(kernel(sound));
        sound.sysctl("vm.watermark_scale_factor", "20");
        for (Invariant inv : invs) {
            assertThat(inv.stamp(kernel(sound))).isNotEqualTo(before);
        }
    }
}
