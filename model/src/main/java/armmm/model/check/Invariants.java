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
        all.addAll(PageCallChecks.ALL);
        return all;
    }

    /** Every invariant, in catalogue order. */
    public static List<Invariant> all() {
        return ALL;
    }

    /**
     * Every invariant over the whole state, for the end of a chain or a scenario: the memblock,
     * layout and zone checks as they are (they read whole arrays and the zone setup already),
     * and the page allocator's from {@link BuddyFullScan}, which walks every list and visits every
     * frame instead of trusting the allocator's counters. The call postconditions (INV-CALL-*)
     * belong to a call and are not repeated.
     */
    public static List<Violation> fullScan(Kernel kernel) {
        List<Violation> found = new ArrayList<>();
        for (Invariant inv : ALL) {
            if (!isPageInvariant(inv.id())) {
                found.addAll(inv.check(kernel));
            }
        }
        if (kernel.pages() != null) {
            found.addAll(BuddyFullScan.scan(kernel.pages()));
            found.addAll(BuddyChecks.fullScan(kernel.pages()));
        }
        return found;
    }

    private static boolean isPageInvariant(String id) {
        return id.startsWith("INV-BUDDY-") || id.startsWith("INV-PAGE-") || id.startsWith("INV-GFP-")
                || id.startsWith("INV-CALL-");
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
