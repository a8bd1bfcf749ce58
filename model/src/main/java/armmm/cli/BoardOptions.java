package armmm.cli;

import armmm.model.board.Board;
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
    int cpus = 1;

    /** The board these options describe; throws BoardException for bad values. */
    public Board board() {
        return Board.fromOptions(ram, memory, reserve, cmdline, cpus);
    }
}
