package armmm.model.highmem;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.Fixmap;
import armmm.model.mmu.MmuBug;
import armmm.model.mmu.MmuOp;
import armmm.model.page.PageOp;
import armmm.model.vmalloc.VmallocOp;
import armmm.model.subsystem.Op;
import armmm.pbt.ChainResult;
import armmm.pbt.ChainSpec;
import armmm.pbt.Chains;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.properties.KernelChains;
import armmm.properties.World;
import armmm.spec.Catalogue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * INV-MMU-05 under chains that hand pages to {@code __set_fixmap} slots, kmap and vmap them and
 * free them: a caller frees only what no slot it set still maps (it clears the slot first), and
 * every invariant holds after every call; with {@link MmuBug#MMU_CLEAR_FIXMAP_KEEPS_PTE} planted
 * the chain fails on INV-MMU-05 after at least one call and shrinks to at most twice the
 * hand-minimal scenario (alloc_pages, set_fixmap, clear_fixmap, __free_pages).
 */
class NoDoubleMappingProperties {
    /** The calls of seeded-bugs/mmu-clear-fixmap-keeps-pte.scn. */
    private static final int HAND_MINIMAL = 4;

    /** The slots the kernel's own __set_fixmap callers use: FIX_EARLYCON_MEM_BASE, FIX_TEXT_POKE0/1. */
    private static final List<Long> SLOTS = List.of(0L, (long) Fixmap.FIX_KMAP_END + 1, (long) Fixmap.FIX_KMAP_END + 2);

    /** Boards of 24 to 96 MiB, 1 to 4 CPUs, with {@code bugs} planted. */
    private static Gen<Kernel> smallBoards(Bugs bugs) {
        return Gens.combine(Gens.ints(24, 96), Gens.ints(1, 4),
                (mib, cpus) -> Kernel.boot(Board.virt((long) mib << 20).withCpus(cpus), bugs));
    }

    /**
     * Page calls and fixmap slots set to held pages and cleared. The caller's own record of which
     * frame it set at which slot (per world: replays during shrinking start new worlds) keeps it
     * from freeing a page it still maps, even when a shrunk chain lost the clear: such a free is
     * skipped, not run.
     */
    static ChainSpec.Builder<World, Op> spec(Gen<Kernel> boards, Predicate<String> checked) {
        return spec(boards, checked, SLOTS);
    }

    /** {@link #spec(Gen, Predicate)} on the fixmap slots {@code slotIdx}. */
    static ChainSpec.Builder<World, Op> spec(Gen<Kernel> boards, Predicate<String> checked, List<Long> slotIdx) {
        Map<World, Map<Long, Long>> set = Collections.synchronizedMap(new WeakHashMap<>());
        return KernelChains.builder(boards, checked)
                .executor((w, op) -> {
                    Map<Long, Long> slots = set.computeIfAbsent(w, x -> new HashMap<>());
                    if (op instanceof PageOp.FreePages f && stillSet(w, slots, f.page(), f.order())) {
                        return Result.refused("the caller still maps it at a fixmap slot: it does not free it");
                    }
                    Result r = w.apply(op);
                    if (op instanceof MmuOp.SetFixmap s && !r.isRefused()) {
                        slots.put(s.idx(), s.phys() >>> 12);
                    } else if (op instanceof MmuOp.ClearFixmap c && !r.isRefused()) {
                        slots.remove(c.idx());
                    }
                    return r;
                })
                .action("alloc_pages", 6, w -> Gens.combine(Gens.oneOf(Gfp.GFP_KERNEL, Gfp.GFP_HIGHUSER),
                        Gens.ints(0, 1), (gfp, order) -> new PageOp.AllocPages(gfp, order, 0)))
                .action("set_fixmap", 5, w -> !w.held().isEmpty(), w -> Gens.combine(Gens.oneOf(slotIdx),
                        Gens.oneOf(w.held()), Gens.ints(0, 4095),
                        (slot, h, off) -> new MmuOp.SetFixmap(slot, (pfn(w, h.page()) << 12) + off)))
                .action("clear_fixmap", 4, w -> Gens.oneOf(slotIdx).map(MmuOp.ClearFixmap::new))
                .action("__free_pages", 5, w -> !w.held().isEmpty(), w -> Gens.oneOf(w.held())
                        .map(h -> new PageOp.FreePages(h.page(), h.order(), 0)))
                .tries(30).steps(30);
    }

    private static long pfn(World w, long page) {
        return w.kernel().pages().layout().pageToPfn(page);
    }

    private static boolean stillSet(World w, Map<Long, Long> slots, long page, int order) {
        long first = pfn(w, page);
        for (long f : slots.values()) {
            if (f >= first && f < first + (1L << order)) {
                return true;
            }
        }
        return false;
    }

    @PropertyTest
    void fixmapSlotsPagesAndFreesKeepEveryInvariant(PropertyRunner runner) {
        ChainResult result = runner.run(spec(smallBoards(KernelChains.edgeBugs()), id -> true).tries(8).build());
        Chains.throwIfFailed(result);
    }

    /**
     * INV-MMU-06 is not vacuous: chains that hand held pages to every kernel-half writer (vmalloc
     * takes its own; vmap, kmap, kmap_local_page and set_fixmap take pages the chain holds, which
     * it never frees, so no call is a use after free) keep every invariant, and after each
     * writer's call the check judged an allocated frame that writer mapped (a label per owner kind
     * and call, each required of the run: 80 chains on 1 and 1.5 GiB boards, 29 Nov 10:30, reached
     * them 128 to 246 times, between 1.6 and 3 times a chain, so that ten chains missing one is
     * improbable).
     */
    @PropertyTest
    void everyKernelHalfWriterHasTheAllocatedFramesItMapsJudgedByInvMmu06(PropertyRunner runner) {
        Gen<Kernel> boards = Gens.ints(1, 2).map(cpus -> Kernel.boot(Board.virt(1024L << 20).withCpus(cpus), Bugs.NONE));
        ChainResult result = runner.run(KernelChains.builder(boards, id -> true)
                .action("alloc_pages", 6, w -> Gens.combine(Gens.oneOf(Gfp.GFP_KERNEL, Gfp.GFP_HIGHUSER),
                        Gens.ints(0, 1), (gfp, order) -> new PageOp.AllocPages(gfp, order, 0)))
                .action("vmalloc", 3, w -> Gens.ints(1, 4).map(n -> new VmallocOp.VmallocCall(n * 4096L)))
                .action("vmap", 3, w -> !w.held().isEmpty(), w -> Gens.oneOf(w.held())
                        .flatMap(h -> Gens.ints(1, 1 << h.order()).map(n -> new VmallocOp.Vmap(h.page(), n))))
                .action("kmap", 3, w -> !w.held().isEmpty(), w -> Gens.oneOf(w.held())
                        .map(h -> new HighmemOp.Kmap(h.page(), false, 0)))
                .action("kmap_local_page", 3, w -> !w.held().isEmpty(), w -> Gens.oneOf(w.held())
                        .map(h -> new HighmemOp.KmapLocalPage(h.page(), false, 0)))
                .action("set_fixmap", 3, w -> !w.held().isEmpty(), w -> Gens.combine(Gens.oneOf(SLOTS),
                        Gens.oneOf(w.held()), (slot, h) -> new MmuOp.SetFixmap(slot, pfn(w, h.page()) << 12)))
                .postcondition((w, op, outcome) -> {
                    w.kernel().check(NoDoubleMappingOwners.INVARIANT);
                    for (NoDoubleMappingOwners.Kind kind : w.kernel().state(Highmem.class).noDoubleShadow().judgedAllocated(w.kernel().pages())) {
                        armmm.pbt.Stats.label(JUDGED + kind + " after " + op.name());
                    }
                    return List.of();
                })
                .tries(10).steps(25).build());
        Chains.throwIfFailed(result);
        assertThat(result.stats().labels()).as("owners judged").containsKeys(JUDGED + "VMALLOC after vmalloc",
                JUDGED + "VMAP after vmap", JUDGED + "PKMAP after kmap", JUDGED + "KMAP_LOCAL after kmap_local_page",
                JUDGED + "FIXMAP after set_fixmap");
    }

    private static final String JUDGED = "INV-MMU-06 judged an allocated frame of ";

    @Test
    void aClearFixmapThatKeepsThePteIsFoundByInvMmu05AndShrunk() {
        // the catcher alone is checked, as every hunt does; that no other invariant sees the
        // slot left mapped is NoDoubleMappingStatesTest's (every invariant after each call)
        MmuBug bug = MmuBug.MMU_CLEAR_FIXMAP_KEEPS_PTE;
        String catcher = Catalogue.catcherOf(bug.name());
        assertThat(catcher).isEqualTo(NoDoubleMapping.ID);
        PropertyRunner runner = new PropertyRunner("NoDoubleMappingProperties", "bug_" + bug.cliName(), (k, v) -> { })
                .derandomized();
        Gen<Kernel> board = Gens.constant(0).map(x -> Kernel.boot(Board.virt(24L << 20), Bugs.of(bug)));
        ChainResult result = runner.run(spec(board, catcher::equals, List.of(0L)).tries(200).steps(10).build());
        assertThat(result.passed()).as("%s planted: the chain must fail", bug).isFalse();
        assertThat(result.counterexample().failure().id()).isEqualTo(catcher);
        List<String> steps = new ArrayList<>(result.counterexample().steps());
        assertThat(steps).as("shrunk counterexample, at most twice the hand-minimal scenario")
                .isNotEmpty().hasSizeLessThanOrEqualTo(2 * HAND_MINIMAL);
    }
}
