package armmm.properties;

import armmm.model.check.Invariant;
import armmm.model.check.Invariants;
import armmm.model.check.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.kernel.Op;
import armmm.pbt.ChainSpec;
import armmm.pbt.Failure;
import armmm.pbt.Gen;
import java.util.ArrayList;
import java.util.List;

/**
 * The bridge between the property engine and the model: chains whose state is a {@link Kernel},
 * whose actions are kernel calls ({@link Op}), run through {@link Kernel#apply}, with every
 * invariant of the catalogue checked after every step and counterexamples written as scenarios.
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
    public static ChainSpec.Builder<Kernel, Op> builder(Gen<Kernel> initial) {
        ChainSpec.Builder<Kernel, Op> b = ChainSpec.<Kernel, Op>builder()
                .initialState(initial)
                .executor(Kernel::apply)
                .formatter(new KernelFormatter());
        for (Invariant inv : Invariants.all()) {
            b.invariant(inv.id(), k -> failures(inv.check(k)));
        }
        return b;
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
