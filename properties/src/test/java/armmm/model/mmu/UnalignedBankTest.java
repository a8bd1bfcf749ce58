package armmm.model.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.BoardLine;
import armmm.model.boot.BootException;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Banks that share a 2 MiB pmd (arch/arm/mm/mmu.c {@code alloc_init_pmd}, {@code arm_pte_alloc}):
 * seed -8541795148664629142 of {@code MmuProperties.theFullScanHoldsAtTheEndOfAChain} booted a
 * board whose second bank the model left unmapped where the kernel stops at a BUG_ON.
 */
class UnalignedBankTest {

    @Test
    void aBankNeedingAPteTableBehindAnEvenSectionStopsTheBoot() {
        // arm_add_memory rounds 0x41900001 up to 0x41901000; the first bank ends at 0x41900000,
        // so pmd 0xc1800000's first word is a section and pmd_bad fires
        assertThatThrownBy(() -> Kernel.boot(BoardLine.parse(Map.of("memory", "0x40000000:0x1900001,0x41900001:16M")), Bugs.NONE))
                .isInstanceOf(BootException.class)
                .hasMessageContaining("arm_pte_alloc");
    }

    @Test
    void aBankStartingInsideAnEmptyPmdIsLinearlyMapped() {
        // the first bank ends on a pmd boundary: the second's pmd is empty and gets a pte table
        Kernel k = Kernel.boot(BoardLine.parse(Map.of("memory", "0x40000000:0x1a00000,0x41a00001:16M")), Bugs.NONE);
        assertThat(k.booted().orElseThrow().memory().get(1).base()).isEqualTo(0x41a01000L);
        assertThat(MmuChecks.fullScan(k)).isEmpty();
    }

    @Test
    void aBankStartingOnAnOddSectionIsLinearlyMapped() {
        // section aligned: __map_init_section fills the odd word beside the first bank's section
        Kernel k = Kernel.boot(BoardLine.parse(Map.of("memory", "0x40000000:0x1900000,0x41900000:16M")), Bugs.NONE);
        assertThat(MmuChecks.fullScan(k)).isEmpty();
    }

    @Test
    void aLowmemTailAfterTheKernelsLastSectionKeepsItsPteBehindTheOddWord() {
        // seed 266386430753895569 of KernelChainProperties: 23556K ends at 0x41701000 and the
        // kernel's sections at 0x41700000. prepare_page_table clears the pair 0xc1600000/0xc1700000,
        // map_lowmem gives the tail a pte table there, map_kernel rewrites only the even word
        Kernel k = Kernel.boot(BoardLine.parse(Map.of("ram", "23556K")), Bugs.NONE);
        KernelPageTables t = k.state(KernelPageTables.class);
        assertThat(t.l1(0xc16) & 3).as("even word: the kernel's section").isEqualTo(2);
        assertThat(t.l1(0xc17) & 3).as("odd word: the tail's table").isEqualTo(1);
        Translation tail = t.translate(0xc1700000L, Access.READ, Privilege.KERNEL);
        assertThat(tail).isInstanceOfSatisfying(Translation.Mapped.class, m -> assertThat(m.pa()).isEqualTo(0x41700000L));
        assertThat(MmuChecks.fullScan(k)).isEmpty();
        assertThat(k.checkComplete()).isEmpty();
    }

    @Test
    void aRegionInsideTheKernelsSectionsEndsMapLowmemAndTheKernelsSectionsMapIt() {
        // LayoutProperties seed 8870675221113322373: 0x1608000 bytes at 0x40000000, the first 2 MiB
        // no-map. The one mapped region [0x40200000, 0x41608000) lies inside the kernel's sections
        // [0x40000000, 0x41700000): 6.1's map_lowmem stops there (break) and allocates no pte
        // table for the 32K tail; map_kernel maps it all as sections. Boot allocated one, and the
        // page-table builder, which did not, took it for the vectors page
        Kernel k = Kernel.boot(BoardLine.parse(Map.of("memory", "0x40000000:0x1608000",
                "reserve", "0x40000000:0x200000:no-map")), Bugs.NONE);
        var earlyAllocs = k.booted().orElseThrow().allocations().stream()
                .filter(a -> a.caller().equals("early_alloc")).toList();
        assertThat(earlyAllocs.get(0).size()).as("devicemaps_init's vectors come first").isEqualTo(0x2000);
        KernelPageTables t = k.state(KernelPageTables.class);
        assertThat(t.l1(0xc16) & 3).as("the tail's megabyte: a kernel section").isEqualTo(2);
        assertThat(t.translate(0xc1607000L, Access.READ, Privilege.KERNEL))
                .isInstanceOfSatisfying(Translation.Mapped.class, m -> assertThat(m.pa()).isEqualTo(0x41607000L));
        assertThat(MmuChecks.fullScan(k)).isEmpty();
        assertThat(k.checkComplete()).isEmpty();
    }

    @Test
    void aRegionEndingInsideTheKernelsSectionsMapsNothingMoreAndItsTailStaysMapped() {
        // a no-map hole between _end and kernel_sec_end: the first region [0x40000000, 0x41608000)
        // starts at kernel_sec_start, so map_lowmem moves its start to kernel_sec_end, past its end
        // (6.1's create_mapping gets a wrapped length, which the model does not reproduce); the
        // region after the hole, [0x41610000, 0x41800000), is mapped from kernel_sec_end (case 2)
        Kernel k = Kernel.boot(BoardLine.parse(Map.of("memory", "0x40000000:0x1800000",
                "reserve", "0x41608000:0x8000:no-map")), Bugs.NONE);
        KernelPageTables t = k.state(KernelPageTables.class);
        assertThat(t.l1(0xc16) & 3).as("the kernel's last section").isEqualTo(2);
        assertThat(t.l1(0xc17) & 3).as("[0x41700000, 0x41800000): sections, after the hole").isEqualTo(2);
        assertThat(MmuChecks.fullScan(k)).isEmpty();
        assertThat(k.checkComplete()).isEmpty();
    }
}
