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

    /** What the catalogue says of this bug: its invariant, the commit it undoes, what it does. */
    BugFacts facts();

    /**
     * The invariant id ({@code spec/invariants.md}) that must catch this bug, {@code INV-MEMBLOCK-02}.
     */
    default String invariant() {
        return facts().invariant();
    }

    /**
     * The kernel commit this bug undoes, as hash and subject ({@code ce6fa91b9363 ("...")}), or
     * {@code null} when the bug is the model's own planted mistake.
     */
    default String kernelCommit() {
        return facts().kernelCommit();
    }

    /** What the bug does, in one sentence of the kernel's names. */
    default String summary() {
        return facts().summary();
    }

    /** What it reenacts: the undone kernel commit, or the model's own planted mistake. */
    default String reenacts() {
        String c = kernelCommit();
        return (c == null ? "own planted mistake: " : "kernel commit " + c + " undone: ") + summary();
    }

    /**
     * The hand-minimal scenario that shows the bug caught, a test resource path (under
     * {@code properties/src/test/resources}): {@code seeded-bugs/memblock-no-merge.scn}.
     */
    default String scenario() {
        return "seeded-bugs/" + cliName() + ".scn";
    }

    /** The catalogue line of {@code armmm bugs}: name, what it reenacts, invariant, tab-separated. */
    default String catalogueLine() {
        return cliName() + "\t" + reenacts() + "\t" + invariant();
    }
}
