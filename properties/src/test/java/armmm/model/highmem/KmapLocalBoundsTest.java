package armmm.model.highmem;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.mmu.KernelPageTables;
import java.util.ArrayList;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The edges of {@code kunmap_local_indexed} (mm/highmem.c 6.1): the kmap fixmap range is
 * {@code __fix_to_virt(FIX_KMAP_END)} to {@code __fix_to_virt(FIX_KMAP_BEGIN)} inclusive (slots
 * 128 down to 1 on this build, FIXADDR_TOP 0xffeff000); outside it the call only warns for a user
 * address ({@code addr < PAGE_OFFSET}); inside it the top level of CPU {@code c} is slot
 * {@code FIX_KMAP_BEGIN + idx + KM_MAX_IDX * c} ({@code kmap_local_calc_idx}).
 */
class KmapLocalBoundsTest {
    private static final long PAGE_OFFSET = 0xc0000000L;

    /** Eight CPUs (NR_CPUS of the armmp build), so that the last kmap slot, 128, is reachable. */
    private static KmapLocal local(KernelPageTables t) {
        t.pteAllocKernel(0xffe00000L, () -> 0x41001L);
        return new KmapLocal(t, new Pkmap(t, 0xbfe00000L, PAGE_OFFSET, 0x40000000L, 0x6f800L), 8, PAGE_OFFSET,
                new ArrayList<>());
    }

    private static KernelPageTables tables() {
        return new KernelPageTables(0x40004000L, 0x6f800000L, Set.of());
    }

    @Test
    void theRangeEndsAtTheLastSlotOfTheLastCpuInclusive() {
        KernelPageTables t = tables();
        KmapLocal k = local(t);
        long last = 0;
        // idx is incremented before BUG_ON(idx >= KM_MAX_IDX): a task holds 15 levels at most
        for (int i = 0; i < KmapLocal.KM_MAX_IDX - 1; i++) {
            last = k.kmapLocalPage(0x70000L + i, 7);
        }
        assertThat(k.kmapLocalPage(0x71000L, 7)).isEqualTo(-1);
        assertThat(last).isEqualTo(KmapLocal.fixToVirt(KmapLocal.FIX_KMAP_END - 1)).isEqualTo(0xffe80000L);
        // FIX_KMAP_END's own slot is never pushed, yet it lies inside the range
        long end = KmapLocal.fixToVirt(KmapLocal.FIX_KMAP_END);
        assertThat(end).isEqualTo(0xffe7f000L);
        // one page below the range: not a kmap_local address, and not a user one either: a silent no-op
        assertThat(k.kunmapLocal(end - 0x1000, 7)).isNull();
        assertThat(k.cpuDepth(7)).isEqualTo(KmapLocal.KM_MAX_IDX - 1);
        // the last slot is inside: not the top, so warned; its (empty) PTE cleared, the top popped
        assertThat(k.kunmapLocal(end + 0x123, 7)).contains("addr != __fix_to_virt");
        assertThat(k.cpuDepth(7)).isEqualTo(KmapLocal.KM_MAX_IDX - 2);
        assertThat(t.linuxPte(last)).isNotZero();
        assertThat(k.pteval(7, KmapLocal.KM_MAX_IDX - 2)).isZero();
        assertThat(k.pteval(7, KmapLocal.KM_MAX_IDX - 3)).isEqualTo(0x70000L + 13 + 1);
    }

    @Test
    void theRangeStartsAtFixKmapBeginAndFixaddrTopIsOutsideIt() {
        KernelPageTables t = tables();
        KmapLocal k = local(t);
        long first = k.kmapLocalPage(0x7e8f1L, 0);
        assertThat(first).isEqualTo(KmapLocal.fixToVirt(KmapLocal.FIX_KMAP_BEGIN)).isEqualTo(0xffefe000L);
        // FIXADDR_TOP is slot 0 (FIX_EARLYCON_MEM_BASE): no pop
        assertThat(k.kunmapLocal(KmapLocal.FIXADDR_TOP, 0)).isNull();
        assertThat(k.depth()).isEqualTo(1);
        assertThat(k.pinnedCpu(0)).isZero();
        assertThat(k.kunmapLocal(first, 0)).isNull();
        assertThat(k.depth()).isZero();
        assertThat(k.pinnedCpu(0)).as("migrate_enable once the last level is gone").isEqualTo(-1);
    }

    @Test
    void onlyAddressesBelowPageOffsetWarnAsUserAddresses() {
        KmapLocal k = local(tables());
        assertThat(k.kunmapLocal(PAGE_OFFSET, 0)).isNull();
        assertThat(k.kunmapLocal(PAGE_OFFSET - 0x1000, 0)).contains("addr < PAGE_OFFSET");
        assertThat(k.kunmapLocal(PAGE_OFFSET - 1, 0)).contains("addr < PAGE_OFFSET");
    }

    @Test
    void onAnotherCpuTheTopIsThatCpusSlotAndAnOutOfOrderUnmapClearsTheAddressGivenAndPopsTheTop() {
        KernelPageTables t = tables();
        KmapLocal k = local(t);
        long a = k.kmapLocalPage(0x7e8f1L, 3);
        long b = k.kmapLocalPage(0x7e8f0L, 3);
        long c = k.kmapLocalPage(0x7e8efL, 3);
        // cpu 3's levels are slots 1 + 16 * 3 + i
        assertThat(new long[] {a, b, c}).containsExactly(KmapLocal.fixToVirt(49), KmapLocal.fixToVirt(50),
                KmapLocal.fixToVirt(51));
        assertThat(k.pinnedCpu(3)).isEqualTo(3);
        assertThat(k.kunmapLocal(c, 3)).isNull();
        // b is now the top: unmapped without a warning
        assertThat(k.kunmapLocal(b, 3)).isNull();
        long b2 = k.kmapLocalPage(0x7e8eeL, 3);
        assertThat(b2).isEqualTo(b);
        // a is not the top: the kernel warns, clears a's PTE (virt_to_kpte(addr)) and pops the top,
        // whose slot (b2's) stays mapped
        assertThat(k.kunmapLocal(a, 3)).contains("addr != __fix_to_virt");
        assertThat(t.linuxPte(a)).isZero();
        assertThat(t.linuxPte(b2)).isNotZero();
        assertThat(k.cpuDepth(3)).isEqualTo(1);
        assertThat(k.pteval(3, 0)).isEqualTo(0x7e8f1L + 1);
        assertThat(k.pteval(3, 1)).isZero();
        assertThat(k.pinnedCpu(3)).isEqualTo(3);
    }

    @Test
    void kunmapAtomicGivesBackOneDisableInsideAndOutsideTheRangeButNeverBelowZero() {
        KmapLocal k = local(tables());
        long low = k.kmapLocalPage(0x41d60L, 0, true);
        long high = k.kmapLocalPage(0x7e8f1L, 0, true);
        assertThat(k.atomicDepth(0)).isEqualTo(2);
        assertThat(k.inAtomic(0)).isTrue();
        assertThat(k.kunmapLocal(high, 0, true)).isEqualTo(KmapLocal.Unmap.OK);
        assertThat(k.atomicDepth(0)).isEqualTo(1);
        assertThat(k.kunmapLocal(low, 0, true)).isEqualTo(KmapLocal.Unmap.OK);
        assertThat(k.atomicDepth(0)).isZero();
        assertThat(k.inAtomic(0)).isFalse();
        assertThat(k.kunmapLocal(low, 0, true)).isEqualTo(KmapLocal.Unmap.OK);
        assertThat(k.atomicDepth(0)).isZero();
        long h2 = k.kmapLocalPage(0x7e8f0L, 0, false);
        assertThat(k.kunmapLocal(h2, 0, true)).isEqualTo(KmapLocal.Unmap.OK);
        assertThat(k.atomicDepth(0)).isZero();
        // kunmap_local (not __kunmap_atomic) gives back no preempt disable, inside or outside the range
        long atomicHigh = k.kmapLocalPage(0x7e8efL, 0, true);
        long localHigh = k.kmapLocalPage(0x7e8eeL, 0, false);
        assertThat(k.kunmapLocal(localHigh, 0, false)).isEqualTo(KmapLocal.Unmap.OK);
        assertThat(k.kunmapLocal(0xc1d60000L, 0, false)).isEqualTo(KmapLocal.Unmap.OK);
        assertThat(k.atomicDepth(0)).isEqualTo(1);
        assertThat(k.kunmapLocal(atomicHigh, 0, true)).isEqualTo(KmapLocal.Unmap.OK);
        assertThat(k.atomicDepth(0)).isZero();
    }

    /**
     * An unmap with nothing on the stack: kunmap_local_indexed clears virt_to_kpte(addr) before
     * kmap_local_idx_pop BUGs, so another CPU's level loses its PTE. With idx -1 the address it
     * compares with is __fix_to_virt(FIX_KMAP_BEGIN - 1 + 16 * cpu), the last slot of the CPU
     * before: that address BUGs without the warning.
     */
    @Test
    void anUnmapOfAnEmptyStackClearsTheAddressGivenThenBugs() {
        KernelPageTables t = tables();
        KmapLocal k = local(t);
        long other = k.kmapLocalPage(0x7e8f1L, 0);
        assertThat(k.kunmapLocal(other, 1, false)).isEqualTo(KmapLocal.Unmap.BUG_EMPTY);
        assertThat(t.linuxPte(other)).isZero();
        assertThat(k.depth()).isEqualTo(1);
        assertThat(k.disturbedByMisuse(0, 0)).isTrue();
        long lastOfCpu0 = KmapLocal.fixToVirt(KmapLocal.FIX_KMAP_BEGIN + 15);
        assertThat(k.kunmapLocal(lastOfCpu0, 1, false)).isEqualTo(KmapLocal.Unmap.BUG_EMPTY_NO_WARN);
        assertThat(KmapLocal.text(KmapLocal.Unmap.BUG_EMPTY_NO_WARN)).startsWith("kernel BUG").doesNotContain("WARN");
    }
}
