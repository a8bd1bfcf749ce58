package armmm.model.subsystem;

import java.util.Optional;

/** Names the handles (pages, objects) that earlier calls of a scenario bound with {@code -> $name}. */
@FunctionalInterface
public interface HandleNames {

    /** No names: every handle prints as its value. */
    HandleNames NONE = v -> Optional.empty();

    /** The {@code $name} bound to {@code value}, if any. */
    Optional<String> nameOf(long value);
}
