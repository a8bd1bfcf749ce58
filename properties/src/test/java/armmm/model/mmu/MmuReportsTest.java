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

    @Test
    void ptdumpRunsSplitAtEachChangeOfAttributes() {
        KernelPageTables t = tables(0x70000000L);
        assertThat(PtdumpReport.render(t, layout(), VA, VA + 0x200000)).isEqualTo(
                "0xf0805000-0xf0807000       8K " + KERNEL_PAGE + "\n"
                        + "0xf0809000-0xf080a000       4K PTE  ro x " + "    " + "   " + " domain 0\n"
                        + "0xf080a000-0xf080b000       4K PTE  RW NX USR nG domain 0\n");
        // an unaligned start is rounded down to its page; the end clips the last run
        assertThat(PtdumpReport.render(t, layout(), VA + 0x5fff, VA + 0x6800)).isEqualTo(
                "0xf0805000-0xf0806800       6K " + KERNEL_PAGE + "\n");
    }

    @Test
    void ptdumpSectionsShowTheirSizeInMegabytesOrKilobytes() {
        KernelPageTables t = new KernelPageTables(0x40204000L, 0x70000000L, Set.of());
        int rwNx = 0x2 | 1 << 10 | 1 << 4;
        t.setSection(0xf0a00000L, 0x40000000L, rwNx);
        t.setSection(0xf0b00000L, 0x40100000L, rwNx);
        t.setSection(0xf0c00000L, 0x40200000L, 0x2 | 3 << 10 | 1 << 15 | 1 << 17 | 2 << 5);
        t.setSection(0xf0d00000L, 0x40300000L, 0x2);
        String sectRwNx = "SECT RW NX" + "    " + "   " + " domain 0";
        assertThat(PtdumpReport.render(t, layout(), 0xf0a00000L, 0xf0e00000L)).isEqualTo(
                "0xf0a00000-0xf0c00000       2M " + sectRwNx + "\n"
                        + "0xf0c00000-0xf0d00000       1M SECT ro x  USR nG domain 2\n"
                        + "0xf0d00000-0xf0e00000       1M SECT ro x " + "    " + "   " + " domain 0\n");
        assertThat(PtdumpReport.render(t, layout(), 0xf0a00000L, 0xf0b80000L)).isEqualTo(
                "0xf0a00000-0xf0b80000    1536K " + sectRwNx + "\n");
        assertThat(PtdumpReport.render(t, layout(), 0xf0a80000L, 0xf0b00000L)).isEqualTo(
                "0xf0a80000-0xf0b00000     512K " + sectRwNx + "\n");
    }

    /** VMALLOC_END is 0xff800000 (arch/arm/include/asm/pgtable.h): dump.c's "vmalloc() End" marker. */
    @Test
    void ptdumpPrintsTheMarkersInsideTheRangeAndSplitsRunsAtThem() {
        KernelPageTables t = new KernelPageTables(0x40204000L, 0x70000000L, Set.of());
        int rwNx = 0x2 | 1 << 10 | 1 << 4;
        t.setSection(0xff700000L, 0x40000000L, rwNx);
        t.setSection(0xff800000L, 0x40100000L, rwNx);
        Layout l = layout();
        String sect = " SECT RW NX" + "    " + "   " + " domain 0\n";
        assertThat(PtdumpReport.render(t, l, 0xff700000L, 0xff900000L)).isEqualTo(
                "0xff700000-0xff800000       1M" + sect
                        + "---[ vmalloc() End ]---\n"
                        + "0xff800000-0xff900000       1M" + sect);
        assertThat(PtdumpReport.render(t, l, 0xff800000L, 0xff801000L)).isEqualTo(
                "---[ vmalloc() End ]---\n0xff800000-0xff801000       4K" + sect);
        assertThat(PtdumpReport.render(t, l, 0xff800000L, 0xff800000L)).as("an empty range").isEmpty();
        assertThat(PtdumpReport.render(t, l, 0xff801000L, 0xff802000L)).isEqualTo(
                "0xff801000-0xff802000       4K" + sect);
        String whole = PtdumpReport.render(t, l);
        assertThat(whole).startsWith("---[ Modules ]---\n---[ Persistent kmaps ]---\n---[ Kernel Mapping ]---\n"
                + "---[ vmalloc() Area ]---\n0xff700000-0xff800000       1M" + sect);
        assertThat(whole).endsWith("---[ Fixmap Area ]---\n---[ Vectors ]---\n");
    }
}
