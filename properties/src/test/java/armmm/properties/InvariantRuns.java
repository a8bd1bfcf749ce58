package armmm.properties;

import armmm.model.core.Violation;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import java.util.ArrayList;
import java.util.List;

/**
 * A subsystem's invariants run by hand on a kernel, as the per-step check runs them after a call:
 * one by id, or all of them, for tests that break a state on purpose and name what must fail.
 */
public final class InvariantRuns {
    private InvariantRuns() {
    }

    /** The per-step check of invariant {@code id} of {@code all} on {@code kernel}. */
    public static List<Violation> check(List<Invariant> all, KernelState kernel, String id) {
        return all.stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow().check(kernel);
    }

    /** Every invariant of {@code all} on {@code kernel}, their violations in catalogue order. */
    public static List<Violation> checkAll(List<Invariant> all, KernelState kernel) {
        List<Violation> out = new ArrayList<>();
        for (Invariant inv : all) {
            out.addAll(inv.check(kernel));
        }
        return out;
    }
}
