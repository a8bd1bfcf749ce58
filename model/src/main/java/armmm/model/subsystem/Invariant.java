package armmm.model.subsystem;

import armmm.model.core.Violation;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * A named check of the model's state, run after every kernel call in every scenario and property.
 * It returns violations and never throws. Where it has nothing to check (the buddy allocator's
 * invariants on a bare memblock), it says so through {@link #appliesTo}, and no check is counted.
 */
public interface Invariant {

    /** The id under which {@code spec/invariants.md} states it. */
    String id();

    /** True when {@code kernel} has what this invariant is about; a check that does not apply is not counted. */
    default boolean appliesTo(KernelState kernel) {
        return true;
    }

    /** The violations in {@code kernel}'s current state; empty when it holds or does not apply. */
    List<Violation> check(KernelState kernel);

    /** {@link #stamp}'s answer for an invariant without a change signal: it runs after every step. */
    long ALWAYS = Long.MIN_VALUE;

    /**
     * The change signal of the state this invariant reads: a number that differs from the one
     * read at the last check whenever that state may have changed since, through any of its
     * mutating methods. The per-step check ({@code Kernel.check}) re-runs the invariant only when
     * its stamp moved and otherwise returns its last result; the complete check at the end of a
     * chain or scenario ignores stamps and runs everything. {@link #ALWAYS} (the default) means
     * no signal. A state that never changes after boot (the layout, the zones) has a constant
     * stamp.
     */
    default long stamp(KernelState kernel) {
        return ALWAYS;
    }

    /**
     * The identity of this invariant's change signal, or null when it has none of its own: two
     * invariants whose signals are equal compute their {@link #stamp} by the same function of the
     * same state, so their stamps are equal at every moment, and the per-step check
     * ({@code Kernel.check}) reads that stamp once per check for all of them. Null (the default):
     * the stamp is read for this invariant alone.
     */
    default Object signal() {
        return null;
    }

    /**
     * The signal of an invariant made by {@link #on(String, Class, ToLongFunction, Function)}: its
     * state type and its stamp function, compared by identity (a function is equal only to itself).
     */
    record Signal(Class<?> state, ToLongFunction<?> stamp) {
        /** The stamp function of every invariant made without a change signal: they share it. */
        static final ToLongFunction<Object> NONE = s -> ALWAYS;
    }

    /** An invariant over the whole kernel, applicable to every kernel. */
    static Invariant of(String id, Function<KernelState, List<Violation>> check) {
        return new Invariant() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public List<Violation> check(KernelState kernel) {
                return check.apply(kernel);
            }

            @Override
            public String toString() {
                return id;
            }
        };
    }

    /**
     * An invariant over the whole kernel, applicable only where {@code applies} holds (the states
     * it reads are all there); it finds nothing elsewhere.
     */
    static Invariant where(String id, Predicate<KernelState> applies, Function<KernelState, List<Violation>> check) {
        return new Invariant() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public boolean appliesTo(KernelState kernel) {
                return applies.test(kernel);
            }

            @Override
            public List<Violation> check(KernelState kernel) {
                return applies.test(kernel) ? check.apply(kernel) : List.of();
            }

            @Override
            public String toString() {
                return id;
            }
        };
    }

    /**
     * An invariant of one subsystem's state, applicable only to kernels that have that state.
     *
     * @param id    the catalogue id
     * @param state the state type it reads
     * @param check the check of that state
     */
    static <S> Invariant on(String id, Class<S> state, Function<? super S, List<Violation>> check) {
        return on(id, state, Signal.NONE, check);
    }

    /**
     * {@link #on(String, Class, Function)} with a change signal: {@code stamp} reads the state's
     * change counter (see {@link #stamp}). Invariants made with the same {@code stamp} function
     * (the same object) on the same state share their {@link #signal}: give them one constant.
     */
    static <S> Invariant on(String id, Class<S> state, ToLongFunction<? super S> stamp,
                            Function<? super S, List<Violation>> check) {
        return on(id, state, s -> true, stamp, check);
    }

    /**
     * {@link #on(String, Class, ToLongFunction, Function)} for an invariant that applies only where
     * {@code applies} holds of the state: the zone invariants of a kernel booting stage by stage
     * apply from the stage that sets what they read. {@code applies} must change only when the
     * kernel's states change shape (a state added, a boot stage run): the kernel keeps its answers
     * until then.
     */
    static <S> Invariant on(String id, Class<S> state, Predicate<? super S> applies, ToLongFunction<? super S> stamp,
                            Function<? super S, List<Violation>> check) {
        Signal signal = new Signal(state, stamp);
        return new Invariant() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public boolean appliesTo(KernelState kernel) {
                S s = kernel.state(state);
                return s != null && applies.test(s);
            }

            @Override
            public List<Violation> check(KernelState kernel) {
                S s = kernel.state(state);
                return s == null || !applies.test(s) ? List.of() : check.apply(s);
            }

            @Override
            public long stamp(KernelState kernel) {
                if (stamp == Signal.NONE) {
                    return ALWAYS; // no signal: no need to find the state (the per-step loop asks every step)
                }
                S s = kernel.state(state);
                return s == null ? ALWAYS : stamp.applyAsLong(s);
            }

            @Override
            public Object signal() {
                return signal;
            }

            @Override
            public String toString() {
                return id;
            }
        };
    }
}
