package armmm.scenario;

import armmm.model.kernel.Arg;
import armmm.model.kernel.ArgKind;
import armmm.model.kernel.Op;
import armmm.model.kernel.Result;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes a sequence of kernel calls as a scenario that {@code armmm run} replays exactly: a
 * call whose result a later call takes as a handle gets {@code -> $name}, and the later call
 * uses that name instead of the number.
 */
public final class ScenarioWriter {
    private ScenarioWriter() {
    }

    /**
     * One call and what it returned.
     *
     * @param op     the call
     * @param result what the model returned
     */
    public record Step(Op op, Result result) {
    }

    /** The lines of {@code steps}, one per call, with bindings where later calls need them. */
    public static List<String> lines(List<Step> steps) {
        Set<Long> usedLater = new HashSet<>();
        for (Step s : steps) {
            for (Arg a : s.op().args()) {
                if (a.kind() == ArgKind.HANDLE) {
                    usedLater.add(a.value());
                }
            }
        }
        Map<Long, String> names = new HashMap<>();
        Map<String, Integer> counters = new HashMap<>();
        List<String> lines = new ArrayList<>();
        for (Step s : steps) {
            String line = s.op().render(v -> Optional.ofNullable(names.get(v)));
            long value = s.result().value();
            if (!s.result().isRefused() && value != 0 && usedLater.contains(value)) {
                String stem = s.op().resultStem();
                String name = "$" + stem + counters.merge(stem, 1, Integer::sum);
                names.put(value, name);
                line += " -> " + name;
            }
            if (s.result() instanceof Result.Refused r) {
                line = "expect-fail " + line + "    # " + r.reason();
            }
            lines.add(line);
        }
        return lines;
    }
}
