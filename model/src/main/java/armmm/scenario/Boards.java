package armmm.scenario;

import armmm.model.board.BoardException;
import armmm.model.board.BoardLine;
import armmm.model.boot.BootException;
import armmm.model.kernel.Kernel;
import java.util.Map;

/** Boots the kernel a scenario's {@code board} line describes. */
public final class Boards {
    private Boards() {
    }

    /**
     * The kernel that has booted the board of {@code params}; bad parameters are bad input at
     * {@code line}.
     */
    public static Kernel boot(Map<String, String> params, int line) {
        return boot(params, line, armmm.model.core.Bugs.NONE);
    }

    /** {@link #boot(Map, int)} with the seeded bugs {@code bugs} planted. */
    public static Kernel boot(Map<String, String> params, int line, armmm.model.core.Bugs bugs) {
        try {
            return Kernel.boot(BoardLine.parse(params), bugs);
        } catch (BoardException | BootException e) {
            throw new ScenarioException(line, 1, "board: " + e.getMessage());
        }
    }
}
