package armmm.model.zone;

import static armmm.model.zone.VirtBoards.mem;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.check.ZoneChecks;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Zone setup on hand-made boards: the kernel rules one at a time. */
class ZoneSetupTest {

    @Test
    void lowmemIsAllDmaAndHighmemStartsAtTheLowmemLimit() {
        ZoneSetup s = ZoneSetup.compute(VirtBoards.virt(1024, 1));
        assertThat(s.zone(ZoneType.DMA).startPfn()).isEqualTo(0x40000);
        assertThat(s.zone(ZoneType.DMA).spannedPages()).isEqualTo(0x30000);
        assertThat(s.zone(ZoneType.NORMAL).isEmpty()).isTrue();
        assertThat(s.zone(ZoneType.HIGHMEM).startPfn()).isEqualTo(0x70000);
        assertThat(s.zone(ZoneType.HIGHMEM).spannedPages()).isEqualTo(0x10000);
        assertThat(s.zone(ZoneType.MOVABLE).isEmpty()).isTrue();
        assertThat(ZoneChecks.check(s)).isEmpty();
    }

    @Test
    void ramReachingFourGigabytesLosesItsLastPage() {
        ZoneSetup s = ZoneSetup.compute(VirtBoards.virt(3072, 1));
        assertThat(s.zone(ZoneType.HIGHMEM).spannedPages()).isEqualTo(589823);
        assertThat(s.zone(ZoneType.HIGHMEM).min()).isEqualTo(128);
    }

    @Test
    void emptyHighMemGetsTheHighmemFloorAndEmptyMovableFollowsDma() {
        // without highmem, movable_zone is ZONE_DMA, so an empty Movable counts as lowmem: 0/0/0
        ZoneSetup s = ZoneSetup.compute(VirtBoards.virt(512, 1));
        ZoneConfig high = s.zone(ZoneType.HIGHMEM);
        ZoneConfig movable = s.zone(ZoneType.MOVABLE);
        assertThat(new long[] {high.min(), high.low(), high.high()}).containsExactly(32, 32, 32);
        assertThat(new long[] {movable.min(), movable.low(), movable.high()}).containsExactly(0, 0, 0);
        assertThat(s.spans().movableZone()).isEqualTo(ZoneType.DMA);
    }

    @Test
    void emptyMovableCountsAsHighmemWhenHighMemExists() {
        ZoneSetup s = ZoneSetup.compute(VirtBoards.virt(1024, 1));
        assertThat(s.spans().movableZone()).isEqualTo(ZoneType.HIGHMEM);
        assertThat(s.zone(ZoneType.MOVABLE).min()).isEqualTo(32);
    }

    @Test
    void nomapMemoryStaysPresentButIsNeverManaged() {
        long base = VirtBoards.RAM_BASE;
        ZoneInputs in = VirtBoards.board(List.of(mem(base, 0x1000_0000L, false), mem(0x5000_0000L, 0x580_0000L, true),
                mem(0x5580_0000L, 0x2a80_0000L, false)), 1);
        ZoneSetup withNomap = ZoneSetup.compute(in);
        ZoneSetup plain = ZoneSetup.compute(VirtBoards.virt(1024, 1));
        assertThat(withNomap.zone(ZoneType.DMA).presentPages()).isEqualTo(plain.zone(ZoneType.DMA).presentPages());
        assertThat(plain.zone(ZoneType.DMA).managedPages() - withNomap.zone(ZoneType.DMA).managedPages())
                .isEqualTo(0x5800);
        assertThat(ZoneChecks.check(withNomap)).isEmpty();
    }

    @Test
    void aHoleBetweenBanksIsSpannedButNotPresent() {
        ZoneInputs in = VirtBoards.board(List.of(mem(0x4000_0000L, 0x1000_0000L, false),
                mem(0x6000_0000L, 0x2000_0000L, false)), 1);
        ZoneSetup s = ZoneSetup.compute(in);
        ZoneConfig dma = s.zone(ZoneType.DMA);
        assertThat(dma.spannedPages() - dma.presentPages()).isEqualTo(0x10000);
        assertThat(ZoneChecks.check(s)).isEmpty();
    }

    @Test
    void movablecoreCarvesMovableOutOfTheTopOfHighMem() {
        ZoneInputs in = VirtBoards.virt(2048, 1).withMovablecore(100L << 8); // 100 MiB
        ZoneSetup s = ZoneSetup.compute(in);
        ZoneConfig movable = s.zone(ZoneType.MOVABLE);
        // rounded up to MAX_ORDER_NR_PAGES and taken from the end of the node
        assertThat(movable.spannedPages()).isEqualTo(26624); // 25600 rounded up to 2048 (MAX_ORDER 12)
        assertThat(movable.endPfn()).isEqualTo(0xc0000);
        assertThat(s.zone(ZoneType.HIGHMEM).endPfn()).isEqualTo(movable.startPfn());
        assertThat(movable.min()).isEqualTo(32);
        assertThat(ZoneChecks.check(s)).isEmpty();
    }

    @Test
    void movablecoreOnALowmemOnlyBoardCarvesFromDma() {
        ZoneSetup s = ZoneSetup.compute(VirtBoards.virt(512, 1).withMovablecore(0x1000));
        assertThat(s.zone(ZoneType.MOVABLE).spannedPages()).isEqualTo(0x1000);
        assertThat(s.zone(ZoneType.DMA).endPfn()).isEqualTo(s.zone(ZoneType.MOVABLE).startPfn());
        // Movable in lowmem shares min_free_kbytes with DMA
        assertThat(s.zone(ZoneType.MOVABLE).min()).isGreaterThan(0);
        assertThat(ZoneChecks.check(s)).isEmpty();
    }

    @Test
    void movablecoreOfAllMemoryLeavesNoMovableZone() {
        ZoneSetup s = ZoneSetup.compute(VirtBoards.virt(512, 1).withMovablecore(1L << 20));
        assertThat(s.zone(ZoneType.MOVABLE).isEmpty()).isTrue();
    }

    @Test
    void cmaPagesComeBackBeforeTheWatermarksAndLateFreesAfter() {
        ZoneSetup s = ZoneSetup.compute(VirtBoards.virt(256, 1));
        ZoneType dma = ZoneType.DMA;
        ManagedPages m = s.managed();
        assertThat(m.atWatermarks().get(dma) - m.atFreeAll().get(dma)).isEqualTo(4096);
        assertThat(m.afterBoot().get(dma) - m.atWatermarks().get(dma)).isEqualTo(216 + 512);
        assertThat(s.cmaPages(ZoneType.DMA)).isEqualTo(4096);
        assertThat(s.minFreeKbytes()).isEqualTo(Watermarks.minFreeKbytes(m.atWatermarks().get(dma)));
    }

    @Test
    void aCmaAreaAcrossTwoZonesIsRefusedAndItsPagesFreedAsOrdinaryOnes() {
        ZoneInputs ok = VirtBoards.virt(1024, 1);
        long across = 0x6f80_0000L; // 8 MiB below the lowmem limit, 8 MiB above it
        ZoneInputs in = new ZoneInputs(ok.memory(), List.of(new armmm.model.memblock.Region(across, 16L << 20, 0)),
                ok.maxLowPfn(), ok.maxPfn(), ok.dmaPfnLimit(), 0, List.of(new CmaArea(across, 16L << 20)), 1,
                ok.watermarkScaleFactor(), ok.lowmemReserveRatio(), List.of(), ok.maxOrderNrPages());
        ZoneSetup s = ZoneSetup.compute(in);
        assertThat(s.managed().totalCmaPages()).isZero();
        assertThat(s.cmaPages(ZoneType.DMA) + s.cmaPages(ZoneType.HIGHMEM)).isZero();
        assertThat(s.zone(ZoneType.DMA).managedPages()).isEqualTo(s.zone(ZoneType.DMA).presentPages());
        assertThat(s.zone(ZoneType.HIGHMEM).managedPages()).isEqualTo(s.zone(ZoneType.HIGHMEM).presentPages());
        assertThat(ZoneChecks.check(s)).isEmpty();
    }

    @Test
    void aReusableNodeOverTheKernelImageIsRefusedAtBoot() {
        armmm.model.board.Board board = armmm.model.board.Board.of(
                List.of(new armmm.model.board.Bank(0x4000_0000L, 64L << 20)),
                List.of(new armmm.model.board.ReservedMemory(0x4000_0000L, 32L << 20,
                        armmm.model.board.ReservedMemory.Kind.REUSABLE)), "", 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> armmm.model.kernel.Kernel.boot(board))
                .isInstanceOf(armmm.model.boot.BootException.class)
                .hasMessageStartingWith("--reserve: CMA area").hasMessageContaining("the kernel image");
    }

    @Test
    void aRejectedReusableNodeThatReleasedTheKernelImageIsRefusedAtBoot() {
        // 21 MiB is no multiple of the CMA alignment: rmem_cma_setup rejects the node and
        // memblock_phys_free releases all of it, the kernel image's reservation included
        armmm.model.board.Board board = armmm.model.board.Board.of(
                List.of(new armmm.model.board.Bank(0x4000_0000L, 23L << 20)),
                List.of(new armmm.model.board.ReservedMemory(0x4000_0000L, 21L << 20,
                        armmm.model.board.ReservedMemory.Kind.REUSABLE)), "cma=0M", 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> armmm.model.kernel.Kernel.boot(board))
                .isInstanceOf(armmm.model.boot.BootException.class)
                .hasMessageStartingWith("--reserve: ").hasMessageContaining("not reserved at memblock_free_all");
    }

    @Test
    void moreCpusSplitThePcpHighDownToFourBatches() {
        ZoneSetup one = ZoneSetup.compute(VirtBoards.virt(1024, 1));
        ZoneSetup two = ZoneSetup.compute(VirtBoards.virt(1024, 2));
        ZoneSetup eight = ZoneSetup.compute(VirtBoards.virt(1024, 8));
        assertThat(two.zone(ZoneType.DMA).pcpHigh()).isEqualTo(one.zone(ZoneType.DMA).pcpHigh() / 2);
        assertThat(eight.zone(ZoneType.HIGHMEM).pcpHigh()).isEqualTo(4 * eight.zone(ZoneType.HIGHMEM).pcpBatch());
    }
}
