package armmm.model.check;

import java.util.List;

/** The memblock invariants (mm/memblock.c); filled in with memblock. */
public final class MemblockChecks {
    private MemblockChecks() {
    }

    /** Every memblock invariant. */
    public static final List<Invariant> ALL = List.of();
}
