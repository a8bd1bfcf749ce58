package armmm.model.zone;

import armmm.model.core.Result;
import armmm.model.subsystem.Arg;
import armmm.model.subsystem.ArgKind;
import armmm.model.subsystem.HandleNames;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import java.util.List;

/** The zone calls: writes to the zone sysctls ({@link ZoneSysctl}). */
public sealed interface ZoneOp extends Op {

    /**
     * {@code sysctl -w PATH=TEXT}: a write of {@code text} to {@code /proc/sys/PATH}, read as the
     * kernel reads it ({@code proc_dointvec_minmax}); returns 0, or refused with -EINVAL (the old
     * value kept) or -ENOENT (no such sysctl).
     */
    record Sysctl(String path, String text) implements ZoneOp {
        public Sysctl {
            path = path == null ? "" : path;
            text = text == null ? "" : text;
        }
        public String name() { return "sysctl"; }
        public List<Arg> args() { return List.of(Arg.name(path), Arg.name(text)); }
        public Result applyTo(KernelState k) {
            return Op.onState(k, NodeZones.class, NO_ZONES, z -> z.sysctl(path, text));
        }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** What a zone call returns on a kernel without zones (no board). */
    Result NO_ZONES = Result.refused("no zones: the scenario needs a board line");

    /** The scenario spellings of the zone calls. */
    List<OpSpec> SPECS = List.of(
            OpSpec.withText("sysctl", (a, t, c) -> new Sysctl(t[0], t[1]), ArgKind.NAME, ArgKind.NAME));
}
