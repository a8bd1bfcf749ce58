package armmm.model.kernel;

import armmm.model.board.Board;
import armmm.model.board.BoardLine;
import armmm.model.boot.Boot;
import armmm.model.boot.BootObservables;
import armmm.model.boot.BootedSystem;
import armmm.model.check.Invariants;
import armmm.model.check.PageCall;
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
    /** The last page call with the state it started from, for the INV-CALL checks; null after any other call. */
    private PageCall lastPageCall;

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
        PageCall call = PageCall.before(pages, op);
        Result r = op.applyTo(this);
        lastPageCall = call == null ? null : call.after(r);
        return r;
    }

    /** The last call if it was a page call, with the state before it and its result; else null. */
    public PageCall lastPageCall() {
        return lastPageCall;
    }

    /** Every invariant over the whole state, every frame and list walked: for the end of a chain or scenario. */
    public List<Violation> fullCheck() {
        return Invariants.fullScan(this);
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
