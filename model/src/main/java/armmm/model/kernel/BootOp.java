package armmm.model.kernel;

import armmm.model.core.Result;
import armmm.model.subsystem.Arg;
import armmm.model.subsystem.HandleNames;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import java.util.List;

/**
 * The boot stages as kernel calls ({@link BootStage}), on a kernel powered on with
 * {@code board ... boot=stepwise} ({@link Kernel#powerOn}): each runs its stage and returns 0, or
 * is refused with one line (out of order, twice, on a kernel booted at once or without a board, or
 * a board the kernel refuses), the state unchanged.
 */
public sealed interface BootOp extends Op {

    /** The stage this call runs. */
    BootStage stage();

    @Override
    default String name() {
        return stage().callName();
    }

    @Override
    default List<Arg> args() {
        return List.of();
    }

    @Override
    default Result applyTo(KernelState k) {
        return k instanceof Kernel kernel ? kernel.runStage(stage())
                : Result.refused(name() + ": no kernel powered on stepwise to boot");
    }

    /** The call that runs {@code stage}: one record for the five, since a stage is all a call carries. */
    record Call(BootStage stage) implements BootOp {
        @Override
        public String toString() {
            return render(HandleNames.NONE);
        }
    }

    /** The call that runs {@code stage}. */
    static BootOp of(BootStage stage) {
        return new Call(stage);
    }

    /** The scenario spellings of the stage calls, in boot order: each stage's {@link BootStage#callName}. */
    List<OpSpec> SPECS = java.util.Arrays.stream(BootStage.values())
            .map(stage -> OpSpec.of(stage.callName(), (a, c) -> of(stage)))
            .toList();
}
