package armmm.model.mmu;

import armmm.model.board.Board;
import armmm.model.boot.BootedSystem;
import armmm.model.core.Bugs;
import armmm.model.core.SeededBug;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.OpSpec;
import armmm.model.subsystem.Report;
import armmm.model.subsystem.Subsystem;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The MMU (arch/arm/mm) as a subsystem: its state is init_mm's page tables,
 * {@code swapper_pg_dir}, as {@code paging_init} built them in {@code setup_arch} and
 * {@code free_initmem}/{@code mark_rodata_ro} left them ({@link SwapperPgDir}); its calls walk
 * them and write fixmap slots and text permissions; vmalloc writes its PTEs through
 * {@link KernelPageTables} (found with {@code kernel.state(KernelPageTables.class)}).
 */
public final class MmuSubsystem implements Subsystem<KernelPageTables> {
    /** The one instance, registered in {@code armmm.model.kernel.Subsystems}. */
    public static final MmuSubsystem INSTANCE = new MmuSubsystem();

    private MmuSubsystem() {
    }

    @Override
    public String name() {
        return "mmu";
    }

    @Override
    public Class<KernelPageTables> stateType() {
        return KernelPageTables.class;
    }

    @Override
    public KernelPageTables create(KernelState earlier, Board board, Bugs bugs) {
        BootedSystem booted = earlier.state(BootedSystem.class);
        if (booted == null) {
            return null;
        }
        Set<MmuBug> planted = EnumSet.noneOf(MmuBug.class);
        for (MmuBug b : MmuBug.values()) {
            if (bugs.has(b)) {
                planted.add(b);
            }
        }
        return SwapperPgDir.build(booted, planted);
    }

    @Override
    public List<OpSpec> calls() {
        return MmuOp.SPECS;
    }

    @Override
    public List<Invariant> invariants() {
        return MmuChecks.ALL;
    }

    /** Every entry and every lowmem frame ({@link MmuChecks#fullScan}), not only what the calls wrote. */
    @Override
    public List<armmm.model.core.Violation> completeCheck(KernelPageTables state, KernelState kernel) {
        return MmuChecks.fullScan(kernel);
    }

    @Override
    public List<Report> reports() {
        return List.of(new Report("pagetables", k -> Optional.ofNullable(k.state(KernelPageTables.class))
                .map(t -> PtdumpReport.render(t, k.state(BootedSystem.class).layout())),
                (k, from, to) -> Optional.ofNullable(k.state(KernelPageTables.class))
                        .map(t -> PtdumpReport.render(t, k.state(BootedSystem.class).layout(), from, to))));
    }

    @Override
    public void beforeStep(KernelPageTables state) {
        // the first call marks the end of boot (every subsystem's boot writes are done)
        state.bootDone();
        state.beginStep();
    }

    @Override
    public List<SeededBug> bugs() {
        return List.of(MmuBug.values());
    }
}
