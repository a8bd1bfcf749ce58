package armmm.model.kernel;

import armmm.model.board.Board;
import armmm.model.board.BoardLine;
import armmm.model.boot.Boot;
import armmm.model.boot.BootObservables;
import armmm.model.boot.BootedSystem;
import armmm.model.check.Invariants;
import armmm.model.check.SeededBug;
import armmm.model.check.Violation;
import armmm.model.layout.Layout;
import armmm.model.memblock.Memblock;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.SwapperPgDir;
import armmm.model.page.Gfp;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageAllocatorBoot;
import armmm.model.page.PageObservables;
import armmm.model.vmalloc.BuddyPageSource;
import armmm.model.vmalloc.ShadowPtes;
import armmm.model.vmalloc.VmFlags;
import armmm.model.vmalloc.Vmalloc;
import armmm.model.vmalloc.VmallocBoot;
import armmm.model.vmalloc.VmallocBug;
import armmm.model.vmalloc.VmallocObservables;
import armmm.model.zone.BootZones;
import armmm.model.zone.ZoneObservables;
import armmm.model.zone.ZoneSetup;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

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
    private Vmalloc vmalloc;
    private ShadowPtes vmallocPtes;
    private KernelPageTables pageTables;

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
        k.bootVmalloc(board.cpus());
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

    // vmalloc: kept apart so that the coordinator can move it behind the subsystem API
    private void bootVmalloc(int cpus) {
        Layout layout = booted.layout();
        long firstPfn = layout.archPfnOffset();
        // swapper_pg_dir as paging_init left it; vmalloc's PTE tables come from the buddy allocator
        // (pte_alloc_kernel: __get_free_page(GFP_PGTABLE_KERNEL))
        pageTables = SwapperPgDir.build(booted, Set.of());
        vmallocPtes = new ShadowPtes(layout.vmallocStart(), layout.vmallocEnd(), firstPfn,
                firstPfn + pages.frameCount(), pageTables, () -> pages.allocPagesPfn(Gfp.GFP_KERNEL | Gfp.ZERO, 0, 0));
        SeededBug active = SeededBug.active();
        Set<VmallocBug> bugs = active == null ? Set.of()
                : VmallocBug.byName(active.cliName()).map(Set::of).orElse(Set.of());
        vmalloc = new Vmalloc(layout.vmallocStart(), layout.vmallocEnd(),
                new BuddyPageSource(pages, memblock, zones.totalramPages()), vmallocPtes, cpus, Set.of());
        VmallocBoot.boot(vmalloc, VmallocBoot.earlyVmlist(layout, booted.cmaAreas()), cpus);
        vmalloc.plant(bugs);
    }

    /** vmalloc, or null without a board. */
    public Vmalloc vmalloc() {
        return vmalloc;
    }

    /** {@code swapper_pg_dir}, with the PTEs vmalloc wrote since boot; null without a board. */
    public KernelPageTables pageTables() {
        return pageTables;
    }

    /** The vmalloc-space PTEs vmalloc writes, or null without a board. */
    public ShadowPtes vmallocPtes() {
        return vmallocPtes;
    }

    /** {@code vmap} of {@code count} struct pages from {@code page}: refused when they are no struct pages. */
    Result vmapPages(long page, long count) {
        if (count < 0 || count > Integer.MAX_VALUE) {
            return Result.refused("vmap: count " + count + " is not an unsigned int");
        }
        long[] pfns = new long[(int) count];
        for (int i = 0; i < count; i++) {
            long pfn = new BuddyPageSource(pages, memblock, 0).pageToPfn(page + (long) i * pages.layout().structPageSize());
            if (pfn < 0) {
                return Result.refused(String.format("vmap: 0x%x is not a struct page", page + (long) i * pages.layout().structPageSize()));
            }
            pfns[i] = pfn;
        }
        return vmalloc.vmap(pfns, VmFlags.VM_MAP);
    }

    /** Runs {@code op} and returns what the kernel would. The state stays consistent on refusal. */
    public Result apply(Op op) {
        if (pages != null) {
            pages.beginStep();
        }
        if (vmalloc != null) {
            vmalloc.beginStep();
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
        if (vmalloc != null && VmallocObservables.knows(path)) {
            return VmallocObservables.observe(vmalloc, path);
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
