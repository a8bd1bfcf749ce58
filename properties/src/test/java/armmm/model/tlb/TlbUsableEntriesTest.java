package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The entries a CPU can still use, checked (issue 12): a CPU with {@code tlb_flush_pending} keeps
 * its reserved ASID's entries and its global ones until its next slow-path switch
 * (arch/arm/mm/context.c), so INV-TLB-01 checks them; {@code __set_fixmap}'s
 * {@code local_flush_tlb_kernel_range} is the broadcast TLBIMVAAIS (arch/arm/mm/tlb-v7.S
 * {@code v7wbi_flush_kern_tlb_range}); {@code local_flush_tlb_kernel_page} is the local TLBIMVA
 * with ASID 0 (arch/arm/include/asm/tlbflush.h).
 */
class TlbUsableEntriesTest {
    private static final Path DIR = Path.of("src", "test", "resources", "scenarios", "tlb");

    private static RunReport run(String file, Bugs bugs) throws IOException {
        Path p = DIR.resolve(file);
        return Runner.run(Parser.parse(p.toString(), Files.readString(p)), bugs);
    }

    @Test
    void aCpuWithTheRolloverFlushPendingHasItsReservedAsidsEntriesChecked() throws IOException {
        // the scenario expects tlb_flush_pending == 1 on CPU 1 at the munmap: the old exemption of
        // every entry of such a CPU let munmap-no-flush's stale entry through
        assertThat(run("pending-flush-window.scn", Bugs.NONE).messages()).isEmpty();
        RunReport buggy = run("pending-flush-window.scn", Bugs.of(TlbBug.MUNMAP_NO_FLUSH));
        assertThat(buggy.messages()).anySatisfy(m -> assertThat(m)
                .contains("pending-flush-window.scn:15: INV-TLB-01 stale TLB entry: cpu 1 holds").contains("asid 1"));
    }

    @Test
    void setFixmapFlushesEveryCpusEntryOfThePage() throws IOException {
        RunReport r = run("fixmap-broadcast.scn", Bugs.NONE);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
    }

    @Test
    void localFlushTlbKernelPageIsTlbimvaWithAsidZeroOnTheCallingCpu() {
        Kernel k = Kernel.boot(Board.virt(64L << 20).withCpus(2), Bugs.NONE);
        Tlbs t = k.state(Tlbs.class);
        long va = 0xffef0000L;
        for (int cpu = 0; cpu < 2; cpu++) {
            t.tlb(cpu).fill(new TlbEntry(new Walk(va, 0x1000, 0x40001000L, true, 1, true), 0, -1));
        }
        t.tlb(0).fill(new TlbEntry(new Walk(va, 0x1000, 0x40002000L, false, 1, true), 0, 7));
        t.tlb(0).fill(new TlbEntry(new Walk(va, 0x1000, 0x40003000L, false, 1, true), 2, 7));
        TlbFlush.localFlushTlbKernelPage(t, va + 0x123, 0);
        // the global entry and ASID 0's go on CPU 0; ASID 2's stays (TLBIMVA, not TLBIMVAA); CPU 1 untouched
        assertThat(t.tlb(0).entries()).singleElement().satisfies(e -> assertThat(e.asid()).isEqualTo(2));
        assertThat(t.tlb(1).entries()).hasSize(1);
        assertThat(t.issued(0)).isEmpty();
    }
}
