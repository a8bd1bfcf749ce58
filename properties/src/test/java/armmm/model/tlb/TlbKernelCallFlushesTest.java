package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import org.junit.jupiter.api.Test;

/**
 * The local flushes other subsystems' calls end with, on the CPU that makes the call and no other:
 * {@code __set_fixmap}'s {@code local_flush_tlb_kernel_range} of the page it wrote
 * (arch/arm/mm/mmu.c), and ARM's {@code arch_kmap_local_post_map}/{@code post_unmap}
 * {@code local_flush_tlb_kernel_page} (arch/arm/include/asm/highmem.h) after kmap_atomic and
 * kunmap_atomic. CPU 0's entry of the linear map (a 1 MiB section at 0xc0000000) shows that a
 * local flush on one CPU leaves the other's TLB alone.
 */
class TlbKernelCallFlushesTest {

    private static RunReport run(String scenario) {
        RunReport r = Runner.run(Parser.parse("kernel-flushes.scn", scenario), Bugs.NONE);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
        return r;
    }

    @Test
    void setFixmapFlushesThePageItWroteOnTheCallingCpu() {
        run("""
                board ram=256M cpus=2
                access 0xc0000000 cpu=1
                set_fixmap 0 0x40301234 -> $f
                access $f -> $p
                expect $p == 0x40301234
                expect tlb[0].entries == 1
                set_fixmap 0 0x40302234
                expect tlb[0].entries == 0
                access $f -> $q
                expect $q == 0x40302234
                clear_fixmap 0
                expect tlb[0].entries == 0
                expect tlb[1].entries == 1
                expect-fail access $f
                """);
    }

    @Test
    void kmapAtomicFlushesTheSlotOnTheCpuThatMapsAndUnmapsIt() {
        run("""
                board ram=1024M cpus=2
                alloc_pages GFP_HIGHUSER 0 -> $p
                alloc_pages GFP_HIGHUSER 0 -> $q
                access 0xc0000000
                kmap_atomic $p cpu=1 -> $a
                access $a cpu=1 -> $pa
                expect tlb[1].entries == 1
                kunmap_atomic $a cpu=1
                expect tlb[1].entries == 0
                expect tlb[0].entries == 1
                kmap_atomic $q cpu=1 -> $b
                expect $b == $a
                access $b cpu=1 -> $qa
                expect $qa != $pa
                kunmap_atomic $b cpu=1
                expect tlb[1].entries == 0
                expect tlb[0].entries == 1
                """);
    }
}
