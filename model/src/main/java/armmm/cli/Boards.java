package armmm.cli;

import armmm.model.kernel.Kernel;
import armmm.scenario.ScenarioException;
import java.util.Map;

/** Boots the kernel a scenario's {@code board} line describes. */
public final class Boards {
    private Boards() {
    }

    /** The kernel a board line describes. */
    public static Kernel boot(Map<String, String> params) {
        throw new ScenarioException(1, 1, "board lines arrive with the boot subsystem");
    }
}
