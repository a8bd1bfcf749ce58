package armmm.model.vmalloc;

import static armmm.pbt.Gens.weighted;

import armmm.model.kernel.Kernel;
import armmm.model.subsystem.Op;
import armmm.model.page.PageOp;
import armmm.model.core.Result;
import armmm.model.core.Gfp;
import armmm.model.page.PageAllocator;
import armmm.pbt.ChainSpec;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.Stats;
import armmm.properties.KernelChains;
import armmm.properties.World;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Chains of vmalloc calls on booted boards: vmalloc, vzalloc and vmalloc_user of every size from
 * one byte to megabytes, vfree and vunmap of live areas (by an interior address too), vmap of
 * pages the chain holds, ioremap of device memory of every size, areas of up to 512 MiB with
 * nothing mapped to run the vmalloc range out, lookups, purges, page allocations and frees; and
 * the wrong calls a buggy caller makes (a freed address, an unaligned one, ioremap of RAM).
 */
public final class VmallocChains {
    private static final long K = 1024;
    private static final long PAGE = 4096;

    private VmallocChains() {
    }

    /** vmalloc calls on kernels booted from {@code boards}, checking the invariants {@code checked} accepts. */
    static ChainSpec.Builder<World, Op> spec(Gen<Kernel> boards, Predicate<String> checked) {
        return withPageCallsForVmap(withVmallocCalls(KernelChains.builder(boards, checked), checked)).tries(60).steps(80);
    }

    /**
     * Adds vmalloc's calls to a chain; after a purge or a NULL the full scan of the invariants
     * {@code checked} accepts runs too. {@code vmap} needs pages the chain holds and that it does
     * not free while they are mapped: {@link #withPageCallsForVmap} adds it with such page calls.
     */
    public static ChainSpec.Builder<World, Op> withVmallocCalls(ChainSpec.Builder<World, Op> chain, Predicate<String> checked) {
        return chain
                .action("vmalloc", 20, w -> size().map(VmallocOp.VmallocCall::new))
                .action("vzalloc", 4, w -> size().map(VmallocOp.Vzalloc::new))
                .action("vmalloc_user", 3, w -> size().map(VmallocOp.VmallocUser::new))
                // the general form behind them: an alignment above a page, and the upper half of the
                // range as well as the whole of it
                .action("__vmalloc_node_range", 3, w -> Gens.combine(size(), Gens.oneOf(PAGE, 4 * PAGE, 64 * K, 1024 * K),
                        Gens.booleans(0.3), (size, align, upper) -> {
                            Vmalloc v = w.kernel().state(Vmalloc.class);
                            long start = upper ? (v.vmallocStart() + v.vmallocEnd()) / 2 & -PAGE : v.vmallocStart();
                            return new VmallocOp.VmallocNodeRange(size, align, start, v.vmallocEnd());
                        }))
                .action("__get_vm_area_caller (large)", 8, w -> Gens.combine(Gens.ints(1, 512).map(mib -> (long) mib << 20),
                        Gens.oneOf(0x1L, 0x2L, 0x4L, 0x42L), (size, flags) -> new VmallocOp.GetVmAreaCaller(size, flags,
                                w.kernel().state(Vmalloc.class).vmallocStart(), w.kernel().state(Vmalloc.class).vmallocEnd())))
                .action("vfree", 16, w -> !live(w).isEmpty(), w -> Gens.oneOf(live(w)).flatMap(va -> interior(va))
                        .map(VmallocOp.Vfree::new))
                .action("vunmap", 3, w -> !live(w).isEmpty(), w -> Gens.oneOf(live(w)).map(va -> new VmallocOp.Vunmap(va.vaStart())))
                .action("iounmap", 2, w -> !live(w).isEmpty(), w -> Gens.oneOf(live(w)).map(va -> new VmallocOp.Iounmap(va.vaStart())))
                                .action("ioremap", 6, w -> Gens.combine(Gens.oneOf(0x0800_0000L, 0x0900_0000L, 0x0a00_0000L, 0x1000_0000L),
                        Gens.longs(0, 0xfff), Gens.frequency(weighted(4, Gens.longs(1, 4 * PAGE)), weighted(2, Gens.longs(1, 256 * K)),
                                weighted(1, Gens.longs(1, 32L << 20))),
                        (base, off, size) -> new VmallocOp.Ioremap(base + off, size)))
                .action("vmalloc_to_page", 3, w -> !live(w).isEmpty(), w -> Gens.oneOf(live(w)).flatMap(va -> interior(va))
                        .map(VmallocOp.VmallocToPage::new))
                .action("find_vm_area", 2, w -> anyAddress(w).map(VmallocOp.FindVmArea::new))
                .action("is_vmalloc_addr", 1, w -> anyAddress(w).map(VmallocOp.IsVmallocAddr::new))
                .action("purge_vmap_area_lazy", 3, w -> Gens.constant(new VmallocOp.PurgeVmapAreaLazy()))
                .action("vm_unmap_aliases", 1, w -> Gens.constant(new VmallocOp.VmUnmapAliases()))
                                .action("vfree (wrong)", 2, w -> wrongFree(w))
                .action("ioremap (RAM)", 1, w -> Gens.longs(0, 0xffff).map(off -> new VmallocOp.Ioremap(
                        w.kernel().booted().orElseThrow().board().physOffset() + (off << 12), PAGE)))
                .postcondition((w, op, outcome) -> label(w, op, (Result) outcome, checked));
    }

    /**
     * {@code vmap} of pages the chain holds, with the page calls that give it pages and free only
     * pages no PTE maps (freeing a vmapped page is a use after free that INV-VMALLOC-06 reports).
     */
    static ChainSpec.Builder<World, Op> withPageCallsForVmap(ChainSpec.Builder<World, Op> chain) {
        return chain
                .action("vmap", 6, w -> !unmapped(w).isEmpty(), w -> Gens.oneOf(unmapped(w))
                        .flatMap(h -> Gens.ints(1, 1 << h.order()).map(n -> new VmallocOp.Vmap(h.page(), n))))
                .action("alloc_pages", 8, w -> Gens.combine(Gens.oneOf(Gfp.GFP_KERNEL, Gfp.GFP_HIGHUSER, Gfp.GFP_KERNEL | Gfp.ZERO),
                        Gens.frequency(weighted(3, Gens.constant(0)), weighted(1, Gens.ints(1, 3))),
                        (gfp, order) -> new PageOp.AllocPages(gfp, order, 0)))
                .action("__free_pages", 5, w -> !unmapped(w).isEmpty(), w -> Gens.oneOf(unmapped(w))
                        .map(h -> new PageOp.FreePages(h.page(), h.order(), 0)));
    }

    /** One byte to 16 pages mostly, up to 2 MiB sometimes, and page-exact sizes. */
    private static Gen<Long> size() {
        return Gens.frequency(weighted(6, Gens.longs(1, 16 * PAGE)), weighted(2, Gens.ints(1, 64).map(n -> n * PAGE)),
                weighted(1, Gens.longs(1, 2L << 20)));
    }

    /** The areas made after boot that still have their vm_struct. */
    static List<VmapArea> live(World w) {
        List<VmapArea> out = new ArrayList<>();
        for (VmapArea va : w.kernel().state(Vmalloc.class).areas().busyAreas()) {
            if (!va.early() && va.vm() != null && !va.vm().caller().startsWith("start_kernel")) {
                out.add(va);
            }
        }
        return out;
    }

    /** A page-aligned address inside {@code va}: its start mostly, an interior page sometimes. */
    private static Gen<Long> interior(VmapArea va) {
        long pages = va.size() / PAGE;
        return Gens.frequency(weighted(4, Gens.constant(va.vaStart())),
                weighted(1, Gens.longs(0, pages - 1).map(i -> va.vaStart() + i * PAGE)));
    }

    /** Held pages none of whose frames is vmapped: these may be vmapped, and freed. */
    static List<World.Held> unmapped(World w) {
        ShadowPtes ptes = (ShadowPtes) w.kernel().state(Vmalloc.class).ptes();
        PageAllocator pa = w.kernel().pages();
        List<World.Held> out = new ArrayList<>();
        for (World.Held h : w.held()) {
            long pfn = pa.layout().pageToPfn(h.page());
            boolean mapped = false;
            for (int i = 0; i < 1 << h.order() && !mapped; i++) {
                mapped = ptes.writableMappings(pfn + i) > 0;
            }
            if (!mapped) {
                out.add(h);
            }
        }
        return out;
    }

    private static Gen<Long> anyAddress(World w) {
        Vmalloc v = w.kernel().state(Vmalloc.class);
        List<VmapArea> live = live(w);
        Gen<Long> anywhere = Gens.longs(v.vmallocStart() - (16L << 20), v.vmallocEnd() + PAGE);
        return live.isEmpty() ? anywhere : Gens.frequency(weighted(2, anywhere),
                weighted(3, Gens.oneOf(live).flatMap(va -> Gens.longs(va.vaStart(), va.vaEnd() - 1))));
    }

    /**
     * vfree of an address that is no area (an area freed already, or page-aligned nowhere), or not
     * page-aligned: the kernel WARNs and does nothing.
     */
    private static Gen<Op> wrongFree(World w) {
        Vmalloc v = w.kernel().state(Vmalloc.class);
        List<long[]> freed = v.areas().purgeRanges();
        Gen<Long> nowhere = Gens.longs(v.vmallocStart() >>> 12, (v.vmallocEnd() >>> 12) - 1).map(p -> p << 12);
        Gen<Long> unaligned = Gens.longs(v.vmallocStart(), v.vmallocEnd() - 1).map(a -> (a & 0xfff) == 0 ? a + 1 : a);
        Gen<Long> gone = freed.isEmpty() ? nowhere : Gens.oneOf(freed).map(r -> r[0]);
        return Gens.frequency(weighted(2, gone), weighted(1, nowhere), weighted(1, unaligned)).map(VmallocOp.Vfree::new);
    }

    /** Labels the states reached; after a purge or a NULL, runs the full scan too. */
    private static List<armmm.pbt.Failure> label(World w, Op op, Result r, Predicate<String> checked) {
        if (!(op instanceof VmallocOp)) {
            return List.of();
        }
        if (r.isRefused()) {
            Stats.label("refused: " + ((Result.Refused) r).reason());
            return List.of();
        }
        boolean allocation = op instanceof VmallocOp.VmallocCall || op instanceof VmallocOp.Vzalloc
                || op instanceof VmallocOp.VmallocUser || op instanceof VmallocOp.GetVmAreaCaller
                || op instanceof VmallocOp.Vmap || op instanceof VmallocOp.Ioremap || op instanceof VmallocOp.VmallocNodeRange;
        if (op instanceof VmallocOp.VmallocNodeRange n && r.value() != 0
                && (r.value() % n.align() != 0 || r.value() < n.start() || r.value() + n.size() > n.end())) {
            // alloc_vmap_area: an aligned start in [vstart, vend), the area (guard page aside) below vend
            return List.of(new armmm.pbt.Failure("range", "__vmalloc_node_range placed the area outside its range or alignment",
                    op + " -> 0x" + Long.toHexString(r.value())));
        }
        if (allocation && r.value() == 0) {
            Stats.label("NULL");
        } else if (allocation) {
            Stats.label(op.name() + " placed");
        }
        if (op instanceof VmallocOp.Vfree && w.kernel().state(Vmalloc.class).areas().vmapLazyNr() == 0) {
            Stats.label("vfree passed lazy_max_pages: purged");
        }
        if (allocation && r.value() == 0 || op instanceof VmallocOp.PurgeVmapAreaLazy) {
            List<armmm.pbt.Failure> out = new ArrayList<>();
            VmallocChecks.fullScan(w.kernel().state(Vmalloc.class)).stream().filter(v -> checked.test(v.id()))
                    .forEach(v -> out.add(new armmm.pbt.Failure(v.id(), v.reason(), v.details())));
            return out;
        }
        return List.of();
    }
}
