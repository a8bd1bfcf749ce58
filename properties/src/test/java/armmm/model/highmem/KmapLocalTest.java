package armmm.model.highmem;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.mmu.Access;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.Privilege;
import armmm.model.mmu.Translation;
import armmm.properties.OracleFiles;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** kmap_local_page/kmap_atomic (mm/highmem.c) against the probe's nest on cpu 0. */
class KmapLocalTest {

    private static KmapLocal local(KernelPageTables t) {
        t.pteAllocKernel(0xffe00000L, () -> 0x41001L);
        // two CPUs: cpu 0 runs task 0, cpu 1 task 1, each with its own kmap_ctrl
        return new KmapLocal(t, new Pkmap(t, 0xbfe00000L, 0xc0000000L, 0x40000000L, 0x6f800L), 2, 0xc0000000L,
                new java.util.ArrayList<>());
    }

    private static long pa(KernelPageTables t, long va) {
        return ((Translation.Mapped) t.translate(va, Access.READ, Privilege.KERNEL)).pa();
    }

    @Test
    void theProbesKmapAtomicNestOnCpu0GivesTheCapturesFixmapAddressesAndTranslations() {
        String cap = OracleFiles.read("probe-highmem-1024M", "probe_highmem.txt");
        assertThat(cap).contains("level1 highmem pfn 7e8f1 -> ffefe000 fixidx 1 PAR 7e8f1200")
                .contains("level2 lowmem  pfn 41d60 -> c1d60000").contains("level3 highmem pfn 7e8f0 -> ffefd000 fixidx 2")
                .contains("level4 kmap_local highmem pfn 7e8ef -> ffefc000 fixidx 3")
                .contains("after unwind kmap_local highmem pfn 7e8ee -> ffefe000 fixidx 1");
        KernelPageTables t = new KernelPageTables(0x40004000L, 0x6f800000L, Set.of());
        KmapLocal k = local(t);
        long a = k.kmapLocalPage(0x7e8f1L, 0);
        long b = k.kmapLocalPage(0x41d60L, 0);
        long c = k.kmapLocalPage(0x7e8f0L, 0);
        long d = k.kmapLocalPage(0x7e8efL, 0);
        assertThat(new long[] {a, b, c, d}).containsExactly(0xffefe000L, 0xc1d60000L, 0xffefd000L, 0xffefc000L);
        assertThat(pa(t, a)).isEqualTo(0x7e8f1000L);
        assertThat(pa(t, d)).isEqualTo(0x7e8ef000L);
        assertThat(k.depth()).isEqualTo(3);
        assertThat(k.kunmapLocal(d, 0)).isNull();
        assertThat(t.translate(d, Access.READ, Privilege.KERNEL)).isInstanceOf(Translation.Fault.class);
        assertThat(k.kunmapLocal(c, 0)).isNull();
        assertThat(k.kunmapLocal(b, 0)).isNull();
        assertThat(k.kunmapLocal(a, 0)).isNull();
        assertThat(k.depth()).isZero();
        assertThat(k.kmapLocalPage(0x7e8eeL, 0)).isEqualTo(0xffefe000L);
    }

    @Test
    void outOfOrderUnmapWarnsAndOverflowAndUnderflowAreBugs() {
        KernelPageTables t = new KernelPageTables(0x40004000L, 0x6f800000L, Set.of());
        KmapLocal k = local(t);
        long a = k.kmapLocalPage(0x7e8f1L, 0);
        long b = k.kmapLocalPage(0x7e8f0L, 0);
        // kunmap_local_indexed clears the PTE of the address it is given (virt_to_kpte) and pops
        // the top: a's slot is cleared, b's popped but still mapped
        assertThat(k.kunmapLocal(a, 0)).contains("WARNING").contains("addr != __fix_to_virt");
        assertThat(t.linuxPte(a)).isZero();
        assertThat(pa(t, b)).isEqualTo(0x7e8f0000L);
        assertThat(k.disturbedByMisuse(0, 0)).isTrue();
        assertThat(k.disturbedByMisuse(0, 1)).isTrue();
        assertThat(k.depth()).isEqualTo(1);
        // a is the top now: a correct unmap, which makes its slot agree with the stack again
        assertThat(k.kunmapLocal(a, 0)).isNull();
        assertThat(k.disturbedByMisuse(0, 0)).isFalse();
        assertThat(k.disturbedByMisuse(0, 1)).isTrue();
        assertThat(k.kunmapLocal(a, 0)).contains("WARNING").contains("BUG");
        assertThat(k.kunmapLocal(0x10000L, 0)).contains("addr < PAGE_OFFSET");
        // the push onto b's stale slot: BUG_ON(!pte_none(*kmap_pte)), nothing changed
        assertThat(k.kmapLocalPage(0x7e8efL, 0)).isEqualTo(0xffefe000L);
        assertThat(k.kmapLocalPage(0x7e8eeL, 0)).isEqualTo(-2);
        assertThat(k.depth()).isEqualTo(1);
        // idx is incremented before BUG_ON(idx >= KM_MAX_IDX): 15 levels, the 16th BUGs
        for (int i = 0; i < KmapLocal.KM_MAX_IDX - 1; i++) {
            assertThat(k.kmapLocalPage(0x70000L + i, 1)).isEqualTo(KmapLocal.fixToVirt(1 + 16 + i));
        }
        assertThat(k.kmapLocalPage(0x71000L, 1)).isEqualTo(-1);
        assertThat(k.cpuDepth(1)).isEqualTo(KmapLocal.KM_MAX_IDX - 1);
    }
}
