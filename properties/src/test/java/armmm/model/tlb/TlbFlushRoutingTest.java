package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.mm.MmOp;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import org.junit.jupiter.api.Test;

/**
 * The flushes other subsystems record, routed to the TLBs from the CPU that makes the call:
 * vmalloc's {@code __purge_vmap_area_lazy} {@code flush_tlb_kernel_range} over the purged span
 * (mm/vmalloc.c), and the mm calls' {@code cpu=N}.
 */
class TlbFlushRoutingTest {
    private static final String BOARD = "board ram=256M cpus=2\n";
    private static final String MAP = "mmap $m 0 SZ_8K PROT_READ|PROT_WRITE MAP_PRIVATE|MAP_ANONYMOUS -> $a\n";

    private static RunReport run(Bugs bugs, String body) {
        return Runner.run(Parser.parse("routing.scn", BOARD + body), bugs);
    }

    private static void passes(String body) {
        RunReport r = run(Bugs.NONE, body);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
        assertThat(r.passed()).isPositive();
    }

    @Test
    void thePurgeFlushesItsWholeSpanLiveAreasIncluded() {
        // the kernel flushes from the lowest va_start to the highest va_end of the purged areas,
        // so a live area between two purged ones loses its (still correct) entries too
        passes("""
                vmalloc SZ_4K -> $a
                vmalloc SZ_4K -> $b
                vmalloc SZ_4K -> $c
                access $a cpu=1
                access $b cpu=1
                access $c cpu=1
                vfree $a
                vfree $c
                expect tlb[1].entries == 3
                purge_vmap_area_lazy
                expect tlb[1].entries == 0
                """);
        // one purged area: the span is that area alone, the live neighbour keeps its entry
        passes("""
                vmalloc SZ_4K -> $a
                vmalloc SZ_4K -> $b
                access $a cpu=1
                access $b cpu=1
                vfree $a
                vm_unmap_aliases
                expect tlb[1].entries == 1
                purge_vmap_area_lazy
                expect tlb[1].entries == 1
                """);
    }

    @Test
    void withoutThePurgesFlushTheFreedPagesTranslationIsCaught() {
        String body = """
                vmalloc SZ_4K -> $v
                access $v cpu=1
                vfree $v
                purge_vmap_area_lazy
                """;
        assertThat(run(Bugs.NONE, body).messages()).isEmpty();
        assertThat(run(Bugs.of(TlbBug.PURGE_NO_FLUSH), body).messages()).anyMatch(m -> m.contains("INV-TLB-01"));
        // the vfree alone owes the flush: no purge, no violation, with or without the bug
        assertThat(run(Bugs.of(TlbBug.PURGE_NO_FLUSH), "vmalloc SZ_4K -> $v\naccess $v cpu=1\nvfree $v\n").messages())
                .isEmpty();
    }

    @Test
    void mmCallsIssueTheirFlushesFromTheirCpu() {
        // with the local-only flush, munmap from the CPU that holds the entry removes it; from
        // CPU 0 it does not, and INV-TLB-01 reports CPU 1's entry
        String setup = "mm_create SZ_8M -> $m\n" + MAP + """
                switch_mm $m cpu=1
                access $a cpu=1
                """;
        Bugs local = Bugs.of(TlbBug.FLUSH_LOCAL_ONLY);
        RunReport fromOne = run(local, setup + "munmap $m $a SZ_4K cpu=1\nexpect tlb[1].entries == 0\n");
        assertThat(fromOne.messages()).as("%s", fromOne.output()).isEmpty();
        assertThat(run(local, setup + "munmap $m $a SZ_4K\n").messages()).anyMatch(m -> m.contains("INV-TLB-01"));
        assertThat(run(local, setup + "mprotect $m $a SZ_4K 0 cpu=1\n").messages()).isEmpty();
        assertThat(run(local, setup + "mprotect $m $a SZ_4K 0\n").messages()).anyMatch(m -> m.contains("INV-TLB-01"));
        assertThat(new MmOp.Munmap(1, 0x1000, 0x1000, 1).toString()).endsWith(" cpu=1");
    }

    @Test
    void aTouchRunsOnlyOnACpuThatRunsItsMm() {
        passes("mm_create SZ_8M -> $m\n" + MAP + """
                mm_create SZ_8M -> $n
                expect-fail munmap $m $a SZ_4K cpu=2
                switch_mm $m cpu=1
                switch_mm $n
                expect-fail touch $m $a write
                expect-fail touch $n $a write cpu=1
                touch $m $a write cpu=1
                expect mm[$m].anon_rss == 1
                munmap $m $a SZ_4K cpu=1
                expect mm[$m].anon_rss == 0
                fork $m cpu=1 -> $c
                brk $m 0 cpu=1
                exit_mm $c cpu=0
                """);
    }
}
