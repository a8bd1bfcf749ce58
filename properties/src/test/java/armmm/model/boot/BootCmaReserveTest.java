package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.memblock.Region;
import armmm.model.zone.CmaArea;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code dma_contiguous_reserve} (kernel/dma/contiguous.c) and {@code cma_declare_contiguous_nid}
 * (mm/cma.c) on a QEMU virt board with 1 GiB at 0x40000000, each {@code cma=} form and each failure.
 *
 * <p>The facts every expected value is worked from: the default 240 MiB vmalloc area puts
 * {@code arm_lowmem_limit} (and so {@code highmem_start}, {@code __pa(high_memory - 1) + 1}) at
 * 0xff800000 - 240M - 8M - 0xc0000000 + 0x40000000 = 0x70000000; {@code memblock_end_of_DRAM()} is
 * 0x80000000; {@code CMA_MIN_ALIGNMENT_BYTES} is PAGE_SIZE x max(MAX_ORDER_NR_PAGES, pageblock_nr_pages)
 * = 4 KiB x 2048 = 8 MiB (include/linux/cma.h, MAX_ORDER 12); {@code arm_dma_limit} is 0xffffffff without a machine DMA zone size and
 * PHYS_OFFSET + size - 1 with one ({@code setup_dma_zone}); {@code cma=SIZE@BASE} without a limit
 * sets {@code limit_cmdline = base + size} ({@code early_cma}), which makes the area fixed;
 * {@code memblock_alloc_range_nid} places top-down. Already reserved when CMA is declared: the
 * kernel image 0x40300000-0x41607587, swapper_pg_dir 0x40204000-0x40207fff, the initrd
 * 0x48000000+0xd8000 and QEMU's 1 MiB device tree after it.
 */
class BootCmaReserveTest {
    private static final long M = 1L << 20;

    private static BootedSystem boot(String args) {
        return Boot.boot(Board.virt(1024 * M).withArgs(args));
    }

    private static List<EarlyAllocation> cmaTries(BootedSystem b) {
        return b.allocations().stream().filter(a -> a.caller().equals("memblock_alloc_range_nid")).toList();
    }

    private static EarlyAllocation tried(long size, long min, long max, long address) {
        return new EarlyAllocation("memblock_alloc_range_nid", size, 8 * M, min, max, EarlyAllocation.Kind.PHYS_RANGE,
                address);
    }

    @Test
    void theDefaultAreaCrossesNoBoundarySoHighmemIsTriedFirst() {
        BootedSystem b = boot("");
        // CONFIG_CMA_SIZE_MBYTES=16, base 0 < highmem_start < limit (memblock end): [0x70000000, 0x80000000) first
        assertThat(b.cmaAreas()).containsExactly(new CmaArea("reserved", 0x7f00_0000L, 16 * M));
        assertThat(cmaTries(b)).containsExactly(tried(16 * M, 0x7000_0000L, 0x8000_0000L, 0x7f00_0000L));
        assertThat(b.log()).contains("cma: Reserved 16 MiB at 0x7f000000");
        assertThat(b.cmaTotal()).isEqualTo(16 * M);
        assertThat(EarlyMemblock.overlaps(b.reserved(), 0x7f00_0000L, 16 * M)).isTrue();
    }

    @Test
    void aMachineDmaZoneCapsTheLimitWhichIsRoundedDownToTheCmaAlignment() {
        // arm_dma_limit 0x4fffffff, & ~(8M - 1) = 0x4f800000, below highmem_start: one try from 0
        BootedSystem b = Boot.boot(Board.virt(1024 * M).withDmaZoneSize(256 * M));
        assertThat(cmaTries(b)).containsExactly(tried(16 * M, 0, 0x4f80_0000L, 0x4e80_0000L));
        assertThat(b.cmaAreas()).containsExactly(new CmaArea("reserved", 0x4e80_0000L, 16 * M));
        assertThat(b.log()).contains("cma: Reserved 16 MiB at 0x4e800000");
    }

    @Test
    void theCommandLineLimitIsTakenWithMinNotZeroAgainstTheDmaLimit() {
        Board dma = Board.virt(1024 * M).withDmaZoneSize(256 * M);
        // limit_cmdline 0x60000000 above arm_dma_limit: the DMA limit wins
        BootedSystem above = Boot.boot(dma.withArgs("cma=16M@0x44000000-0x60000000"));
        assertThat(cmaTries(above)).containsExactly(tried(16 * M, 0x4400_0000L, 0x4f80_0000L, 0x4e80_0000L));
        // limit_cmdline 0x4a000000 below it: the command line wins; the initrd and tree end at 0x481d8000
        BootedSystem below = Boot.boot(dma.withArgs("cma=16M@0x44000000-0x4a000000"));
        assertThat(cmaTries(below)).containsExactly(tried(16 * M, 0x4400_0000L, 0x4a00_0000L, 0x4900_0000L));
        assertThat(below.cmaAreas()).extracting(CmaArea::base).containsExactly(0x4900_0000L);
    }

    @Test
    void aRangeBelowHighmemIsOneTryInsideIt() {
        // 0x50000000 + 16M != 0x60000000: not fixed; the limit does not pass highmem_start
        BootedSystem b = boot("cma=16M@0x50000000-0x60000000");
        assertThat(cmaTries(b)).containsExactly(tried(16 * M, 0x5000_0000L, 0x6000_0000L, 0x5f00_0000L));
        assertThat(b.cmaAreas()).containsExactly(new CmaArea("reserved", 0x5f00_0000L, 16 * M));
    }

    @Test
    void aRangeAcrossHighmemStartIsTriedInHighmemFirst() {
        BootedSystem b = boot("cma=16M@0x60000000-0x78000000");
        assertThat(cmaTries(b)).containsExactly(tried(16 * M, 0x7000_0000L, 0x7800_0000L, 0x7700_0000L));
        assertThat(b.cmaAreas()).extracting(CmaArea::base).containsExactly(0x7700_0000L);
    }

    @Test
    void anAreaTooLargeForHighmemFallsBackToLowmemBelowHighmemStart() {
        // 512 MiB does not fit the 256 MiB of highmem; the second try's limit is highmem_start
        BootedSystem b = boot("cma=512M");
        assertThat(cmaTries(b)).containsExactly(tried(512 * M, 0x7000_0000L, 0x8000_0000L, 0),
                tried(512 * M, 0, 0x7000_0000L, 0x5000_0000L));
        assertThat(b.cmaAreas()).containsExactly(new CmaArea("reserved", 0x5000_0000L, 512 * M));
        assertThat(b.log()).contains("cma: Reserved 512 MiB at 0x50000000");
    }

    @Test
    void anAreaThatFitsNowhereIsReportedAndNotDeclared() {
        // 900 MiB is aligned up to 904 MiB (8 MiB steps); lowmem is 768 MiB, highmem 256 MiB: both tries fail
        BootedSystem b = boot("cma=900M");
        assertThat(cmaTries(b)).extracting(EarlyAllocation::address).containsExactly(0L, 0L);
        assertThat(b.cmaAreas()).isEmpty();
        assertThat(b.log()).contains("cma: Failed to reserve 904 MiB").noneMatch(l -> l.startsWith("cma: Reserved"));
    }

    @Test
    void aFixedBaseIsReservedWithoutAnAllocation() {
        // early_cma: no '-LIMIT', so limit_cmdline = base + size and the area is fixed
        BootedSystem b = boot("cma=32M@0x6e000000");
        assertThat(cmaTries(b)).isEmpty();
        assertThat(b.cmaAreas()).containsExactly(new CmaArea("reserved", 0x6e00_0000L, 32 * M));
        assertThat(b.log()).contains("cma: Reserved 32 MiB at 0x6e000000");
        // it ends exactly at highmem_start: not across the boundary
        assertThat(EarlyMemblock.overlaps(b.reserved(), 0x6e00_0000L, 32 * M)).isTrue();
        // ends exactly at memblock_end_of_DRAM: base + size == limit is allowed
        assertThat(boot("cma=16M@0x7f000000").cmaAreas()).containsExactly(new CmaArea("reserved", 0x7f00_0000L, 16 * M));
    }

    @Test
    void aFixedBaseOffTheCmaAlignmentFails() {
        BootedSystem b = boot("cma=16M@0x60100000");
        assertThat(b.cmaAreas()).isEmpty();
        assertThat(b.log()).contains("cma: Failed to reserve 16 MiB");
        assertThat(EarlyMemblock.overlaps(b.reserved(), 0x6010_0000L, 16 * M)).isFalse();
        assertThat(cmaTries(b)).isEmpty();
    }

    @Test
    void aFixedAreaAcrossHighmemStartFails() {
        // 0x6f000000 + 32M = 0x71000000 > highmem_start 0x70000000 > 0x6f000000
        BootedSystem b = boot("cma=32M@0x6f000000");
        assertThat(b.cmaAreas()).isEmpty();
        assertThat(b.log()).contains("cma: Failed to reserve 32 MiB");
        assertThat(EarlyMemblock.overlaps(b.reserved(), 0x7000_0000L, 16 * M)).isFalse();
    }

    @Test
    void aFixedAreaPastTheEndOfRamFails() {
        // limit 0x81000000 > memblock end: limit = 0x80000000 < base + size
        BootedSystem b = boot("cma=32M@0x7f000000");
        assertThat(b.cmaAreas()).isEmpty();
        assertThat(b.log()).contains("cma: Failed to reserve 32 MiB");
        assertThat(EarlyMemblock.overlaps(b.reserved(), 0x7f00_0000L, 32 * M)).isFalse();
    }

    @Test
    void aFixedAreaOverReservedMemoryFailsWithEbusy() {
        // memblock_is_region_reserved: the kernel image at 0x40300000, the initrd at 0x48000000
        for (String args : List.of("cma=16M@0x40000000", "cma=16M@0x48000000")) {
            BootedSystem b = boot(args);
            assertThat(b.cmaAreas()).as(args).isEmpty();
            assertThat(b.log()).as(args).contains("cma: Failed to reserve 16 MiB");
        }
        // the reservations stay as they were: nothing of the request was reserved around them
        BootedSystem b = boot("cma=16M@0x48000000");
        assertThat(b.reserved()).noneMatch(r -> r.base() <= 0x4800_0000L && r.end() >= 0x4900_0000L);
    }

    @Test
    void aFixedRequestAtZeroIsNotFixedAndFindsNoRamBelowItsLimit() {
        // base 0: `if (!base) fixed = false`; limit 16M: one try in [0, 16M), where there is no RAM
        BootedSystem b = boot("cma=16M@0");
        assertThat(cmaTries(b)).containsExactly(tried(16 * M, 0, 16 * M, 0));
        assertThat(b.cmaAreas()).isEmpty();
        assertThat(b.log()).contains("cma: Failed to reserve 16 MiB");
        assertThat(b.reserved()).noneMatch(r -> r.base() < 16 * M);
    }

    @Test
    void aLimitThatRoundsDownToZeroMeansTheEndOfRam() {
        // limit_cmdline 1 MiB & ~(4M - 1) = 0: the limit becomes memblock_end_of_DRAM()
        BootedSystem b = boot("cma=16M@0-0x100000");
        assertThat(cmaTries(b)).containsExactly(tried(16 * M, 0x7000_0000L, 0x8000_0000L, 0x7f00_0000L));
    }

    @Test
    void theSizeIsRoundedUpToTheCmaAlignment() {
        // 5 MiB -> 8 MiB, placed top-down in highmem, 8 MiB aligned
        BootedSystem b = boot("cma=5M");
        assertThat(b.cmaAreas()).containsExactly(new CmaArea("reserved", 0x7f80_0000L, 8 * M));
        assertThat(b.log()).contains("cma: Reserved 8 MiB at 0x7f800000");
    }

    @Test
    void aBaseOffTheAlignmentIsRoundedUpWhenNotFixed() {
        // not fixed (0x50100000 + 16M != the limit): base aligned up to 0x50800000, the range
        // [0x50800000, 0x51800000) is exactly the area
        BootedSystem b = boot("cma=16M@0x50100000-0x51800000");
        assertThat(cmaTries(b)).containsExactly(tried(16 * M, 0x5080_0000L, 0x5180_0000L, 0x5080_0000L));
        // a limit aligned down below base + size: "exceeds limit", no try
        BootedSystem over = boot("cma=16M@0x50100000-0x51400000");
        assertThat(cmaTries(over)).isEmpty();
        assertThat(over.log()).contains("cma: Failed to reserve 16 MiB");
    }

    @Test
    void theDefaultAreaOnRamWithoutHighmemComesFromTheTopOfLowmem() {
        // 256 MiB: lowmem limit 0x50000000 = memblock end, so limit is not above highmem_start
        BootedSystem b = Boot.boot(Board.virt(256 * M));
        assertThat(cmaTries(b)).containsExactly(tried(16 * M, 0, 0x5000_0000L, 0x4f00_0000L));
        assertThat(b.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0));
    }

    @Test
    void aSizeWithoutBaseOrLimitKeepsTheDmaLimit() {
        // limit_cmdline 0: min_not_zero keeps arm_dma_limit 0x4fffffff -> 0x4f800000
        BootedSystem b = Boot.boot(Board.virt(1024 * M).withDmaZoneSize(256 * M).withArgs("cma=16M"));
        assertThat(cmaTries(b)).containsExactly(tried(16 * M, 0, 0x4f80_0000L, 0x4e80_0000L));
    }

    @Test
    void aMisalignedFixedBaseReportsTheSizeBeforeAlignment() {
        // the alignment check comes before size = ALIGN(size, 8M): 17, not 24
        BootedSystem b = boot("cma=17M@0x60100000");
        assertThat(b.log()).contains("cma: Failed to reserve 17 MiB");
        assertThat(b.cmaAreas()).isEmpty();
    }

    @Test
    void aRangeAcrossHighmemStartThatIsNotFixedIsAllocatedInHighmem() {
        // 0x6f000000 + 32M crosses highmem_start, but only a fixed area must not
        BootedSystem b = boot("cma=32M@0x6f000000-0x78000000");
        assertThat(cmaTries(b)).containsExactly(tried(32 * M, 0x7000_0000L, 0x7800_0000L, 0x7600_0000L));
        assertThat(b.cmaAreas()).containsExactly(new CmaArea("reserved", 0x7600_0000L, 32 * M));
    }

    @Test
    void aFixedAreaStartingAtHighmemStartIsInHighmem() {
        BootedSystem b = boot("cma=16M@0x70000000");
        assertThat(cmaTries(b)).isEmpty();
        assertThat(b.cmaAreas()).containsExactly(new CmaArea("reserved", 0x7000_0000L, 16 * M));
    }

    @Test
    void aRangeWhollyInHighmemIsOneTryFromItsBase() {
        BootedSystem b = boot("cma=16M@0x74000000-0x80000000");
        assertThat(cmaTries(b)).containsExactly(tried(16 * M, 0x7400_0000L, 0x8000_0000L, 0x7f00_0000L));
    }
}
