package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import org.junit.jupiter.api.Test;

/**
 * The kernel's TLB helpers by name, each on the same two TLBs: CPU 0 holds two user pages of mm
 * $m and the kernel section at 0xc0000000, CPU 1 one user page and the section at 0xc0100000.
 * What each removes follows arch/arm/include/asm/tlbflush.h and arch/arm/mm/tlb-v7.S on a
 * Cortex-A15 with ARM_ERRATA_720789: {@code local_flush_tlb_all} one CPU's TLBIALL;
 * {@code flush_tlb_all} and {@code flush_tlb_mm} TLBIALLIS (every entry, global ones too);
 * {@code flush_tlb_page}/{@code flush_tlb_range} and {@code flush_tlb_kernel_range} TLBIMVAAIS per
 * page as the do-while loop of {@code v7wbi_flush_user_tlb_range}/{@code v7wbi_flush_kern_tlb_range}
 * visits them: start and end both rounded down to a page, the start page always (a range with start
 * at or above end flushes that one page), then each page below the rounded-down end (an unaligned
 * end's own page is not flushed);
 * {@code flush_tlb_kernel_page} TLBIMVAIS, which removes a global section covering the address.
 */
class TlbHelpersTest {
    private static final String SETUP = """
            board ram=64M cpus=2
            mm_create SZ_8M -> $m
            mmap $m 0 SZ_8K PROT_READ|PROT_WRITE MAP_PRIVATE|MAP_ANONYMOUS -> $a
            switch_mm $m
            switch_mm $m cpu=1
            access $a
            access $a + SZ_4K
            access 0xc0000000
            access $a cpu=1
            access 0xc0100000 cpu=1
            expect tlb[0].entries == 3
            expect tlb[1].entries == 2
            """;

    /** Runs {@code call} after the setup and expects {@code cpu0} and {@code cpu1} entries left. */
    private static void leaves(String call, int cpu0, int cpu1) {
        String body = SETUP + call + "\nexpect tlb[0].entries == " + cpu0 + "\nexpect tlb[1].entries == " + cpu1
                + "\nexpect tlb[0].issued == 0\nexpect tlb[1].issued == 0\n";
        RunReport r = Runner.run(Parser.parse("helpers.scn", body), Bugs.NONE);
        assertThat(r.messages()).as("%s\n%s", call, r.output()).isEmpty();
    }

    @Test
    void wholeFlushes() {
        leaves("local_flush_tlb_all cpu=1", 3, 0);
        leaves("local_flush_tlb_all", 0, 2);
        leaves("flush_tlb_all cpu=1", 0, 0);
        leaves("flush_tlb_mm $m cpu=1", 0, 0);
    }

    @Test
    void pageAndRangeFlushesCoverWholePagesOnEveryCpu() {
        leaves("flush_tlb_page $m $a + 0x123 cpu=1", 2, 1);
        leaves("flush_tlb_page $m $a + SZ_4K", 2, 2);
        leaves("flush_tlb_range $m $a $a", 2, 1);
        leaves("flush_tlb_range $m $a $a + 1", 2, 1);
        leaves("flush_tlb_range $m $a + SZ_4K - 1 $a + SZ_4K", 2, 1);
        leaves("flush_tlb_range $m $a + SZ_4K $a + SZ_8K", 2, 2);
        leaves("flush_tlb_range $m $a $a + SZ_4K + 1", 2, 1);
        leaves("flush_tlb_range $m $a + SZ_4K $a", 2, 2);
        leaves("flush_tlb_range $m $a $a + SZ_8K + 1", 1, 1);
    }

    @Test
    void kernelFlushesRemoveTheSectionsCoveringTheirPages() {
        leaves("flush_tlb_kernel_page 0xc00ff123", 2, 2);
        leaves("flush_tlb_kernel_page 0xc0100fff", 3, 1);
        leaves("flush_tlb_kernel_range 0xc00ff000 0xc0100000", 2, 2);
        leaves("flush_tlb_kernel_range 0xc00ff000 0xc0100001", 2, 2);
        leaves("flush_tlb_kernel_range 0xc00ff000 0xc0101000", 2, 1);
        leaves("flush_tlb_kernel_range 0xc0100000 0xc0100000", 3, 1);
        leaves("flush_tlb_kernel_range 0xc0100fff 0xc0100000", 3, 1);
        leaves("flush_tlb_kernel_range 0xbff00000 0x200000000", 2, 1);
    }

    @Test
    void refusals() {
        leaves("""
                expect-fail flush_tlb_mm 0x77
                expect-fail flush_tlb_page 0x77 0
                expect-fail flush_tlb_range 0x77 0 SZ_4K
                expect-fail flush_tlb_all cpu=2
                expect-fail flush_tlb_mm $m cpu=2
                expect-fail dsb cpu=2
                expect-fail evict $a cpu=2
                expect-fail tlbimva $a 256
                expect-fail tlbiasid 256 cpu=1
                expect-fail tlbiall cpu=2
                tlbiasid 255
                dsb
                """, 3, 2);
    }
}
