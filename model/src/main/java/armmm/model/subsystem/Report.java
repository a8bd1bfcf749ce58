package armmm.model.subsystem;

import java.util.Optional;
import java.util.function.Function;

/**
 * A report a subsystem renders: its /proc or debugfs name ({@code buddyinfo}) and how to render
 * it from a kernel; empty when it does not apply to that kernel (zoneinfo without a board).
 *
 * @param name    the name {@code print NAME} uses
 * @param render  the rendering, in the kernel's own format
 * @param ranged  the rendering of one address range ({@code print NAME FROM [TO]}) or of one
 *                selected item ({@code print tlb CPU}), or null when the report takes no argument
 * @param maxArgs how many arguments {@code print NAME} takes at most: 0 without {@code ranged},
 *                2 for a range (FROM [TO]), 1 for one item (the TO of {@code ranged} is then FROM + 4096)
 */
public record Report(String name, Function<KernelState, Optional<String>> render, Ranged ranged, int maxArgs) {

    /** A report over one address range [from, to), such as the page-table dump of some addresses. */
    @FunctionalInterface
    public interface Ranged {
        /**
         * The report of [from, to) in {@code kernel}; empty when it does not apply to this kernel.
         *
         * @throws BadArgument when {@code from} names nothing this kernel has (a CPU not on the board)
         */
        Optional<String> render(KernelState kernel, long from, long to);
    }

    /**
     * A {@code print} argument that names nothing in this kernel (a CPU the board does not have):
     * the scenario is wrong, so the runner reports it at the argument as {@code FILE:LINE:COL}.
     */
    public static final class BadArgument extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** With the message the scenario error shows. */
        public BadArgument(String message) {
            super(message);
        }
    }

    public Report {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a report needs a name, found " + name);
        }
        java.util.Objects.requireNonNull(render, "render");
        if (maxArgs < 0 || maxArgs > 2 || (ranged == null) != (maxArgs == 0)) {
            throw new IllegalArgumentException("report " + name + ": " + maxArgs + " arguments with"
                    + (ranged == null ? "out" : "") + " a ranged rendering");
        }
    }

    /** A report over an address range, {@code print NAME FROM [TO]}; without a range when {@code ranged} is null. */
    public Report(String name, Function<KernelState, Optional<String>> render, Ranged ranged) {
        this(name, render, ranged, ranged == null ? 0 : 2);
    }

    /** A report that takes no argument. */
    public Report(String name, Function<KernelState, Optional<String>> render) {
        this(name, render, null, 0);
    }
}
