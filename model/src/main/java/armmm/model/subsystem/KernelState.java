package armmm.model.subsystem;

import armmm.model.core.Bugs;

/**
 * What a subsystem sees of the kernel it belongs to: the states of the subsystems created so far
 * (at boot, those registered before it; afterwards, all of them) and the bugs planted in it.
 * {@code armmm.model.kernel.Kernel} implements it; a subsystem never reaches into another's
 * fields, only through the other's public state type.
 */
public interface KernelState {

    /** The state of the subsystem whose state type is {@code type}, or null when this kernel has none. */
    <S> S state(Class<S> type);

    /** True when this kernel has a state of type {@code type}. */
    default boolean has(Class<?> type) {
        return state(type) != null;
    }

    /** The seeded bugs this kernel was created with; {@link Bugs#NONE} normally. */
    Bugs bugs();
}
