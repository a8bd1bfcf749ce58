package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import armmm.model.board.ReservedMemory;
import armmm.model.memblock.Region;
import armmm.model.zone.CmaArea;
import armmm.model.zone.LateFree;
import armmm.model.zone.ZoneInputs;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What boot hands to zone setup ({@link BootZones}): {@code find_limits} and
 * {@code zone_sizes_init} (arch/arm/mm/init.c), {@code required_movablecore}
 * ({@code cmdline_parse_core}, {@code find_zone_movable_pfns_for_nodes}, mm/page_alloc.c), the
 * late frees of {@code free_initrd_mem} and {@code free_initmem}, and the two refusals: a CMA area
 * over memory in use or past RAM ({@code cma_activate_area}, mm/cma.c), and memory in use that a
 * rejected reusable node released ({@code fdt_init_reserved_mem}'s {@code memblock_phys_free}).
 * Values are worked from the board: virt RAM at 0x40000000, the initrd at 0x48000000 + 0xd8000,
 * the kernel image 0x40300000 + 0x1307588, {@code __init_begin} at KERNEL_START + 0xf00000 for 2 MiB.
 */
class BootZonesTest {
    private static final long M = 1L << 20;

    private static Board withNode(long base, long size) {
        return Board.of(List.of(new Bank(0x4000_0000L, 1024 * M)),
                List.of(new ReservedMemory(base, size, ReservedMemory.Kind.REUSABLE)), "", 1);
    }

    @Test
    void theInputsOfA256MiBBoardAreItsLimitsItsCmaAreaAndItsLateFrees() {
        BootedSystem b = Boot.boot(Board.virt(256 * M));
        ZoneInputs in = BootZones.inputs(b);
        assertThat(in.memory()).containsExactly(new Region(0x4000_0000L, 256 * M, 0));
        // one bank, MAX_ORDER aligned: free_unused_memmap frees nothing
        assertThat(in.reserved()).isEqualTo(b.reserved());
        assertThat(in.maxLowPfn()).isEqualTo(0x50000);
        assertThat(in.maxPfn()).isEqualTo(0x50000);
        // no machine DMA zone: min(0xffffffff >> 12, max_low_pfn)
        assertThat(in.dmaPfnLimit()).isEqualTo(0x50000);
        assertThat(in.movablecorePages()).isZero();
        assertThat(in.cma()).containsExactly(new CmaArea("reserved", 0x4f00_0000L, 16 * M));
        assertThat(in.cpus()).isEqualTo(1);
        assertThat(in.watermarkScaleFactor()).isEqualTo(10);
        assertThat(in.lowmemReserveRatio()).containsExactly(256, 32, 0, 0);
        assertThat(in.lateFrees()).containsExactly(new LateFree("initrd", 0x48000, 0x480d8),
                new LateFree("initmem", 0x41200, 0x41400));
        assertThat(in.maxOrderNrPages()).isEqualTo(2048);
    }

    @Test
    void aDmaZoneAMovablecoreAndNoInitrdChangeTheInputs() {
        Board board = Board.virt(256 * M).withDmaZoneSize(128 * M).withInitrdSize(0).withCpus(2)
                .withArgs("movablecore=64M");
        ZoneInputs in = BootZones.inputs(Boot.boot(board));
        // arm_dma_pfn_limit = (0x40000000 + 128M - 1) >> 12
        assertThat(in.dmaPfnLimit()).isEqualTo(0x47fff);
        assertThat(in.movablecorePages()).isEqualTo(16384);
        assertThat(in.cpus()).isEqualTo(2);
        assertThat(in.lateFrees()).containsExactly(new LateFree("initmem", 0x41200, 0x41400));
    }

    @Test
    void movablecoreInBytesOrPercentInArmsThirtyTwoBitUnsignedLong() {
        List<Region> oneGig = List.of(new Region(0x4000_0000L, 1024 * M, 0));
        List<Region> twoGig = List.of(new Region(0x4000_0000L, 2048 * M, 0));
        Board board = Board.virt(1024 * M);
        assertThat(BootZones.movablecorePages(board, oneGig)).isZero();
        assertThat(BootZones.movablecorePages(board.withArgs("movablecore=128M"), oneGig)).isEqualTo(32768);
        // 262144 pages x 100 x 50 = 1310720000 fits: / 10000 = 131072
        assertThat(BootZones.movablecorePages(board.withArgs("movablecore=50%"), oneGig)).isEqualTo(131072);
        // 524288 x 100 x 100 = 5242880000 wraps to 947912704: / 10000 = 94791
        assertThat(BootZones.movablecorePages(board.withArgs("movablecore=100%"), twoGig)).isEqualTo(94791);
        // two ranges add up: 65536 + 65536 pages at 10 %
        List<Region> split = List.of(new Region(0x4000_0000L, 256 * M, 0), new Region(0x6000_0000L, 256 * M, 0));
        assertThat(BootZones.movablecorePages(board.withArgs("movablecore=10%"), split)).isEqualTo(13107);
    }

    @Test
    void firstNotMemoryFindsTheFirstHole() {
        List<Region> mem = List.of(new Region(0x4000_0000L, 256 * M, 0), new Region(0x6000_0000L, 256 * M, 0));
        assertThat(BootZones.firstNotMemory(mem, 0x4000_0000L, 0x5000_0000L)).isEqualTo(-1);
        assertThat(BootZones.firstNotMemory(mem, 0x4ff0_0000L, 0x5010_0000L)).isEqualTo(0x5000_0000L);
        assertThat(BootZones.firstNotMemory(mem, 0x3000_0000L, 0x4100_0000L)).isEqualTo(0x3000_0000L);
        assertThat(BootZones.firstNotMemory(mem, 0x5ff0_0000L, 0x6010_0000L)).isEqualTo(0x5ff0_0000L);
        assertThat(BootZones.firstNotMemory(mem, 0x6000_0000L, 0x7000_0000L)).isEqualTo(-1);
        assertThat(BootZones.firstNotMemory(mem, 0x6800_0000L, 0x7000_0001L)).isEqualTo(0x7000_0000L);
        // a range ending exactly where memory ends is all memory
        assertThat(BootZones.firstNotMemory(mem, 0x4800_0000L, 0x5000_0000L)).isEqualTo(-1);
    }

    @Test
    void aCmaAreaOverTheKernelImageIsRefused() {
        BootedSystem b = Boot.boot(withNode(0x4000_0000L, 32 * M));
        assertThatThrownBy(() -> BootZones.setUp(b)).isInstanceOf(BootException.class).hasMessage(
                "--reserve: CMA area reserved-memory@0 at 0x40000000+0x2000000 covers the kernel image at "
                        + "0x40300000+0x1307588; cma_activate_area would free pages in use");
    }

    @Test
    void aCmaAreaOverTheInitrdIsRefused() {
        BootedSystem b = Boot.boot(withNode(0x4800_0000L, 8 * M));
        assertThatThrownBy(() -> BootZones.setUp(b)).isInstanceOf(BootException.class).hasMessage(
                "--reserve: CMA area reserved-memory@0 at 0x48000000+0x800000 covers the initrd at "
                        + "0x48000000+0xd8000; cma_activate_area would free pages in use");
    }

    @Test
    void aCmaAreaReachingPastRamIsRefusedAtItsFirstHole() {
        Board board = Board.of(List.of(new Bank(0x4000_0000L, 512 * M), new Bank(0x7000_0000L, 256 * M)),
                List.of(new ReservedMemory(0x5f00_0000L, 32 * M, ReservedMemory.Kind.REUSABLE)), "", 1);
        BootedSystem b = Boot.boot(board);
        assertThatThrownBy(() -> BootZones.setUp(b)).isInstanceOf(BootException.class)
                .hasMessageStartingWith("--reserve: CMA area reserved-memory@0 at 0x5f000000+0x2000000 reaches 0x60000000,"
                        + " which is not RAM");
    }

    @Test
    void cmaAreasOnFreeRamAndTheDefaultAreaWithItsOwnAllocationAreAccepted() {
        BootedSystem b = Boot.boot(withNode(0x5000_0000L, 16 * M));
        assertThat(b.cmaAreas()).extracting(CmaArea::base).containsExactly(0x5000_0000L, 0x7f00_0000L);
        assertThatCode(() -> BootZones.setUp(b)).doesNotThrowAnyException();
        // the area ends exactly where the initrd starts: touching is not covering
        assertThatCode(() -> BootZones.setUp(Boot.boot(withNode(0x4780_0000L, 8 * M)))).doesNotThrowAnyException();
        // an aligned area on free lowmem between the kernel image and the initrd
        assertThatCode(() -> BootZones.setUp(Boot.boot(withNode(0x4400_0000L, 8 * M)))).doesNotThrowAnyException();
    }

    @Test
    void aRejectedReusableNodeThatReleasedTheInitrdIsRefused() {
        // 0x47f00000 is not 8 MiB aligned: rmem_cma_setup fails and memblock_phys_free gives back
        // [0x47f00000, 0x48f00000), the initrd's reservation with it
        BootedSystem b = Boot.boot(withNode(0x47f0_0000L, 16 * M));
        assertThat(b.cmaAreas()).extracting(CmaArea::name).containsExactly("reserved");
        assertThatThrownBy(() -> BootZones.setUp(b)).isInstanceOf(BootException.class).hasMessage(
                "--reserve: initrd (pfns 0x48000-0x480d7) is not reserved at memblock_free_all: a reserved-memory node "
                        + "released it");
    }

    @Test
    void aRejectedReusableNodeThatReleasedTheKernelsLastPageIsRefused() {
        // the image ends at 0x41607588: its last page, pfn 0x41607, is in use. A misaligned node at
        // 0x41607000 gives back [0x41607000, 0x42607000), and with it the image's last 0x588 bytes
        BootedSystem b = Boot.boot(withNode(0x4160_7000L, 16 * M));
        assertThatThrownBy(() -> BootZones.setUp(b)).isInstanceOf(BootException.class).hasMessage(
                "--reserve: the kernel image (pfns 0x40300-0x41607) is not reserved at memblock_free_all: a "
                        + "reserved-memory node released it");
    }

    @Test
    void aRejectedReusableNodeThatReleasedAnAcceptedCmaAreaIsRefused() {
        // KernelChainProperties' board: 64 MiB at 0x46400000 is not 8 MiB aligned, so rmem_cma_setup
        // rejects it and memblock_phys_free gives back [0x46400000, 0x4a400000), with it the
        // reservation of the accepted 24 MiB area at 0x49000000, whose pages memblock_free_all then
        // freed before cma_activate_area freed them again (DMA managed 48088 of 47872 present)
        Board b = Board.of(List.of(new Bank(0x4000_0000L, 187 * M)),
                List.of(new ReservedMemory(0x4900_0000L, 24 * M, ReservedMemory.Kind.REUSABLE),
                        new ReservedMemory(0x4640_0000L, 64 * M, ReservedMemory.Kind.REUSABLE)), "", 1);
        BootedSystem booted = Boot.boot(b);
        assertThat(booted.cmaAreas()).extracting(CmaArea::name).containsExactly("reserved-memory@0", "reserved");
        assertThatThrownBy(() -> BootZones.setUp(booted)).isInstanceOf(BootException.class).hasMessage(
                "--reserve: CMA area reserved-memory@0 (pfns 0x49000-0x4a7ff) is not reserved at memblock_free_all: a "
                        + "reserved-memory node released it");
    }

    @Test
    void twoOverlappingCmaAreasAreRefused() {
        // both 8 MiB aligned, so both are CMA areas: __rmem_check_for_overlap only prints OVERLAP DETECTED!
        BootedSystem booted = Boot.boot(Board.of(List.of(new Bank(0x4000_0000L, 1024 * M)),
                List.of(new ReservedMemory(0x4800_0000L, 32 * M, ReservedMemory.Kind.REUSABLE),
                        new ReservedMemory(0x4900_0000L, 16 * M, ReservedMemory.Kind.REUSABLE)), "", 1));
        assertThat(booted.cmaAreas()).hasSizeGreaterThanOrEqualTo(2);
        assertThatThrownBy(() -> BootZones.setUp(booted)).isInstanceOf(BootException.class)
                .hasMessageStartingWith("--reserve: CMA area ").hasMessageContaining("overlaps CMA area")
                .hasMessageEndingWith("6.1 only reports the overlap and cma_activate_area would free their common pages twice");
    }

    @Test
    void aRejectedReusableNodeThatReleasedSwapperPgDirIsRefused() {
        // 3 MiB at PHYS_OFFSET is not CMA-aligned: rmem_cma_setup fails and memblock_phys_free gives
        // back [0x40000000, 0x40300000), arm_mm_memblock_reserve's 0x40204000+0x4000 with it (found by
        // LayoutProperties on a 22 MiB board: the boot's first pte_alloc_kernel then took pfn 0x40205,
        // inside the live first-level table)
        BootedSystem b = Boot.boot(withNode(0x4000_0000L, 3 * M));
        assertThatThrownBy(() -> BootZones.setUp(b)).isInstanceOf(BootException.class).hasMessage(
                "--reserve: swapper_pg_dir (pfns 0x40204-0x40207) is not reserved at memblock_free_all: a "
                        + "reserved-memory node released it");
    }

    @Test
    void aRejectedReusableNodeThatReleasedTheInitSectionsIsRefused() {
        // [0x41100000, 0x42100000): __init_begin..__init_end (0x41200000..0x41400000) is the first in use
        BootedSystem b = Boot.boot(withNode(0x4110_0000L, 16 * M));
        assertThatThrownBy(() -> BootZones.setUp(b)).isInstanceOf(BootException.class).hasMessage(
                "--reserve: initmem (pfns 0x41200-0x413ff) is not reserved at memblock_free_all: a reserved-memory node "
                        + "released it");
    }

    @Test
    void aCmaAreaAtAddressZeroBelowRamIsRefused() {
        BootedSystem b = Boot.boot(withNode(0, 8 * M));
        assertThat(b.cmaAreas()).extracting(CmaArea::base).contains(0L);
        assertThatThrownBy(() -> BootZones.setUp(b)).isInstanceOf(BootException.class)
                .hasMessageContaining("CMA area reserved-memory@0 at ").hasMessageContaining("which is not RAM");
    }

    @Test
    void theZoneSetupIsComputedFromTheInputs() {
        BootedSystem b = Boot.boot(Board.virt(1024 * M));
        assertThat(BootZones.setUp(b).inputs().maxLowPfn()).isEqualTo(0x70000);
        assertThat(BootZones.setUp(Boot.boot(Board.virt(1024 * M)), armmm.model.core.Bugs.NONE).inputs().maxPfn())
                .isEqualTo(0x80000);
    }

    @Test
    void aCmaAreaStartingWhereAnEarlyAllocationEndsIsAccepted() {
        // the vectors' early_alloc is the first top-down allocation below the limit 0x70000000: it ends
        // where the node starts
        BootedSystem b = Boot.boot(withNode(0x7000_0000L, 8 * M));
        assertThat(b.allocations()).anyMatch(a -> a.end() == 0x7000_0000L);
        assertThatCode(() -> BootZones.setUp(b)).doesNotThrowAnyException();
    }

    @Test
    void aFailedCmaTryIsNotMemoryInUse() {
        // RAM 0x10000000-0x50000000: highmem_start 0x40000000. cma=520M fails in highmem (a try at
        // address 0 for 520M), then lands at 0x40000000 - 520M = 0x1f800000, below that try's "end"
        BootedSystem b = Boot.boot(Board.of(List.of(new Bank(0x1000_0000L, 1024 * M)), List.of(), "cma=520M", 1));
        assertThat(b.cmaAreas()).containsExactly(new CmaArea("reserved", 0x1f80_0000L, 520 * M));
        assertThatCode(() -> BootZones.setUp(b)).doesNotThrowAnyException();
    }

    @Test
    void freeUnusedMemmapReleasesTheHolesStructPages() {
        // free_memmap(0x50000, 0x60000): __pa of mem_map[0x10000] .. mem_map[0x20000], page-aligned inward
        BootedSystem b = Boot.boot(Board.of(List.of(new Bank(0x4000_0000L, 256 * M), new Bank(0x6000_0000L, 256 * M)),
                List.of(), "", 1));
        long lo = (b.memMapPhys() + 0x10000L * 36 + 4095) & -4096L;
        long hi = (b.memMapPhys() + 0x20000L * 36) & -4096L;
        assertThat(EarlyMemblock.overlaps(b.reserved(), lo, hi - lo)).isTrue();
        ZoneInputs in = BootZones.inputs(b);
        assertThat(EarlyMemblock.overlaps(in.reserved(), lo, hi - lo)).isFalse();
        assertThat(EarlyMemblock.overlaps(in.reserved(), lo - 4096, 4096)).isTrue();
        assertThat(EarlyMemblock.overlaps(in.reserved(), hi, 4096)).isTrue();
    }
}
