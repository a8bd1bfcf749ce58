package armmm.model.mmu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What each writer of {@link KernelPageTables} records: the first-level words and PTEs written
 * since the call began (read by the per-call INV-MMU checks) and the per-window write count
 * {@link KernelPageTables#writesIn} (vmalloc's change signal, widened to whole 2 MiB pmds because
 * one PTE page serves both megabytes of a pmd: arch/arm/include/asm/pgtable-2level.h, PTRS_PER_PTE
 * 512 Linux entries per pmd). {@code __pmd_populate} and {@code pmd_clear} write both words of the
 * pair; {@code __map_init_section} and {@code section_update} one.
 */
class KernelPageTablesWritesTest {
    private static final long VA = 0xf0800000L;

    @Test
    void eachWriterRecordsTheWordsItWrote() {
        KernelPageTables t = new KernelPageTables(0x40204000L, 0x70000000L, Set.of());
        assertThat(t.touchedL1()).isEmpty();
        assertThat(t.touchedPtes()).isEmpty();
        t.populatePmd(VA, 0x41914000L, Pgtable2Level.PAGE_KERNEL_TABLE);
        assertThat(t.touchedL1()).containsExactly(0xf08, 0xf09);
        t.setPteExt(VA + 0x3000, 0x7e800L, 0x65f, 0);
        t.pteClear(VA + 0x104000);
        t.setPteExt(VA + 0x3000, 0x7e801L, 0x65f, 0);
        assertThat(t.touchedPtes()).containsExactly(VA + 0x3000, VA + 0x104000, VA + 0x3000);
        t.setSection(0xc0300000L, 0x40300000L, 0x2);
        t.updateSection(0xc0300000L, 0, 1 << 15);
        t.pmdClear(0xc0400000L);
        assertThat(t.touchedL1()).containsExactly(0xf08, 0xf09, 0xc03, 0xc03, 0xc04, 0xc05);
        assertThat(t.l1(0xc03)).isEqualTo(0x40308002);
        assertThat(t.ptePagePhys(VA + 0x1fffff)).isEqualTo(0x41914000L);
        assertThat(t.ptePagePhys(0xc0300000L)).isEqualTo(-1L);
        assertThat(t.ptePagePhys()).containsExactly(0x41914000L);
        assertThat(t.ptePageCount()).isEqualTo(1);
        assertThat(t.pgdPhys()).isEqualTo(0x40204000L);
        assertThat(t.lowmemLimit()).isEqualTo(0x70000000L);
        t.beginStep();
        assertThat(t.touchedL1()).isEmpty();
        assertThat(t.touchedPtes()).isEmpty();
        // more than the 16 slots the lists start with
        for (int i = 0; i < 40; i++) {
            t.setPteExt(VA + ((long) i << 12), 0x7e800L + i, 0x65f, 0);
            t.setSection(0xc1000000L + ((long) i << 20), 0x41000000L + ((long) i << 20), 0x2);
        }
        assertThat(t.touchedPtes()).hasSize(40).endsWith(VA + (39L << 12));
        assertThat(t.touchedL1()).hasSize(40).endsWith(0xc10 + 39);
    }

    @Test
    void writesInCountsEveryWriteUnderTheWindowsPmds() {
        KernelPageTables t = new KernelPageTables(0x40204000L, 0x70000000L, Set.of());
        t.populatePmd(VA, 0x41914000L, Pgtable2Level.PAGE_KERNEL_TABLE); // 2 writes, l1 0xf08 and 0xf09
        t.setPteExt(VA + 0x105000, 0x7e800L, 0x65f, 0); // 1 write under 0xf09
        t.pteClear(VA + 0x5000); // 1 under 0xf08
        t.setSection(0xf0a00000L, 0x40000000L, 0x2); // 1 under 0xf0a (next pmd)
        t.updateSection(0xf0a00000L, 0, 1 << 4); // 1 more
        t.setSection(0x00000000L, 0x40000000L, 0x2); // l1 0: the first index
        t.setSection(0xfff00000L, 0x40000000L, 0x2); // l1 0xfff: the last
        assertThat(t.writesIn(VA, VA + 0x1000)).as("the pmd [f0800000, f0a00000)").isEqualTo(4);
        assertThat(t.writesIn(VA + 0x1fffff, VA + 0x200000)).isEqualTo(4);
        assertThat(t.writesIn(VA + 0x1fffff, VA + 0x200001)).as("two pmds").isEqualTo(6);
        assertThat(t.writesIn(0xf0a00000L, 0xf0c00000L)).isEqualTo(2);
        assertThat(t.writesIn(VA, VA)).as("an empty window").isZero();
        assertThat(t.writesIn(VA + 0x1000, VA)).as("a reversed window").isZero();
        assertThat(t.writesIn(0, 0x200000L)).isEqualTo(1);
        assertThat(t.writesIn(0xffe00000L, 0x1_0000_0000L)).isEqualTo(1);
        assertThat(t.writesIn(0, 0x1_0000_0000L)).isEqualTo(8);
        assertThat(t.writesIn(0xc0000000L, 0xf0800000L)).isZero();
    }
}
