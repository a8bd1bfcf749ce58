package armmm.model.subsystem;

import armmm.model.core.Result;
import java.util.List;
import java.util.function.Function;

/**
 * A kernel call as a value: one record per kernel entry point the model offers.
 *
 * <p>The same value is a line of a scenario file, an action of a stateful property and a step of
 * a shrunk counterexample. {@link #toString()} of every implementation prints the scenario line
 * ({@link #render}), so a counterexample replays exactly with {@code armmm run}.
 *
 * <p>Each subsystem declares its calls as a sealed sub-interface in its own package; the compiler
 * learn about a new call through the abstract methods each subsystem's sealed sub-interface
 * declares. Adding a kernel call means adding one record to that sub-interface and one
 * {@link OpSpec} to its table.
 */
public interface Op {

    /** The kernel function's name as a scenario writes it, such as {@code memblock_add}. */
    String name();

    /** The arguments in kernel order, each with how it prints. */
    List<Arg> args();

    /** The CPU a per-CPU call runs on; 0 for calls that are not per-CPU. */
    default int cpu() {
        return 0;
    }

    /**
     * The stem of the {@code $name} a written scenario binds this call's result to
     * ({@code p} for {@code $p1}, a page), or null when the result is not a handle that later
     * calls take (a count, an error code).
     */
    default String resultStem() {
        return null;
    }

    /** Runs the call on {@code kernel}; only {@code Kernel.apply} calls this. */
    Result applyTo(KernelState kernel);

    /**
     * Runs {@code call} on the subsystem state of {@code type}, or answers {@code absent} when the
     * kernel has none (a scenario without a board line): the opening of every call's
     * {@link #applyTo}.
     */
    static <S> Result onState(KernelState kernel, Class<S> type, Result absent, Function<S, Result> call) {
        S state = kernel.state(type);
        return state == null ? absent : call.apply(state);
    }

    /** Prints the scenario line of this call, naming handles through {@code names}. */
    default String render(HandleNames names) {
        StringBuilder line = new StringBuilder(name());
        for (Arg arg : args()) {
            String word = arg.render(names);
            // an optional keyword left at its default (no ctor) prints as nothing
            if (!word.isEmpty()) {
                line.append(' ').append(word);
            }
        }
        if (cpu() != 0) {
            line.append(" cpu=").append(cpu());
        }
        return line.toString();
    }
}
