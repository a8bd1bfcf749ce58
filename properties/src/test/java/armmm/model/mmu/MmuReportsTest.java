package armmm.model.mmu;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.BoardLine;
import armmm.model.core.Bugs;
import armmm.model.kernel.Kernel;
import armmm.model.layout.Layout;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The two page-table prints: {@link PagetablesReport} (the oracle MMU probe's {@code @l1}/{@code @l2}
 * format, probe-mmu-1024M/probe_mmu.txt) and {@link PtdumpReport} (arch/arm/mm/dump.c
 * {@code /sys/kernel/debug/kernel_page_tables}: runs of equal attributes, area markers). Every
 * line is worked by hand from the words written: a PAGE_KERNEL PTE (Linux 0x65f) has hardware
 * 0x45f ({@code cpu_v7_set_pte_ext}: AP0, small page, TEX[0], XN), so APX 0 and AP 1 (RW, privileged
 * only), XN; a table word's domain is bits 8:5 (pgtable-2level-hwdef.h {@code PMD_DOMAIN}), a
 * section's AP bits 11:10, APX bit 15, XN bit 4, nG bit 17, supersection bit 18.
 */
class MmuReportsTest {
    private static final long VA = 0xf0800000L;
    private static final String KERNEL_PAGE = "PTE  RW NX" + "    " + "   " + " domain 0";

    private static KernelPageTables tables(long lowmemLimit) {
        KernelPageTables t = new KernelPageTables(0x40204000L, lowmemLimit, Set.of());
        t.pteAllocKernel(VA, () -> 0x41914L);
        t.setPteExt(VA + 0x5000, 0x7e800L, 0x65f, 0);
        t.setPteExt(VA + 0x6000, 0x7e801L, 0x65f, 0);
        t.setPteExt(VA + 0x7000, 0x7e802L, 0x65d, 0); // old: no hardware entry
        t.setPteExt(VA + 0x9000, 0x7e803L, 0x4df, 0); // L_PTE_RDONLY, no L_PTE_XN
        t.setPteExt(VA + 0xa000, 0x7e804L, 0x75f, Pgtable2Level.PTE_EXT_NG); // L_PTE_USER, not global
        return t;
    }

    private static Layout layout() {
        return Kernel.boot(BoardLine.parse(Map.of("ram", "24M")), Bugs.NONE).booted().orElseThrow().layout();
    }

    @Test
    void anL2BlockListsTheNonZeroEntriesOfItsMegabyte() {
        KernelPageTables t = tables(0x70000000L);
        String tail = " nonzero=%d (lines: va hw linux; all-zero entries omitted)\n";
        assertThat(PagetablesReport.l2(t, VA + 0x5abc)).isEqualTo(
                "@l2 l1=f08 va=f0800000 l1e=41914811 table_pa=41914800 lowmem" + String.format(tail, 5)
                        + "f0805000 7e80045f 7e80065f\n"
                        + "f0806000 7e80145f 7e80165f\n"
                        + "f0807000 00000000 7e80265d\n"
                        + "f0809000 7e80365e 7e8034df\n"
                        + "f080a000 7e804c7f 7e80475f\n");
        assertThat(PagetablesReport.l2(t, VA + 0x1fffff)).isEqualTo(
                "@l2 l1=f09 va=f0900000 l1e=41914c11 table_pa=41914c00 lowmem" + String.format(tail, 0));
        // arm_lowmem_limit exactly at the table: not below it, so highmem; one byte above: lowmem
        assertThat(PagetablesReport.l2(tables(0x41914800L), VA)).contains("table_pa=41914800 highmem nonzero=5");
        assertThat(PagetablesReport.l2(tables(0x41914801L), VA)).contains("table_pa=41914800 lowmem nonzero=5");
    }

    @Test
    void anL2BlockOfASectionOrAnEmptyWordIsItsHeaderAlone() {
        KernelPageTables t = tables(0x70000000L);
        t.setSection(0xc0000000L, 0x40000000L, 0x2);
        t.setSection(0xc0100000L, 0x40100000L, 0x2 | 1 << 18);
        assertThat(PagetablesReport.l2(t, 0xc0000000L))
                .isEqualTo("@l2 l1=c00 va=c0000000 l1e=40000002 (section, no second-level table)\n");
        assertThat(PagetablesReport.l2(t, 0xc01fffffL))
                .isEqualTo("@l2 l1=c01 va=c0100000 l1e=40140002 (supersection, no second-level table)\n");
        assertThat(PagetablesReport.l2(t, 0xc0200000L))
                .isEqualTo("@l2 l1=c02 va=c0200000 l1e=00000000 (fault, no second-level table)\n");
    }

    @Test
    void theL1BlockIsEveryWordEightToALine() {
        KernelPageTables t = tables(0x70000000L);
        String l1 = PagetablesReport.l1(t);
        String[] lines = l1.split("\n");
        assertThat(lines).hasSize(513);
        assertThat(lines[0]).isEqualTo("@l1 init_mm.pgd (4096 words, 8 per line: index_hex: words)");
        assertThat(lines[1]).isEqualTo("000:" + " 00000000".repeat(8));
        assertThat(lines[1 + 0xf08 / 8]).isEqualTo("f08: 41914811 41914c11" + " 00000000".repeat(6));
        assertThat(lines[512]).startsWith("ff8:");
        assertThat(l1).endsWith("\n");
    }

    /**
     * dump.c reads the Linux PTE (level 5, {@code pte_bits[]} masked: L_PTE_USER, RDONLY, XN,
     * SHARED, MT): 0x65f and 0x65d (not young, no hardware entry) are the same protection, one
     * run; L_PTE_RDONLY without L_PTE_XN (0x4df) is "ro x "; L_PTE_USER (0x75f) "USR"; nG is not
     * shown. All five have L_PTE_SHARED and L_PTE_MT_WRITEALLOC (0x1c): "SHD MEM/CACHED/WBWA".
     * The table's pmd is in domain 0: get_domain_name's "KERNEL " (with its pad).
     */
    @Test
    void ptdumpRunsSplitAtEachChangeOfAttributes() {
        KernelPageTables t = tables(0x70000000L);
        String wbwa = " SHD MEM/CACHED/WBWA";
        assertThat(PtdumpReport.render(t, layout(), VA, VA + 0x200000)).isEqualTo(
                "0xf0805000-0xf0808000   " + "       12K" + " PTE KERNEL " + "    " + " RW NX" + wbwa + "\n"
                        + "0xf0809000-0xf080a000   " + "        4K" + " PTE KERNEL " + "    " + " ro x " + wbwa + "\n"
                        + "0xf080a000-0xf080b000   " + "        4K" + " PTE KERNEL " + " USR RW NX" + wbwa + "\n");
        // an unaligned start is rounded down to its page; the end clips the last run
        assertThat(PtdumpReport.render(t, layout(), VA + 0x5fff, VA + 0x6800)).isEqualTo(
                "0xf0805000-0xf0806800   " + "        6K" + " PTE KERNEL " + "    " + " RW NX" + wbwa + "\n");
    }

    /**
     * Sections are level 4, named "PGD" (CONFIG_PGTABLE_LEVELS 2): {@code section_bits[]} for ARMv6+
     * print "    RW" for AP_WRITE alone, nothing for APX with AP 11 (no entry matches and these have
     * no clear text), then NX or "x ", SHD or "   ". Domain 2 is "IO     ". A run whose masked
     * protection is 0 is not printed.
     * Sizes are KiB shifted to M while divisible by 1024 (note_page's units loop).
     */
    @Test
    void ptdumpSectionsShowTheirSizeInMegabytesOrKilobytes() {
        KernelPageTables t = new KernelPageTables(0x40204000L, 0x70000000L, Set.of());
        int rwNx = 0x2 | 1 << 10 | 1 << 4;
        t.setSection(0xf0a00000L, 0x40000000L, rwNx);
        t.setSection(0xf0b00000L, 0x40100000L, rwNx);
        t.setSection(0xf0c00000L, 0x40200000L, 0x2 | 3 << 10 | 1 << 15 | 1 << 17 | 2 << 5);
        t.setSection(0xf0d00000L, 0x40300000L, 0x2);
        String sectRwNx = " PGD KERNEL " + "     RW" + " NX" + "    ";
        assertThat(PtdumpReport.render(t, layout(), 0xf0a00000L, 0xf0e00000L)).isEqualTo(
                "0xf0a00000-0xf0c00000   " + "        2M" + sectRwNx + "\n"
                        + "0xf0c00000-0xf0d00000   " + "        1M" + " PGD IO     " + " x " + "    " + "\n");
        // 0xf0d00000's section (AP 00, no XN, no S) masks to protection 0: note_page prints such a run as an empty one, not at all
        assertThat(PtdumpReport.render(t, layout(), 0xf0a00000L, 0xf0b80000L)).isEqualTo(
                "0xf0a00000-0xf0b80000   " + "     1536K" + sectRwNx + "\n");
        assertThat(PtdumpReport.render(t, layout(), 0xf0a80000L, 0xf0b00000L)).isEqualTo(
                "0xf0a80000-0xf0b00000   " + "      512K" + sectRwNx + "\n");
    }

    /**
     * dump.c's markers without KASAN: Modules, Kernel Mapping, vmalloc() Area (VMALLOC_START),
     * FDT Area (FDT_FIXED_BASE 0xff800000), Fixmap Area (FIXADDR_START 0xffc80000), Vectors,
     * Vectors End. A header is printed at the first note at or past its address, so a marker inside
     * an unwalked (section or empty) pmd shows at the next pmd. walk_pmd notes the odd word only when
     * it is a section, so an even section followed by an empty odd word shows as 2 MiB.
     */
    @Test
    void ptdumpPrintsTheMarkersInsideTheRangeAndSplitsRunsAtThem() {
        KernelPageTables t = new KernelPageTables(0x40204000L, 0x70000000L, Set.of());
        int rwNx = 0x2 | 1 << 10 | 1 << 4;
        t.setSection(0xff700000L, 0x40000000L, rwNx);
        t.setSection(0xff800000L, 0x40100000L, rwNx);
        Layout l = layout();
        String sect = " PGD KERNEL " + "     RW" + " NX" + "    " + "\n";
        assertThat(PtdumpReport.render(t, l, 0xff700000L, 0xff900000L)).isEqualTo(
                "0xff700000-0xff800000   " + "        1M" + sect
                        + "---[ FDT Area ]---\n"
                        + "0xff800000-0xff900000   " + "        1M" + sect);
        assertThat(PtdumpReport.render(t, l, 0xff800000L, 0xff801000L)).isEqualTo(
                "---[ FDT Area ]---\n0xff800000-0xff801000   " + "        4K" + sect);
        assertThat(PtdumpReport.render(t, l, 0xff800000L, 0xff800000L)).as("an empty range").isEmpty();
        assertThat(PtdumpReport.render(t, l, 0xff801000L, 0xff802000L)).isEqualTo(
                "0xff801000-0xff802000   " + "        4K" + sect);
        String whole = PtdumpReport.render(t, l);
        assertThat(whole).startsWith("---[ Modules ]---\n---[ Kernel Mapping ]---\n"
                + "---[ vmalloc() Area ]---\n0xff700000-0xff800000   " + "        1M" + sect
                + "---[ FDT Area ]---\n0xff800000-0xffa00000   " + "        2M" + sect);
        // no pmd is a table up there: the last note is 0xffe00000's, past FIXADDR_START only
        assertThat(whole).endsWith("---[ FDT Area ]---\n0xff800000-0xffa00000   " + "        2M" + sect
                + "---[ Fixmap Area ]---\n");
    }

    /**
     * The booted 1 GiB, 2-CPU board, worked from its tables (spec/mmu.md) and dump.c: lowmem sections
     * with PMD_SECT_S (SMP), text ro and executable, rodata and the rest NX; the two IRQ stacks'
     * PAGE_KERNEL pages (THREAD_SIZE 8 KiB each, init_irq_stacks); the device tree's two MT_MEMORY_RO
     * sections; the vectors page (MT_HIGH_VECTORS: L_PTE_USER | L_PTE_RDONLY, SMP's shared
     * write-allocate type) and the stubs page (MT_LOW_VECTORS: no L_PTE_USER) in DOMAIN_VECTORS.
     */
    @Test
    void theBootedTablesReadAsDumpCPrintsThem() {
        Kernel k = Kernel.boot(BoardLine.parse(Map.of("ram", "1024M", "cpus", "2")), Bugs.NONE);
        String sect = " PGD KERNEL ";
        String page = " PTE KERNEL " + "    " + " RW NX SHD MEM/CACHED/WBWA";
        assertThat(PtdumpReport.render(k.state(KernelPageTables.class), k.booted().orElseThrow().layout())).isEqualTo(
                "---[ Modules ]---\n"
                        + "---[ Kernel Mapping ]---\n"
                        + "0xc0000000-0xc0300000   " + "        3M" + sect + "     RW NX SHD\n"
                        + "0xc0300000-0xc0e00000   " + "       11M" + sect + "     ro x  SHD\n"
                        + "0xc0e00000-0xc1200000   " + "        4M" + sect + "     ro NX SHD\n"
                        + "0xc1200000-0xf0000000   " + "      750M" + sect + "     RW NX SHD\n"
                        + "---[ vmalloc() Area ]---\n"
                        + "0xf0800000-0xf0802000   " + "        8K" + page + "\n"
                        + "0xf0804000-0xf0806000   " + "        8K" + page + "\n"
                        + "---[ FDT Area ]---\n"
                        + "0xff800000-0xffa00000   " + "        2M" + sect + "     ro NX SHD\n"
                        + "---[ Fixmap Area ]---\n"
                        + "---[ Vectors ]---\n"
                        + "0xffff0000-0xffff1000   " + "        4K" + " PTE VECTORS" + " USR ro x  SHD MEM/CACHED/WBWA\n"
                        + "0xffff1000-0xffff2000   " + "        4K" + " PTE VECTORS" + "     ro x  SHD MEM/CACHED/WBWA\n"
                        + "---[ Vectors End ]---\n");
    }
}
