package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import armmm.model.board.BoardException;
import armmm.model.board.ReservedMemory;
import armmm.model.memblock.Region;
import armmm.model.zone.CmaArea;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Boot on boards no one captured: nonsense input gets the kernel's answer or a clear error. */
class BootTest {

    @Test
    void aVmallocLargerThanTheAddressSpaceIsClampedAsEarlyVmallocDoes() {
        BootedSystem b = Boot.boot(Board.virt(1024L << 20).withArgs("vmalloc=3G"));
        assertThat(b.vmallocSize()).isEqualTo(0xff80_0000L - (0xC000_0000L + (32L << 20) + (8L << 20)));
        assertThat(b.lowmemLimit()).as("32 MiB of lowmem left").isEqualTo(0x4200_0000L);
        assertThat(b.log()).contains("vmalloc area is too big, limiting to 976MiB");
        BootedSystem small = Boot.boot(Board.virt(1024L << 20).withArgs("vmalloc=1M"));
        assertThat(small.vmallocSize()).isEqualTo(16L << 20);
        assertThat(small.log()).contains("vmalloc area is too small, limiting to 16MiB");
        // memparse's 64-bit result lands in an unsigned long: 4G wraps to 0, then "too small"
        assertThat(Boot.boot(Board.virt(1024L << 20).withArgs("vmalloc=4G")).vmallocSize()).isEqualTo(16L << 20);
    }

    @Test
    void overlappingBanksAreMergedByMemblock() {
        Board b = Board.of(List.of(new Bank(0x4000_0000L, 512L << 20), new Bank(0x5000_0000L, 512L << 20)), List.of(), "", 1);
        assertThat(Boot.boot(b).memory()).containsExactly(new Region(0x4000_0000L, 768L << 20, 0));
    }

    @Test
    void memBelowTheKernelImageIsAClearError() {
        assertThatThrownBy(() -> Boot.boot(Board.virt(1024L << 20).withArgs("mem=16M")))
                .isInstanceOf(BootException.class).hasMessageStartingWith("mem=: RAM must hold the kernel image 0x40300000-0x41607587");
    }

    @Test
    void ramReachingFourGigabytesLosesItsLastByteAndSoItsLastPage() {
        BootedSystem b = Boot.boot(Board.virt(3072L << 20));
        assertThat(b.memory()).containsExactly(new Region(0x4000_0000L, 0xbfff_ffffL, 0));
        assertThat(b.maxPfn() - b.maxLowPfn()).as("HighMem pages").isEqualTo(589823);
    }

    @Test
    void banksAboveFourGigabytesAreIgnoredAndABankCrossingItIsCut() {
        Board b = Board.of(List.of(new Bank(0x4000_0000L, 1L << 30), new Bank(0xF000_0000L, 1L << 30)), List.of(), "", 1);
        BootedSystem booted = Boot.boot(b);
        assertThat(booted.memory()).containsExactly(new Region(0x4000_0000L, 1L << 30, 0), new Region(0xF000_0000L, 0x0fff_ffffL, 0));
        assertThat(booted.log()).contains("Ignoring memory range 0x100000000 - 0x130000000");
    }

    @Test
    void aMisalignedReusableNodeIsGivenBackAndAnAlignedOneBecomesCma() {
        Board bad = Board.of(List.of(new Bank(0x4000_0000L, 1L << 30)),
                List.of(new ReservedMemory(0x5010_0000L, 16L << 20, ReservedMemory.Kind.REUSABLE)), "", 1);
        BootedSystem b = Boot.boot(bad);
        assertThat(b.cmaAreas()).extracting(CmaArea::name).containsExactly("reserved");
        assertThat(EarlyMemblock.overlaps(b.reserved(), 0x5010_0000L, 16L << 20)).isFalse();
        Board good = Board.of(List.of(new Bank(0x4000_0000L, 1L << 30)),
                List.of(new ReservedMemory(0x5000_0000L, 16L << 20, ReservedMemory.Kind.REUSABLE)), "", 1);
        assertThat(Boot.boot(good).cmaAreas()).extracting(CmaArea::base).containsExactly(0x5000_0000L, 0x7f00_0000L);
    }

    @Test
    void aNoMapNodeOverReservedMemoryIsRefusedWithEbusy() {
        // the node covers the kernel image: early_init_dt_reserve_memory returns -EBUSY
        Board b = Board.of(List.of(new Bank(0x4000_0000L, 1L << 30)),
                List.of(new ReservedMemory(0x4000_0000L, 32L << 20, ReservedMemory.Kind.NO_MAP)), "", 1);
        BootedSystem booted = Boot.boot(b);
        assertThat(booted.memory()).extracting(Region::flags).containsOnly(0);
        assertThat(booted.log()).anyMatch(l -> l.contains("failed to reserve memory"));
    }

    @Test
    void aFixedCmaOnTheCommandLineIsReservedWhereAsked() {
        BootedSystem b = Boot.boot(Board.virt(1024L << 20).withArgs("cma=32M@0x60000000-0x62000000"));
        assertThat(b.cmaAreas()).containsExactly(new CmaArea("reserved", 0x6000_0000L, 32L << 20));
        assertThat(Boot.boot(Board.virt(1024L << 20).withArgs("cma=4G")).cmaAreas()).as("wraps to 0: no CMA").isEmpty();
        assertThat(Boot.boot(Board.virt(1024L << 20).withArgs("cma=0")).cmaAreas()).isEmpty();
    }

    @Test
    void movablecoreCarvesZoneMovableOutOfHighMemAndGivesItAPageblockBitmap() {
        BootedSystem b = Boot.boot(Board.virt(1024L << 20).withArgs("movablecore=128M"));
        assertThat(b.zoneMovablePfn()).isEqualTo(0x78000);
        assertThat(b.allocations()).filteredOn(a -> a.caller().equals("setup_usemap"))
                .extracting(EarlyAllocation::size).containsExactly(48L, 8L, 8L);
        // kernelcore must take all of lowmem first, so half of RAM still only moves HighMem
        assertThat(Boot.boot(Board.virt(1024L << 20).withArgs("movablecore=50%")).zoneMovablePfn()).isEqualTo(0x70000);
        assertThat(Boot.boot(Board.virt(512L << 20).withArgs("movablecore=64M")).zoneMovablePfn())
                .as("no HighMem: the movable zone comes out of DMA").isEqualTo(0x5c000);
        assertThat(Boot.boot(Board.virt(1024L << 20)).zoneMovablePfn()).isZero();
    }

    @Test
    void tooLittleRamForTheImageBlamesTheRamOption() {
        assertThatThrownBy(() -> Boot.boot(Board.virt(16L << 20))).isInstanceOf(BootException.class)
                .hasMessageStartingWith("--ram: RAM must hold the kernel image");
    }

    @Test
    void aTinyBoardDisablesTheInitrdQemuPutOverTheImageAndFailsToReserveCma() {
        BootedSystem b = Boot.boot(Board.virt(32L << 20));
        assertThat(b.initrdStart()).isZero();
        assertThat(b.log()).anyMatch(l -> l.startsWith("INITRD: 0x41000000+0x000d8000 overlaps in-use memory region"));
        assertThat(b.cmaAreas()).isEmpty();
        assertThat(b.log()).contains("cma: Failed to reserve 16 MiB");
    }

    @Test
    void aTwoGigabyteSplitMovesEveryBoundaryWithPageOffset() {
        Board b = Board.virt(2048L << 20).withBuild(armmm.model.board.BuildConfig.armmp().withPageOffset(0x8000_0000L));
        BootedSystem booted = Boot.boot(b);
        assertThat(booted.lowmemLimit()).isEqualTo(0xB000_0000L);
        assertThat(booted.layout().highMemory()).isEqualTo(0xF000_0000L);
        assertThat(booted.layout().modulesVaddr()).isEqualTo(0x7F00_0000L);
        assertThat(booted.layout().pkmapBase()).isEqualTo(0x7FE0_0000L);
        assertThat(booted.layout().pa(0x8000_0000L)).isEqualTo(armmm.model.core.Result.of(0x4000_0000L));
    }
}
