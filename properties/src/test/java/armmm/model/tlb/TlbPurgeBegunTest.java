package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code purge_vmap_area_lazy_begin} (spec/tlb.md, "The kernel's own unmap as steps"): vfree's
 * lazy purge taken a visible step at a time ({@code __purge_vmap_area_lazy}, mm/vmalloc.c: the
 * list taken, {@code dsb ish}, TLBIMVAAIS per page, {@code dsb ish}, the areas freed, the
 * return), INV-TLB-01's tolerance of a purged page's old global entry ending exactly at the
 * completing {@code dsb}, {@code vmap_purge_lock}, and the CPU busy to every other call.
 */
class TlbPurgeBegunTest {
    /** CPU 0 caches a vmalloc page, vfree clears its PTE: the entry owes the purge's flush. */
    private static final String BOARD = """
            board ram=256M cpus=2
            vmalloc SZ_4K -> $v
            access $v write -> $pa
            vfree $v
            """;

    private static RunReport run(String text, Bugs bugs) {
        return Runner.run(Parser.parse("purge.scn", BOARD + text), bugs);
    }

    private static void passes(String text) {
        RunReport r = run(text, Bugs.NONE);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
        assertThat(r.passed()).isPositive();
    }

    @Test
    void theWindowScenarioShowsTheOwedEntryUsedUntilTheCompletingDsbAndTheAddressFreedOnlyAfterIt() throws IOException {
        Path p = Path.of("src", "test", "resources", "scenarios", "tlb", "purge-shootdown-window.scn");
        RunReport r = Runner.run(Parser.parse(p.toString(), Files.readString(p)), Bugs.NONE);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
        assertThat(r.passed()).isEqualTo(17);
    }

    @Test
    void theOldEntryIsToleratedUpToTheCompletingDsbAndGoneWithIt() {
        // steps: dsb ish, TLBIMVAAIS x2 (the area and its guard page), dsb ish, free, return
        passes("""
                purge_vmap_area_lazy_begin cpu=1 -> $n
                expect $n == 6
                step cpu=1
                access $v -> $a1
                expect $a1 == $pa
                step cpu=1
                step cpu=1
                access $v -> $a2
                expect $a2 == $pa
                expect tlb[0].entries >= 1
                step cpu=1 -> $left
                expect $left == 2
                expect-fail access $v
                """);
    }

    @Test
    void vmallocsRecordOfTheOwedFlushEndsWhereTheFlushDoesSoAPurgeThatLeavesItOutIsReportedThere() {
        // PURGE_NO_FLUSH: no dsb or TLBI steps; the step where vmalloc believes it flushed is the
        // first at which CPU 0's entry is no longer tolerated
        RunReport r = run("""
                purge_vmap_area_lazy_begin cpu=1 -> $n
                expect $n == 3
                access $v -> $still
                step cpu=1
                """, Bugs.of(TlbBug.PURGE_NO_FLUSH));
        assertThat(r.messages()).hasSize(1);
        assertThat(r.messages().get(0)).contains("purge.scn:8: INV-TLB-01 stale TLB entry: cpu 0 holds");
    }

    @Test
    void anAreaFreedDuringThePurgeWaitsForTheNextPurgeWithItsEntryStillTolerated() {
        passes("""
                vmalloc SZ_4K -> $b
                access $b -> $pb
                purge_vmap_area_lazy_begin cpu=1
                vfree $b
                step cpu=1
                step cpu=1
                step cpu=1
                step cpu=1
                step cpu=1
                step cpu=1
                expect vmalloc.lazy_nr == 2
                access $b -> $owed
                expect $owed == $pb
                purge_vmap_area_lazy
                expect vmalloc.lazy_nr == 0
                expect-fail access $b
                """);
    }

    @Test
    void theBegunCpuMakesNoOtherCallAndThePurgeLockMakesOtherPurgesWait() {
        passes("""
                purge_vmap_area_lazy_begin cpu=0
                expect-fail vmalloc SZ_4K
                expect-fail alloc_pages GFP_KERNEL 0
                expect-fail access $v
                expect-fail purge_vmap_area_lazy_begin cpu=1
                alloc_pages GFP_KERNEL 0 cpu=1 -> $p
                expect $p != 0
                translate 0xc0000000 read kernel
                """);
    }

    @Test
    void nothingLazilyFreedBeginsNothing() {
        passes("""
                purge_vmap_area_lazy
                purge_vmap_area_lazy_begin cpu=1 -> $n
                expect $n == 0
                expect-fail step cpu=1
                vmalloc SZ_4K -> $w
                expect $w == $v
                """);
    }
}
