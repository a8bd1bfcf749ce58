package armmm.model.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The seeded bugs planted in one kernel, handed to every subsystem when the kernel is created
 * (a value, not a global: properties with different bugs can run side by side). Empty in every
 * kernel a user boots, unless {@code -Darmmm.bug=NAME} asked for one at the edge (CLI, property
 * runner).
 *
 * @param planted the bugs planted, usually none or one
 */
public record Bugs(List<SeededBug> planted) {

    /** No bug planted: the model as it is meant to be. */
    public static final Bugs NONE = new Bugs(List.of());

    public Bugs {
        planted = List.copyOf(planted);
    }

    /** The bugs {@code bugs} planted together. */
    public static Bugs of(SeededBug... bugs) {
        return new Bugs(List.of(bugs));
    }

    /** True when {@code bug} is planted. */
    public boolean has(SeededBug bug) {
        for (SeededBug b : planted) {
            if (b == bug) {
                return true;
            }
        }
        return false;
    }

    /** True when no bug is planted. */
    public boolean isEmpty() {
        return planted.isEmpty();
    }

    @Override
    public String toString() {
        return planted.isEmpty() ? "no seeded bug" : planted.stream().map(SeededBug::cliName).collect(Collectors.joining(","));
    }
}
