package armmm.model.page;

import static armmm.pbt.Gens.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.properties.KernelChains;
import armmm.model.kernel.Kernel;
import armmm.model.subsystem.Op;
import armmm.model.page.PageOp;
import armmm.model.zone.ZoneType;
import armmm.pbt.ChainResult;
import armmm.pbt.ChainSpec;
import armmm.pbt.Chains;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.pbt.Stats;
import armmm.properties.BoardGens;
import armmm.properties.World;
import armmm.spec.Catalogue;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The page allocator under chains of kernel calls on booted boards: every invariant holds after
 * every call, under memory pressure down to NULL and back, and every planted buddy, page or GFP
 * bug is caught by the invariant the catalogue names for it.
 */
class BuddyProperties {

    /**
     * QEMU virt boards small enough to run out of memory within a chain, with 1 to 4 CPUs: 24 to
     * 96 MiB all lowmem (24 MiB is the smallest that holds the image), or 64 to 128 MiB split
     * into lowmem and HighMem by a {@code vmalloc=} that leaves 32 MiB or more of lowmem
     * (lowmem ends 8 MiB below VMALLOC_START, which is VMALLOC_END 0xff800000 less vmalloc=).
     */
    static Gen<Kernel> smallBoards() {
        return smallBoards(KernelChains.edgeBugs());
    }

    /** {@link #smallBoards()} with the seeded bugs {@code bugs} planted in every kernel. */
    static Gen<Kernel> smallBoards(Bugs bugs) {
        Gen<Board> lowmemOnly = Gens.ints(24, 96).map(mib -> Board.virt((long) mib << 20));
        Gen<Board> withHighmem = Gens.ints(64, 128).flatMap(mib -> Gens.ints(32, mib - 16)
                .map(lowmem -> Board.virt((long) mib << 20).withArgs("vmalloc=" + (1008 - lowmem) + "M")));
        return Gens.combine(Gens.oneOfGens(lowmemOnly, withHighmem), Gens.ints(1, 4),
                (board, cpus) -> Kernel.boot(board.withCpus(cpus), bugs));
    }

    @PropertyTest
    void pageCallsOnSmallBoardsKeepEveryInvariant(PropertyRunner runner) {
        runner.check(PageChains.spec(smallBoards()).build());
    }

    /**
     * Memory pressure keeps every invariant, and reaches the allocator paths the model exists
     * for: a split from every order, fallback to a lower zone, a migratetype fallback or steal, CMA
     * for movable requests, the atomic reserve, and NULL when no zone is above its watermark.
     */
    @PropertyTest
    void memoryPressureDownToNullAndBackKeepsEveryInvariant(PropertyRunner runner) {
        // coverage requirements: the least share of chains that must reach each path (measured shares
        // on 40 chains: splits 70-97%, NULL 97%, steal 90%, CMA 77%, DMA fallback 45%, reserve 27%)
        ChainSpec.Builder<World, Op> chain = PageChains.pressure(smallBoards(), id -> true);
        for (int order = 1; order < PageAllocator.MAX_ORDER; order++) {
            chain.cover("order-" + order + " block split", 30);
        }
        chain.cover("NULL: no zone above its watermark", 50).cover("migratetype fallback or steal", 40)
                .cover("CMA used", 30).cover("fallback to DMA", 15).cover("atomic reserve (ALLOC_MIN_RESERVE)", 5);
        Chains.throwIfFailed(runner.run(chain.build()));
    }

    /**
     * The shape of the kernel's /proc/buddyinfo just after boot (see the oracle's buddyinfo.txt):
     * memblock_free_all frees the largest aligned blocks, so in any zone of 16 pageblocks or more,
     * most free memory sits in blocks of the highest order.
     */
    @PropertyTest
    void rightAfterBootMostFreeMemorySitsInTheHighestOrder(PropertyRunner runner) {
        runner.forAll(BoardGens.kernels()).tries(60).checkThrowing(k -> {
            PageAllocator pa = k.pages();
            for (ZoneType t : ZoneType.values()) {
                BuddyZone z = pa.zone(t);
                if (z == null || z.config().managedPages() < 16L * PageAllocator.PAGEBLOCK_NR_PAGES) {
                    continue;
                }
                Stats.label("checked zone " + t.kernelName());
                long top = z.nrFree(PageAllocator.MAX_ORDER - 1) << (PageAllocator.MAX_ORDER - 1);
                assertThat(2 * top).as("zone %s of %s: pages in order-%d blocks against all free pages",
                        t.kernelName(), k.boardLine().orElse(""), PageAllocator.MAX_ORDER - 1).isGreaterThan(z.freePages());
            }
        });
    }

    @PropertyTest
    void freeingEverythingHeldGivesEveryPageBackToItsZone(PropertyRunner runner) {
        Gen<List<PageOp.AllocPages>> allocs = Gens.lists(Gens.combine(Gens.oneOf(PageChains.MASKS),
                Gens.frequency(weighted(6, Gens.constant(0)), weighted(3, Gens.ints(1, 3)), weighted(1, Gens.ints(4, 11))),
                Gens.ints(0, 1), PageOp.AllocPages::new), 0, 60);
        runner.forAll(Gens.combine(smallBoards().map(World::new), allocs, (w, ops) -> new Object[] {w, ops}))
                .tries(60)
                .checkThrowing(pair -> {
                    World w = (World) pair[0];
                    @SuppressWarnings("unchecked")
                    List<PageOp.AllocPages> ops = (List<PageOp.AllocPages>) pair[1];
                    long[] before = freeAndCached(w.kernel().pages());
                    ops.forEach(w::apply);
                    for (World.Held h : List.copyOf(w.held())) {
                        assertThat(w.apply(new PageOp.FreePages(h.page(), h.order(), 0)).isRefused()).isFalse();
                    }
                    assertThat(w.kernel().check()).isEmpty();
                    assertThat(freeAndCached(w.kernel().pages())).as("free + per-CPU pages per zone").containsExactly(before);
                });
    }

    private static long[] freeAndCached(PageAllocator pa) {
        long[] n = new long[ZoneType.values().length];
        for (ZoneType t : ZoneType.values()) {
            BuddyZone z = pa.zone(t);
            n[t.ordinal()] = z == null ? 0 : z.freePages() + z.pcpListPages();
        }
        return n;
    }

    @TestFactory
    Stream<DynamicTest> everyPlantedPageAllocatorBugIsCaughtByItsInvariant() {
        return Arrays.stream(PageBug.values())
                .map(bug -> DynamicTest.dynamicTest(bug.cliName(), () -> {
                    String catcher = Catalogue.catcherOf(bug.name());
                    PropertyRunner runner = new PropertyRunner("BuddyProperties", "bug_" + bug.cliName(), (k, v) -> { });
                    // watermark and zonelist bugs show under memory pressure; the others in any chain
                    ChainResult result;
                    result = runner.run((bug.name().startsWith("GFP_")
                            ? PageChains.pressure(smallBoards(Bugs.of(bug)), catcher::equals)
                            : PageChains.spec(smallBoards(Bugs.of(bug)), catcher::equals)).tries(300).build());
                    assertThat(result.passed()).as("%s planted: the chain must fail", bug).isFalse();
                    assertThat(result.counterexample().failure().id()).as("invariant catching %s", bug).isEqualTo(catcher);
                    if (bug.name().startsWith("GFP_")) {
                        // a pressure bug needs the zones filled first: its chain stays long, but shrinks
                        assertThat(result.counterexample().steps().size()).as("shrunk counterexample of %s", bug)
                                .isLessThanOrEqualTo(result.counterexample().originalSteps());
                    } else {
                        assertThat(result.counterexample().steps()).as("shrunk counterexample of %s", bug).hasSizeLessThanOrEqualTo(8);
                    }
                }));
    }
}
