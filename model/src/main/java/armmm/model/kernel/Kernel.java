package armmm.model.kernel;

import armmm.model.board.Board;
import armmm.model.board.BoardLine;
import armmm.model.boot.Boot;
import armmm.model.boot.BootObservables;
import armmm.model.boot.BootedSystem;
import armmm.model.check.Invariants;
import armmm.model.check.Violation;
import armmm.model.memblock.Memblock;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageAllocatorBoot;
import armmm.model.page.PageObservables;
import armmm.model.zone.BootZones;
import armmm.model.zone.ZoneObservables;
import armmm.model.zone.ZoneSetup;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The modelled kernel: the one entry point through which every call runs ({@link #apply}) and
 * every observable is read ({@link #observe}).
 *
 * <p>A kernel without a board is an empty memblock, as in the kernel's own memblock test suite
 * ({@code tools/testing/memblock}): virtual and physical addresses are the same.
 */
public final class Kernel {
    private final Memblock memblock;
    private final BootedSystem booted;
    private final ZoneSetup zones;
    private PageAllocator pages;
    // ---- mmu (branch mmu): init_mm's page tables and the image's section permissions ----
    private armmm.model.mmu.KernelPageTables pagetables;
    private armmm.model.mmu.SectionPerms sectionPerms;

    private Kernel(Memblock memblock, BootedSystem booted) {
        this.memblock = memblock;
        this.booted = booted;
        this.zones = booted == null ? null : BootZones.setUp(booted);
    }

    /** A kernel with an empty memblock and identity addressing. */
    public static Kernel bare() {
        return new Kernel(new Memblock(), null);
    }

    /** A kernel that has booted {@code board}: its memblock as early boot left it, the board's layout. */
    public static Kernel boot(Board board) {
        BootedSystem b = Boot.boot(board);
        Kernel k = new Kernel(b.memblock(), b);
        k.pages = PageAllocatorBoot.handOver(k.zones, PageAllocatorBoot.memMap(b.layout()), board.cpus());
        k.sectionPerms = new armmm.model.mmu.SectionPerms(b.layout());
        k.pagetables = armmm.model.mmu.SwapperPgDir.build(b, mmuBugs(), k.sectionPerms);
        return k;
    }

    /** What early boot left (layout, limits, allocations); empty for a bare kernel. */
    public Optional<BootedSystem> booted() {
        return Optional.ofNullable(booted);
    }

    /** The zones boot set up (geometry, managed, watermarks, protection); empty for a bare kernel. */
    public Optional<ZoneSetup> zones() {
        return Optional.ofNullable(zones);
    }

    /** Runs {@code op} and returns what the kernel would. The state stays consistent on refusal. */
    public Result apply(Op op) {
        if (pages != null) {
            pages.beginStep();
        }
        if (pagetables != null) {
            pagetables.beginStep();
        }
        return op.applyTo(this);
    }

    /** Reads an observable; empty when no subsystem knows its name. */
    public OptionalLong observe(ObservablePath path) {
        if (path.is(0, "memblock")) {
            return memblock.observe(path);
        }
        if (path.is(0, "layout") && booted != null) {
            return BootObservables.observe(booted, path);
        }
        if (zones != null) {
            OptionalLong v = ZoneObservables.observe(zones, path);
            if (v.isPresent()) {
                return v;
            }
        }
        if (pages != null && PageObservables.knows(path)) {
            return PageObservables.observe(pages, path);
        }
        return OptionalLong.empty();
    }

    /** Every invariant's violations in the current state. */
    public List<Violation> check() {
        return Invariants.checkAll(this);
    }

    /** The scenario {@code board} line that boots this kernel; empty for a bare memblock. */
    public Optional<String> boardLine() {
        return booted().map(b -> BoardLine.render(b.board()));
    }

    /** memblock: the early allocator and its memory and reserved arrays. */
    public Memblock memblock() {
        return memblock;
    }

    /** The page allocator boot handed memory to, or null before that (and without a board). */
    public PageAllocator pages() {
        return pages;
    }

    /** init_mm's page tables ({@code swapper_pg_dir}), or null without a board. */
    public armmm.model.mmu.KernelPageTables pagetables() {
        return pagetables;
    }

    /** {@code set_kernel_text_ro} ({@code ro} true) or {@code set_kernel_text_rw}. */
    Result kernelText(boolean ro) {
        if (ro) {
            sectionPerms.setKernelTextRo(pagetables);
        } else {
            sectionPerms.setKernelTextRw(pagetables);
        }
        return Result.VOID;
    }

    /** The MMU bugs planted now: the {@code SeededBug} of the same name, or a walker bug named by -Darmmm.bug. */
    private static java.util.Set<armmm.model.mmu.MmuBug> mmuBugs() {
        java.util.Set<armmm.model.mmu.MmuBug> bugs = armmm.model.mmu.MmuBug.fromProperty();
        armmm.model.check.SeededBug active = armmm.model.check.SeededBug.active();
        if (active != null) {
            armmm.model.mmu.MmuBug.byName(active.name()).ifPresent(bugs::add);
        }
        return bugs;
    }

    /** Boot's hand-over: from now on page calls run on {@code allocator} ({@code mem_init}). */
    public void installPageAllocator(PageAllocator allocator) {
        this.pages = allocator;
    }

    /**
     * The kernel virtual address of physical {@code phys} ({@code __va}); the identity without a
     * board.
     */
    public long physToVirt(long phys) {
        return booted == null ? phys : booted.layout().linearVirt(phys);
    }

    /** The physical address of kernel virtual {@code virt} ({@code __pa}); the identity without a board. */
    public long virtToPhys(long virt) {
        return booted == null ? virt : booted.layout().linearPhys(virt);
    }
}
