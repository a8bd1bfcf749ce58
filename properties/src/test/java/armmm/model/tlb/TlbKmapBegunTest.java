package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.highmem.HighmemBug;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code kmap_begin} (spec/tlb.md, "The kernel's own unmap as steps"): a {@code kmap} whose
 * {@code map_new_virtual} wraps runs {@code flush_all_zero_pkmaps} (mm/highmem.c) a visible step
 * at a time under {@code kmap_lock}: the PTE clears of the slots at count 1, {@code dsb ish},
 * the TLBIMVAAIS loop over the pkmap area, {@code dsb ish}, the new slot's {@code set_pte_at},
 * the return.
 */
class TlbKmapBegunTest {
    /** CPU 1 caches slot 1, which kunmap leaves at count 1; slots 2..511 stay mapped: the next new kmap wraps. */
    private static String wrapping() {
        StringBuilder s = new StringBuilder("""
                board ram=1024M cpus=2
                alloc_pages GFP_HIGHUSER 10 -> $b
                kmap $b -> $v1
                access $v1 read cpu=1 -> $pa
                kunmap $b
                """);
        for (int i = 1; i < 511; i++) {
            s.append("kmap $b + ").append(36 * i).append('\n');
        }
        return s.toString();
    }

    private static RunReport run(String text, Bugs bugs) {
        return Runner.run(Parser.parse("kmap.scn", wrapping() + text), bugs);
    }

    @Test
    void theWindowScenarioShowsTheOldSlotUsedUntilTheCompletingDsbAndTheNewSlotClearUntilItsSetPte() throws IOException {
        Path p = Path.of("src", "test", "resources", "scenarios", "tlb", "kmap-shootdown-window.scn");
        RunReport r = Runner.run(Parser.parse(p.toString(), Files.readString(p)), Bugs.NONE);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
        assertThat(r.passed()).isEqualTo(15);
    }

    @Test
    void aWrapThatLeavesOutTheFlushBeginsNothingAndTheOldSlotIsReportedAtOnce() {
        // HIGHMEM_PKMAP_REUSE_WITHOUT_FLUSH: flush_all_zero_pkmaps clears slot 1 and flushes
        // nothing, so there is no window: CPU 1's entry is stale at the kmap_begin line itself
        RunReport r = run("kmap_begin $b + 18396 -> $v0\nexpect-fail step cpu=0\n", Bugs.of(HighmemBug.HIGHMEM_PKMAP_REUSE_WITHOUT_FLUSH));
        assertThat(r.messages()).anySatisfy(m -> assertThat(m).contains("kmap.scn:516: INV-TLB-01 stale TLB entry: cpu 1 holds bfe01000"));
    }

    @Test
    void aKmapThatNeedsNoFlushIsWholeAndAnotherCpusKmapWaitsOnlyWhileTheLockIsHeld() {
        RunReport r = Runner.run(Parser.parse("kmap.scn", """
                board ram=1024M cpus=2
                alloc_pages GFP_HIGHUSER 1 -> $b
                kmap_begin $b -> $v
                expect $v == 0xbfe01000
                expect-fail step cpu=0
                kmap $b + 36 cpu=1 -> $w
                expect $w == 0xbfe02000
                """), Bugs.NONE);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
        assertThat(r.passed()).isEqualTo(3);
    }

    @Test
    void theReturnStepGivesTheAddressAndReleasesKmapLock() {
        StringBuilder steps = new StringBuilder("kmap_begin $b + 18396 -> $v0\n");
        for (int i = 0; i < 11; i++) {
            steps.append("step cpu=0\n");
        }
        steps.append("step cpu=0 -> $ret\nexpect $ret == $v0\nkunmap $b + 36 cpu=1\n");
        RunReport r = run(steps.toString(), Bugs.NONE);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
        assertThat(r.passed()).isEqualTo(1);
    }

    /**
     * {@link TlbKmapChains}' setup is kernel calls that replay as the counterexample's header:
     * 507 kmaps leave {@code last_pkmap_nr} at 507 (four new slots before the wrap), slots 1..505
     * at count 1 and the last two kmapped; the model's state agrees with the replay's.
     */
    @Test
    void theKmapChainsSetupReplaysAsItsHeaderAndLeavesTheWrapFourKmapsAway() {
        armmm.model.kernel.Kernel k = armmm.model.kernel.Kernel.boot(TlbKmapChains.board(3), Bugs.NONE);
        TlbKmapChains.setUp(k, 507);
        armmm.model.highmem.Pkmap p = k.state(armmm.model.highmem.Highmem.class).pkmap();
        assertThat(p.lastPkmapNr()).isEqualTo(507);
        assertThat(new int[] {p.pkmapCount(505), p.pkmapCount(506), p.pkmapCount(507), p.pkmapCount(508)}).containsExactly(1, 2, 2, 0);
        RunReport r = Runner.run(Parser.parse("setup.scn", k.boardLine().orElseThrow() + "\n" + TlbKmapChains.setupLines(k)
                + "expect highmem.last_pkmap_nr == 507\nexpect highmem.pkmap_count[505] == 1\nexpect highmem.pkmap_count[507] == 2\n"),
                Bugs.NONE);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
        assertThat(r.passed()).isEqualTo(3);
    }
}
