package armmm.model.subsystem;

import java.util.Optional;
import java.util.function.Function;

/**
 * A report a subsystem renders: its /proc or debugfs name ({@code buddyinfo}) and how to render
 * it from a kernel; empty when it does not apply to that kernel (zoneinfo without a board).
 *
 * @param name   the name {@code print NAME} uses
 * @param render the rendering, in the kernel's own format
 */
public record Report(String name, Function<KernelState, Optional<String>> render) {
    public Report {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a report needs a name, found " + name);
        }
        java.util.Objects.requireNonNull(render, "render");
    }
}
