package armmm.model.kernel;

import armmm.model.board.Board;
import armmm.model.boot.BootedSystem;
import armmm.model.check.BuddyChecks;
import armmm.model.check.PageCall;
import armmm.model.check.PageCallChecks;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.subsystem.Op;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.ObservablePath;
import armmm.model.core.SeededBug;
import armmm.model.memblock.Memblock;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageAllocatorBoot;
import armmm.model.page.PageBug;
import armmm.model.page.PageObservables;
import armmm.model.page.PageOp;
import armmm.model.report.BuddyinfoReport;
import armmm.model.report.PagetypeinfoReport;
import armmm.model.subsystem.HandleKind;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import armmm.model.subsystem.OpSpec;
import armmm.model.subsystem.Report;
import armmm.model.subsystem.Subsystem;
import armmm.model.zone.NodeZones;
import armmm.model.zone.ZoneSetup;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The buddy allocator (mm/page_alloc.c, include/linux/gfp.h) as a subsystem: boot's hand-over
 * ({@code mem_init}: {@code memblock_free_all}, {@code free_highpages}) creates it from the zones,
 * and from then on slab is available ({@code mm_init}), so memblock's allocators warn.
 */
public final class BuddySubsystem implements Subsystem<PageAllocator> {
    /** The one instance, registered in {@link Subsystems}. */
    public static final BuddySubsystem INSTANCE = new BuddySubsystem();

    private BuddySubsystem() {
    }

    @Override
    public String name() {
        return "buddy";
    }

    @Override
    public Class<PageAllocator> stateType() {
        return PageAllocator.class;
    }

    @Override
    public PageAllocator create(KernelState earlier, Board board, Bugs bugs) {
        NodeZones node = earlier.state(NodeZones.class);
        BootedSystem booted = earlier.state(BootedSystem.class);
        if (node == null || booted == null) {
            return null;
        }
        ZoneSetup zones = node.setup();
        PageAllocator pa = PageAllocatorBoot.handOver(zones, PageAllocatorBoot.memMap(booted.layout()), board.cpus(), bugs);
        // one struct zone in 6.1: a sysctl write's recompute reaches the allocator's half at once
        node.attach(pa.zoneHalf());
        // the subsystems after this one still boot on the allocator: its seeded bugs wait for the first call
        pa.setHandedOver(false);
        pa.setDebugVm(board.build().debugVm());
        earlier.state(Memblock.class).markSlabAvailable(size -> kzallocNode(pa, size), (phys, size) -> kfree(pa, phys, size));
        return pa;
    }

    /**
     * {@code kfree} of a block {@link #kzallocNode} returned for {@code size} bytes, given by its
     * physical address: the same page block goes back to the allocator, inside the calling kernel
     * call ({@code memblock_double_array} frees a kmalloc'ed array so).
     */
    static void kfree(PageAllocator pa, long phys, long size) {
        long pages = (size - 1) >>> 12;
        int order = pages == 0 ? 0 : 64 - Long.numberOfLeadingZeros(pages);
        pa.freePagesPfn(phys >>> 12, order, 0);
    }

    /** {@code ZERO_SIZE_PTR} (include/linux/slab.h): what {@code kmalloc(0)} returns. */
    static final long ZERO_SIZE_PTR = 16;

    /**
     * {@code kzalloc_node(size, GFP_NOWAIT)}, what {@code memblock_alloc*} returns once slab is up.
     * Above {@code KMALLOC_MAX_CACHE_SIZE} (two pages with SLUB) it is {@code kmalloc_large}:
     * {@code alloc_pages(GFP_NOWAIT | __GFP_ZERO | __GFP_COMP, get_order(size))}
     * (mm/slab_common.c), modelled exactly; order >= MAX_ORDER is NULL. Smaller requests come from
     * a kmalloc slab cache, which the model does not have yet: until the SLUB subsystem exists they
     * take the same page block, a stand-in that over-counts the memory used (spec/memblock.md).
     */
    static long kzallocNode(PageAllocator pa, long size) {
        if (size == 0) {
            return ZERO_SIZE_PTR;
        }
        long pages = (size - 1) >>> 12;
        int order = pages == 0 ? 0 : 64 - Long.numberOfLeadingZeros(pages);
        return order >= PageAllocator.MAX_ORDER ? 0
                : pa.getFreePages(Gfp.GFP_NOWAIT | Gfp.ZERO | Gfp.COMP, order, 0).value();
    }

    @Override
    public List<OpSpec> calls() {
        return PageOp.SPECS;
    }

    @Override
    public OptionalLong observe(PageAllocator state, KernelState kernel, ObservablePath path) {
        return PageObservables.knows(path) ? PageObservables.observe(state, path) : OptionalLong.empty();
    }

    @Override
    public List<Invariant> invariants() {
        List<Invariant> all = new java.util.ArrayList<>(BuddyChecks.ALL);
        all.addAll(PageCallChecks.ALL);
        return List.copyOf(all);
    }

    /**
     * Every list walked and every frame visited ({@link BuddyChecks#complete}), trusting none of
     * the counters the per-call checks read; the call postconditions are not repeated.
     */
    @Override
    public List<Violation> completeCheck(PageAllocator state, KernelState kernel) {
        return BuddyChecks.complete(state);
    }

    @Override
    public List<Report> reports() {
        return List.of(
                new Report("buddyinfo", k -> Optional.ofNullable(k.state(PageAllocator.class)).map(BuddyinfoReport::render)),
                new Report("pagetypeinfo",
                        k -> Optional.ofNullable(k.state(PageAllocator.class)).map(PagetypeinfoReport::render)));
    }

    @Override
    public List<HandleKind> handleKinds() {
        return List.of(
                new HandleKind("page", "p", List.of("alloc_pages", "alloc_page"),
                        List.of(new HandleKind.Use("__free_pages", 0, true), new HandleKind.Use("split_page", 0, false))),
                new HandleKind("page address", "a", List.of("__get_free_pages"),
                        List.of(new HandleKind.Use("free_pages", 0, true))));
    }

    @Override
    public void beforeStep(PageAllocator state) {
        state.beginStep();
    }

    /**
     * Forgets the last call's trace, ends boot for the seeded bugs (they act from the first kernel
     * call on), then records the state a page call starts from (INV-CALL-*).
     */
    @Override
    public void beforeStep(PageAllocator state, Op op) {
        state.beginStep();
        state.setHandedOver(true);
        state.setStepRecord(PageCall.before(state, op));
        state.forgetReports();
    }

    /** The bad pages 6.1 reported during the call (a drain, a refill, {@code check_new_pages}) go with its result. */
    @Override
    public Result finishStep(PageAllocator state, Op op, Result result) {
        return state.withReports(result);
    }

    /** Completes the record of a page call with its result. */
    @Override
    public void afterStep(PageAllocator state, Op op, Result result) {
        PageCall call = state.stepRecord(PageCall.class);
        if (call != null) {
            call.after(result);
        }
    }

    @Override
    public List<SeededBug> bugs() {
        return List.of(PageBug.values());
    }
}
