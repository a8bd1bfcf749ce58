package armmm.model.kernel;

import armmm.model.check.Invariants;
import armmm.model.check.Violation;
import armmm.model.memblock.Memblock;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageObservables;
import java.util.List;
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
    private PageAllocator pages;

    private Kernel(Memblock memblock) {
        this.memblock = memblock;
    }

    /** A kernel with an empty memblock and identity addressing. */
    public static Kernel bare() {
        return new Kernel(new Memblock());
    }

    /** Runs {@code op} and returns what the kernel would. The state stays consistent on refusal. */
    public Result apply(Op op) {
        return op.applyTo(this);
    }

    /** Reads an observable; empty when no subsystem knows its name. */
    public OptionalLong observe(ObservablePath path) {
        if (path.is(0, "memblock")) {
            return memblock.observe(path);
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
        return phys;
    }

    /** The physical address of kernel virtual {@code virt} ({@code __pa}); the identity without a board. */
    public long virtToPhys(long virt) {
        return virt;
    }
}
