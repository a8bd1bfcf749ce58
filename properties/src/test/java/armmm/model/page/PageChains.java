package armmm.model.page;

import armmm.model.core.Gfp;
import static armmm.pbt.Gens.weighted;

import armmm.model.boot.BootedSystem;
import armmm.model.kernel.Kernel;
import armmm.model.subsystem.Op;
import armmm.model.page.PageOp;
import armmm.model.page.ZoneSnapshot;
import armmm.model.core.Result;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneType;
import armmm.pbt.ChainSpec;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.Stats;
import armmm.properties.KernelChains;
import armmm.properties.World;
import java.util.List;

/**
 * Chains of page allocator calls on booted boards: allocations of every order, GFP mask and CPU;
 * frees of held pages in any order; split_page; and, now and then, the wrong frees a buggy caller
 * makes (a page freed twice, a tail page, a wrong order, a reserved page). Small boards run into
 * memory pressure within a chain, and back out of it as pages are freed.
 */
public final class PageChains {
    /** The masks kernel code passes most, with the modifiers the issue names. */
    static final List<Long> MASKS = List.of(
            Gfp.GFP_KERNEL, Gfp.GFP_ATOMIC, Gfp.GFP_NOWAIT, Gfp.GFP_HIGHUSER, Gfp.GFP_HIGHUSER_MOVABLE,
            Gfp.GFP_DMA | Gfp.GFP_KERNEL, Gfp.GFP_KERNEL | Gfp.ZERO, Gfp.GFP_KERNEL | Gfp.COMP,
            Gfp.GFP_KERNEL | Gfp.RECLAIMABLE, Gfp.GFP_ATOMIC | Gfp.COMP | Gfp.NOWARN, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.COMP);

    private PageChains() {
    }

    /** Page calls on kernels booted from {@code boards}, every invariant checked. */
    static ChainSpec.Builder<World, Op> spec(Gen<Kernel> boards) {
        return spec(boards, id -> true);
    }

    /** Page calls on kernels booted from {@code boards}, checking the invariants {@code checked} accepts. */
    static ChainSpec.Builder<World, Op> spec(Gen<Kernel> boards, java.util.function.Predicate<String> checked) {
        return withPageCalls(KernelChains.builder(boards, checked)).tries(60).steps(80);
    }

    /**
     * Adds the page allocator's calls to a chain, with the labels that tell which allocator paths
     * a run reached; the whole-kernel chain adds them next to the other subsystems' calls.
     */
    public static ChainSpec.Builder<World, Op> withPageCalls(ChainSpec.Builder<World, Op> chain) {
        return chain
                .action("alloc_pages", 37, w -> allocPages(w))
                .action("alloc_page", 3, w -> Gens.combine(Gens.oneOf(MASKS), cpu(w), PageOp.AllocPage::new))
                // large blocks: the way to memory pressure, fallback to lower zones and NULL
                .action("alloc_pages (large)", 6, w -> Gens.combine(Gens.oneOf(MASKS),
                        Gens.ints(8, PageAllocator.MAX_ORDER - 1), cpu(w), PageOp.AllocPages::new))
                .action("__get_free_pages", 4, w -> Gens.combine(Gens.oneOf(Gfp.GFP_KERNEL, Gfp.GFP_ATOMIC), order(), cpu(w),
                        PageOp.GetFreePages::new))
                .action("__free_pages", 34, w -> !w.held().isEmpty(), w -> Gens.combine(Gens.oneOf(w.held()), cpu(w),
                        (h, cpu) -> new PageOp.FreePages(h.page(), h.order(), cpu)))
                .action("free_pages", 4, w -> w.held().stream().anyMatch(h -> h.virt() != 0),
                        w -> Gens.combine(Gens.oneOf(w.held().stream().filter(h -> h.virt() != 0).toList()), cpu(w),
                                (h, cpu) -> new PageOp.FreePagesVirt(h.virt(), h.order(), cpu)))
                .action("split_page", 3, w -> w.held().stream().anyMatch(h -> h.order() > 0 && !h.compound()),
                        w -> Gens.oneOf(w.held().stream().filter(h -> h.order() > 0 && !h.compound()).toList())
                                .map(h -> new PageOp.SplitPage(h.page(), h.order())))
                .action("__free_pages (wrong)", 4, w -> !w.held().isEmpty() || !w.freed().isEmpty(), PageChains::wrongFree)
                // the vmstat work folding the per-CPU differences (INV-BUDDY-08)
                .action("vmstat_update", 2, w -> cpu(w).map(PageOp.VmstatUpdate::new))
                .action("refresh_vm_stats", 1, w -> Gens.constant(new PageOp.RefreshVmStats()))
                // a CPU's per-CPU lists emptied: where 6.1 without DEBUG_VM finds a page freed twice
                .action("drain_local_pages", 2, w -> cpu(w).map(PageOp.DrainLocalPages::new))
                .postcondition((w, op, outcome) -> {
                    label(w, op, (Result) outcome);
                    return List.of();
                });
    }

    /**
     * Memory pressure: mostly allocations, large ones first, few frees, so that a chain drives the
     * zones down through their watermarks to NULL, and the frees bring them back. Allocations one
     * order below a free block split blocks of the top orders, which the others mostly take whole
     * or leave until the zone is at NULL.
     */
    static ChainSpec.Builder<World, Op> pressure(Gen<Kernel> boards, java.util.function.Predicate<String> checked) {
        return KernelChains.builder(boards, checked)
                // the order is drawn downwards from the largest free block the zones hold now, so that
                // shrinking moves to the largest block, which reaches the watermarks in the fewest calls,
                // and a chain with a step deleted still adapts its later orders to what is free
                .action("alloc_pages (large)", 10, w -> Gens.combine(pressureMask(), largestFreeFirst(w), cpu(w),
                        PageOp.AllocPages::new))
                .action("alloc_pages", 12, w -> Gens.combine(pressureMask(), Gens.ints(0, 3).map(i -> 3 - i), cpu(w),
                        PageOp.AllocPages::new))
                // one order below a free block: the second such call finds the smaller order used up
                // and splits the block, at every order, the top ones included
                .action("alloc_pages (below a free block)", 6, w -> Gens.combine(pressureMask(), belowAFreeBlock(w),
                        cpu(w), PageOp.AllocPages::new))
                .action("__free_pages", 2, w -> !w.held().isEmpty(), w -> Gens.combine(Gens.oneOf(w.held()), cpu(w),
                        (h, cpu) -> new PageOp.FreePages(h.page(), h.order(), cpu)))
                .action("vmstat_update", 1, w -> cpu(w).map(PageOp.VmstatUpdate::new))
                .postcondition((w, op, outcome) -> {
                    label(w, op, (Result) outcome);
                    return List.of();
                })
                .tries(40)
                .steps(200);
    }

    /** An order from the largest with a free block in any zone (kernel-visible nr_free) downwards. */
    private static Gen<Integer> largestFreeFirst(World w) {
        PageAllocator pa = w.kernel().pages();
        int max = 0;
        for (ZoneType t : ZoneType.values()) {
            BuddyZone z = pa.zone(t);
            for (int o = PageAllocator.MAX_ORDER - 1; z != null && o > max; o--) {
                if (z.nrFree(o) > 0) {
                    max = o;
                }
            }
        }
        int largest = max;
        return Gens.ints(0, largest).map(i -> largest - i);
    }

    /**
     * One order below an order some zone holds a free block of (kernel-visible nr_free), the
     * orders with a free block equally likely; 0 when only order-0 blocks are free.
     */
    private static Gen<Integer> belowAFreeBlock(World w) {
        PageAllocator pa = w.kernel().pages();
        List<Integer> below = new java.util.ArrayList<>();
        for (int o = 1; o < PageAllocator.MAX_ORDER; o++) {
            for (ZoneType t : ZoneType.values()) {
                BuddyZone z = pa.zone(t);
                if (z != null && z.nrFree(o) > 0) {
                    below.add(o - 1);
                    break;
                }
            }
        }
        return below.isEmpty() ? Gens.constant(0) : Gens.oneOf(below);
    }

    /**
     * Memory pressure by allocations alone, the largest free block first: the chain a bug at a
     * watermark edge needs, short enough to shrink to a few calls more than the hand-written one.
     */
    static ChainSpec.Builder<World, Op> pressureOnly(Gen<Kernel> boards, java.util.function.Predicate<String> checked) {
        return KernelChains.builder(boards, checked)
                .action("alloc_pages (large)", 10, w -> Gens.combine(pressureMask(), largestFreeFirst(w), cpu(w),
                        PageOp.AllocPages::new))
                .action("alloc_pages", 2, w -> Gens.combine(pressureMask(), Gens.ints(0, 3).map(i -> 3 - i), cpu(w),
                        PageOp.AllocPages::new))
                .tries(40)
                .steps(200);
    }

    /**
     * Memory pressure with atomic requests: GFP_KERNEL, GFP_HIGHUSER_MOVABLE and GFP_ATOMIC, the
     * largest free block first, and small orders. A GFP_ATOMIC of order 1 or more served by the
     * slow path reserves its pageblock for high-order atomics ({@code reserve_highatomic_pageblock})
     * and the next order-0 request meets the reserve in {@code zone_watermark_fast} (f27ce0e14088,
     * 9282012fc0aa).
     */
    static ChainSpec.Builder<World, Op> atomicPressure(Gen<Kernel> boards, java.util.function.Predicate<String> checked) {
        Gen<Long> masks = Gens.oneOf(Gfp.GFP_KERNEL, Gfp.GFP_HIGHUSER_MOVABLE, Gfp.GFP_ATOMIC);
        return KernelChains.builder(boards, checked)
                .action("alloc_pages (large)", 8, w -> Gens.combine(masks, largestFreeFirst(w), cpu(w),
                        PageOp.AllocPages::new))
                .action("alloc_pages", 4, w -> Gens.combine(masks, Gens.ints(0, 3), cpu(w), PageOp.AllocPages::new))
                .tries(40)
                .steps(120);
    }

    /**
     * Memory pressure that boosts watermarks: unmovable, reclaimable and movable requests, the
     * largest free block first, take each other's pageblocks (a fallback below pageblock_order
     * boosts the zone; after 16 boosts kswapd, which never reclaims here, stops taking them off),
     * and order-0 GFP_ATOMIC requests meet the boosted zone. The chain {@code zone_watermark_fast}'s
     * boost-free second look for atomic requests needs (f80b08fc4453).
     */
    static ChainSpec.Builder<World, Op> boostPressure(Gen<Kernel> boards, java.util.function.Predicate<String> checked) {
        Gen<Long> masks = Gens.oneOf(Gfp.GFP_KERNEL, Gfp.GFP_KERNEL | Gfp.RECLAIMABLE, Gfp.GFP_HIGHUSER_MOVABLE);
        return KernelChains.builder(boards, checked)
                .action("alloc_pages (large)", 8, w -> Gens.combine(masks, largestFreeFirst(w), cpu(w),
                        PageOp.AllocPages::new))
                .action("alloc_pages", 4, w -> Gens.combine(masks, Gens.ints(0, 3), cpu(w), PageOp.AllocPages::new))
                .action("alloc_pages GFP_ATOMIC 0", 3, w -> cpu(w).map(c -> new PageOp.AllocPages(Gfp.GFP_ATOMIC, 0, c)))
                .tries(40)
                .steps(150);
    }

    /**
     * Masks for pressure, highmem users first: they exhaust HighMem, then fall back into the
     * lower zones, where lowmem_reserve must hold them off.
     */
    private static Gen<Long> pressureMask() {
        return Gens.frequency(weighted(4, Gens.oneOf(Gfp.GFP_HIGHUSER, Gfp.GFP_HIGHUSER_MOVABLE)),
                weighted(1, Gens.oneOf(MASKS)));
    }

    private static Gen<Op> allocPages(World w) {
        return Gens.combine(Gens.oneOf(MASKS), order(), cpu(w), PageOp.AllocPages::new);
    }

    /** Order 0 mostly, the per-CPU orders often, anything up to MAX_ORDER - 1 sometimes. */
    private static Gen<Integer> order() {
        return Gens.frequency(weighted(6, Gens.constant(0)), weighted(3, Gens.ints(1, 3)),
                weighted(1, Gens.ints(4, PageAllocator.MAX_ORDER - 1)));
    }

    private static Gen<Integer> cpu(World w) {
        return Gens.ints(0, w.kernel().pages().nrCpus() - 1);
    }

    /**
     * A free the kernel must refuse or report: freed twice, a tail page, a wrong order, a reserved page.
     * A page freed twice is one still free now ({@code page_ref_count} 0): one that another caller
     * (a fault, vmalloc, a slab) has taken since is not a double free the kernel can see, but a
     * use-after-free its own invariants rightly report, as the page then belongs to two owners.
     */
    private static Gen<Op> wrongFree(World w) {
        MemMapLayout layout = w.kernel().pages().layout();
        List<Long> stillFree = w.freed().stream()
                .filter(page -> w.kernel().pages().refcount(layout.pageToPfn(page)) == 0).toList();
        // the first page of the kernel image (_stext): reserved since boot
        BootedSystem boot = w.kernel().booted().orElseThrow();
        long imagePfn = (boot.board().physOffset() + boot.board().build().kernelStartOffset()) >>> MemMapLayout.PAGE_SHIFT;
        long reservedPage = layout.pfnToPage(imagePfn);
        Gen<Op> reserved = Gens.constant(new PageOp.FreePages(reservedPage, 0, 0));
        // mostly as a page, sometimes as a block (a non-compound block freed twice, whose tail blocks 6.1
        // would free again), on any CPU (so that the page's own CPU drains it, or another's does not)
        Gen<Integer> twiceOrder = Gens.frequency(weighted(4, Gens.constant(0)), weighted(1, Gens.ints(1, 3)));
        Gen<Op> twice = stillFree.isEmpty() ? reserved : Gens.combine(Gens.oneOf(stillFree), twiceOrder, cpu(w),
                PageOp.FreePages::new);
        if (w.held().isEmpty()) {
            return Gens.frequency(weighted(1, reserved), weighted(3, twice));
        }
        Gen<World.Held> held = Gens.oneOf(w.held());
        Gen<Op> tail = held.filter(h -> h.order() > 0).map(h -> new PageOp.FreePages(
                h.page() + (long) layout.structPageSize() * ((1 << h.order()) - 1), 0, 0));
        // one order too small (the half left leaks) or one too large (the buddy goes with it)
        Gen<Op> wrongOrder = Gens.combine(held, Gens.ints(0, 1), (h, larger) -> new PageOp.FreePages(h.page(),
                larger == 0 && h.order() > 0 ? h.order() - 1 : (h.order() + 1) % PageAllocator.MAX_ORDER, 0));
        boolean anyHigherOrder = w.held().stream().anyMatch(h -> h.order() > 0);
        return anyHigherOrder
                ? Gens.frequency(weighted(1, reserved), weighted(2, twice), weighted(2, tail), weighted(2, wrongOrder))
                : Gens.frequency(weighted(1, reserved), weighted(2, twice), weighted(2, wrongOrder));
    }

    /** Labels the states the issue asks coverage of: splits, fallbacks, steals, CMA, refusals, reserves. */
    private static void label(World w, Op op, Result r) {
        if (r instanceof Result.Warned warned) {
            // a page call that goes on: 6.1's later Bad page report (drain, refill), or the model's finding
            Stats.label(warned.origin() == Result.Origin.KERNEL ? "Bad page state reported by a later call"
                    : "finding: " + op.name() + (w.kernel().pages().debugVm() ? "" : " (no DEBUG_VM)"));
        }
        if (op instanceof PageOp.FreePages && (r.isRefused() || r.isWarned())) {
            Stats.label(w.kernel().pages().debugVm() ? "wrong free on a DEBUG_VM build" : "wrong free on the armmp build");
        }
        if (r.isRefused()) {
            Stats.label("refused: " + ((Result.Refused) r).reason());
            return;
        }
        if (!(op instanceof PageOp.AllocPages) && !(op instanceof PageOp.GetFreePages)) {
            return;
        }
        PageAllocator pa = w.kernel().pages();
        AllocTrace t = pa.lastAlloc();
        if (t == null) {
            return;
        }
        if (t.pfn() < 0) {
            Stats.label("NULL: no zone above its watermark");
            return;
        }
        Stats.label("order-" + t.order() + " allocation");
        ZoneSnapshot s = t.before(t.zone());
        if (s != null && s.statFree() != s.freePages()) {
            Stats.label("watermark checked on a lagging zone_page_state");
            ZoneConfig c = pa.zone(ZoneType.values()[t.zone()]).config();
            if (s.freePages() - (1L << t.order()) < c.min() + c.lowmemReserve()[t.highestZone()]) {
                // the edge: the exact count was below min + protection, the counter the kernel reads was not
                Stats.label("allocated below min on the exact count (vmstat lag)");
            }
        }
        if (t.zone() < t.highestZone() && t.before(t.highestZone()) != null) {
            Stats.label("fallback to " + ZoneType.values()[t.zone()].kernelName());
        }
        Stats.label(pa.mobilityGroupingDisabled() ? "mobility grouping off" : "mobility grouping on");
        MigrateType block = pa.pageblockMigratetype(t.pfn());
        MigrateType wanted = pa.mobilityGroupingDisabled() ? MigrateType.UNMOVABLE : GfpZone.gfpMigratetype(t.gfp());
        if (block == MigrateType.CMA) {
            Stats.label("CMA used");
        } else if (block != wanted) {
            Stats.label("migratetype fallback or steal");
        }
        if ((t.allocFlags() & PageAllocator.ALLOC_MIN_RESERVE) != 0) {
            Stats.label("atomic reserve (ALLOC_MIN_RESERVE)");
        }
        ZoneType zone = ZoneType.values()[t.zone()];
        BuddyZone movable = pa.zone(ZoneType.MOVABLE);
        if (movable != null && movable.config().managedPages() > 0) {
            if (zone == ZoneType.MOVABLE && movable.freePages() < movable.config().high()) {
                Stats.label("Movable zone under pressure");
            }
            if (t.highestZone() == ZoneType.MOVABLE.ordinal() && zone != ZoneType.MOVABLE) {
                Stats.label("fallback from Movable");
            }
        }
        for (int o = PageAllocator.MAX_ORDER - 1; o > 0; o--) {
            if (pa.zone(zone).nrFree(o) < w.nrFreeBefore(zone, o) && pa.zone(zone).nrFree(o - 1) > w.nrFreeBefore(zone, o - 1)) {
                Stats.label("order-" + o + " block split");
                break;
            }
        }
    }
}
