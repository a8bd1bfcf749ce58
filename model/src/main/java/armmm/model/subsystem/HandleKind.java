package armmm.model.subsystem;

import java.util.List;
import java.util.Objects;

/**
 * A kind of handle a subsystem's calls hand out and take back: a struct page pointer, a kernel
 * virtual address, a slab object. The scenario runner and the properties' world learn from it
 * which call binds a result to a name and which argument of which call consumes it, so that no
 * one keeps an {@code instanceof} chain of calls.
 *
 * @param name       what the handle is ({@code page})
 * @param stem       the stem of the names a written scenario gives it ({@code p} for {@code $p1})
 * @param producedBy the calls whose non-zero result is such a handle
 * @param uses       the calls that take such a handle, and at which argument
 */
public record HandleKind(String name, String stem, List<String> producedBy, List<Use> uses) {

    /**
     * A call taking a handle.
     *
     * @param call     the call's name
     * @param arg      the argument's index, in kernel order
     * @param consumes whether the call gives the handle back (a free), so that it is no longer held
     */
    public record Use(String call, int arg, boolean consumes) {
        public Use {
            Objects.requireNonNull(call, "call");
            if (arg < 0) {
                throw new IllegalArgumentException("argument index " + arg + ", expected >= 0");
            }
        }
    }

    public HandleKind {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(stem, "stem");
        producedBy = List.copyOf(producedBy);
        uses = List.copyOf(uses);
    }

    /** True when a successful {@code call} returns such a handle. */
    public boolean isProducedBy(String call) {
        return producedBy.contains(call);
    }

    /** How {@code call} takes such a handle, or null when it takes none. */
    public Use useBy(String call) {
        for (Use u : uses) {
            if (u.call().equals(call)) {
                return u;
            }
        }
        return null;
    }
}
