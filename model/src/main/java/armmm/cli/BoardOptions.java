package armmm.cli;

import armmm.model.board.Board;
import armmm.model.board.BoardException;
import armmm.model.board.BuildConfig;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The board options shared by {@code boot} and {@code replay-memblock} (CONTRACTS.md section 2). */
public final class BoardOptions {
    @Option(names = "--ram", paramLabel = "SIZE", description = "QEMU -M virt RAM: one bank at 0x40000000 (default 1024M)")
    String ram;

    @Option(names = "--memory", paramLabel = "BASE:SIZE", description = "a RAM bank (device-tree /memory reg; repeatable), instead of --ram")
    List<String> memory = new ArrayList<>();

    @Option(names = "--reserve", paramLabel = "BASE:SIZE[:no-map|:reusable]",
            description = "a /reserved-memory node (repeatable); such a board boots with a -dtb file")
    List<String> reserve = new ArrayList<>();

    @Option(names = "--cmdline", paramLabel = "ARGS", description = "kernel command-line arguments after console=ttyAMA0 (mem=, vmalloc=, cma=, movablecore=, memblock=debug)")
    String cmdline = "";

    @Option(names = "--cpus", paramLabel = "N", description = "number of CPUs (default 1)")
    String cpus = "1";

    @Option(names = "--vmsplit", paramLabel = "3G|2G|1G",
            description = "user/kernel split of the build (CONFIG_VMSPLIT_*): PAGE_OFFSET 0xC0000000, 0x80000000 or 0x40000000 (default 3G)")
    String vmsplit;

    @Option(names = "--cma-default", paramLabel = "MIB", description = "the build's CONFIG_CMA_SIZE_MBYTES (default 16), what cma= overrides")
    String cmaDefault;

    @Option(names = "--struct-page-size", paramLabel = "BYTES", description = "the build's sizeof(struct page) (default 36)")
    String structPageSize;

    @Option(names = "--debug-vm", description = "a build with CONFIG_DEBUG_VM: misused pages are reported when the call"
            + " happens (default: off, as in armmp, where 6.1 reports them later or not at all)")
    boolean debugVm;

    /**
     * A decimal option value of ASCII digits: read here rather than by picocli's
     * {@code Integer.valueOf}, which takes any Unicode digit and would boot {@code --cpus ٢}.
     */
    private static int number(String option, String text) {
        if (!text.matches("[0-9]{1,9}")) {
            throw new BoardException(option, "expected a number, found '" + text + "'");
        }
        return Integer.parseInt(text);
    }

    @Option(names = "--initrd-size", paramLabel = "SIZE",
            description = "the initrd QEMU loads (default 0xd8000, the captured boots'); the device tree follows it")
    String initrdSize;

    @Option(names = "--dma-zone-size", paramLabel = "SIZE",
            description = "the machine's DMA zone size (machine_desc.dma_zone_size): ZONE_DMA ends at PHYS_OFFSET + SIZE, ZONE_NORMAL holds the lowmem above it (default: none, as on -M virt)")
    String dmaZoneSize;

    /** The board these options describe, with the build overrides; throws BoardException for bad values. */
    public Board board() {
        Board board = Board.fromOptions(ram, memory, reserve, cmdline, number("--cpus", cpus));
        BuildConfig build = board.build();
        if (vmsplit != null) {
            build = build.withPageOffset(switch (vmsplit) {
                case "3G" -> 0xC000_0000L;
                case "2G" -> 0x8000_0000L;
                case "1G" -> 0x4000_0000L;
                default -> throw new BoardException("--vmsplit", "expected 3G, 2G or 1G, found '" + vmsplit + "'");
            });
        }
        if (cmaDefault != null) {
            int mib = number("--cma-default", cmaDefault);
            if (mib > 4096) {
                throw new BoardException("--cma-default", "expected 0..4096 MiB, found " + mib);
            }
            build = build.withCmaSizeMbytes(mib);
        }
        if (structPageSize != null) {
            build = build.withStructPageSize(number("--struct-page-size", structPageSize));
        }
        if (debugVm) {
            build = build.withDebugVm(true);
        }
        if (initrdSize != null) {
            board = board.withInitrdSize(armmm.model.board.Memparse.strict("--initrd-size", initrdSize));
        }
        if (dmaZoneSize != null) {
            board = board.withDmaZoneSize(armmm.model.board.Memparse.strict("--dma-zone-size", dmaZoneSize));
        }
        return build == board.build() ? board : board.withBuild(build);
    }
}
