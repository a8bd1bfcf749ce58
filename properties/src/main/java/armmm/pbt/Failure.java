package armmm.pbt;

import java.util.Objects;

/**
 * One violated expectation. The id is the failure's identity while shrinking: a smaller candidate is
 * kept only if it fails with the same id.
 *
 * @param id an invariant id such as {@code INV-BUDDY-03}, or {@code exception:<class>}
 * @param reason a fixed sentence, in the kernel's words where there are any
 * @param details what was observed (addresses, counts)
 */
public record Failure(String id, String reason, String details) {
    /** Validates that id and reason are present. */
    public Failure {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(reason, "reason");
        details = details == null ? "" : details;
    }

    /** The failure standing for an exception thrown by the system under test or the property. */
    public static Failure of(Throwable thrown) {
        String message = thrown.getMessage() == null ? "" : thrown.getMessage();
        return new Failure("exception:" + thrown.getClass().getName(),
                thrown.getClass().getSimpleName() + " thrown", message);
    }

    @Override
    public String toString() {
        return id + ": " + reason + (details.isEmpty() ? "" : " (" + details + ")");
    }
}
