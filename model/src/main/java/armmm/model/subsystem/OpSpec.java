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

        /**
         * The call with these argument values and, for its {@link ArgKind#NAME} arguments, these
         * strings ({@code texts[i]} for argument i, null elsewhere); a call without names ignores them.
         */
        default Op make(long[] args, String[] texts, int cpu) {
            return make(args, cpu);
        }
    }

    /** Builds an {@link Op} from argument values and the strings of its {@link ArgKind#NAME} arguments. */
    @FunctionalInterface
    public interface TextFactory {
        /** The call; {@code texts[i]} is argument i's string, null where the argument is no name. */
        Op make(long[] args, String[] texts, int cpu);
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

    /** A call that is not per-CPU and takes strings ({@link ArgKind#NAME}) among its arguments. */
    public static OpSpec withText(String name, TextFactory factory, ArgKind... args) {
        return new OpSpec(name, List.of(args), false, new Factory() {
            @Override
            public Op make(long[] values, int cpu) {
                return factory.make(values, new String[values.length], cpu);
            }

            @Override
            public Op make(long[] values, String[] texts, int cpu) {
                return factory.make(values, texts, cpu);
            }
        });
    }

    /** A per-CPU call, which takes an optional {@code cpu=N}. */
    public static OpSpec perCpu(String name, Factory factory, ArgKind... args) {
        return new OpSpec(name, List.of(args), true, factory);
    }
}
