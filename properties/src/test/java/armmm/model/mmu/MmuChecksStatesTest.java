package armmm.model.mmu;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.BoardLine;
import armmm.model.core.Bugs;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The MMU invariants (INV-MMU-01..04, {@link MmuChecks}) on tables that break them, each answer
 * worked by hand from the bit layout of arch/arm/include/asm/pgtable-2level.h (Linux PTE bits),
 * pgtable-2level-hwdef.h (hardware PTE and section bits) and arch/arm/mm/proc-v7-2level.S
 * {@code cpu_v7_set_pte_ext} (the hardware word from the Linux one: PAGE_KERNEL's 0x65f gives
 * 0x45f, the same with L_PTE_USER 0x75f gives 0x47f, PTE_EXT_NG adds 0x800). The tables are built
 * by hand (no boot) and installed in a bare kernel, so only the MMU's own state is read.
 */
class MmuChecksStatesTest {
    private static final long PGD = 0x40204000L;
    /** A vmalloc address at the start of an even megabyte: its pmd pair is [0xf08, 0xf09]. */
    private static final long VA = 0xf0800000L;
    /** PAGE_KERNEL (MT_MEMORY_RW) as a Linux PTE's low bits on this build: young, dirty, XN, present. */
    private static final int PAGE_KERNEL = 0x65f;

    private static Kernel kernelWith(KernelPageTables t) {
        Kernel k = Kernel.bare();
        k.install(MmuSubsystem.INSTANCE, t);
        return k;
    }

    private static KernelPageTables tables(MmuBug... bugs) {
        KernelPageTables t = new KernelPageTables(PGD, 0x70000000L, Set.of(bugs));
        t.bootDone();
        return t;
    }

    /**
     * MMU_HW_PTE_AT_256: the hardware word of the odd megabyte's page 5 (Linux index 261) lands
     * at 256 + 261 = 517, the hardware slot of the even megabyte's page 5, not at 512 + 261.
     */
    @Test
    void aHardwareEntryInTheWrongSlotBreaksInvariants01And03OnBothPages() {
        KernelPageTables t = tables(MmuBug.MMU_HW_PTE_AT_256);
        assertThat(t.pteAllocKernel(VA, () -> 0x41914L)).isEqualTo(PteAlloc.ALLOCATED);
        t.beginStep();
        assertThat(t.setPteExt(VA + 0x105000, 0x7e800L, PAGE_KERNEL, 0)).isTrue();
        Kernel k = kernelWith(t);
        assertThat(MmuChecks.PTE_WALKS_AS_INTENDED.check(k)).containsExactly(new Violation("INV-MMU-01",
                "PTE does not walk to its frame",
                "va f0905000 linux 7e80065f: expected pa 7e800000, walk gives page translation fault (fs 0x07, domain 0, read)"));
        assertThat(MmuChecks.VIEWS_AGREE.check(k)).containsExactly(new Violation("INV-MMU-03",
                "Linux and hardware PTE disagree",
                "va f0905000 linux 7e80065f hw 00000000: no hardware small page for a present Linux entry"));
        assertThat(MmuChecks.KERNEL_GLOBAL.check(k)).isEmpty();
        assertThat(MmuChecks.LOWMEM_LINEAR.check(k)).as("no boot layout: does not apply").isEmpty();
        assertThat(MmuChecks.LOWMEM_LINEAR.appliesTo(k)).isFalse();
        // the full scan walks all 512 PTEs of the pair, in address order, each walk check before its views check
        assertThat(MmuChecks.fullScan(k)).containsExactly(
                new Violation("INV-MMU-01", "cleared or old PTE still mapped", "va f0805000 linux 00000000 walks to pa 7e800000"),
                new Violation("INV-MMU-03", "Linux and hardware PTE disagree",
                        "va f0805000 linux 00000000 hw 7e80045f: hardware entry present for a Linux entry that is not"),
                new Violation("INV-MMU-01", "PTE does not walk to its frame",
                        "va f0905000 linux 7e80065f: expected pa 7e800000, walk gives page translation fault (fs 0x07, domain 0, read)"),
                new Violation("INV-MMU-03", "Linux and hardware PTE disagree",
                        "va f0905000 linux 7e80065f hw 00000000: no hardware small page for a present Linux entry"));
    }

    /** MMU_PTE_XN_DROPPED: hardware 0x45e instead of 0x45f, so kernel exec walks where the Linux entry forbids it. */
    @Test
    void aDroppedXnIsAnExecPermissionAndAnXnDisagreement() {
        KernelPageTables t = tables(MmuBug.MMU_PTE_XN_DROPPED);
        t.pteAllocKernel(VA, () -> 0x41914L);
        t.beginStep();
        t.setPteExt(VA + 0x5000, 0x7e800L, PAGE_KERNEL, 0);
        Kernel k = kernelWith(t);
        assertThat(MmuChecks.PTE_WALKS_AS_INTENDED.check(k)).containsExactly(new Violation("INV-MMU-01",
                "PTE permissions differ from its protection",
                "va f0805000 linux 7e80065f hw 7e80045e: kernel exec forbidden by the Linux entry, allowed by the walk"));
        assertThat(MmuChecks.VIEWS_AGREE.check(k)).containsExactly(new Violation("INV-MMU-03",
                "Linux and hardware PTE disagree", "va f0805000 linux 7e80065f hw 7e80045e: XN differs"));
        assertThat(MmuChecks.fullScan(k)).hasSize(2);
    }

    /** Right PTEs of every kind pass: read-only (0x6df, L_PTE_RDONLY), clean (no L_PTE_DIRTY), executable (no XN), cleared. */
    @Test
    void rightEntriesOfEveryProtectionPass() {
        KernelPageTables t = tables();
        t.pteAllocKernel(VA, () -> 0x41914L);
        t.beginStep();
        t.setPteExt(VA, 0x7e800L, PAGE_KERNEL | Pgtable2Level.L_PTE_RDONLY, 0);
        t.setPteExt(VA + 0x1000, 0x7e801L, PAGE_KERNEL & ~Pgtable2Level.L_PTE_DIRTY, 0);
        t.setPteExt(VA + 0x2000, 0x7e802L, PAGE_KERNEL & ~Pgtable2Level.L_PTE_XN, 0);
        t.setPteExt(VA + 0x3000, 0x7e803L, PAGE_KERNEL & ~Pgtable2Level.L_PTE_YOUNG, 0);
        t.setPteExt(VA + 0x104000, 0x7e804L, PAGE_KERNEL, 0);
        t.pteClear(VA + 0x104000);
        Kernel k = kernelWith(t);
        assertThat(t.touchedPtes()).hasSize(6);
        assertThat(MmuChecks.PTE_WALKS_AS_INTENDED.check(k)).isEmpty();
        assertThat(MmuChecks.VIEWS_AGREE.check(k)).isEmpty();
        assertThat(MmuChecks.fullScan(k)).isEmpty();
    }

    /**
     * INV-MMU-04 on PTEs: from MODULES_VADDR (first-level index 0xbf0) up, a present hardware PTE
     * must be global (no PTE_EXT_NG, bit 11) and not user-accessible (no PTE_EXT_AP1, bit 5), the
     * vectors page at 0xffff0000 excepted (its PTE has L_PTE_USER, arch/arm/mm/mmu.c
     * {@code devicemaps_init}: MT_HIGH_VECTORS).
     */
    @Test
    void kernelPtesMustBeGlobalAndPrivilegedButForTheVectors() {
        KernelPageTables t = tables();
        t.pteAllocKernel(0xffff0000L, () -> 0x41915L);
        t.pteAllocKernel(0xbe000000L, () -> 0x41916L);
        t.pteAllocKernel(0xbf000000L, () -> 0x41917L);
        t.beginStep();
        int user = PAGE_KERNEL | Pgtable2Level.L_PTE_USER;
        t.setPteExt(0xffff0000L, 0x7e800L, user, 0);
        t.setPteExt(0xffff1000L, 0x7e801L, user, 0);
        t.setPteExt(0xffff2000L, 0x7e802L, PAGE_KERNEL, Pgtable2Level.PTE_EXT_NG);
        t.setPteExt(0xbe000000L, 0x7e803L, user, Pgtable2Level.PTE_EXT_NG);
        t.setPteExt(0xbf000000L, 0x7e804L, PAGE_KERNEL, Pgtable2Level.PTE_EXT_NG);
        t.setPteExt(0xffff3000L, 0x7e805L, PAGE_KERNEL & ~Pgtable2Level.L_PTE_YOUNG, Pgtable2Level.PTE_EXT_NG);
        Kernel k = kernelWith(t);
        assertThat(MmuChecks.KERNEL_GLOBAL.check(k)).containsExactly(
                new Violation("INV-MMU-04", "kernel PTE user-accessible",
                        "va ffff1000 hw 7e80147f (only the vectors page at ffff0000 may be)"),
                new Violation("INV-MMU-04", "kernel PTE not global", "va ffff2000 hw 7e802c5f"),
                new Violation("INV-MMU-04", "kernel PTE not global", "va bf000000 hw 7e804c5f"));
        assertThat(MmuChecks.fullScan(k)).filteredOn(v -> v.id().equals("INV-MMU-04")).hasSize(3);
    }

    /**
     * INV-MMU-04 on sections: nG is bit 17 of a section, AP[1:0] bits 11:10 (AP 2 or 3 lets user
     * mode in), APX bit 15. Below 0xbf0 (user space) nothing is checked.
     */
    @Test
    void kernelSectionsMustBeGlobalAndPrivileged() {
        KernelPageTables t = tables();
        t.setSection(0xbe000000L, 0x40000000L, 0x2 | 1 << 17);
        t.setSection(0xbf000000L, 0x40100000L, 0x2 | 1 << 17);
        t.setSection(0xc0000000L, 0x40200000L, 0x2 | 1 << 11);
        t.setSection(0xc0100000L, 0x40300000L, 0x2 | 1 << 10);
        t.setSection(0xc0200000L, 0x40400000L, 0x2 | 1 << 11 | 1 << 15);
        t.setSection(0xc0300000L, 0x40500000L, 0x2 | 3 << 10 | 1 << 15);
        t.setSection(0xfff00000L, 0x40600000L, 0x2 | 1 << 17 | 1 << 10 | 1 << 15);
        Kernel k = kernelWith(t);
        List<Violation> expected = List.of(
                new Violation("INV-MMU-04", "kernel section not global", "l1[bf0] = 40120002"),
                new Violation("INV-MMU-04", "kernel section user-accessible", "l1[c00] = 40200802"),
                new Violation("INV-MMU-04", "kernel section user-accessible", "l1[c02] = 40408802"),
                new Violation("INV-MMU-04", "kernel section user-accessible", "l1[c03] = 40508c02"),
                new Violation("INV-MMU-04", "kernel section not global", "l1[fff] = 40628402"));
        assertThat(MmuChecks.KERNEL_GLOBAL.check(k)).containsExactlyElementsOf(expected);
        assertThat(MmuChecks.fullScan(k)).containsExactlyElementsOf(expected);
        t.beginStep();
        assertThat(MmuChecks.KERNEL_GLOBAL.check(k)).as("nothing written in this call").isEmpty();
    }

    /**
     * INV-MMU-02 on a booted kernel (ram=24M: RAM and PHYS_OFFSET 0x40000000, PAGE_OFFSET
     * 0xc0000000): a lowmem section rewritten to another frame breaks the linear map; the per-call
     * check reads the written megabyte only and stops at 8 reports.
     */
    @Test
    void aLowmemSectionOnTheWrongFrameIsNotLinear() {
        Kernel k = Kernel.boot(BoardLine.parse(Map.of("ram", "24M")), Bugs.NONE);
        KernelPageTables t = k.state(KernelPageTables.class);
        assertThat(MmuChecks.fullScan(k)).isEmpty();
        t.beginStep();
        int word = t.l1(0xc03);
        assertThat(word & 0xfff00000).isEqualTo(0x40300000);
        t.setSection(0xc0300000L, 0x40400000L, word & 0xfffff);
        List<Violation> perCall = MmuChecks.LOWMEM_LINEAR.check(k);
        assertThat(perCall).hasSize(8);
        assertThat(perCall.get(0)).isEqualTo(new Violation("INV-MMU-02", "lowmem not linearly mapped",
                "__va(40300000) = c0300000 walks to pa 40400000"));
        assertThat(perCall.get(7).details()).isEqualTo("__va(40307000) = c0307000 walks to pa 40407000");
        assertThat(MmuChecks.fullScan(k)).filteredOn(v -> v.id().equals("INV-MMU-02")).hasSize(8)
                .first().isEqualTo(perCall.get(0));
        t.pmdClear(0xc0400000L);
        assertThat(MmuChecks.LOWMEM_LINEAR.check(k).get(0).details())
                .isEqualTo("__va(40300000) = c0300000 walks to pa 40400000");
        t.beginStep();
        t.pmdClear(0xc0400000L);
        assertThat(MmuChecks.LOWMEM_LINEAR.check(k).get(0).details())
                .isEqualTo("__va(40400000) = c0400000 walks to section translation fault (fs 0x05, read)");
    }
}
