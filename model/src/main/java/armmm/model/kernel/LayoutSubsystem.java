package armmm.model.kernel;

import armmm.model.board.Board;
import armmm.model.boot.Boot;
import armmm.model.boot.BootObservables;
import armmm.model.boot.BootedSystem;
import armmm.model.check.LayoutChecks;
import armmm.model.core.Bugs;
import armmm.model.core.ObservablePath;
import armmm.model.core.SeededBug;
import armmm.model.layout.LayoutBug;
import armmm.model.report.LayoutReport;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Report;
import armmm.model.subsystem.Subsystem;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Early boot and the ARM virtual layout (arch/arm/kernel/setup.c, arch/arm/mm/mmu.c,
 * arch/arm/include/asm/memory.h) as a subsystem: what {@code setup_arch} leaves, up to
 * {@code mem_init}. It exists only in a kernel booted from a board; it runs first, and the
 * memblock it leaves is the memblock subsystem's state.
 */
public final class LayoutSubsystem implements Subsystem<BootedSystem> {
    /** The one instance, registered in {@link Subsystems}. */
    public static final LayoutSubsystem INSTANCE = new LayoutSubsystem();

    private LayoutSubsystem() {
    }

    @Override
    public String name() {
        return "layout";
    }

    @Override
    public Class<BootedSystem> stateType() {
        return BootedSystem.class;
    }

    @Override
    public BootedSystem create(KernelState earlier, Board board, Bugs bugs) {
        return board == null ? null : Boot.boot(board, bugs);
    }

    /** The boot stages as calls, for a kernel powered on stepwise ({@link BootOp}). */
    @Override
    public List<armmm.model.subsystem.OpSpec> calls() {
        return BootOp.SPECS;
    }

    @Override
    public OptionalLong observe(BootedSystem state, KernelState kernel, ObservablePath path) {
        return path.is(0, "layout") ? BootObservables.observe(state, path) : OptionalLong.empty();
    }

    @Override
    public List<Invariant> invariants() {
        return LayoutChecks.ALL;
    }

    @Override
    public List<Report> reports() {
        return List.of(new Report("layout",
                k -> Optional.ofNullable(k.state(BootedSystem.class)).map(b -> LayoutReport.render(b.layout()))));
    }

    @Override
    public List<SeededBug> bugs() {
        return List.of(LayoutBug.values());
    }
}
