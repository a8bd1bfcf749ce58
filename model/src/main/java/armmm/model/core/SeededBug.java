package armmm.model.core;

import java.util.Locale;

/**
 * A bug planted on purpose in one subsystem of the model, a mistake a kernel could make, to
 * prove that the invariants and properties catch it. Each subsystem declares its own bugs (an
 * enum implementing this interface, such as {@code MemblockBug}) and lists them in its
 * {@code Subsystem}; a kernel is created with the {@link Bugs} planted in it, and each subsystem
 * reads them from its own state, never from a global.
 */
public interface SeededBug {

    /** The constant's name, {@code MEMBLOCK_NO_MERGE}. */
    String name();

    /** The scenario and command-line spelling, {@code memblock-no-merge}. */
    default String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** True when {@code name} spells this bug ({@code memblock-no-merge} or {@code MEMBLOCK_NO_MERGE}). */
    default boolean isNamed(String name) {
        return name != null && name.trim().toUpperCase(Locale.ROOT).replace('-', '_').equals(name());
    }
}
