package armmm.pbt;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One kind of step of a chain: a name for statistics, a relative weight, a precondition on the
 * current state, and a generator of the action's value that may depend on the state (to pick a
 * live handle, for instance). An action is only generated, and so only executed, when its
 * precondition holds, also while shrinking.
 *
 * @param name shown in statistics
 * @param weight relative frequency among the enabled actions
 * @param precondition whether the action may run in a state
 * @param generator the action's value for a state
 * @param <S> the state type
 * @param <A> the action type
 */
public record Action<S, A>(String name, int weight, Predicate<? super S> precondition,
        Function<? super S, ? extends Gen<? extends A>> generator) {
    /** Validates name and weight. */
    public Action {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(precondition, "precondition");
        Objects.requireNonNull(generator, "generator");
        if (weight <= 0) {
            throw new IllegalArgumentException("action " + name + ": weight " + weight + ", expected > 0");
        }
    }
}
