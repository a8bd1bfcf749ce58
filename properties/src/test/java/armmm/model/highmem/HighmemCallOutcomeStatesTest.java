package armmm.model.highmem;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.MemType;
import armmm.properties.InvariantRuns;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each condition of INV-HIGHMEM-07 ({@link HighmemCallChecks}) after a real call: the call's own
 * outcome passes (the allowed neighbour), and the same call judged with another result (what a
 * model mistake would have returned), or with the state it left changed by a stray PTE write,
 * fails with the condition's reason. Also a planted bug, found after its one kmap.
 *
 * <p>The board: 1 GiB, 2 CPUs, as in {@link HighmemChecksStatesTest}: {@code PKMAP_ADDR(i)} =
 * 0xbfe00000 + (i &lt;&lt; 12), {@code max_low_pfn} 0x70000, lowmem pfn p at 0xc0000000 +
 * ((p - 0x40000) &lt;&lt; 12), level i of CPU c at 0xffeff000 - ((1 + i + 16 c) &lt;&lt; 12).
 */
class HighmemCallOutcomeStatesTest {
    private static final long HIGH = 0x7e905L;
    private static final String ID = "INV-HIGHMEM-07";

    private Kernel kernel;
    private Highmem h;
    private KernelPageTables tables;

    @BeforeEach
    void bootWithoutBugs() {
        boot(Bugs.NONE);
    }

    private void boot(Bugs bugs) {
        kernel = Kernel.boot(Board.virt(1024L << 20).withCpus(2), bugs);
        h = kernel.state(Highmem.class);
        tables = h.tables();
    }

    private long page(long pfn) {
        return h.memMap().pfnToPage(pfn);
    }

    private static long slot(int i) {
        return 0xbfe00000L + ((long) i << 12);
    }

    private static long fix(int cpu, int level) {
        return 0xffeff000L - ((long) (1 + level + 16 * cpu) << 12);
    }

    private Result apply(HighmemOp op) {
        return kernel.apply(op);
    }

    /** The per-step check of INV-HIGHMEM-07 after the last call. */
    private List<Violation> check() {
        return InvariantRuns.check(HighmemChecks.ALL, kernel, ID);
    }

    /** The last call judged as if it had returned {@code result}. */
    private List<String> judgedAs(Result result) {
        return HighmemCallChecks.judge(h, new HighmemCallChecks.Call(h.lastCall().before(), result)).stream()
                .map(v -> v.reason() + ": " + v.details()).toList();
    }

    private static Result bug() {
        return new Result.Refused("kernel BUG", "kernel BUG");
    }

    @Test
    void aKmapTakesTheFirstFreeSlotAfterLastPkmapNrAndAnotherSlotIsCaught() {
        assertThat(apply(new HighmemOp.Kmap(page(HIGH), false, 0)).value()).isEqualTo(slot(1));
        assertThat(check()).isEmpty();
        assertThat(judgedAs(Result.of(slot(0)))).containsExactly("kmap did not return the slot 6.1 gives: "
                + "kmap(pfn 7e905) = bfe00000, 6.1 gives bfe01000 (slot 1; last_pkmap_nr was 0, the first free slot after it)");
        // its slot no longer mapping the page after the call is caught too
        assertThat(tables.pteClear(slot(1))).isTrue();
        assertThat(check()).extracting(Violation::reason).containsExactly("kmap's slot does not map its page");
    }

    @Test
    void aKmapOfAHashedPageIsItsSlotWithOneMoreUser() {
        apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        apply(new HighmemOp.Kmap(page(HIGH - 1), false, 0));
        assertThat(apply(new HighmemOp.Kmap(page(HIGH), false, 0)).value()).isEqualTo(slot(1));
        assertThat(check()).isEmpty();
        assertThat(judgedAs(Result.of(slot(3)))).extracting(s -> s.substring(0, s.indexOf(':')))
                .containsExactly("kmap did not return the slot 6.1 gives");
    }

    @Test
    void aKmapOfALowmemPageIsItsLinearAddress() {
        assertThat(apply(new HighmemOp.Kmap(page(0x40010L), false, 0)).value()).isEqualTo(0xc0010000L);
        assertThat(check()).isEmpty();
        assertThat(judgedAs(Result.of(slot(1)))).containsExactly("kmap of a lowmem page is not its linear address: "
                + "kmap(pfn 40010) = bfe01000, its linear address is c0010000");
    }

    /** Slots 1..511 taken by 511 pages (HIGH - 1 ..), slot {@code released} given back to count 1 when >= 1. */
    private void fill(int released) {
        for (int i = 1; i < 512; i++) {
            assertThat(apply(new HighmemOp.Kmap(page(HIGH - i), false, 0)).value()).isEqualTo(slot(i));
        }
        if (released > 0) {
            apply(new HighmemOp.Kunmap(page(HIGH - released), false, 0));
        }
    }

    @Test
    void wouldBlockOnlyWhenEverySlotIsInUseAfterTheFlush() {
        fill(0);
        // the wrap: flush_all_zero_pkmaps frees nothing, slot 0 (count 0 since boot) is taken
        assertThat(apply(new HighmemOp.Kmap(page(HIGH), false, 0)).value()).isEqualTo(slot(0));
        assertThat(check()).isEmpty();
        Result r = apply(new HighmemOp.Kmap(page(0x70000L), false, 0));
        assertThat(r).isInstanceOf(Result.Refused.class).extracting(x -> ((Result.Refused) x).reason()).isEqualTo("would block");
        assertThat(check()).isEmpty();
        assertThat(judgedAs(Result.of(slot(5)))).extracting(s -> s.substring(0, s.indexOf(':')))
                .containsExactly("kmap did not sleep where 6.1 sleeps");
        // in an interrupt the same sleep is scheduling while atomic: "would block" there is wrong
        r = apply(new HighmemOp.Kmap(page(0x70000L), true, 0));
        assertThat(((Result.Refused) r).reason()).isEqualTo("scheduling while atomic");
        assertThat(check()).isEmpty();
        assertThat(judgedAs(new Result.Refused("would block", "x"))).hasSize(1);
    }

    @Test
    void aSlotAtCountOneIsFreedByTheWrapFlushAndTaken() {
        fill(7);
        assertThat(apply(new HighmemOp.Kmap(page(HIGH), false, 0)).value()).isEqualTo(slot(0));
        assertThat(apply(new HighmemOp.Kmap(page(0x70000L), false, 0)).value()).isEqualTo(slot(7));
        assertThat(check()).isEmpty();
        // not a sleep: refusing it is caught, and so is the count-1 slot left unfreed
        assertThat(judgedAs(new Result.Refused("would block", "x"))).extracting(s -> s.substring(0, s.indexOf(':')))
                .containsExactly("kmap did not return the slot 6.1 gives");
    }

    @Test
    void aKunmapBugsExactlyForAPageWithoutASlotOrAtCountOne() {
        Result r = apply(new HighmemOp.Kunmap(page(HIGH), false, 0));
        assertThat(((Result.Refused) r).reason()).isEqualTo("kernel BUG");
        assertThat(check()).isEmpty();
        assertThat(judgedAs(Result.VOID)).extracting(s -> s.substring(0, s.indexOf(':')))
                .containsExactly("kunmap went on where 6.1 BUGs");
        apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        assertThat(apply(new HighmemOp.Kunmap(page(HIGH), false, 0))).isEqualTo(Result.VOID);
        assertThat(check()).isEmpty();
        assertThat(judgedAs(bug())).containsExactly("kunmap refused where 6.1 goes on: "
                + "kunmap(pfn 7e905) = refused (kernel BUG); page_address bfe01000, pkmap_count 2");
        // count 1 now: the next kunmap BUGs
        assertThat(apply(new HighmemOp.Kunmap(page(HIGH), false, 0)).isRefused()).isTrue();
        assertThat(check()).isEmpty();
        assertThat(judgedAs(Result.VOID)).hasSize(1);
    }

    @Test
    void aKunmapLeavesOneUserFewerAndTheSlotMapped() {
        apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        apply(new HighmemOp.Kunmap(page(HIGH), false, 0));
        assertThat(check()).isEmpty();
        assertThat(tables.pteClear(slot(1))).isTrue();
        assertThat(check()).extracting(Violation::reason).containsExactly("kunmap cleared its page's slot");
    }

    @Test
    void aKmapLocalPushesAtTheDepthOnItsOwnCpuAndAnotherCpusSlotIsCaught() {
        assertThat(apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 1)).value()).isEqualTo(fix(1, 0));
        assertThat(apply(new HighmemOp.KmapAtomic(page(HIGH - 1), false, 1)).value()).isEqualTo(fix(1, 1));
        assertThat(check()).isEmpty();
        assertThat(judgedAs(Result.of(fix(0, 1)))).containsExactly("kmap_atomic did not return the slot 6.1 gives: "
                + "kmap_atomic(pfn 7e904) cpu 1 = ffefd000, 6.1 gives ffeed000 (depth 1)");
        assertThat(tables.pteClear(fix(1, 1))).isTrue();
        assertThat(check()).extracting(Violation::reason).containsExactly("kmap_atomic left another stack than 6.1");
    }

    @Test
    void aKmapLocalOfALowmemPageIsItsLinearAddressWithoutAPush() {
        assertThat(apply(new HighmemOp.KmapLocalPage(page(0x40010L), false, 0)).value()).isEqualTo(0xc0010000L);
        assertThat(check()).isEmpty();
        assertThat(judgedAs(Result.of(fix(0, 0)))).hasSize(1);
    }

    @Test
    void theSixteenthLevelBugsAndTheFifteenthDoesNot() {
        for (int i = 0; i < 15; i++) {
            apply(new HighmemOp.KmapLocalPage(page(HIGH - i), false, 0));
        }
        assertThat(check()).isEmpty();
        assertThat(judgedAs(bug())).hasSize(1);
        assertThat(apply(new HighmemOp.KmapLocalPage(page(HIGH - 15), false, 0)).isRefused()).isTrue();
        assertThat(check()).isEmpty();
        assertThat(judgedAs(Result.of(fix(0, 15)))).containsExactly("kmap_local_page went on where 6.1 BUGs: "
                + "kmap_local_page(pfn 7e8f6) cpu 0 = ffeef000, depth 15 -> 15: the push makes idx KM_MAX_IDX");
    }

    @Test
    void aPushOntoAMappedSlotBugsAndOntoAClearOneDoesNot() {
        assertThat(tables.setPteExt(fix(0, 0), HIGH - 3, MemType.MT_MEMORY_RW.protPte(), 0)).isTrue();
        assertThat(apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 0)).isRefused()).isTrue();
        assertThat(check()).isEmpty();
        assertThat(judgedAs(Result.of(fix(0, 0)))).extracting(s -> s.substring(s.lastIndexOf(':') + 2))
                .containsExactly("the slot's PTE is set");
        assertThat(tables.pteClear(fix(0, 0))).isTrue();
        assertThat(apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 0)).value()).isEqualTo(fix(0, 0));
        assertThat(check()).isEmpty();
        assertThat(judgedAs(bug())).hasSize(1);
    }

    @Test
    void anUnmapOfTheTopClearsAndPopsAndOneThatLeavesThePteIsCaught() {
        long a = apply(new HighmemOp.KmapAtomic(page(HIGH), false, 0)).value();
        assertThat(apply(new HighmemOp.KunmapAtomic(a, false, 0))).isEqualTo(Result.VOID);
        assertThat(check()).isEmpty();
        assertThat(judgedAs(Result.warned(0, "x"))).hasSize(1);
        assertThat(tables.setPteExt(a, HIGH, MemType.MT_MEMORY_RW.protPte(), 0)).isTrue();
        assertThat(check()).extracting(Violation::details).containsExactly(
                "kunmap_atomic(ffefe000) cpu 0 = 00000000, depth 1 -> 0, PTE of the address 7e90565f after");
    }

    @Test
    void anUnmapBelowTheTopWarnsClearsTheAddressGivenAndPops() {
        long a = apply(new HighmemOp.KmapLocalPage(page(HIGH), false, 0)).value();
        apply(new HighmemOp.KmapLocalPage(page(HIGH - 1), false, 0));
        assertThat(apply(new HighmemOp.KunmapLocal(a, false, 0)).isWarned()).isTrue();
        assertThat(check()).isEmpty();
        assertThat(judgedAs(Result.VOID)).hasSize(1);
    }

    @Test
    void anUnmapOfAnEmptyStackBugsAndOneOutsideTheSlotsChangesNothing() {
        assertThat(apply(new HighmemOp.KunmapLocal(fix(1, 0), false, 1)).isRefused()).isTrue();
        assertThat(check()).isEmpty();
        assertThat(judgedAs(Result.VOID)).extracting(s -> s.substring(0, s.indexOf(':')))
                .containsExactly("kunmap_local of an empty stack did not clear the address and BUG");
        // a user address: WARN, nothing else
        assertThat(apply(new HighmemOp.KunmapLocal(0x10000L, false, 1)).isWarned()).isTrue();
        assertThat(check()).isEmpty();
        assertThat(judgedAs(Result.VOID)).hasSize(1);
        // a lowmem address (a lowmem kmap_atomic's): nothing at all
        assertThat(apply(new HighmemOp.KunmapAtomic(0xc0010000L, false, 1))).isEqualTo(Result.VOID);
        assertThat(check()).isEmpty();
        assertThat(judgedAs(bug())).hasSize(1);
    }

    @Test
    void aPointerThatIsNoStructPageMustBeRefused() {
        // one byte into a struct page: page_to_pfn has no frame for it, the call is refused
        assertThat(apply(new HighmemOp.Kmap(page(HIGH) + 1, false, 0)).isRefused()).isTrue();
        assertThat(check()).isEmpty();
        assertThat(judgedAs(Result.of(slot(1)))).extracting(s -> s.substring(0, s.indexOf(':')))
                .containsExactly("a call on an impossible CPU or page was carried out");
    }

    @Test
    void aCallOnAnImpossibleCpuMustBeRefused() {
        assertThat(apply(new HighmemOp.Kmap(page(HIGH), false, 5)).isRefused()).isTrue();
        assertThat(check()).isEmpty();
        assertThat(judgedAs(Result.of(slot(1)))).hasSize(1);
    }

    @Test
    void aScanThatProbesBeforeAdvancingIsCaughtAtItsFirstKmap() {
        boot(Bugs.of(HighmemBug.HIGHMEM_KMAP_SCAN_WITHOUT_ADVANCE));
        assertThat(apply(new HighmemOp.Kmap(page(HIGH), false, 0)).value()).isEqualTo(slot(0));
        assertThat(check()).extracting(Violation::reason).contains("kmap did not return the slot 6.1 gives");
        // every state invariant holds: only the call's result shows the bug
        assertThat(InvariantRuns.checkAll(HighmemChecks.ALL, kernel)).extracting(Violation::id).containsOnly(ID);
        assertThat(HighmemChecks.fullScan(h)).isEmpty();
    }

    @Test
    void otherCallsAreNotJudged() {
        apply(new HighmemOp.Kmap(page(HIGH), false, 0));
        apply(new HighmemOp.PageAddress(page(HIGH)));
        assertThat(h.lastCall()).isNull();
        assertThat(check()).isEmpty();
    }
}
