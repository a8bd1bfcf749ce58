package armmm.model.subsystem;

import java.util.Optional;
import java.util.function.Function;

/**
 * A report a subsystem renders: its /proc or debugfs name ({@code buddyinfo}) and how to render
 * it from a kernel; empty when it does not apply to that kernel (zoneinfo without a board).
 *
 * @param name   the name {@code print NAME} uses
 * @param render the rendering, in the kernel's own format
 * @param ranged the rendering of one address range ({@code print NAME FROM [TO]}), or null when
 *               the report takes none
 */
public record Report(String name, Function<KernelState, Optional<String>> render, Ranged ranged) {

    /** A report over one address range [from, to), such as the page-table dump of some addresses. */
    @FunctionalInterface
    public interface Ranged {
        /** The report of [from, to) in {@code kernel}; empty when it does not apply to this kernel. */
        Optional<String> render(KernelState kernel, long from, long to);
    }

    public Report {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a report needs a name, found " + name);
        }
        java.util.Objects.requireNonNull(render, "render");
    }

    /** A report that takes no address range. */
    public Report(String name, Function<KernelState, Optional<String>> render) {
        this(name, render, null);
    }
}
