package armmm.model.check;

import armmm.model.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;

/** The catalogue of every invariant in code; each has its entry in {@code spec/invariants.md}. */
public final class Invariants {
    private static final List<Invariant> ALL = List.copyOf(build());

    private Invariants() {
    }

    private static List<Invariant> build() {
        List<Invariant> all = new ArrayList<>();
        all.addAll(MemblockChecks.ALL);
        all.addAll(LayoutChecks.ALL);
        all.addAll(ZoneChecks.invariants(k -> k.zones().orElse(null)));
        all.addAll(BuddyChecks.ALL);
        all.addAll(VmallocChecks.ALL);
        return all;
    }

    /** Every invariant, in catalogue order. */
    public static List<Invariant> all() {
        return ALL;
    }

    /** Runs every invariant on {@code kernel}. */
    public static List<Violation> checkAll(Kernel kernel) {
        List<Violation> found = new ArrayList<>();
        for (Invariant inv : ALL) {
            found.addAll(inv.check(kernel));
        }
        return found;
    }
}
