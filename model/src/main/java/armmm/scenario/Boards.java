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
     * The kernel that has booted the board of {@code params}, or, with {@code boot=stepwise}, the
     * kernel powered on with it ({@link Kernel#powerOn}); bad parameters are bad input at {@code line}.
     */
    public static Kernel boot(Map<String, String> params, int line) {
        return boot(params, line, armmm.model.core.Bugs.NONE);
    }

    /** {@link #boot(Map, int)} with the seeded bugs {@code bugs} planted. */
    public static Kernel boot(Map<String, String> params, int line, armmm.model.core.Bugs bugs) {
        try {
            if (BoardLine.stepwise(params)) {
                // boot=stepwise: the kernel at power-on; the scenario's stage calls boot it
                Map<String, String> board = new java.util.HashMap<>(params);
                board.remove(BoardLine.BOOT_KEY);
                return Kernel.powerOn(BoardLine.parse(board), bugs);
            }
            return Kernel.boot(BoardLine.parse(params), bugs);
        } catch (BoardException | BootException e) {
            throw new ScenarioException(line, 1, "board: " + e.getMessage());
        }
    }
}
