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

    /** {@code setup_arch}. */
    record SetupArch() implements BootOp {
        public BootStage stage() { return BootStage.SETUP_ARCH; }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code mm_init}. */
    record MmInit() implements BootOp {
        public BootStage stage() { return BootStage.MM_INIT; }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code cma_init_reserved_areas}. */
    record CmaInitReservedAreas() implements BootOp {
        public BootStage stage() { return BootStage.CMA_INIT_RESERVED_AREAS; }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code init_per_zone_wmark_min}. */
    record InitPerZoneWmarkMin() implements BootOp {
        public BootStage stage() { return BootStage.INIT_PER_ZONE_WMARK_MIN; }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** {@code kernel_init}. */
    record KernelInit() implements BootOp {
        public BootStage stage() { return BootStage.KERNEL_INIT; }
        @Override public String toString() { return render(HandleNames.NONE); }
    }

    /** The call that runs {@code stage}. */
    static BootOp of(BootStage stage) {
        return switch (stage) {
            case SETUP_ARCH -> new SetupArch();
            case MM_INIT -> new MmInit();
            case CMA_INIT_RESERVED_AREAS -> new CmaInitReservedAreas();
            case INIT_PER_ZONE_WMARK_MIN -> new InitPerZoneWmarkMin();
            case KERNEL_INIT -> new KernelInit();
        };
    }

    /** The scenario spellings of the stage calls, in boot order. */
    List<OpSpec> SPECS = List.of(
            OpSpec.of("setup_arch", (a, c) -> new SetupArch()),
            OpSpec.of("mm_init", (a, c) -> new MmInit()),
            OpSpec.of("cma_init_reserved_areas", (a, c) -> new CmaInitReservedAreas()),
            OpSpec.of("init_per_zone_wmark_min", (a, c) -> new InitPerZoneWmarkMin()),
            OpSpec.of("kernel_init", (a, c) -> new KernelInit()));
}
