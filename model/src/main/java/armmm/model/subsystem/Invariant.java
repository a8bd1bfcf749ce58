package armmm.model.subsystem;

import armmm.model.core.Violation;
import java.util.List;
import java.util.function.Function;

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
            public String toString() {
                return id;
            }
        };
    }
}
