package armmm.model.check;

import armmm.model.kernel.Kernel;
import java.util.List;

/**
 * A named check of the model's state, run after every kernel call in every scenario and property.
 * It reads bookkeeping the model keeps incrementally, returns violations and never throws.
 */
public interface Invariant {

    /** The id under which {@code spec/invariants.md} states it. */
    String id();

    /** The violations in {@code kernel}'s current state; empty when it holds. */
    List<Violation> check(Kernel kernel);

    /** An invariant from an id and a check function. */
    static Invariant of(String id, java.util.function.Function<Kernel, List<Violation>> check) {
        return new Invariant() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public List<Violation> check(Kernel kernel) {
                return check.apply(kernel);
            }

            @Override
            public String toString() {
                return id;
            }
        };
    }
}
