package armmm.model.vmalloc;

import armmm.model.board.Board;
import armmm.model.boot.BootedSystem;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.ObservablePath;
import armmm.model.core.SeededBug;
import armmm.model.layout.Layout;
import armmm.model.memblock.Memblock;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.SwapperPgDir;
import armmm.model.page.PageAllocator;
import armmm.model.subsystem.HandleKind;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.OpSpec;
import armmm.model.subsystem.Report;
import armmm.model.subsystem.Subsystem;
import armmm.model.zone.ZoneSetup;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * vmalloc (mm/vmalloc.c) as a subsystem: created after the buddy allocator, as {@code mm_init}
 * runs {@code vmalloc_init} after {@code mem_init}; then {@code init_irq_stacks} vmallocs the IRQ
 * stacks. Its PTEs go into {@code swapper_pg_dir} as {@code paging_init} left it
 * ({@link SwapperPgDir}), with PTE tables from the buddy allocator.
 */
public final class VmallocSubsystem implements Subsystem<Vmalloc> {
    /** The one instance, registered in {@code Subsystems}. */
    public static final VmallocSubsystem INSTANCE = new VmallocSubsystem();

    private VmallocSubsystem() {
    }

    @Override
    public String name() {
        return "vmalloc";
    }

    @Override
    public Class<Vmalloc> stateType() {
        return Vmalloc.class;
    }

    @Override
    public Vmalloc create(KernelState earlier, Board board, Bugs bugs) {
        BootedSystem booted = earlier.state(BootedSystem.class);
        PageAllocator pages = earlier.state(PageAllocator.class);
        armmm.model.zone.NodeZones node = earlier.state(armmm.model.zone.NodeZones.class);
        ZoneSetup zones = node == null ? null : node.setup();
        if (booted == null || pages == null || zones == null) {
            return null;
        }
        Layout layout = booted.layout();
        long firstPfn = layout.archPfnOffset();
        // the MMU subsystem's swapper_pg_dir: translate, print pagetables and INV-MMU-* see vmalloc's PTEs
        KernelPageTables tables = earlier.state(KernelPageTables.class);
        if (tables == null) {
            return null;
        }
        // pte_alloc_kernel: __get_free_page(GFP_PGTABLE_KERNEL)
        ShadowPtes ptes = new ShadowPtes(layout.vmallocStart(), layout.vmallocEnd(), firstPfn,
                firstPfn + pages.frameCount(), tables, () -> pages.allocPagesPfn(Gfp.GFP_KERNEL | Gfp.ZERO, 0, 0));
        Vmalloc v = new Vmalloc(layout.vmallocStart(), layout.vmallocEnd(),
                new BuddyPageSource(pages, earlier.state(Memblock.class), zones.totalramPages()), ptes, board.cpus(), Set.of());
        VmallocBoot.boot(v, VmallocBoot.earlyVmlist(layout, booted.cmaAreas()), board.cpus());
        Set<VmallocBug> planted = EnumSet.noneOf(VmallocBug.class);
        for (VmallocBug b : VmallocBug.values()) {
            if (bugs.has(b)) {
                planted.add(b);
            }
        }
        v.plant(planted);
        return v;
    }

    @Override
    public List<OpSpec> calls() {
        return VmallocOp.SPECS;
    }

    @Override
    public OptionalLong observe(Vmalloc state, KernelState kernel, ObservablePath path) {
        return VmallocObservables.knows(path) ? VmallocObservables.observe(state, path) : OptionalLong.empty();
    }

    @Override
    public List<Invariant> invariants() {
        return VmallocChecks.ALL;
    }

    /** Every page of every area ({@link VmallocChecks#fullScan}), not only what the last call mapped or cleared. */
    @Override
    public List<armmm.model.core.Violation> completeCheck(Vmalloc state, KernelState kernel) {
        return VmallocChecks.fullScan(state);
    }

    @Override
    public List<Report> reports() {
        return List.of(new Report("vmallocinfo",
                k -> Optional.ofNullable(k.state(Vmalloc.class)).map(v -> VmallocinfoReport.render(v.areas()))));
    }

    @Override
    public List<HandleKind> handleKinds() {
        return List.of(
                new HandleKind("vmalloc address", "v",
                        List.of("vmalloc", "vzalloc", "vmalloc_user", "__vmalloc_node_range", "__get_vm_area_caller", "vmap"),
                        List.of(new HandleKind.Use("vfree", 0, true), new HandleKind.Use("vunmap", 0, true),
                                new HandleKind.Use("vmalloc_to_page", 0, false), new HandleKind.Use("find_vm_area", 0, false),
                                new HandleKind.Use("is_vmalloc_addr", 0, false))),
                new HandleKind("ioremap address", "io", List.of("ioremap"),
                        List.of(new HandleKind.Use("iounmap", 0, true))));
    }

    @Override
    public void beforeStep(Vmalloc state) {
        state.beginStep();
    }

    @Override
    public List<SeededBug> bugs() {
        return List.of(VmallocBug.values());
    }
}
