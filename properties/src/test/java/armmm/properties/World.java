package armmm.properties;

import armmm.model.kernel.BuddySubsystem;
import armmm.model.kernel.Kernel;
import armmm.model.kernel.Subsystems;
import armmm.model.subsystem.Arg;
import armmm.model.subsystem.ArgKind;
import armmm.model.subsystem.HandleKind;
import armmm.model.subsystem.Op;
import armmm.model.core.Result;
import armmm.model.core.Gfp;
import armmm.model.page.MemMapLayout;
import armmm.model.page.PageAllocator;
import armmm.model.zone.ZoneType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    private static final String SPLIT_PAGE = "split_page";

    private final Kernel kernel;
    private final List<Held> held = new ArrayList<>();
    private final List<Long> freed = new ArrayList<>();
    private final Map<String, List<Long>> handles = new HashMap<>();
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

    /**
     * Runs {@code op} and updates what the caller holds from the kernel's result: which results
     * are handles and which calls give one back come from the registry's handle kinds, not from
     * the calls' types.
     */
    public Result apply(Op op) {
        if (kernel.pages() != null) {
            snapshotFreeAreas();
        }
        Result r = kernel.apply(op);
        if (!r.isRefused()) {
            track(op, r);
        }
        return r;
    }

    /** Every live handle of kind {@code kind} (a registry {@link HandleKind} name), oldest first. */
    public List<Long> handles(String kind) {
        return handles.getOrDefault(kind, List.of());
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

    private void track(Op op, Result r) {
        for (HandleKind kind : Subsystems.handlesUsedBy(op.name())) {
            HandleKind.Use use = kind.useBy(op.name());
            long value = op.args().get(use.arg()).value();
            if (use.consumes()) {
                handles.getOrDefault(kind.name(), new ArrayList<>()).remove(value);
                if (isPageKind(kind)) {
                    release(toPage(kind, value));
                }
            } else if (op.name().equals(SPLIT_PAGE)) {
                split(value, (int) op.args().get(1).value());
            }
        }
        HandleKind made = Subsystems.handleProducedBy(op.name());
        if (made != null && r.value() != 0) {
            handles.computeIfAbsent(made.name(), k -> new ArrayList<>()).add(r.value());
            if (isPageKind(made)) {
                hold(toPage(made, r.value()), argOfKind(op, ArgKind.NUMBER, 0), argOfKind(op, ArgKind.GFP, 0));
            }
        }
    }

    /** A handle of the buddy allocator's: a struct page pointer or a page's kernel virtual address. */
    private static boolean isPageKind(HandleKind kind) {
        return BuddySubsystem.INSTANCE.handleKinds().contains(kind);
    }

    /** The struct page pointer of a page handle: an address handle is converted through mem_map. */
    private long toPage(HandleKind kind, long value) {
        if (!kind.name().equals("page address")) {
            return value;
        }
        MemMapLayout layout = kernel.pages().layout();
        return layout.pfnToPage(layout.virtToPfn(value));
    }

    /** The page allocator's calls take (gfp, order): the value of the first argument of {@code kind}. */
    private static long argOfKind(Op op, ArgKind kind, long absent) {
        for (Arg a : op.args()) {
            if (a.kind() == kind) {
                return a.value();
            }
        }
        return absent;
    }

    /** {@code split_page}: one held block becomes 2^order held pages (the one handle effect the registry does not describe). */
    private void split(long page, int order) {
        MemMapLayout layout = kernel.pages().layout();
        held.removeIf(h -> h.page() == page);
        List<Long> pages = handles.computeIfAbsent("page", k -> new ArrayList<>());
        pages.remove((Long) page);
        for (int i = 0; i < 1 << order; i++) {
            long p = page + (long) layout.structPageSize() * i;
            pages.add(p);
            held.add(new Held(p, 0, false, layout.pageAddress(layout.pageToPfn(p))));
        }
    }

    private void hold(long page, long order, long gfp) {
        MemMapLayout layout = kernel.pages().layout();
        held.add(new Held(page, (int) order, order > 0 && (gfp & Gfp.COMP) != 0, layout.pageAddress(layout.pageToPfn(page))));
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
