package armmm.model.mmu;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.properties.OracleFiles;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The kernel page-table API vmalloc writes through: pte_alloc_kernel, set_pte_ext, pte_clear, and the walk of the result. */
class KernelPageTablesTest {
    private static final long PGD = 0x40204000L;
    private static final long VA = 0xf0800000L;

    private static KernelPageTables tables() {
        return new KernelPageTables(PGD, 0x70000000L, Set.of());
    }

    @Test
    void everyPteThe6_1KernelWroteHasTheHardwareWordSetPteExtGivesIt() {
        Pattern line = Pattern.compile("^([0-9a-f]{8}) ([0-9a-f]{8}) ([0-9a-f]{8})$", Pattern.MULTILINE);
        Matcher m = line.matcher(OracleFiles.read("probe-mmu-1024M", "probe_mmu.txt"));
        int pairs = 0;
        while (m.find()) {
            int hw = (int) Long.parseLong(m.group(2), 16);
            int linux = (int) Long.parseLong(m.group(3), 16);
            assertThat(Pgtable2Level.hwPte(linux, 0)).as("linux %s", m.group(3)).isEqualTo(hw);
            pairs++;
        }
        assertThat(pairs).isEqualTo(14 + 172 + 109 + 3 + 2);
    }

    @Test
    void aMappedKernelPageWalksToItsFrameWithPageKernelsPermissions() {
        KernelPageTables t = tables();
        assertThat(t.pteAllocKernel(VA + 0x5000, () -> 0x41914L)).isEqualTo(PteAlloc.ALLOCATED);
        assertThat(t.l1At(VA)).isEqualTo(0x41914811);
        assertThat(t.l1At(VA + 0x100000)).isEqualTo(0x41914c11);
        assertThat(t.pteAllocKernel(VA + 0x105000, () -> -1)).isEqualTo(PteAlloc.PRESENT);
        assertThat(t.setPteExt(VA + 0x105000, 0x7e800L, MemType.MT_MEMORY_RW.protPte(), 0)).isTrue();
        assertThat(t.linuxPte(VA + 0x105000)).isEqualTo(0x7e80065f);
        assertThat(t.hwPte(VA + 0x105000)).isEqualTo(0x7e80045f);
        Translation.Mapped r = (Translation.Mapped) t.translate(VA + 0x105abc, Access.WRITE, Privilege.KERNEL);
        assertThat(r.pa()).isEqualTo(0x7e800abcL);
        assertThat(r.entry()).isEqualTo(EntryKind.SMALL_PAGE);
        assertThat(r.descriptorAddress()).isEqualTo(0x41914c00L + 5 * 4);
        assertThat(r.notGlobal()).isFalse();
        Translation.Fault user = (Translation.Fault) t.translate(VA + 0x105abc, Access.READ, Privilege.USER);
        assertThat(user.kind()).isEqualTo(FaultKind.PERMISSION);
        assertThat(user.fs()).isEqualTo(0x0f);
        assertThat(((Translation.Fault) t.translate(VA + 0x105abc, Access.EXEC, Privilege.KERNEL)).kind())
                .isEqualTo(FaultKind.PERMISSION);
    }

    @Test
    void aClearedPteIsAPageTranslationFaultAndAnEmptyPmdASectionOne() {
        KernelPageTables t = tables();
        t.pteAllocKernel(VA, () -> 0x41914L);
        t.setPteExt(VA, 0x7e800L, MemType.MT_MEMORY_RW.protPte(), 0);
        assertThat(t.pteClear(VA)).isTrue();
        assertThat(t.linuxPte(VA)).isZero();
        Translation.Fault f = (Translation.Fault) t.translate(VA, Access.READ, Privilege.KERNEL);
        assertThat(f.describe()).isEqualTo("page translation fault (fs 0x07, domain 0, read)");
        Translation.Fault s = (Translation.Fault) t.translate(0xf1000000L, Access.WRITE, Privilege.KERNEL);
        assertThat(s.describe()).isEqualTo("section translation fault (fs 0x05, write)");
        assertThat(t.pteClear(0xf1000000L)).isFalse();
        assertThat(t.setPteExt(0xf1000000L, 1, 0x65f, 0)).isFalse();
    }

    @Test
    void noMemoryAndSectionsAreReportedNotThrown() {
        KernelPageTables t = tables();
        assertThat(t.pteAllocKernel(VA, () -> -1)).isEqualTo(PteAlloc.NO_MEMORY);
        assertThat(t.pmdNone(VA)).isTrue();
        t.setSection(0xc0000000L, 0x40000000L, MemType.MT_MEMORY_RW.protSect());
        assertThat(t.pteAllocKernel(0xc0000000L, () -> 0x41000L)).isEqualTo(PteAlloc.SECTION);
        assertThat(PteAlloc.SECTION.ok()).isFalse();
    }

    @Test
    void pmdNoneReadsTheFirstWordOfThePairOnlyAsTheFoldedPmdOffsetDoes() {
        KernelPageTables odd = tables();
        odd.setSection(VA + 0x100000, 0x40100000L, MemType.MT_MEMORY_RW.protSect());
        assertThat(odd.l1At(VA + 0x100000)).isNotZero();
        assertThat(odd.pmdNone(VA)).isTrue();
        assertThat(odd.pmdNone(VA + 0x100000)).isTrue();
        KernelPageTables even = tables();
        even.setSection(VA, 0x40000000L, MemType.MT_MEMORY_RW.protSect());
        assertThat(even.l1At(VA + 0x100000)).isZero();
        assertThat(even.pmdNone(VA + 0x100000)).isFalse();
    }

    @Test
    void anOldPteIsAHardwareFaultAndACleanOneReadOnly() {
        int old = 0x7e800000 | (MemType.MT_MEMORY_RW.protPte() & ~Pgtable2Level.L_PTE_YOUNG);
        assertThat(Pgtable2Level.hwPte(old, 0)).isZero();
        int clean = 0x7e800000 | (MemType.MT_MEMORY_RW.protPte() & ~Pgtable2Level.L_PTE_DIRTY);
        assertThat(Pgtable2Level.hwPte(clean, 0) & Pgtable2Level.PTE_EXT_APX).isNotZero();
        assertThat(Pgtable2Level.hwPte(0x7e800000 | 0x65f | Pgtable2Level.L_PTE_NONE, 0)).isZero();
    }
}
