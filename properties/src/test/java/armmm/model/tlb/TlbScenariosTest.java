package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.kernel.Subsystems;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import org.junit.jupiter.api.Test;

/**
 * The TLB calls as scenarios: what each maintenance operation removes and when (the DSB), a
 * shootdown interleaved with another CPU's access, the flushes the kernel makes around munmap,
 * exit, the fixmap and the vmalloc purge, a rollover's pending flush, and the refusals.
 */
class TlbScenariosTest {
    private static final String MAP = "mmap $m 0 SZ_8K PROT_READ|PROT_WRITE MAP_PRIVATE|MAP_ANONYMOUS -> $a\n";

    private static RunReport run(String board, String body) {
        RunReport r = Runner.run(Parser.parse("tlb.scn", board + "\n" + body), Bugs.NONE);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
        return r;
    }

    @Test
    void registeredAfterMmWithTheAsidAndTlbInvariants() {
        assertThat(Subsystems.ALL.indexOf(TlbSubsystem.INSTANCE))
                .isEqualTo(Subsystems.ALL.indexOf(armmm.model.mm.MmSubsystem.INSTANCE) + 1);
        assertThat(Subsystems.invariants().stream().map(Object::toString)).contains("INV-ASID-01", "INV-ASID-05",
                "INV-TLB-01", "INV-TLB-02", "INV-TLB-03");
    }

    @Test
    void eachOperationRemovesWhatTheArchitectureSaysAndOnlyAtTheDsb() {
        run("board ram=256M cpus=2", "mm_create SZ_8M -> $m\n" + MAP + """
                switch_mm $m
                switch_mm $m cpu=1
                access $a
                access $a cpu=1
                access 0xc0000000
                expect tlb[0].entries == 2
                tlbiasid 1
                expect tlb[0].issued == 1
                expect tlb[0].entries == 2
                dsb
                expect tlb[0].entries == 1
                access $a
                tlbimvaa $a cpu=1
                dsb cpu=1
                expect tlb[0].entries == 2
                expect tlb[1].entries == 0
                tlbimva 0xc0000000 7
                dsb
                expect tlb[0].entries == 1
                access $a cpu=1
                tlbimvais $a 2
                dsb
                expect tlb[1].entries == 1
                tlbimvais $a 1
                dsb
                expect tlb[0].entries == 0
                expect tlb[1].entries == 0
                """);
    }

    @Test
    void aShootdownIsNotCompleteBeforeItsDsbSoAnotherCpuStillUsesTheOldFrame() {
        RunReport r = run("board ram=256M cpus=2", "mm_create SZ_8M -> $m\n" + MAP + """
                switch_mm $m cpu=1
                access $a cpu=1 -> $old
                tlbimvaais $a
                access $a cpu=1 -> $still
                expect $still == $old
                expect tlb[1].entries == 1
                dsb
                expect tlb[1].entries == 0
                expect tlb[0].issued == 0
                """);
        assertThat(r.passed()).isPositive();
    }

    @Test
    void munmapAndExitFlushEveryCpuAndTheContextWaitsForTheLastCpu() {
        run("board ram=256M cpus=2", "mm_create SZ_8M -> $m\n" + MAP + """
                switch_mm $m
                switch_mm $m cpu=1
                access $a
                access $a + SZ_4K cpu=1
                munmap $m $a SZ_4K
                expect tlb[0].entries == 0
                expect tlb[1].entries == 1
                expect-fail access $a cpu=1
                exit_mm $m
                expect tlb[1].entries == 0
                expect mm[$m].context.id == 0x101
                expect-fail switch_mm $m
                exec -> $n
                exec cpu=1 -> $o
                """);
    }

    @Test
    void aRolloverLeavesOldEntriesUntilTheCpuFlushesUnderTheLock() {
        run("board ram=256M cpus=2 cmdline=\"armmm_asid_bits=2\"", """
                exec cpu=1 -> $m0
                mmap $m0 0 SZ_4K PROT_READ|PROT_WRITE MAP_PRIVATE|MAP_ANONYMOUS -> $a
                access $a cpu=1
                exec -> $m1
                exec -> $m2
                exec -> $m3
                expect asid.rollovers == 1
                expect cpu[1].tlb_flush_pending == 1
                expect tlb[1].entries == 1
                exec cpu=1 -> $m4
                expect cpu[1].tlb_flush_pending == 0
                expect tlb[1].entries == 0
                print tlb
                """);
    }

    @Test
    void theVmallocPurgeFlushesTheKernelEntriesItOwes() {
        RunReport r = run("board ram=256M cpus=2", """
                vmalloc SZ_8K -> $v
                access $v
                access $v cpu=1
                expect tlb[0].entries == 1
                vfree $v
                expect tlb[0].entries == 1
                purge_vmap_area_lazy
                expect tlb[0].entries == 0
                expect tlb[1].entries == 0
                """);
        assertThat(r.passed()).isPositive();
    }

    @Test
    void refusals() {
        run("board ram=256M cpus=2", """
                expect-fail step
                expect-fail switch_mm_finish cpu=1
                expect-fail access 0 cpu=5
                expect-fail switch_mm 0x77
                expect-fail tlbiasid 999
                expect-fail access 0x10000
                expect-fail access 0xbf800000
                exec -> $m
                switch_mm_begin $m cpu=1
                expect-fail switch_mm_begin $m cpu=1
                step cpu=1
                switch_mm_finish cpu=1
                expect cpu[1].contextidr == mm[$m].context.id
                """);
    }

    @Test
    void userAccessesWalkUspacesTablesAndFaultThroughIt() {
        run("board ram=256M cpus=2", "mm_create SZ_8M -> $m\n" + MAP + """
                switch_mm $m
                expect cpu[0].ttbr0 == mm[$m].pgd + 0x6a
                expect mm[$m].anon_rss == 0
                access $a write
                expect mm[$m].anon_rss == 1
                expect tlb[0].entries == 1
                fork $m -> $c
                switch_mm $c cpu=1
                expect cpu[1].ttbr0 == mm[$c].pgd + 0x6a
                access $a cpu=1
                access $a write
                expect mm[$m].anon_rss == 1
                expect mm[$c].anon_rss == 1
                """);
    }

    @Test
    void switchMmRunsCheckVmallocSeq() {
        run("board ram=256M cpus=1", """
                mm_create SZ_8M -> $m
                mm_create SZ_8M -> $n
                vmalloc 0x300000 -> $v1
                vmalloc 0x300000 -> $v2
                vmalloc 0x300000 -> $v3
                expect mm[$m].vmalloc_seq == mm[$n].vmalloc_seq
                switch_mm $m
                expect mm[$m].vmalloc_seq != mm[$n].vmalloc_seq
                switch_mm_begin $n
                expect mm[$m].vmalloc_seq == mm[$n].vmalloc_seq
                """);
    }

    @Test
    void anExitedMmKeepsItsPgdUntilTheLastCpuSwitchesAwayFromIt() {
        armmm.model.kernel.Kernel k = armmm.model.kernel.Kernel.boot(
                armmm.model.board.Board.virt(256L << 20).withCpus(2), Bugs.NONE);
        long m = ((armmm.model.core.Result.Value) k.apply(new TlbOp.Exec(1))).value();
        armmm.model.mm.Processes p = k.state(armmm.model.mm.Processes.class);
        armmm.model.page.PageAllocator pages = k.state(armmm.model.page.PageAllocator.class);
        long pgd = p.pgdPhys(m);
        assertThat(p.mmCount(m)).as("mm_users' reference and cpu 1's").isEqualTo(2);
        k.apply(new armmm.model.mm.MmOp.ExitMm(m));
        assertThat(p.mm(m)).isNull();
        assertThat(p.mmCount(m)).as("cpu 1's lazy reference").isEqualTo(1);
        assertThat(pages.isAllocated(pgd >>> 12)).as("the pgd under cpu 1's TTBR0").isTrue();
        assertThat(k.state(Tlbs.class).asid().cpu(1).ttbr0() & ~0x3fffL).isEqualTo(pgd);
        assertThat(TlbChecks.ttbr0Live(k.state(Tlbs.class))).isEmpty();
        k.apply(new TlbOp.Exec(1));
        assertThat(p.mmCount(m)).as("finish_task_switch's mmdrop was the last").isZero();
        assertThat(pages.isAllocated(pgd >>> 12)).as("__mmdrop freed the pgd").isFalse();
        assertThat(TlbChecks.ttbr0Live(k.state(Tlbs.class))).isEmpty();
    }

    @Test
    void evictDropsWhatCoversTheAddressAndAStaleEntryOtherwiseStays() {
        run("board ram=256M cpus=2", "mm_create SZ_8M -> $m\n" + MAP + """
                switch_mm $m cpu=1
                access $a write cpu=1 -> $old
                tlbimvaais $a
                access $a cpu=1 -> $still
                expect $still == $old
                evict $a cpu=1
                expect tlb[1].entries == 0
                dsb
                access 0xc0000000 cpu=1
                evict 0xc0000000 cpu=1 -> $n
                expect $n == 1
                evict 0xc0000000 cpu=1 -> $none
                expect $none == 0
                """);
    }
}
