package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Zone geometry on hand-made memory maps with holes between banks, each value worked by hand from
 * {@code find_zone_movable_pfns_for_nodes} (mm/page_alloc.c: pages below {@code usable_startpfn}
 * count as kernel pages, a bank that ends at or below it pushes {@code zone_movable_pfn} to its
 * end, the walk stops when {@code kernelcore_remaining} reaches 0, the result is rounded up to
 * MAX_ORDER_NR_PAGES (2048) and dropped when at or past the node's end),
 * {@code adjust_zone_range_for_zone_movable}, {@code zone_spanned_pages_in_node},
 * {@code __absent_pages_in_range} and {@code for_each_mem_pfn_range} (PFN_UP(base) to PFN_DOWN(end)).
 *
 * <p>Boards: lowmem ends where the last bank below the vmalloc limit ends ({@code adjust_lowmem_bounds},
 * arch/arm/mm/mmu.c), so with a first bank of 512 MiB at 0x40000000 {@code max_low_pfn} is 0x60000
 * and ZONE_MOVABLE's {@code usable_startpfn} (HighMem's lowest possible pfn) is 0x60000.
 */
class ZoneSpansTest {
    private static final long MIB = 1L << 20;

    private static Region bank(long base, long size) {
        return new Region(base, size, 0);
    }

    private static ZoneInputs inputs(List<Region> memory, long maxLowPfn, long maxPfn, long movablecorePages) {
        return ZoneInputs.of(memory, List.of(), maxLowPfn, maxPfn, List.of(), 1, List.of())
                .withMovablecore(movablecorePages);
    }

    /** 512 MiB of lowmem at 0x40000000, 256 MiB at 0x80000000 and 512 MiB at 0xa0000000, both HighMem. */
    private static ZoneSpans threeBanks(long movablecorePages) {
        return ZoneSpans.compute(inputs(List.of(bank(0x4000_0000L, 512 * MIB), bank(0x8000_0000L, 256 * MIB),
                bank(0xa000_0000L, 512 * MIB)), 0x60000, 0xc0000, movablecorePages));
    }

    private static long[] zone(ZoneSpans s, ZoneType t) {
        return new long[] {s.startPfn().get(t), s.spanned().get(t), s.present().get(t)};
    }

    /**
     * movablecore=1536M on one 2 GiB bank: 0x60000 pages wanted, 0x20000 left for the kernel, but the
     * 0x2f800 lowmem pages below usable_startpfn already count as kernel pages: remaining reaches 0
     * there, ZONE_MOVABLE starts at usable_startpfn and takes all of HighMem, which is left empty.
     */
    @Test
    void aMovablecoreLargerThanHighMemTakesAllOfIt() {
        ZoneSpans s = ZoneSpans.compute(inputs(List.of(bank(0x4000_0000L, 2048 * MIB)), 0x6f800, 0xc0000, 0x60000));
        assertThat(s.zoneMovablePfn()).isEqualTo(0x6f800);
        assertThat(s.movableZone()).isEqualTo(ZoneType.HIGHMEM);
        assertThat(zone(s, ZoneType.MOVABLE)).containsExactly(0x6f800, 0x50800, 0x50800);
        assertThat(zone(s, ZoneType.HIGHMEM)).containsExactly(0, 0, 0);
        assertThat(zone(s, ZoneType.DMA)).containsExactly(0x40000, 0x2f800, 0x2f800);
        assertThat(zone(s, ZoneType.NORMAL)).containsExactly(0, 0, 0);
        assertThat(new long[] {s.nodeStartPfn(), s.nodeEndPfn()}).containsExactly(0x40000, 0xc0000);
    }

    /**
     * movablecore=1G with a 512 MiB hole above lowmem: 0x20000 kernel pages, all of them the lowmem
     * bank, which ends exactly at usable_startpfn; the walk goes on to the next bank, whose start
     * becomes zone_movable_pfn (0x80000), so HighMem spans the hole alone.
     */
    @Test
    void kernelcoreUsedUpByALowmemBankEndingAtTheHighMemStartMovesToTheNextBank() {
        ZoneSpans s = ZoneSpans.compute(inputs(List.of(bank(0x4000_0000L, 512 * MIB), bank(0x8000_0000L, 1024 * MIB)),
                0x60000, 0xc0000, 0x40000));
        assertThat(s.zoneMovablePfn()).isEqualTo(0x80000);
        assertThat(zone(s, ZoneType.HIGHMEM)).containsExactly(0x60000, 0x20000, 0);
        assertThat(zone(s, ZoneType.MOVABLE)).containsExactly(0x80000, 0x40000, 0x40000);
        assertThat(zone(s, ZoneType.DMA)).containsExactly(0x40000, 0x20000, 0x20000);
    }

    /**
     * movablecore=256M on three banks (0x50000 pages): 0x40000 kernel pages; the lowmem bank gives
     * 0x20000, the 256 MiB bank all its 0x10000, the last bank the final 0x10000: ZONE_MOVABLE at 0xb0000.
     */
    @Test
    void kernelcoreSpillsOverAWholeHighMemBankIntoTheNext() {
        ZoneSpans s = threeBanks(0x10000);
        assertThat(s.zoneMovablePfn()).isEqualTo(0xb0000);
        assertThat(zone(s, ZoneType.MOVABLE)).containsExactly(0xb0000, 0x10000, 0x10000);
        assertThat(zone(s, ZoneType.HIGHMEM)).containsExactly(0x60000, 0x50000, 0x20000);
        assertThat(zone(s, ZoneType.DMA)).containsExactly(0x40000, 0x20000, 0x20000);
    }

    /**
     * movablecore=512M on the same banks: 0x30000 kernel pages, used up at the end of the 256 MiB
     * bank (0x90000); the walk stops there, so ZONE_MOVABLE begins at 0x90000, not at the next bank.
     */
    @Test
    void theWalkStopsInTheBankThatUsesUpTheKernelcore() {
        ZoneSpans s = threeBanks(0x20000);
        assertThat(s.zoneMovablePfn()).isEqualTo(0x90000);
        assertThat(zone(s, ZoneType.MOVABLE)).containsExactly(0x90000, 0x30000, 0x20000);
        assertThat(zone(s, ZoneType.HIGHMEM)).containsExactly(0x60000, 0x30000, 0x10000);
    }

    /**
     * movablecore of one page (2048 after the round-up) on a 512 MiB bank and 1 MiB at 0x7ff00000:
     * the kernel pages run out in the lowmem bank, zone_movable_pfn becomes the last bank's start
     * 0x7ff00, rounded up to 0x80000: the node's end, so there is no ZONE_MOVABLE.
     */
    @Test
    void aMovableStartRoundedUpToTheNodeEndIsNoMovableZone() {
        ZoneSpans s = ZoneSpans.compute(inputs(List.of(bank(0x4000_0000L, 512 * MIB), bank(0x7ff0_0000L, MIB)),
                0x60000, 0x80000, 1));
        assertThat(s.zoneMovablePfn()).isZero();
        assertThat(zone(s, ZoneType.MOVABLE)).containsExactly(0, 0, 0);
        assertThat(zone(s, ZoneType.HIGHMEM)).containsExactly(0x60000, 0x20000, 0x100);
    }

    /** Which zone spans a pfn: each zone's first and last pfn, a hole inside HighMem, and outside the node. */
    @Test
    void zoneOfAtEveryEdge() {
        ZoneSpans s = threeBanks(0x10000);
        assertThat(s.zoneOf(0x3ffff)).isNull();
        assertThat(s.zoneOf(0x40000)).isEqualTo(ZoneType.DMA);
        assertThat(s.zoneOf(0x5ffff)).isEqualTo(ZoneType.DMA);
        assertThat(s.zoneOf(0x60000)).isEqualTo(ZoneType.HIGHMEM);
        assertThat(s.zoneOf(0xaffff)).isEqualTo(ZoneType.HIGHMEM);
        assertThat(s.zoneOf(0xb0000)).isEqualTo(ZoneType.MOVABLE);
        assertThat(s.zoneOf(0xbffff)).isEqualTo(ZoneType.MOVABLE);
        assertThat(s.zoneOf(0xc0000)).isNull();
        assertThat(s.isHighmem(ZoneType.MOVABLE)).isTrue();
        assertThat(s.isHighmem(ZoneType.DMA)).isFalse();
    }

    /**
     * {@code for_each_mem_pfn_range} takes whole pages only: a region inside one page, or one that
     * ends in the page it starts after, gives none; adjacent regions (a NOMAP one among them) read
     * as one range here; an unaligned base rounds up.
     */
    @Test
    void pfnRangesKeepWholePagesAndJoinNeighbours() {
        List<long[]> r = ZoneSpans.pfnRanges(List.of(bank(0x4000_0000L, 0x1000_0000L),
                new Region(0x5000_0000L, MIB, Memblock.NOMAP), bank(0x6000_0800L, 0x800), bank(0x7000_0800L, 0x400),
                bank(0x8000_0800L, 0x2000)));
        assertThat(r).hasSize(2);
        assertThat(r.get(0)).containsExactly(0x40000, 0x50100);
        assertThat(r.get(1)).containsExactly(0x80001, 0x80002);
    }

    @Test
    void memoryWithoutAWholePageIsRefused() {
        ZoneInputs in = inputs(List.of(bank(0x4000_0800L, 0x400)), 0x40000, 0x40000, 0);
        assertThatThrownBy(() -> ZoneSpans.compute(in)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("memblock.memory holds no whole page");
    }
}
