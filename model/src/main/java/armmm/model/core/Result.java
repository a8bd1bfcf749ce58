package armmm.model.core;

/**
 * What a kernel call did: it returned a value, it returned a value with a warning, or the kernel
 * refused or reported it.
 *
 * <p>A 0/NULL returned by an allocator is a {@link Value}, not a refusal: the kernel returns it
 * and carries on. A {@link Warned} call did what the kernel does and returned its value, but the
 * kernel printed a {@code WARN} splat on the way ({@code WARN_ON} in {@code memblock_add_range},
 * {@code WARN_ON_ONCE(slab_is_available())} in {@code memblock_alloc_internal}, mm/memblock.c),
 * or the model found that 6.1 goes on silently into a state it was not meant to reach (the
 * model's finding, as KASAN or DEBUG_VM would report it). A {@link Refused} call is one the
 * kernel reports and does not carry out (a bad page, a BUG) or rejects with an error code; the
 * model's state stays consistent after it.
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

    /** Who reports a {@link Warned} call's warning. */
    enum Origin {
        /** The kernel prints it: a {@code WARN} splat, and the call goes on. */
        KERNEL,
        /** The kernel stays silent; the model reports what 6.1 does wrong here. */
        MODEL
    }

    /**
     * The call returned {@code value}, with a warning.
     *
     * @param value   what the call returned (0 for a void call)
     * @param warning the kernel's own words ({@code WARN_ON(flags != rgn->flags)}), or the model's finding
     * @param origin  whether the kernel prints the warning or the model finds it
     */
    record Warned(long value, String warning, Origin origin) implements Result {
        public Warned {
            if (warning == null || warning.isBlank()) {
                throw new IllegalArgumentException("a warning needs words, found " + warning);
            }
            java.util.Objects.requireNonNull(origin, "origin");
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

    /** {@code v} with the kernel's {@code WARN} {@code warning}. */
    static Result warned(long v, String warning) {
        return new Warned(v, warning, Origin.KERNEL);
    }

    /** {@code v} with the model's finding {@code finding}: 6.1 goes on silently. */
    static Result finding(long v, String finding) {
        return new Warned(v, finding, Origin.MODEL);
    }

    /** The {@link Refused#reason} of a call the model stops short of carrying out: its finding, not a kernel report. */
    String MODEL_MISUSE = "model: misuse";

    /**
     * A call the model does not carry out although 6.1 would (silently, into a state the model
     * cannot represent consistently, such as a page on two lists): the model's finding, the state unchanged.
     */
    static Result modelRefusal(String finding) {
        return new Refused(MODEL_MISUSE, "armmm model: " + finding);
    }

    /**
     * The {@link Refused#reason} of a call that did not run because the kernel would make it wait:
     * the CPU it runs on is inside a begun call, or a lock it takes is held by one.
     */
    String WAITS = "waits";

    /** A call that waits ({@link #WAITS}) and, in the model, does not run: nothing changed. */
    static Result waits(String report) {
        return new Refused(WAITS, report);
    }

    /** True when the result is the model's finding (a {@link Warned} of {@link Origin#MODEL}, or {@link #modelRefusal}). */
    default boolean isModelFinding() {
        return this instanceof Warned w ? w.origin() == Origin.MODEL
                : this instanceof Refused r && r.reason().equals(MODEL_MISUSE);
    }

    /** True when the call returned its value with a warning. */
    default boolean isWarned() {
        return this instanceof Warned;
    }

    /** True when the kernel refused or reported the call. */
    default boolean isRefused() {
        return this instanceof Refused;
    }

    /** The returned value, also with a warning; 0 for a refusal. */
    default long value() {
        return this instanceof Value v ? v.value() : this instanceof Warned w ? w.value() : 0;
    }
}
