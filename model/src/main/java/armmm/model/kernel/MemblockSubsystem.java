package armmm.model.kernel;

import armmm.model.board.Board;
import armmm.model.boot.BootedSystem;
import armmm.model.check.MemblockChecks;
import armmm.model.core.Bugs;
import armmm.model.core.ObservablePath;
import armmm.model.core.SeededBug;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.MemblockBug;
import armmm.model.memblock.MemblockOp;
import armmm.model.report.MemblockReport;
import armmm.model.subsystem.HandleKind;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.OpSpec;
import armmm.model.subsystem.Report;
import armmm.model.subsystem.Subsystem;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * memblock (mm/memblock.c) as a subsystem: the early allocator every kernel has, empty without a
 * board (as in tools/testing/memblock), or as early boot left it.
 */
public final class MemblockSubsystem implements Subsystem<Memblock> {
    /** The one instance, registered in {@link Subsystems}. */
    public static final MemblockSubsystem INSTANCE = new MemblockSubsystem();

    private MemblockSubsystem() {
    }

    @Override
    public String name() {
        return "memblock";
    }

    @Override
    public Class<Memblock> stateType() {
        return Memblock.class;
    }

    @Override
    public Memblock create(KernelState earlier, Board board, Bugs bugs) {
        BootedSystem booted = earlier.state(BootedSystem.class);
        return booted == null ? new Memblock(bugs) : booted.memblock();
    }

    @Override
    public List<OpSpec> calls() {
        return MemblockOp.SPECS;
    }

    @Override
    public OptionalLong observe(Memblock state, KernelState kernel, ObservablePath path) {
        return path.is(0, "memblock") ? state.observe(path) : OptionalLong.empty();
    }

    @Override
    public List<Invariant> invariants() {
        return MemblockChecks.ALL;
    }

    /** Its invariants over the whole arrays, not only what the last call changed in a very large one. */
    @Override
    public List<armmm.model.core.Violation> completeCheck(Memblock state, KernelState kernel) {
        state.beginCheck(true);
        return Subsystem.super.completeCheck(state, kernel);
    }

    @Override
    public List<Report> reports() {
        return List.of(new Report("memblock", k -> Optional.ofNullable(k.state(Memblock.class)).map(MemblockReport::debugfs)));
    }

    @Override
    public List<HandleKind> handleKinds() {
        return List.of(
                new HandleKind("memblock virtual address", "a",
                        List.of("memblock_alloc", "memblock_alloc_raw", "memblock_alloc_from", "memblock_alloc_low",
                                "memblock_alloc_try_nid", "memblock_alloc_try_nid_raw"),
                        List.of(new HandleKind.Use("memblock_free", 0, true))),
                new HandleKind("memblock physical address", "a",
                        List.of("memblock_phys_alloc_range", "memblock_phys_alloc"),
                        List.of(new HandleKind.Use("memblock_phys_free", 0, true))));
    }

    @Override
    public List<SeededBug> bugs() {
        return List.of(MemblockBug.values());
    }
}
