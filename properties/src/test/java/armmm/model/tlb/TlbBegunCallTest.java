package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mm.VmFlags;
import armmm.model.mmu.Access;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code munmap_begin} and {@code mprotect_begin} (spec/tlb.md, "The kernel's own unmap as
 * steps"): the kernel's order of PTE writes, {@code dsb ish}, each TLBIMVAAIS, {@code dsb ish}
 * and the return, INV-TLB-01's window exactly between a PTE write and the completion of the
 * TLB operation covering it, and the calls that wait meanwhile ({@code mmap_lock}, the CPU).
 */
class TlbBegunCallTest {
    private static final String BOARD = """
            board ram=256M cpus=2
            exec -> $m
            mmap $m 0 SZ_4K PROT_READ|PROT_WRITE MAP_PRIVATE|MAP_ANONYMOUS -> $b
            mmap $m 0 SZ_4K PROT_READ|PROT_WRITE MAP_PRIVATE|MAP_ANONYMOUS -> $a
            switch_mm $m cpu=1
            access $a write cpu=1 -> $pa
            """;

    private static RunReport run(String text, Bugs bugs) {
        return Runner.run(Parser.parse("begun.scn", BOARD + text), bugs);
    }

    private static void passes(String text) {
        RunReport r = run(text, Bugs.NONE);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
        assertThat(r.passed()).isPositive();
    }

    @Test
    void theWindowScenarioShowsALegalStaleUseAndTheSameAccessFaultingAfterTheReturn() throws IOException {
        Path p = Path.of("src", "test", "resources", "scenarios", "tlb", "munmap-shootdown-window.scn");
        RunReport r = Runner.run(Parser.parse(p.toString(), Files.readString(p)), Bugs.NONE);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
        assertThat(r.passed()).isEqualTo(12);
    }

    @Test
    void aBegunCopyOnWriteWithoutItsFlushIsReportedAtItsReturn() throws IOException {
        Path p = Path.of("src", "test", "resources", "scenarios", "tlb", "cow-shootdown-window.scn");
        RunReport r = Runner.run(Parser.parse(p.toString(), Files.readString(p)), Bugs.NONE);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
        // without ptep_clear_flush's flush the steps are set_pte_at and the return: CPU 1's
        // read-only entry of the old page is tolerated up to the return (line 22), then reported
        RunReport buggy = Runner.run(Parser.parse(p.toString(), Files.readString(p)), Bugs.of(TlbBug.COW_NO_FLUSH));
        assertThat(buggy.messages().get(0)).contains("cow-shootdown-window.scn:22: INV-TLB-01 stale TLB entry: cpu 1 holds");
    }

    @Test
    void aTwoPageUnmapTakesADsbATlbiPerPageADsbAndTheReturn() {
        // 6 steps left after the begin: dsb ish, TLBIMVAAIS x2, dsb ish, the free of the gathered pages, return
        passes("""
                expect $b == $a + SZ_4K
                access $b write cpu=1
                munmap_begin $m $a SZ_8K cpu=0
                step cpu=0 -> $s1
                expect $s1 == 5
                step cpu=0 -> $s2
                expect $s2 == 4
                step cpu=0
                access $b cpu=1
                expect tlb[1].entries >= 2
                step cpu=0
                expect tlb[0].entries == 0
                step cpu=0 -> $free
                expect $free == 1
                step cpu=0 -> $ret
                expect $ret == 0
                expect-fail step cpu=0
                """);
    }

    @Test
    void mprotectsOldWritableEntryIsUsableUntilItsFlushCompletesThenTheWriteFaults() {
        passes("""
                mprotect_begin $m $a SZ_4K PROT_READ cpu=0 -> $r
                expect $r == 0
                access $a write cpu=1 -> $w
                expect $w == $pa
                # mprotect holds mmap_lock for writing: another CPU's page fault waits
                expect-fail touch $m $b write cpu=1
                step cpu=0
                step cpu=0
                step cpu=0
                step cpu=0
                expect-fail access $a write cpu=1
                access $a read cpu=1
                """);
    }

    @Test
    void callsWaitForTheCpuAndTheMmapLock() {
        passes("""
                munmap_begin $m $a SZ_4K cpu=0
                expect-fail access $b cpu=0
                expect-fail switch_mm $m cpu=0
                expect-fail exec cpu=0
                expect-fail dsb cpu=0
                expect-fail tlbiallis cpu=0
                expect-fail flush_tlb_all cpu=0
                expect-fail munmap_begin $m $b SZ_4K cpu=1
                expect-fail mmap $m 0 SZ_4K PROT_READ MAP_PRIVATE|MAP_ANONYMOUS cpu=1
                expect-fail fork $m cpu=1
                expect-fail exit_mm $m cpu=1
                # munmap downgraded mmap_lock to reading: another CPU's page fault in the mm runs
                touch $m $b write cpu=1
                access $b write cpu=1
                speculate $a cpu=0
                step cpu=0
                step cpu=0
                step cpu=0
                step cpu=0
                step cpu=0
                mmap $m 0 SZ_4K PROT_READ MAP_PRIVATE|MAP_ANONYMOUS cpu=1
                """);
        passes("""
                switch_mm_begin $m cpu=0
                expect-fail munmap_begin $m $a SZ_4K cpu=0
                """);
        // what the refusals say
        Kernel k = Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.NONE);
        long m = ((Result.Value) k.apply(new TlbOp.Exec(0))).value();
        long a = ((Result.Value) k.apply(new MmOp.Mmap(m, 0, 4096, VmFlags.PROT_READ, VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS, 1)))
                .value();
        k.apply(new TlbOp.MunmapBegin(m, a, 4096, 0));
        assertThat(((Result.Refused) k.apply(new MmOp.Mmap(m, 0, 4096, VmFlags.PROT_READ, VmFlags.MAP_PRIVATE
                | VmFlags.MAP_ANONYMOUS, 1))).report()).isEqualTo("mmap: mmap_lock of mm " + m
                + " is held by munmap on cpu 0; step it to its return");
        assertThat(((Result.Refused) k.apply(new TlbOp.SwitchMm(m, 0))).report())
                .isEqualTo("switch_mm: cpu 0 is inside munmap_begin; continue it with step cpu=0");
        assertThat(((Result.Refused) k.apply(new TlbOp.Step(1))).report())
                .isEqualTo("step: cpu 1 is not switching, nor inside a begun munmap, mprotect, touch, fork, exit_mm or brk");
    }

    @Test
    void theWindowEndsAtTheReturnWhateverTheFlushMissed() {
        // munmap-no-flush drops the call's flush: the old entry is tolerated by INV-TLB-01 until the
        // return, then reported; the free of the gathered page, the step before, already leaves CPU 1
        // reaching a free frame (INV-TLB-05)
        RunReport r = run("""
                munmap_begin $m $a SZ_4K cpu=0
                access $a cpu=1
                step cpu=0
                step cpu=0
                """, Bugs.of(TlbBug.MUNMAP_NO_FLUSH));
        assertThat(r.messages()).hasSize(2)
                .anySatisfy(m -> assertThat(m).contains("begun.scn:9: INV-TLB-05 TLB entry maps a free page: cpu 1 holds"))
                .anySatisfy(m -> assertThat(m).contains("begun.scn:10: INV-TLB-01 stale TLB entry: cpu 1 holds"));
    }

    @Test
    void aCompletedOperationThatMissesTheEntryDoesNotEndItsWindowTheReturnDoes() {
        // the wrong-ASID flush (CPU 0 runs another mm) invalidates nothing on CPU 1: tolerated up to the return
        RunReport r = run("""
                exec cpu=0
                munmap_begin $m $a SZ_4K cpu=0
                step cpu=0
                step cpu=0
                access $a cpu=1
                step cpu=0
                access $a cpu=1
                step cpu=0
                step cpu=0
                """, Bugs.of(TlbBug.TLBIMVA_WRONG_ASID));
        // the free after the missed flush (line 14) leaves CPU 1 reaching a free frame; the return reports the stale entry
        assertThat(r.messages()).hasSize(2)
                .anySatisfy(m -> assertThat(m).contains("begun.scn:14: INV-TLB-05 TLB entry maps a free page: cpu 1 holds"))
                .anySatisfy(m -> assertThat(m).contains("begun.scn:15: INV-TLB-01 stale TLB entry: cpu 1 holds"));
    }

    @Test
    void theWindowOfAnEntryEndsWhenTheOperationCoveringItCompletes() {
        Kernel k = Kernel.boot(Board.virt(256L << 20).withCpus(2), Bugs.NONE);
        Tlbs t = k.state(Tlbs.class);
        long m = ((Result.Value) k.apply(new TlbOp.Exec(0))).value();
        long a = ((Result.Value) k.apply(new MmOp.Mmap(m, 0, 4096, VmFlags.PROT_READ | VmFlags.PROT_WRITE,
                VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS, 0))).value();
        assertThat(k.apply(new TlbOp.AccessVa(a, Access.WRITE, 0)).isRefused()).isFalse();
        TlbEntry old = t.tlb(0).entries().stream().filter(e -> e.walk().va() == a).findFirst().orElseThrow();
        assertThat(k.apply(new TlbOp.MunmapBegin(m, a, 4096, 1))).isEqualTo(Result.of(0));
        // the PTE is clear, the entry is the old translation: tolerated through the dsb and the TLBI's issue
        for (int step = 0; step < 2; step++) {
            assertThat(t.inShootdownWindow(old)).isTrue();
            assertThat(TlbChecks.coherent(t)).isEmpty();
            k.apply(new TlbOp.Step(1));
        }
        assertThat(t.inShootdownWindow(old)).isTrue();
        // the completing dsb ish: the entry is gone, and the same translation cached again would be reported
        k.apply(new TlbOp.Step(1));
        assertThat(t.tlb(0).entries()).doesNotContain(old);
        assertThat(t.inShootdownWindow(old)).isFalse();
        t.tlb(0).fill(old);
        assertThat(TlbChecks.coherent(t)).singleElement().satisfies(v -> assertThat(v.id()).isEqualTo("INV-TLB-01"));
        assertThat(t.begun(1)).isNotNull();
        // tlb_flush_mmu_free: the page goes back to the buddy allocator, and the refilled old entry reaches it
        assertThat(TlbFreedFrameChecks.noFreedFrame(t)).isEmpty();
        assertThat(k.apply(new TlbOp.Step(1))).isEqualTo(Result.of(1));
        assertThat(TlbFreedFrameChecks.noFreedFrame(t)).singleElement().satisfies(v -> assertThat(v.id()).isEqualTo("INV-TLB-05"));
        assertThat(k.apply(new TlbOp.Step(1))).isEqualTo(Result.of(0));
        assertThat(t.begun(1)).isNull();
        assertThat(t.callsReturned()).isEqualTo(1);
    }

    @Test
    void anEntryWalkedAfterThePteWriteIsNeverTolerated() {
        // the planted order walks the old PTE after the completed flush: the clear leaves it, reported at once
        RunReport r = run("""
                munmap_begin $m $a SZ_4K cpu=0
                step cpu=0
                step cpu=0
                step cpu=0
                speculate $b cpu=1
                access $a cpu=1
                step cpu=0
                """, Bugs.of(TlbBug.TLBI_BEFORE_CLEAR));
        // the deferred PTE clear frees the page at once too: the entry walked before it reaches a free frame
        assertThat(r.messages()).hasSize(2)
                .anySatisfy(m -> assertThat(m).contains("begun.scn:13: INV-TLB-01 stale TLB entry: cpu 1 holds"))
                .anySatisfy(m -> assertThat(m).contains("begun.scn:13: INV-TLB-05 TLB entry maps a free page: cpu 1 holds"));
        // whole calls are atomic: the planted order changes nothing there
        assertThat(run("munmap $m $a SZ_4K cpu=0\nexpect tlb[1].entries == 0\n", Bugs.of(TlbBug.TLBI_BEFORE_CLEAR)).messages())
                .isEmpty();
    }
}
