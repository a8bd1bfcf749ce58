package armmm.model.highmem;

import armmm.model.board.Board;
import armmm.model.boot.BootedSystem;
import armmm.model.core.Bugs;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.core.SeededBug;
import armmm.model.core.Violation;
import armmm.model.mmu.KernelPageTables;
import armmm.model.page.PageAllocator;
import armmm.model.subsystem.HandleKind;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import armmm.model.subsystem.Report;
import armmm.model.subsystem.Subsystem;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * highmem (mm/highmem.c) as a subsystem: created after vmalloc, on the pkmap and fixmap PTE
 * tables {@code kmap_init} (arch/arm/mm/mmu.c) left in the MMU subsystem's {@code swapper_pg_dir};
 * {@code PKMAP_BASE} and {@code max_low_pfn} come from the layout, struct pages from the buddy
 * allocator's {@code mem_map}.
 */
public final class HighmemSubsystem implements Subsystem<Highmem> {
    /** The one instance, registered in {@code Subsystems}. */
    public static final HighmemSubsystem INSTANCE = new HighmemSubsystem();

    private HighmemSubsystem() {
    }

    @Override
    public String name() {
        return "highmem";
    }

    @Override
    public Class<Highmem> stateType() {
        return Highmem.class;
    }

    @Override
    public Highmem create(KernelState earlier, Board board, Bugs bugs) {
        BootedSystem booted = earlier.state(BootedSystem.class);
        PageAllocator pages = earlier.state(PageAllocator.class);
        KernelPageTables tables = earlier.state(KernelPageTables.class);
        if (booted == null || pages == null || tables == null) {
            return null;
        }
        Highmem h = new Highmem(tables, pages.layout(), booted.layout().pkmapBase(),
                pages.layout().archPfnOffset() + pages.frameCount(), board.cpus());
        Set<HighmemBug> planted = EnumSet.noneOf(HighmemBug.class);
        for (HighmemBug b : HighmemBug.values()) {
            if (bugs.has(b)) {
                planted.add(b);
            }
        }
        h.plant(planted);
        return h;
    }

    @Override
    public List<OpSpec> calls() {
        return HighmemOp.SPECS;
    }

    @Override
    public OptionalLong observe(Highmem state, KernelState kernel, ObservablePath path) {
        return HighmemObservables.knows(path) ? HighmemObservables.observe(state, path) : OptionalLong.empty();
    }

    /** highmem's invariants, then INV-MMU-05 and 06, which read the tables with the buddy allocator, pkmap_count, kmap_ctrl and the vmap areas. */
    private static final List<Invariant> INVARIANTS = java.util.stream.Stream.concat(HighmemChecks.ALL.stream(),
            java.util.stream.Stream.of(NoDoubleMapping.INVARIANT, NoDoubleMappingOwners.INVARIANT)).toList();

    @Override
    public List<Invariant> invariants() {
        return INVARIANTS;
    }

    @Override
    public List<Report> reports() {
        return List.of(new Report("kmaps", k -> Optional.ofNullable(k.state(Highmem.class)).map(KmapsReport::render)));
    }

    @Override
    public List<HandleKind> handleKinds() {
        return List.of(
                new HandleKind("kmap address", "km", List.of("kmap", "kmap_begin"),
                        List.of(new HandleKind.Use("kmap_to_page", 0, false))),
                new HandleKind("kmap_atomic address", "ka", List.of("kmap_atomic"),
                        List.of(new HandleKind.Use("kunmap_atomic", 0, true))),
                new HandleKind("kmap_local address", "kl", List.of("kmap_local_page"),
                        List.of(new HandleKind.Use("kunmap_local", 0, true))));
    }

    @Override
    public void beforeStep(Highmem state, Op op) {
        state.beginStep(op instanceof HighmemOp h ? h : null);
    }

    @Override
    public void afterStep(Highmem state, Op op, Result result) {
        state.endStep(result);
        state.observeFixmapCall(op, result);
    }

    /** Every invariant over the whole state, whatever the last call was ({@link HighmemChecks#fullScan}). */
    @Override
    public List<Violation> completeCheck(Highmem state, KernelState kernel) {
        List<Violation> out = new java.util.ArrayList<>(HighmemChecks.fullScan(state));
        out.addAll(NoDoubleMapping.fullScan(kernel));
        out.addAll(NoDoubleMappingOwners.fullScan(kernel));
        return out;
    }

    @Override
    public List<SeededBug> bugs() {
        return List.of(HighmemBug.values());
    }
}
