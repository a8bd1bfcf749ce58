package armmm.model.mm;

import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import java.util.TreeSet;

/**
 * The user page-table invariants' findings as sorted text, for tests that hold the per-step
 * check against the complete one: the step's ({@link Kernel#check()}, filtered to
 * {@link UptChecks#ALL}) and the complete check's ({@link UptChecks#complete}).
 */
final class UptFindings {
    private UptFindings() {
    }

    static TreeSet<String> step(Kernel k) {
        TreeSet<String> out = new TreeSet<>();
        for (Violation v : k.check()) {
            if (UptChecks.ALL.containsKey(v.id())) {
                out.add(v.id() + " " + v.details());
            }
        }
        return out;
    }

    static TreeSet<String> complete(Processes p) {
        TreeSet<String> out = new TreeSet<>();
        for (String id : UptChecks.ALL.keySet()) {
            for (Violation v : UptChecks.complete(id, p)) {
                out.add(v.id() + " " + v.details());
            }
        }
        return out;
    }
}
