package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import org.junit.jupiter.api.Test;

/**
 * The edges of the flushes other subsystems' calls end with: {@code __set_fixmap}
 * (arch/arm/mm/mmu.c; {@code set_fixmap_io} and {@code clear_fixmap} are the same function) flushes
 * the page it wrote, a call that writes no fixmap PTE ({@code translate}) flushes nothing;
 * {@code kunmap_atomic}'s {@code arch_kmap_local_post_unmap} flushes its one page
 * (arch/arm/include/asm/highmem.h {@code local_flush_tlb_kernel_page}), not the slot next to it;
 * {@code flush_all_zero_pkmaps} (mm/highmem.c), run when {@code map_new_virtual}'s
 * {@code last_pkmap_nr} wraps to 0 at the LAST_PKMAP-th (512th) kmap, broadcasts
 * {@code flush_tlb_kernel_range} over the pkmap area, so another CPU's entry of an unmapped pkmap
 * slot goes; and only munmap (and mmap over a mapping) is the unmapping call that
 * {@link TlbBug#MUNMAP_NO_FLUSH} leaves unflushed, mprotect keeps its flush.
 */
class TlbKernelFlushEdgesTest {

    private static RunReport run(Bugs bugs, String scenario) {
        return Runner.run(Parser.parse("flush-edges.scn", scenario), bugs);
    }

    private static void passes(Bugs bugs, String scenario) {
        RunReport r = run(bugs, scenario);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
        assertThat(r.passed()).isPositive();
    }

    @Test
    void everyFixmapWriterFlushesItsPageAndOtherMmuCallsFlushNothing() {
        passes(Bugs.NONE, """
                board ram=256M cpus=2
                set_fixmap_io 0 0x40301000 -> $f
                access $f -> $p
                expect $p == 0x40301000
                expect tlb[0].entries == 1
                translate $f read kernel
                expect tlb[0].entries == 1
                clear_fixmap 0
                expect tlb[0].entries == 0
                set_fixmap 0 0x40302000 -> $g
                access $g
                expect tlb[0].entries == 1
                set_fixmap_io 0 0x40303000
                expect tlb[0].entries == 0
                """);
    }

    @Test
    void kunmapAtomicFlushesItsOwnSlotOnly() {
        passes(Bugs.NONE, """
                board ram=1024M cpus=2
                alloc_pages GFP_HIGHUSER 0 -> $p
                alloc_pages GFP_HIGHUSER 0 -> $q
                kmap_atomic $p cpu=1 -> $a
                kmap_atomic $q cpu=1 -> $b
                expect $b == $a - 0x1000
                access $a cpu=1
                access $b cpu=1
                expect tlb[1].entries == 2
                kunmap_atomic $b cpu=1
                expect tlb[1].entries == 1
                kunmap_atomic $a cpu=1
                expect tlb[1].entries == 0
                """);
    }

    @Test
    void theWrapOfLastPkmapNrFlushesTheUnmappedSlotsOnEveryCpu() {
        StringBuilder s = new StringBuilder("""
                board ram=1024M cpus=2
                alloc_pages GFP_HIGHUSER 0 -> $p
                kmap $p -> $a
                access $a cpu=1
                kunmap $p
                expect tlb[1].entries == 1
                """);
        // slots 2..511: no wrap yet, the lazily unmapped slot keeps its PTE and cpu 1 its entry
        for (int i = 2; i <= 511; i++) {
            s.append("alloc_pages GFP_HIGHUSER 0 -> $p").append(i).append('\n');
            s.append("kmap $p").append(i).append('\n');
        }
        s.append("expect tlb[1].entries == 1\n");
        // the 512th: last_pkmap_nr wraps to 0, flush_all_zero_pkmaps
        s.append("alloc_pages GFP_HIGHUSER 0 -> $last\nkmap $last\nexpect tlb[1].entries == 0\n");
        passes(Bugs.NONE, s.toString());
    }

    @Test
    void onlyTheUnmappingCallsLoseTheirFlushUnderTheMunmapBug() {
        String setup = """
                board ram=256M cpus=2
                exec -> $m
                mmap $m 0 SZ_8K PROT_READ|PROT_WRITE MAP_PRIVATE|MAP_ANONYMOUS -> $a
                touch $m $a write
                access $a
                expect tlb[0].entries == 1
                """;
        Bugs bug = Bugs.of(TlbBug.MUNMAP_NO_FLUSH);
        passes(bug, setup + "mprotect $m $a SZ_4K PROT_READ\nexpect tlb[0].entries == 0\n");
        passes(Bugs.NONE, setup + "munmap $m $a SZ_4K\nexpect tlb[0].entries == 0\n");
        // the entry munmap and mmap over the page leave behind is INV-TLB-01's stale entry, and it
        // reaches the frame the unmap freed: INV-TLB-05's use-after-free through the TLB
        for (String call : new String[] {"munmap $m $a SZ_4K\n", "mmap $m $a SZ_4K PROT_READ MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED\n"}) {
            assertThat(run(bug, setup + call).messages()).as(call).hasSize(2)
                    .anySatisfy(m -> assertThat(m).contains("INV-TLB-01 stale TLB entry"))
                    .anySatisfy(m -> assertThat(m).contains("INV-TLB-05 TLB entry maps a free page"));
        }
    }
}
