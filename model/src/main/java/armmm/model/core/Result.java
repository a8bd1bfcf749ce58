package armmm.model.core;

/**
 * What a kernel call did: it returned a value, or the kernel refused or reported it.
 *
 * <p>A 0/NULL returned by an allocator is a {@link Value}, not a refusal: the kernel returns it
 * and carries on. A {@link Refused} call is one the kernel reports (a bad page, a WARN, a BUG)
 * or rejects with an error code; the model's state stays consistent after it.
 */
public sealed interface Result {

    /** The call returned {@code value} (0 for a void call or a NULL pointer). */
    record Value(long value) implements Result {
    }

    /**
     * The kernel refused or reported the call.
     *
     * @param reason the kernel's own words, such as {@code nonzero mapcount} or {@code -EINVAL}
     * @param report the full line the kernel would print
     */
    record Refused(String reason, String report) implements Result {
        public Refused {
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("a refusal needs a reason, found " + reason);
            }
            report = report == null ? reason : report;
        }
    }

    /** A successful call that returns nothing. */
    Result VOID = new Value(0);

    /** A successful call returning {@code v}. */
    static Result of(long v) {
        return new Value(v);
    }

    /** A refusal whose report is its reason. */
    static Result refused(String reason) {
        return new Refused(reason, reason);
    }

    /** True when the kernel refused or reported the call. */
    default boolean isRefused() {
        return this instanceof Refused;
    }

    /** The returned value; 0 for a refusal. */
    default long value() {
        return this instanceof Value v ? v.value() : 0;
    }
}
