package armmm.scenario;

import armmm.model.subsystem.Op;
import armmm.model.core.Result;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Writes kernel calls, one after the other, as scenario lines that {@code armmm run} replays
 * exactly: a call that returns a handle (a page, an address) binds it with {@code -> $p1}, and a
 * later call that takes that handle uses the name instead of the number. A refused call is
 * written as {@code expect-fail}, one that warns as {@code expect-warn} (or {@code expect-finding}).
 */
public final class ScenarioWriter {
    private final Map<Long, String> names = new HashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();
    private final boolean everyCpu;

    /** A writer for a one-CPU board (or none): a per-CPU call on CPU 0 prints without {@code cpu=0}, as before. */
    public ScenarioWriter() {
        this(1);
    }

    /**
     * A writer for a board with {@code cpus} CPUs: with more than one, every call that takes a
     * CPU prints its {@code cpu=N}, {@code cpu=0} too, so an interleaving reads CPU by CPU
     * (issue 12); on one CPU the {@code cpu=0} says nothing and is left out.
     */
    public ScenarioWriter(int cpus) {
        this.everyCpu = cpus > 1;
    }

    /** The scenario line of {@code op}, which returned {@code result}. */
    public String line(Op op, Result result) {
        String line = op.render(v -> Optional.ofNullable(names.get(v)));
        if (everyCpu && op.cpu() == 0) {
            // Op.render leaves the default cpu=0 out; the parser takes it back on any per-CPU call
            armmm.model.subsystem.OpSpec spec = armmm.model.kernel.OpTable.spec(op.name());
            if (spec != null && spec.perCpu()) {
                line += " cpu=0";
            }
        }
        // the registry's handle kinds say which results are handles a later call takes
        armmm.model.subsystem.HandleKind kind = armmm.model.kernel.Subsystems.handleProducedBy(op.name());
        String stem = kind == null ? null : kind.stem();
        if (result instanceof Result.Refused r) {
            return (r.isModelFinding() ? "expect-finding " : "expect-fail ") + line + "    # " + r.reason();
        }
        String prefix = "";
        String comment = "";
        if (result instanceof Result.Warned w) {
            prefix = w.origin() == Result.Origin.KERNEL ? "expect-warn " : "expect-finding ";
            comment = "    # " + w.warning();
        }
        if (stem != null && result.value() != 0) {
            String name = "$" + stem + counters.merge(stem, 1, Integer::sum);
            names.put(result.value(), name);
            line += " -> " + name;
        }
        return prefix + line + comment;
    }
}
