package armmm.model.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scenario's {@code board} line read and written back, the machine facts derived from a board
 * (PHYS_OFFSET by AUTO_ZRELADDR's 128 MiB rounding, QEMU's initrd placement of hw/arm/boot.c,
 * {@code arm_dma_limit} of {@code setup_dma_zone} and {@code MAX_DMA_ADDRESS} of
 * arch/arm/include/asm/dma.h) and the build's own limits ({@code VMSPLIT} PAGE_OFFSETs,
 * {@code pageblock_order} = MAX_ORDER - 1, {@code MAX_ORDER_NR_PAGES}).
 */
class BoardLineAndBuildTest {

    @Test
    void aBoardLineReadsBackAsTheBoardItDescribes() {
        Board b = BoardLine.parse(Map.of("memory", "0x40000000:512M,0x80000000:0x1800",
                "reserve", "0x50000000:64K:no-map,0x51000000:1M:reusable,0x52000000:0x1234",
                "cmdline", "vmalloc=256M", "cpus", "4", "dma_zone_size", "64M"));
        assertThat(b.banks()).containsExactly(new Bank(0x4000_0000L, 512L << 20), new Bank(0x8000_0000L, 0x1800));
        assertThat(b.cpus()).isEqualTo(4);
        assertThat(b.dmaZoneSize()).isEqualTo(64L << 20);
        String line = BoardLine.render(b);
        assertThat(line).isEqualTo("board memory=0x40000000:512M memory=0x80000000:6K reserve=0x50000000:64K:no-map"
                + " reserve=0x51000000:1M:reusable reserve=0x52000000:0x1234 cmdline=\"vmalloc=256M\" cpus=4"
                + " dma_zone_size=64M");
        assertThat(BoardLine.render(BoardLine.parse(Map.of()))).isEqualTo("board ram=1024M");
        assertThat(BoardLine.render(Board.of(List.of(new Bank(0x4800_0000L, 1L << 30)), List.of(), "", 1)))
                .isEqualTo("board memory=0x48000000:1024M");
        assertThat(BoardLine.parse(Map.of("ram", "256M", "cpus", "1")).cpus()).isEqualTo(1);
    }

    @Test
    void debugVmIsABuildOptionOffByDefaultAsInArmmp() {
        assertThat(BuildConfig.armmp().debugVm()).isFalse();
        Board on = BoardLine.parse(Map.of("ram", "256M", "debug_vm", "y"));
        assertThat(on.build().debugVm()).isTrue();
        assertThat(on.build().withDebugVm(false)).isEqualTo(BuildConfig.armmp());
        assertThat(BoardLine.render(on)).isEqualTo("board ram=256M debug_vm=y");
        assertThat(BoardLine.parse(Map.of("debug_vm", "n")).build().debugVm()).isFalse();
        assertThatThrownBy(() -> BoardLine.parse(Map.of("debug_vm", "maybe")))
                .hasMessage("debug_vm: expected y or n, found 'maybe'");
    }

    @Test
    void aBadBoardParameterIsNamedInTheError() {
        assertThatThrownBy(() -> BoardLine.parse(Map.of("rom", "1G"))).isInstanceOf(BoardException.class)
                .hasMessageStartingWith("rom: unknown board parameter");
        assertThatThrownBy(() -> BoardLine.parse(Map.of("cpus", "two"))).hasMessage("cpus: expected a number, found 'two'");
        assertThatThrownBy(() -> BoardLine.parse(Map.of("cpus", "1234567890"))).hasMessageStartingWith("cpus: expected a number");
        assertThatThrownBy(() -> BoardLine.parse(Map.of("dma_zone_size", "lots"))).hasMessageStartingWith("dma_zone_size: ");
        assertThatThrownBy(() -> ReservedMemory.parse("0x50000000")).hasMessageStartingWith("--reserve: expected BASE:SIZE");
        assertThatThrownBy(() -> ReservedMemory.parse("0x50000000:1M:no-map:x")).hasMessageStartingWith("--reserve: expected BASE:SIZE");
        assertThatThrownBy(() -> ReservedMemory.parse("0xfff00000:2M")).hasMessageStartingWith("--reserve: expected a range inside 4 GiB");
        assertThatThrownBy(() -> ReservedMemory.parse("0x50000000:0")).hasMessageStartingWith("--reserve: expected a range inside 4 GiB");
        assertThat(ReservedMemory.parse("0xfff00000:1M").end()).isEqualTo(1L << 32);
    }

    @Test
    void physOffsetIsTheLoadAddressRoundedDownTo128MiB() {
        Board b = Board.of(List.of(new Bank(0x4a00_0000L, 256L << 20), new Bank(0x6000_0000L, 64L << 20)), List.of(), "", 1);
        assertThat(b.loaderStart()).isEqualTo(0x4a00_0000L);
        assertThat(b.physOffset()).isEqualTo(0x4800_0000L);
        assertThat(b.ramSize()).isEqualTo(320L << 20);
        assertThat(b.ramOption()).isEqualTo("--memory");
        // hw/arm/boot.c: loader_start + min(ram_size / 2, 128 MiB)
        assertThat(b.initrdStart()).isEqualTo(0x4a00_0000L + (128L << 20));
        assertThat(Board.virt(200L << 20).initrdStart()).isEqualTo(0x4000_0000L + (100L << 20));
        assertThat(Board.virt(256L << 20).initrdStart()).isEqualTo(0x4800_0000L);
        assertThat(Board.virt(1L << 30).ramOption()).isEqualTo("--ram");
        assertThat(Board.of(List.of(new Bank(0x4000_0000L, 1L << 30), new Bank(0x8000_0000L, 1L << 20)), List.of(), "", 1)
                .ramOption()).isEqualTo("--memory");
    }

    @Test
    void aDmaZoneSizeSetsArmDmaLimitAndMaxDmaAddress() {
        Board none = Board.virt(1L << 30);
        assertThat(none.armDmaLimit()).isEqualTo(0xffff_ffffL);
        assertThat(none.armDmaPfnLimit()).isEqualTo(0xfffffL);
        assertThat(none.maxDmaAddress()).isEqualTo(0xffff_ffffL);
        Board dma = none.withDmaZoneSize(256L << 20);
        assertThat(dma.armDmaLimit()).isEqualTo(0x4fff_ffffL);
        assertThat(dma.armDmaPfnLimit()).isEqualTo(0x4ffffL);
        assertThat(dma.maxDmaAddress()).isEqualTo(0xd000_0000L);
        // MAX_DMA_ADDRESS only when PAGE_OFFSET + size stays below 4 GiB
        assertThat(none.withDmaZoneSize(1L << 30).maxDmaAddress()).isEqualTo(0xffff_ffffL);
        assertThat(none.withDmaZoneSize((1L << 30) - 4096).maxDmaAddress()).isEqualTo(0xffff_f000L);
        assertThat(dma.withCpus(2).dmaZoneSize()).isEqualTo(256L << 20);
        assertThat(dma.withArgs("mem=512M").cmdline().text()).isEqualTo("console=ttyAMA0 mem=512M");
        assertThat(dma.withArgs("  ").cmdline().text()).isEqualTo("console=ttyAMA0");
        assertThat(dma.withInitrdSize(4096).initrdSize()).isEqualTo(4096);
        // arm_dma_limit is a 32-bit phys_addr_t: PHYS_OFFSET + size may reach 4 GiB, not pass it
        assertThat(none.withDmaZoneSize(3L << 30).armDmaLimit()).isEqualTo(0xffff_ffffL);
        assertThatThrownBy(() -> none.withDmaZoneSize((3L << 30) + 4096)).hasMessageStartingWith("--dma-zone-size: ");
        assertThatThrownBy(() -> none.withDmaZoneSize(4095)).hasMessageStartingWith("--dma-zone-size: ");
        assertThatThrownBy(() -> none.withDmaZoneSize(-4096)).hasMessageStartingWith("--dma-zone-size: ");
        assertThatThrownBy(() -> none.withCpus(0)).hasMessageStartingWith("--cpus: ");
        assertThat(none.withCpus(8).cpus()).isEqualTo(8);
        assertThatThrownBy(() -> none.withInitrdSize(-1)).hasMessageStartingWith("--initrd: ");
        assertThat(none.withInitrdSize(0).initrdSize()).isZero();
        assertThatThrownBy(() -> Board.of(List.of(), List.of(), "", 1)).hasMessageStartingWith("--ram: a board needs");
        assertThat(Board.of(List.of(new Bank(0x8000_0000L, 1L << 20), new Bank(0x4000_0000L, 1L << 20)), List.of(), "", 1)
                .banks()).extracting(Bank::base).containsExactly(0x4000_0000L, 0x8000_0000L);
    }

    @Test
    void theBuildAcceptsOnlyVmsplitPageOffsetsAndSaneSizes() {
        BuildConfig b = BuildConfig.armmp();
        assertThat(b.pageblockOrder()).isEqualTo(11);
        assertThat(b.maxOrderNrPages()).isEqualTo(2048);
        for (long po : new long[] {0x4000_0000L, 0x8000_0000L, 0xB000_0000L, 0xC000_0000L}) {
            assertThat(b.withPageOffset(po).pageOffset()).isEqualTo(po);
        }
        assertThatThrownBy(() -> b.withPageOffset(0xA000_0000L)).hasMessageStartingWith("--page-offset: expected a VMSPLIT");
        assertThat(b.withCmaSizeMbytes(64).cmaSizeMbytes()).isEqualTo(64);
        assertThat(b.withStructPageSize(16).structPageSize()).isEqualTo(16);
        assertThat(b.withStructPageSize(128).structPageSize()).isEqualTo(128);
        assertThatThrownBy(() -> b.withStructPageSize(15)).hasMessage("--struct-page-size: expected 16..128 bytes, found 15");
        assertThatThrownBy(() -> b.withStructPageSize(129)).hasMessageStartingWith("--struct-page-size: ");
        assertThat(b.withPageOffset(0x8000_0000L).withCmaSizeMbytes(32).withStructPageSize(32))
                .isEqualTo(new BuildConfig(0x8000_0000L, b.textOffset(), b.kernelStartOffset(), b.kernelSize(), b.textSize(),
                        b.rodataSize(), b.initOffset(), b.initSize(), b.dataSize(), b.bssSize(), 32, b.maxOrder(), 32,
                        b.smpCacheBytes(), b.pcpuStaticSize(), b.pcpuReservedSize(), b.pcpuDynamicSize(), b.console()));
        assertThatThrownBy(() -> new BuildConfig(0xC000_0000L, 0x208000L, 0x200000L, 1, 0, 0, 0, 0, 0, 0, 36, 12, 16, 64,
                0, 0, 0, "")).hasMessageStartingWith("--kernel: ");
        assertThatThrownBy(() -> new BuildConfig(0xC000_0000L, 0x208000L, 0x208000L, 0, 0, 0, 0, 0, 0, 0, 36, 12, 16, 64,
                0, 0, 0, "")).hasMessageStartingWith("--kernel: ");
        assertThat(new BuildConfig(0xC000_0000L, 0x208000L, 0x208000L, 1, 0, 0, 0, 0, 0, 0, 36, 2, 16, 64, 0, 0, 0, "")
                .maxOrderNrPages()).isEqualTo(2);
        assertThatThrownBy(() -> new BuildConfig(0xC000_0000L, 0x208000L, 0x208000L, 1, 0, 0, 0, 0, 0, 0, 36, 1, 16, 64,
                0, 0, 0, "")).hasMessageStartingWith("--struct-page: ");
        assertThatThrownBy(() -> new BuildConfig(0xC000_0000L, 0x208000L, 0x208000L, 1, 0, 0, 0, 0, 0, 0, 0, 12, 16, 64,
                0, 0, 0, "")).hasMessageStartingWith("--struct-page: ");
    }

    @Test
    void theSmallPiecesOfABoard() {
        // early_cma takes a limit only after '-'; any other character after the base: base + size
        assertThat(Cmdline.parse("cma=32M@0x50000000+0x1000").cma())
                .isEqualTo(new Cmdline.CmaArg(32L << 20, 0x5000_0000L, 0x5200_0000L));
        assertThat(Board.of(List.of(new Bank(0x4800_0000L, 1L << 30)), List.of(), "", 1).ramOption()).isEqualTo("--memory");
        assertThat(Board.fromOptions(null, List.of(), List.of(), null, 1).cmdline().text()).isEqualTo("console=ttyAMA0");
        assertThat(Board.of(List.of(new Bank(0x4000_0000L, 1L << 30)), List.of(), null, 1).cmdline().text())
                .isEqualTo("console=ttyAMA0");
        assertThat(new Bank(0x4000_0000L, 0x1000).end()).isEqualTo(0x4000_1000L);
        assertThat(new BoardException("--ram", "bad").option()).isEqualTo("--ram");
        // a build whose console is another: the captured console argument is the user's, written back
        BuildConfig b = BuildConfig.armmp();
        BuildConfig other = new BuildConfig(b.pageOffset(), b.textOffset(), b.kernelStartOffset(), b.kernelSize(),
                b.textSize(), b.rodataSize(), b.initOffset(), b.initSize(), b.dataSize(), b.bssSize(), b.structPageSize(),
                b.maxOrder(), b.cmaSizeMbytes(), b.smpCacheBytes(), b.pcpuStaticSize(), b.pcpuReservedSize(),
                b.pcpuDynamicSize(), "console=ttyS0");
        Board moved = Board.virt(1L << 30).withBuild(other);
        assertThat(moved.build()).isSameAs(other);
        assertThat(BoardLine.render(moved)).isEqualTo("board ram=1024M cmdline=\"console=ttyAMA0\"");
    }
}
