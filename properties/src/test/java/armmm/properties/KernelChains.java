package armmm.properties;

import armmm.model.subsystem.Invariant;
import armmm.model.core.Bugs;
import armmm.model.kernel.Subsystems;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.Subsystem;
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
     * formatter; the caller adds the actions. After each step every invariant runs as
     * {@link Kernel#check()} runs it (skipped while its state's change signal stands still); at the
     * chain's end every subsystem's complete check runs, which trusts no signal.
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
                // the kernel's per-step check: re-run when the invariant's state changed (Invariant.stamp)
                b.invariant(inv.id(), w -> inv.appliesTo(w.kernel()), w -> failures(w.kernel().check(inv)));
            }
        }
        // at the end of every chain: every frame and every list, not the counters the steps trust
        List<Subsystem<?>> scanned = Subsystems.ALL.stream()
                .filter(s -> s.invariants().stream().anyMatch(inv -> checked.test(inv.id()))).toList();
        b.finalCheck("full scan", w -> failures(checkComplete(w.kernel(), scanned, checked)));
        return b;
    }

    /**
     * {@link Kernel#checkComplete} as the chain-end check of a chain that checks only the invariants
     * {@code checked} accepts: the violations of the others are dropped, so the complete checks of
     * subsystems none of whose invariants is checked ({@code scanned} leaves them out) need not run.
     * A subsystem's complete check reports only its own invariants (the vmalloc scan, for instance,
     * only INV-VMALLOC-*), so a seeded bug's hunt, which checks one invariant, scans one subsystem
     * instead of all, and finds exactly what the whole scan filtered would have. That premise is
     * checked on every scan that runs: a violation of another subsystem's invariant is an
     * IllegalStateException (a failure of the chain), so the chains that check everything test it.
     */
    static List<Violation> checkComplete(Kernel kernel, List<Subsystem<?>> scanned, Predicate<String> checked) {
        // Kernel.checkComplete, subsystem by subsystem in registry order, for the ones scanned
        List<Violation> found = new ArrayList<>();
        for (Subsystem<?> s : scanned) {
            for (Violation v : completeCheckOf(s, kernel)) {
                if (s.invariants().stream().noneMatch(inv -> inv.id().equals(v.id()))) {
                    throw new IllegalStateException("the complete check of " + s.name() + " reported " + v.id()
                            + ", not one of its own invariants: chains checking some invariants would skip it");
                }
                if (checked.test(v.id())) {
                    found.add(v);
                }
            }
        }
        return found;
    }

    private static <S> List<Violation> completeCheckOf(Subsystem<S> subsystem, Kernel kernel) {
        S state = kernel.state(subsystem.stateType());
        return state == null ? List.of() : subsystem.completeCheck(state, kernel);
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
