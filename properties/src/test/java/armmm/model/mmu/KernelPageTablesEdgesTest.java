package armmm.model.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.BoardLine;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import armmm.model.layout.Layout;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link KernelPageTables} built by hand, at the edges the booted kernel never reaches: the
 * 16 KiB alignment of {@code swapper_pg_dir} (arch/arm/kernel/head.S places it at
 * {@code KERNEL_RAM_VADDR - PG_DIR_SIZE}, PG_DIR_SIZE 0x4000) and of a PTE page; the first and
 * past-the-last byte of the first-level table as the walker's memory; a pmd that is a section
 * whose address falls on a PTE page ({@code pmd_bad}/{@code pte_offset_kernel} only follow a
 * table, arch/arm/include/asm/pgtable.h); {@code pte_alloc_kernel} given pfn 0; the DACR of
 * {@code uaccess_save_and_enable} (arch/arm/include/asm/uaccess.h: DOMAIN_USER becomes client);
 * {@code cpu_v7_set_pte_ext}'s rules for a PTE that is old, not present or L_PTE_NONE
 * (arch/arm/mm/proc-v7-2level.S); {@code pgd_index} (PGDIR_SHIFT 21, PTRS_PER_PGD 2048,
 * pgtable-2level.h); the {@code mem_types} domains (arch/arm/mm/mmu.c); and the reports on a
 * table in another domain or a range that starts inside a megabyte (arch/arm/mm/dump.c walks
 * from the range's start).
 */
class KernelPageTablesEdgesTest {
    private static final long PGD = 0x40204000L;

    private static KernelPageTables tables() {
        return new KernelPageTables(PGD, 0x70000000L, Set.of());
    }

    private static Layout layout() {
        return Kernel.boot(BoardLine.parse(Map.of("ram", "24M")), Bugs.NONE).booted().orElseThrow().layout();
    }

    @Test
    void thePgdAndPtePagesMustBeAligned() {
        assertThatThrownBy(() -> new KernelPageTables(0x40205000L, 0x70000000L, Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("swapper_pg_dir at 0x40205000, expected 16 KiB alignment");
        assertThat(new KernelPageTables(0x40208000L, 0x70000000L, Set.of()).pgdPhys()).isEqualTo(0x40208000L);
        KernelPageTables t = tables();
        assertThatThrownBy(() -> t.populatePmd(0xf0800000L, 0x41914800L, Pgtable2Level.PAGE_KERNEL_TABLE))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("PTE page at 0x41914800, expected page alignment");
        assertThat(t.touchedL1()).isEmpty();
    }

    @Test
    void theFirstLevelTableIsExactlySixteenKilobytesOfTheWalkersMemory() {
        KernelPageTables t = tables();
        t.setSection(0x00000000L, 0x40000000L, 0xc02);
        t.setSection(0xfff00000L, 0x4ff00000L, 0xc02);
        t.populatePmd(0xf0800000L, 0x40208000L, Pgtable2Level.PAGE_KERNEL_TABLE);
        t.setPteExt(0xf0800000L, 0x7e800L, 0x65f, 0);
        PhysicalMemory m = t.memory();
        assertThat(m.readWord(PGD)).isEqualTo(0x40000c02);
        assertThat(m.readWord(PGD + 0x3ffc)).isEqualTo(0x4ff00c02);
        // the word after the table is the PTE page at 0x40208000, whose word 0 is the Linux PTE
        assertThat(m.readWord(PGD + 0x4000)).isEqualTo(0x7e80065f);
        assertThat(m.readWord(PGD + 0x4800)).isEqualTo(0x7e80045f);
        assertThat(m.readWord(PGD - 4)).isZero();
        assertThat(m.readWord(0x50000000L)).isZero();
        assertThat(t.ptePageWords(0x50000000L)).isNull();
        assertThat(t.ptePageWords(0x40208000L)[0]).isEqualTo(0x7e80065f);
    }

    @Test
    void aSectionPmdHasNoPteEvenWhereItsAddressFallsOnAPtePage() {
        KernelPageTables t = tables();
        t.populatePmd(0xf0800000L, 0x41000000L, Pgtable2Level.PAGE_KERNEL_TABLE);
        assertThat(t.setPteExt(0xf0805000L, 0x7e800L, 0x65f, 0)).isTrue();
        // a section word 0x41000c02: minus PTE_HWTABLE_OFF it names pfn 0x41000, the PTE page above
        t.setSection(0xc0000000L, 0x41000000L, 0xc02);
        assertThat(t.linuxPte(0xc0005000L)).isZero();
        assertThat(t.hwPte(0xc0005000L)).isZero();
        assertThat(t.setPteExt(0xc0005000L, 0x7e801L, 0x65f, 0)).isFalse();
        assertThat(t.pteClear(0xc0005000L)).isFalse();
        assertThat(t.pteClear(0xd0000000L)).isFalse();
        assertThat(t.touchedPtes()).containsExactly(0xf0805000L);
        assertThat(t.linuxPte(0xf0805000L)).isEqualTo(0x7e80065f);
    }

    /**
     * MMU_HW_PTE_AT_256 puts the hardware word 256 entries after the Linux one; {@code pte_clear}
     * with the bug clears that same misplaced word (the Linux entry of the next megabyte's slot).
     */
    @Test
    void theMisplacedHardwareWordIsWhatPteClearClearsUnderTheBug() {
        KernelPageTables t = new KernelPageTables(PGD, 0x70000000L, Set.of(MmuBug.MMU_HW_PTE_AT_256));
        t.bootDone();
        t.populatePmd(0xf0800000L, 0x41000000L, Pgtable2Level.PAGE_KERNEL_TABLE);
        t.setPteExt(0xf0805000L, 0x7e800L, 0x65f, 0);
        // Linux index 5, hardware word at 256 + 5: the Linux view of 0xf0905000
        assertThat(t.linuxPte(0xf0805000L)).isEqualTo(0x7e80065f);
        assertThat(t.linuxPte(0xf0905000L)).isEqualTo(0x7e80045f);
        assertThat(t.hwPte(0xf0805000L)).isZero();
        assertThat(t.pteClear(0xf0805000L)).isTrue();
        assertThat(t.linuxPte(0xf0805000L)).isZero();
        assertThat(t.linuxPte(0xf0905000L)).isZero();
        assertThat(t.ptePageWords(0x41000000L)).containsOnly(0);
    }

    /**
     * A hardware word left behind by a Linux entry cleared under MMU_HW_PTE_AT_256 (written right at
     * boot, cleared after): the l2 block lists an entry whose Linux word is 0 but whose hardware
     * word is not, the "cleared PTE still mapped" case INV-MMU-01 reports.
     */
    @Test
    void anL2BlockListsAHardwareWordWhoseLinuxWordIsZero() {
        KernelPageTables t = new KernelPageTables(PGD, 0x70000000L, Set.of(MmuBug.MMU_HW_PTE_AT_256));
        t.populatePmd(0xf0800000L, 0x41000000L, Pgtable2Level.PAGE_KERNEL_TABLE);
        t.setPteExt(0xf0805000L, 0x7e800L, 0x65f, 0);
        t.bootDone();
        t.pteClear(0xf0805000L);
        assertThat(PagetablesReport.l2(t, 0xf0805000L)).isEqualTo(
                "@l2 l1=f08 va=f0800000 l1e=41000811 table_pa=41000800 lowmem nonzero=1"
                        + " (lines: va hw linux; all-zero entries omitted)\n"
                        + "f0805000 7e80045f 00000000\n");
    }

    @Test
    void pteAllocKernelTakesPfnZeroAndRefusesOnlyANegativeOne() {
        KernelPageTables t = tables();
        assertThat(t.pteAllocKernel(0xf0800000L, () -> -1L)).isEqualTo(PteAlloc.NO_MEMORY);
        assertThat(t.pmdNone(0xf0800000L)).isTrue();
        assertThat(t.pteAllocKernel(0xf0800000L, () -> 0L)).isEqualTo(PteAlloc.ALLOCATED);
        // _PAGE_KERNEL_TABLE (PMD_TYPE_TABLE | PMD_BIT4) on the hardware half at +2048, +1024 for the odd word
        assertThat(t.l1(0xf08)).isEqualTo(0x811);
        assertThat(t.l1(0xf09)).isEqualTo(0xc11);
        assertThat(t.ptePagePhys()).containsExactly(0L);
        assertThat(PteAlloc.PRESENT.ok()).isTrue();
        assertThat(PteAlloc.ALLOCATED.ok()).isTrue();
        assertThat(PteAlloc.NO_MEMORY.ok()).isFalse();
        assertThat(PteAlloc.SECTION.ok()).isFalse();
    }

    @Test
    void uaccessEnablesTheUserDomainOnly() {
        KernelPageTables t = tables();
        // a section in DOMAIN_USER (1), AP[1:0] = 11: DACR 0x51 has domain 1 no access, 0x55 client
        t.setSection(0x00100000L, 0x40100000L, 0xc02 | Pgtable2Level.DOMAIN_USER << 5);
        assertThat(t.translate(0x00100010L, Access.READ, Privilege.KERNEL, false))
                .isEqualTo(new Translation.Fault(FaultKind.DOMAIN, false, 1, false));
        assertThat(t.translate(0x00100010L, Access.READ, Privilege.KERNEL))
                .isEqualTo(new Translation.Fault(FaultKind.DOMAIN, false, 1, false));
        assertThat(t.translate(0x00100010L, Access.READ, Privilege.KERNEL, true)).isInstanceOfSatisfying(
                Translation.Mapped.class, m -> assertThat(m.pa()).isEqualTo(0x40100010L));
    }

    @Test
    void writesInAnEmptyWindowAreNone() {
        KernelPageTables t = tables();
        t.populatePmd(0xf0800000L, 0x41000000L, Pgtable2Level.PAGE_KERNEL_TABLE);
        t.setPteExt(0xf0805000L, 0x7e800L, 0x65f, 0);
        assertThat(t.writesIn(0xf0805000L, 0xf0806000L)).isEqualTo(3);
        assertThat(t.writesIn(0xf0805000L, 0xf0805000L)).isZero();
        assertThat(t.writesIn(0xf0806000L, 0xf0805000L)).isZero();
    }

    @Test
    void setPteExtWritesTheHardwareWordOnlyForAYoungPresentPte() {
        // PAGE_KERNEL 0x65f: hardware AP0, small, TEX[0] (from bit 4), XN; APX clear (dirty, writable)
        assertThat(Pgtable2Level.hwPte(0x7e80065f, 0)).isEqualTo(0x7e80045f);
        // old (no L_PTE_YOUNG), not present (no L_PTE_PRESENT), or L_PTE_NONE: hardware entry 0
        assertThat(Pgtable2Level.hwPte(0x7e80065d, 0)).isZero();
        assertThat(Pgtable2Level.hwPte(0x7e80065e, 0)).isZero();
        assertThat(Pgtable2Level.hwPte(0x7e800e5f, 0)).isZero();
        assertThat(Pgtable2Level.hwPte(0x7e800002, 0)).isZero();
        // young and present alone: AP0 | small | APX (not dirty)
        assertThat(Pgtable2Level.hwPte(0x7e800003, 0)).isEqualTo(0x7e800212);
        assertThat(Pgtable2Level.pgdIndex(0xc0000000L)).isEqualTo(0x600);
        assertThat(Pgtable2Level.pgdIndex(0xffffffffL)).isEqualTo(2047);
        assertThat(Pgtable2Level.pgdIndex(0x001fffffL)).isZero();
        assertThat(Pgtable2Level.pgdIndex(0x00200000L)).isEqualTo(1);
    }

    @Test
    void memTypesCarryTheirDomainIntoL1AndSectionBits() {
        assertThat(MemType.MT_DEVICE.domain()).isEqualTo(Pgtable2Level.DOMAIN_IO);
        assertThat(MemType.MT_DEVICE.protL1()).isEqualTo(0x41);
        assertThat(MemType.MT_HIGH_VECTORS.domain()).isEqualTo(Pgtable2Level.DOMAIN_VECTORS);
        assertThat(MemType.MT_HIGH_VECTORS.protL1()).isEqualTo(0x61);
        assertThat(MemType.MT_HIGH_VECTORS.protSect()).isZero();
        assertThat(MemType.MT_MEMORY_RW.domain()).isEqualTo(Pgtable2Level.DOMAIN_KERNEL);
        assertThat(MemType.MT_MEMORY_RW.protSect()).isEqualTo(0x1141e);
        assertThat(Access.EXEC.spelling()).isEqualTo("exec");
        assertThat(Access.WRITE.spelling()).isEqualTo("write");
    }

    @Test
    void anL2BlockListsAnOldPteWhoseHardwareWordIsZero() {
        KernelPageTables t = tables();
        t.populatePmd(0xbf000000L, 0x41000000L, Pgtable2Level.PAGE_KERNEL_TABLE);
        t.setPteExt(0xbf001000L, 0x42000L, 0x65f, 0);
        t.setPteExt(0xbf002000L, 0x42001L, 0x65d, 0);
        assertThat(PagetablesReport.l2(t, 0xbf000000L)).isEqualTo(
                "@l2 l1=bf0 va=bf000000 l1e=41000811 table_pa=41000800 lowmem nonzero=2"
                        + " (lines: va hw linux; all-zero entries omitted)\n"
                        + "bf001000 4200045f 4200065f\n"
                        + "bf002000 00000000 4200165d\n");
    }

    @Test
    void ptdumpWalksFromInsideAMegabyteAndShowsATablesDomain() {
        Layout l = layout();
        KernelPageTables t = tables();
        int rwNx = 0x2 | 1 << 10 | 1 << 4;
        // dump.c's line: the range, the size right-aligned in 9 columns with its unit, the level
        // ("PGD" for a section, CONFIG_PGTABLE_LEVELS 2), get_domain_name's padded name, then the
        // section_bits[]/pte_bits[] texts (MmuReportsTest works each one)
        String sectRwNx = " PGD KERNEL " + "     RW" + " NX" + "    ";
        t.setSection(0xf0a00000L, 0x40000000L, rwNx);
        t.setSection(0xf0c00000L, 0x40200000L, 0x2 | 3 << 10 | 1 << 15 | 1 << 17 | 2 << 5);
        t.setSection(0xf0d00000L, 0x40300000L, rwNx);
        // from the middle of an empty megabyte: the next megabyte's section is still shown
        assertThat(PtdumpReport.render(t, l, 0xf0980000L, 0xf0b00000L)).isEqualTo(
                "0xf0a00000-0xf0b00000   " + "        1M" + sectRwNx + "\n");
        // from the middle of a section: its half, then the next section's own attributes; APX with
        // AP 11 matches no section_bits[] entry (no "ro", no "USR"), domain 2 is "IO     "
        assertThat(PtdumpReport.render(t, l, 0xf0c80000L, 0xf0e00000L)).isEqualTo(
                "0xf0c80000-0xf0d00000   " + "      512K" + " PGD IO     " + " x " + "    " + "\n"
                        + "0xf0d00000-0xf0e00000   " + "        1M" + sectRwNx + "\n");
        // AP[1:0] = 10 (PMD_SECT_AP_READ): PL0 may read (ARMv7-A ARM table B3-8), so USR ro
        t.setSection(0xf0e00000L, 0x40400000L, 0x2 | 2 << 10);
        assertThat(PtdumpReport.render(t, l, 0xf0e00000L, 0xf0f00000L)).isEqualTo(
                "0xf0e00000-0xf0f00000   " + "        1M" + " PGD KERNEL " + " USR ro" + " x " + "    " + "\n");
        // a PTE table in DOMAIN_VECTORS (3), as devicemaps_init makes the vectors' one (MT_HIGH_VECTORS)
        t.populatePmd(0xf1000000L, 0x41000000L, MemType.MT_HIGH_VECTORS.protL1());
        t.setPteExt(0xf1000000L, 0x42000L, MemType.MT_HIGH_VECTORS.protPte(), 0);
        assertThat(PtdumpReport.render(t, l, 0xf1000000L, 0xf1002000L)).isEqualTo(
                "0xf1000000-0xf1001000   " + "        4K" + " PTE VECTORS" + " USR ro x " + " SHD MEM/CACHED/WBWA" + "\n");
    }
}
