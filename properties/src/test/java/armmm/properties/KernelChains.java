package armmm.properties;

import armmm.model.subsystem.Invariant;
import armmm.model.core.Bugs;
import armmm.model.kernel.Subsystems;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.subsystem.Op;
import armmm.pbt.ChainSpec;
import armmm.pbt.Failure;
import armmm.pbt.Gen;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The bridge between the property engine and the model: chains whose state is a {@link World}
 * (a {@link Kernel} and what its caller holds), whose actions are kernel calls ({@link Op}), run
 * through {@link Kernel#apply}, with every invariant of the catalogue checked after every step and
 * counterexamples written as scenarios.
 */
public final class KernelChains {
    private KernelChains() {
    }

    /**
     * A chain builder with the kernel's executor, every catalogue invariant and the scenario
     * formatter; the caller adds the actions.
     *
     * @param initial the kernel each chain starts from (a board, generated or fixed)
     */
    public static ChainSpec.Builder<World, Op> builder(Gen<Kernel> initial) {
        return builder(initial, id -> true);
    }

    /**
     * A chain builder that checks only the invariants {@code checked} accepts: a seeded bug's
     * test checks the one invariant the catalogue names for it, to prove that this invariant
     * alone catches the bug (another one may well catch it first in a full run).
     */
    public static ChainSpec.Builder<World, Op> builder(Gen<Kernel> initial, Predicate<String> checked) {
        edgeBugs();
        ChainSpec.Builder<World, Op> b = ChainSpec.<World, Op>builder()
                .initialState(initial.map(World::new))
                .executor(World::apply)
                .formatter(new KernelFormatter());
        for (Invariant inv : Subsystems.invariants()) {
            if (checked.test(inv.id())) {
                b.invariant(inv.id(), w -> inv.appliesTo(w.kernel()), w -> failures(inv.check(w.kernel())));
            }
        }
        // at the end of every chain: every frame and every list, not the counters the steps trust
        b.finalCheck("full scan", w -> failures(w.kernel().checkComplete().stream().filter(v -> checked.test(v.id())).toList()));
        return b;
    }

    /**
     * The seeded bugs {@code -Darmmm.bug=NAME} asks every property to plant in the kernels it
     * creates, resolved at this edge; {@link Bugs#NONE} when it is unset. A name that is no seeded
     * bug stops the property (IllegalArgumentException) instead of running without the bug.
     */
    public static Bugs edgeBugs() {
        return Subsystems.bugsFromSystemProperty();
    }

    private static List<Failure> failures(List<Violation> violations) {
        if (violations.isEmpty()) {
            return List.of();
        }
        List<Failure> out = new ArrayList<>(violations.size());
        for (Violation v : violations) {
            out.add(new Failure(v.id(), v.reason(), v.details()));
        }
        return out;
    }
}
