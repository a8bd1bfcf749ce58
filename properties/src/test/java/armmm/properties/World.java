package armmm.properties;

import armmm.model.kernel.Kernel;
import armmm.model.subsystem.Op;
import armmm.model.page.PageOp;
import armmm.model.core.Result;
import armmm.model.core.Gfp;
import armmm.model.page.MemMapLayout;
import armmm.model.page.PageAllocator;
import armmm.model.zone.ZoneType;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain's state: the kernel under test, and what the caller holds, as a kernel user would: the
 * live page allocations (so that a chain frees what it allocated, usually) and a few freed pages
 * (so that it sometimes frees one twice). The bookkeeping follows the kernel's results only; the
 * model's own state is read through {@link #kernel()}.
 */
public final class World {
    /**
     * A page allocation the caller holds.
     *
     * @param page     its struct page pointer
     * @param order    the order it was allocated with
     * @param compound whether it is a compound page (__GFP_COMP, order > 0)
     * @param virt     its kernel virtual address, 0 for a highmem page
     */
    public record Held(long page, int order, boolean compound, long virt) {
    }

    private static final int FREED_KEPT = 16;

    private final Kernel kernel;
    private final List<Held> held = new ArrayList<>();
    private final List<Long> freed = new ArrayList<>();
    private long[][] nrFreeBefore = new long[0][];

    /** A world around a freshly booted (or bare) kernel. */
    public World(Kernel kernel) {
        this.kernel = kernel;
    }

    /** The kernel under test. */
    public Kernel kernel() {
        return kernel;
    }

    /** The page allocations held, oldest first. */
    public List<Held> held() {
        return held;
    }

    /** Pages freed recently, for double frees. */
    public List<Long> freed() {
        return freed;
    }

    /**
     * {@code free_area[order].nr_free} of each zone just before the last page call, so that a
     * property can tell which order an allocation split.
     */
    public long nrFreeBefore(ZoneType zone, int order) {
        return nrFreeBefore[zone.ordinal()][order];
    }

    /** Runs {@code op} and updates what the caller holds from the kernel's result. */
    public Result apply(Op op) {
        if (op instanceof PageOp) {
            snapshotFreeAreas();
        }
        Result r = kernel.apply(op);
        if (!r.isRefused() && op instanceof PageOp p) {
            track(p, r);
        }
        return r;
    }

    private void snapshotFreeAreas() {
        PageAllocator pa = kernel.pages();
        nrFreeBefore = new long[ZoneType.values().length][PageAllocator.MAX_ORDER];
        for (ZoneType z : ZoneType.values()) {
            if (pa.zone(z) != null) {
                for (int o = 0; o < PageAllocator.MAX_ORDER; o++) {
                    nrFreeBefore[z.ordinal()][o] = pa.zone(z).nrFree(o);
                }
            }
        }
    }

    private void track(PageOp op, Result r) {
        PageAllocator pa = kernel.pages();
        MemMapLayout layout = pa.layout();
        if (op instanceof PageOp.AllocPages a && r.value() != 0) {
            hold(r.value(), a.order(), a.gfp());
        } else if (op instanceof PageOp.AllocPage a && r.value() != 0) {
            hold(r.value(), 0, a.gfp());
        } else if (op instanceof PageOp.GetFreePages g && r.value() != 0) {
            hold(layout.pfnToPage(layout.virtToPfn(r.value())), g.order(), g.gfp());
        } else if (op instanceof PageOp.FreePages f) {
            release(f.page());
        } else if (op instanceof PageOp.FreePagesVirt f) {
            release(layout.pfnToPage(layout.virtToPfn(f.addr())));
        } else if (op instanceof PageOp.SplitPage s) {
            held.removeIf(h -> h.page() == s.page());
            for (int i = 0; i < 1 << s.order(); i++) {
                long page = s.page() + (long) layout.structPageSize() * i;
                held.add(new Held(page, 0, false, layout.pageAddress(layout.pageToPfn(page))));
            }
        }
    }

    private void hold(long page, int order, long gfp) {
        MemMapLayout layout = kernel.pages().layout();
        held.add(new Held(page, order, order > 0 && (gfp & Gfp.COMP) != 0, layout.pageAddress(layout.pageToPfn(page))));
    }

    private void release(long page) {
        if (held.removeIf(h -> h.page() == page)) {
            freed.add(page);
            if (freed.size() > FREED_KEPT) {
                freed.remove(0);
            }
        }
    }

    @Override
    public String toString() {
        return kernel.boardLine().orElse("bare kernel") + ", " + held.size() + " allocations held";
    }
}
