package armmm.properties;

import armmm.model.core.Bugs;
import armmm.model.subsystem.KernelState;

/**
 * A {@link KernelState} holding only the states a test gives it, with no bug planted: what a
 * subsystem's {@code create} or a call's {@code applyTo} sees of a kernel that lacks the others.
 */
public final class FakeKernelState {
    private FakeKernelState() {
    }

    /** A kernel whose {@code state(T)} is the first of {@code states} that is a {@code T}, else null. */
    public static KernelState of(Object... states) {
        return new KernelState() {
            @Override
            public <S> S state(Class<S> type) {
                for (Object s : states) {
                    if (type.isInstance(s)) {
                        return type.cast(s);
                    }
                }
                return null;
            }

            @Override
            public Bugs bugs() {
                return Bugs.NONE;
            }
        };
    }
}
