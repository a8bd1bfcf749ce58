package armmm.model.subsystem;

import armmm.model.core.Violation;
import java.util.List;
import java.util.function.Function;
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
     * An invariant of one subsystem's state, applicable only to kernels that have that state.
     *
     * @param id    the catalogue id
     * @param state the state type it reads
     * @param check the check of that state
     */
    static <S> Invariant on(String id, Class<S> state, Function<? super S, List<Violation>> check) {
        return on(id, state, s -> ALWAYS, check);
    }

    /**
     * {@link #on(String, Class, Function)} with a change signal: {@code stamp} reads the state's
     * change counter (see {@link #stamp}).
     */
    static <S> Invariant on(String id, Class<S> state, ToLongFunction<? super S> stamp,
                            Function<? super S, List<Violation>> check) {
        return new Invariant() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public boolean appliesTo(KernelState kernel) {
                return kernel.state(state) != null;
            }

            @Override
            public List<Violation> check(KernelState kernel) {
                S s = kernel.state(state);
                return s == null ? List.of() : check.apply(s);
            }

            @Override
            public long stamp(KernelState kernel) {
                S s = kernel.state(state);
                return s == null ? ALWAYS : stamp.applyAsLong(s);
            }

            @Override
            public String toString() {
                return id;
            }
        };
    }
}
