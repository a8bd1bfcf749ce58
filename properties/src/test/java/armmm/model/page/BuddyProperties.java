package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.check.BuddyChecks;
import armmm.model.check.SeededBug;
import armmm.model.check.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.kernel.PageOp;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Random sequences of page allocator calls keep every buddy, page and GFP invariant, and each
 * seeded bug of the allocator is caught by the invariant its javadoc names.
 */
class BuddyProperties {

    @Test
    void randomCallsKeepEveryInvariantOnOneCpu() {
        randomCallsOnTheSmallBoard(1, 1);
    }

    @Test
    void randomCallsKeepEveryInvariantOnFourCpus() {
        randomCallsOnTheSmallBoard(4, 11);
    }

    private static void randomCallsOnTheSmallBoard(int cpus, long firstSeed) {
        for (long seed = firstSeed; seed < firstSeed + 4; seed++) {
            PageAllocator pa = TestBoards.small(cpus);
            RandomPageCalls calls = new RandomPageCalls(pa, seed);
            assertThat(calls.run(4000)).as("seed %d after %s", seed, calls.lastOp).isEmpty();
            assertThat(BuddyChecks.fullScan(pa)).as("full scan, seed %d", seed).isEmpty();
            assertThat(calls.refusals).as("some wrong calls were made and refused").isPositive();
        }
    }

    @Test
    void randomCallsKeepEveryInvariantOnBootedBoards() {
        String[][] boards = {{"512M", "1"}, {"1024M", "2"}, {"3072M", "4"}};
        for (String[] b : boards) {
            Kernel k = armmm.scenario.Boards.boot(java.util.Map.of("ram", b[0], "cpus", b[1]), 1);
            RandomPageCalls calls = new RandomPageCalls(k, b[0].hashCode());
            assertThat(calls.run(5000)).as("%s, %s CPUs, after %s", b[0], b[1], calls.lastOp).isEmpty();
            assertThat(BuddyChecks.fullScan(k.pages())).as("full scan, %s", b[0]).isEmpty();
        }
    }

    @Test
    void freeingEverythingAllocatedGivesBackEveryPage() {
        for (long seed = 21; seed < 25; seed++) {
            PageAllocator pa = TestBoards.small(2);
            long[] before = freeAndCached(pa);
            RandomPageCalls calls = new RandomPageCalls(pa, seed);
            assertThat(calls.run(3000)).as("seed %d after %s", seed, calls.lastOp).isEmpty();
            assertThat(calls.freeAll()).as("seed %d after %s", seed, calls.lastOp).isEmpty();
            assertThat(freeAndCached(pa)).as("seed %d: free + per-CPU pages per zone", seed).containsExactly(before);
        }
    }

    private static long[] freeAndCached(PageAllocator pa) {
        long[] n = new long[armmm.model.zone.ZoneType.values().length];
        for (armmm.model.zone.ZoneType t : armmm.model.zone.ZoneType.values()) {
            BuddyZone z = pa.zone(t);
            n[t.ordinal()] = z == null ? 0 : z.freePages() + z.pcpListPages();
        }
        return n;
    }

    @ParameterizedTest
    @EnumSource(value = SeededBug.class, names = {"BUDDY_EXPAND_LEAK", "BUDDY_STALE_NR_FREE", "BUDDY_MISALIGNED_MERGE",
        "BUDDY_CMA_ON_MOVABLE_LIST", "BUDDY_NO_MERGE", "BUDDY_PCP_NO_DRAIN", "PAGE_REFCOUNT_NOT_SET",
        "PAGE_PCP_NOT_UNLINKED", "GFP_KERNEL_FROM_HIGHMEM", "GFP_ZONELIST_ASCENDING"})
    void randomCallsCatchEachSeededBug(SeededBug bug) {
        String id = caughtBy(bug);
        PageAllocator pa = TestBoards.small(2);
        List<Violation> found;
        try (SeededBug.Planted planted = SeededBug.plant(bug)) {
            found = new RandomPageCalls(pa, 7).run(20000);
        }
        assertThat(found).as("%s planted", bug).isNotEmpty();
        assertThat(found).extracting(Violation::id).as("%s is caught by %s", bug, id).contains(id);
    }

    @Test
    void ignoringLowmemReserveIsCaughtByTheWatermarkInvariant() {
        PageAllocator pa = TestBoards.small(1);
        Kernel k = TestBoards.kernel(pa);
        List<Violation> found = List.of();
        try (SeededBug.Planted planted = SeededBug.plant(SeededBug.GFP_IGNORE_LOWMEM_RESERVE)) {
            for (int i = 0; i < 30000 && found.isEmpty(); i++) {
                k.apply(new PageOp.AllocPages(Gfp.GFP_HIGHUSER, 0, 0));
                found = k.check();
            }
        }
        assertThat(found).extracting(Violation::id).contains("INV-GFP-03");
    }

    /** The invariant a bug's javadoc names, as SeededBug states it. */
    private static String caughtBy(SeededBug bug) {
        switch (bug) {
            case BUDDY_EXPAND_LEAK: return "INV-BUDDY-01";
            case BUDDY_STALE_NR_FREE: return "INV-BUDDY-02";
            case BUDDY_MISALIGNED_MERGE: return "INV-BUDDY-03";
            case BUDDY_CMA_ON_MOVABLE_LIST: return "INV-BUDDY-04";
            case BUDDY_NO_MERGE: return "INV-BUDDY-05";
            case BUDDY_PCP_NO_DRAIN: return "INV-BUDDY-06";
            case PAGE_REFCOUNT_NOT_SET: return "INV-PAGE-01";
            case PAGE_PCP_NOT_UNLINKED: return "INV-PAGE-02";
            case GFP_KERNEL_FROM_HIGHMEM: return "INV-GFP-01";
            case GFP_ZONELIST_ASCENDING: return "INV-GFP-02";
            default: return "INV-GFP-03";
        }
    }
}
