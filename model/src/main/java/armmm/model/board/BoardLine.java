package armmm.model.board;

import armmm.model.core.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A scenario's {@code board} line: the {@code armmm boot} options as {@code key=value} pairs
 * ({@code ram=1024M}, {@code memory=BASE:SIZE}, {@code reserve=BASE:SIZE[:no-map|:reusable]},
 * {@code cmdline="..."}, {@code cpus=N}, {@code dma_zone_size=SIZE}: the machine's
 * {@code machine_desc.dma_zone_size}, arch/arm/mm/init.c; {@code debug_vm=y|n}: the build's
 * CONFIG_DEBUG_VM, {@link BuildConfig#debugVm}). {@code memory} and {@code reserve} repeat.
 */
public final class BoardLine {
    /** The keys a board line knows. */
    public static final Set<String> KEYS = Set.of("ram", "memory", "reserve", "cmdline", "cpus", "dma_zone_size", "debug_vm");

    /**
     * The word that makes a board line power the kernel on instead of booting it at once: the
     * boot then runs as kernel calls ({@code setup_arch}, {@code mm_init}, ...; spec/scenario-language.md).
     */
    public static final String STEPWISE = "boot=stepwise";
    /** The key of {@link #STEPWISE}, which {@link #parse} does not take: the scenario reads it first. */
    public static final String BOOT_KEY = "boot";

    private BoardLine() {
    }

    /**
     * Whether {@code params} ask for a stepwise boot ({@code boot=stepwise}); without the key the
     * board boots at once, as it always has.
     *
     * @throws BoardException for another value of {@code boot}
     */
    public static boolean stepwise(Map<String, String> params) {
        String mode = params.get(BOOT_KEY);
        if (mode == null) {
            return false;
        }
        if (!mode.equals("stepwise")) {
            throw new BoardException(BOOT_KEY, "expected stepwise, found '" + mode + "'");
        }
        return true;
    }

    /**
     * The board the parameters describe; a repeated {@code memory} or {@code reserve} arrives
     * joined by commas. Throws {@link BoardException} naming the parameter at fault.
     */
    public static Board parse(Map<String, String> params) {
        for (String key : params.keySet()) {
            if (!KEYS.contains(key)) {
                throw new BoardException(key, "unknown board parameter, expected one of ram, memory, reserve, cmdline, cpus, dma_zone_size, debug_vm"
                        + " or " + STEPWISE);
            }
        }
        int cpus = 1;
        if (params.containsKey("cpus")) {
            String n = params.get("cpus");
            if (!n.matches("[0-9]{1,9}")) {
                throw new BoardException("cpus", "expected a number, found '" + n + "'");
            }
            cpus = Integer.parseInt(n);
        }
        Board board = Board.fromOptions(params.get("ram"), list(params.get("memory")), list(params.get("reserve")),
                params.get("cmdline"), cpus);
        if (params.containsKey("dma_zone_size")) {
            board = board.withDmaZoneSize(Memparse.strict("dma_zone_size", params.get("dma_zone_size")));
        }
        if (params.containsKey("debug_vm")) {
            board = board.withBuild(board.build().withDebugVm(switch (params.get("debug_vm")) {
                case "y", "1", "true" -> true;
                case "n", "0", "false" -> false;
                default -> throw new BoardException("debug_vm", "expected y or n, found '" + params.get("debug_vm") + "'");
            }));
        }
        return board;
    }

    private static List<String> list(String joined) {
        return joined == null ? List.of() : Arrays.asList(joined.split(","));
    }

    /** The board line that {@link #parse} reads back as {@code board}. */
    public static String render(Board board) {
        List<String> words = new ArrayList<>();
        words.add("board");
        if (board.banks().size() == 1 && board.banks().get(0).base() == Board.VIRT_RAM_BASE) {
            words.add("ram=" + size(board.banks().get(0).size()));
        } else {
            board.banks().forEach(b -> words.add("memory=" + Values.hex(b.base()) + ":" + size(b.size())));
        }
        for (ReservedMemory r : board.reserved()) {
            String kind = switch (r.kind()) {
                case NO_MAP -> ":no-map";
                case REUSABLE -> ":reusable";
                case RESERVED -> "";
            };
            words.add("reserve=" + Values.hex(r.base()) + ":" + size(r.size()) + kind);
        }
        String args = userArgs(board);
        if (!args.isEmpty()) {
            words.add("cmdline=\"" + args + "\"");
        }
        if (board.cpus() != 1) {
            words.add("cpus=" + board.cpus());
        }
        if (board.dmaZoneSize() != 0) {
            words.add("dma_zone_size=" + size(board.dmaZoneSize()));
        }
        if (board.build().debugVm()) {
            words.add("debug_vm=y");
        }
        return String.join(" ", words);
    }

    private static String userArgs(Board board) {
        String text = board.cmdline().text();
        String console = board.build().console();
        if (text.startsWith(console)) {
            text = text.substring(console.length());
        }
        return text.trim();
    }

    /** A size as memparse reads it: {@code 1024M}, {@code 64K}, or hex. */
    private static String size(long bytes) {
        if (bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "M";
        }
        if (bytes % 1024 == 0) {
            return (bytes >> 10) + "K";
        }
        return Values.hex(bytes);
    }
}
