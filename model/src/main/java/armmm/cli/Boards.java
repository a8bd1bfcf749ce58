package armmm.cli;

import armmm.model.board.Board;
import armmm.model.board.BoardException;
import armmm.model.boot.BootException;
import armmm.model.kernel.Kernel;
import armmm.scenario.ScenarioException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Boots the kernel a scenario's {@code board} line describes: {@code ram=}, {@code memory=}
 * and {@code reserve=} (repeatable), {@code cmdline=}, {@code cpus=}, as the {@code boot} options.
 */
public final class Boards {
    private static final Set<String> KEYS = Set.of("ram", "memory", "reserve", "cmdline", "cpus");

    private Boards() {
    }

    /** The kernel a board line describes; bad parameters are a {@link ScenarioException}. */
    public static Kernel boot(Map<String, String> params) {
        for (String key : params.keySet()) {
            if (!KEYS.contains(key)) {
                throw new ScenarioException(1, 1, "unknown board parameter '" + key + "', expected one of ram, memory, reserve, cmdline, cpus");
            }
        }
        try {
            int cpus = params.containsKey("cpus") ? Integer.parseInt(params.get("cpus")) : 1;
            Board board = Board.fromOptions(params.get("ram"), list(params.get("memory")), list(params.get("reserve")),
                    unquote(params.getOrDefault("cmdline", "")), cpus);
            return Kernel.boot(board);
        } catch (NumberFormatException e) {
            throw new ScenarioException(1, 1, "cpus: expected a number, found '" + params.get("cpus") + "'");
        } catch (BoardException | BootException e) {
            throw new ScenarioException(1, 1, e.getMessage());
        }
    }

    private static List<String> list(String joined) {
        return joined == null ? List.of() : Arrays.asList(joined.split(","));
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
