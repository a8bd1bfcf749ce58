package armmm.model.core;

import java.util.Objects;

/**
 * A broken invariant: its id from {@code spec/invariants.md}, a fixed reason in the kernel's
 * words, and the details of this occurrence.
 *
 * @param id      the invariant id, {@code INV-<AREA>-<NN>}
 * @param reason  a fixed phrase ("buddy not merged", "regions overlap")
 * @param details what was found, with the addresses and numbers involved
 */
public record Violation(String id, String reason, String details) {
    public Violation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(details, "details");
    }

    @Override
    public String toString() {
        return id + " " + reason + ": " + details;
    }
}
