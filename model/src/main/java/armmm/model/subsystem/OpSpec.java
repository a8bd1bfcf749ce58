package armmm.model.subsystem;

import java.util.List;
import java.util.Objects;

/**
 * How a scenario writes one kernel call: its name, its arguments' kinds in kernel order, whether
 * it takes {@code cpu=N}, and how to build the {@link Op} from evaluated arguments.
 *
 * @param name    the kernel function's name
 * @param args    the kinds of its arguments, in kernel order
 * @param perCpu  whether the call takes an optional {@code cpu=N}
 * @param factory builds the call from its argument values and CPU
 */
public record OpSpec(String name, List<ArgKind> args, boolean perCpu, Factory factory) {

    /** Builds an {@link Op} from argument values already evaluated. */
    @FunctionalInterface
    public interface Factory {
        /** The call with these argument values, on {@code cpu}. */
        Op make(long[] args, int cpu);
    }

    public OpSpec {
        Objects.requireNonNull(name, "name");
        args = List.copyOf(args);
        Objects.requireNonNull(factory, "factory");
    }

    /** A call that is not per-CPU. */
    public static OpSpec of(String name, Factory factory, ArgKind... args) {
        return new OpSpec(name, List.of(args), false, factory);
    }

    /** A per-CPU call, which takes an optional {@code cpu=N}. */
    public static OpSpec perCpu(String name, Factory factory, ArgKind... args) {
        return new OpSpec(name, List.of(args), true, factory);
    }
}
