package armmm.model.highmem;

import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.MemType;

/**
 * {@code kmap_local_page}/{@code kmap_atomic} and {@code kunmap_local_indexed} of
 * {@code mm/highmem.c} (6.1) for one task ({@code current->kmap_ctrl}): a stack of at most
 * {@code KM_MAX_IDX} fixmap slots, slot {@code FIX_KMAP_BEGIN + idx + KM_MAX_IDX * cpu}
 * ({@code kmap_local_calc_idx}), at {@code __fix_to_virt} = FIXADDR_TOP - (slot &lt;&lt; PAGE_SHIFT).
 * The PTE is set before the address is handed out and cleared before the pop.
 */
public final class KmapLocal {
    /** {@code KM_MAX_IDX} of this build (16, CONFIG_DEBUG_KMAP_LOCAL off). */
    public static final int KM_MAX_IDX = 16;
    /** {@code FIX_KMAP_BEGIN} ({@code arch/arm/include/asm/fixmap.h}). */
    public static final int FIX_KMAP_BEGIN = 1;
    /** {@code FIXADDR_TOP}: FIXADDR_END - PAGE_SIZE. */
    public static final long FIXADDR_TOP = 0xfff00000L - 0x1000L;

    private final KernelPageTables tables;
    private final Pkmap pkmap;
    private final long[] pteval = new long[KM_MAX_IDX];
    private int idx;

    /** The task's stack; {@code pkmap} gives PageHighMem and linear addresses. */
    public KmapLocal(KernelPageTables tables, Pkmap pkmap) {
        this.tables = tables;
        this.pkmap = pkmap;
    }

    /** {@code __fix_to_virt}. */
    public static long fixToVirt(int slot) {
        return FIXADDR_TOP - ((long) slot << Pkmap.PAGE_SHIFT);
    }

    /**
     * {@code kmap_local_page} on {@code cpu}: a lowmem page's linear address (no push), else a
     * push; -1 when the kernel would {@code BUG_ON(idx >= KM_MAX_IDX)} (state unchanged).
     */
    public long kmapLocalPage(long pfn, int cpu) {
        if (!pkmap.pageHighMem(pfn)) {
            return pkmap.lowmemPageAddress(pfn);
        }
        if (idx >= KM_MAX_IDX) {
            return -1;
        }
        int slot = FIX_KMAP_BEGIN + idx + KM_MAX_IDX * cpu;
        long va = fixToVirt(slot);
        tables.setPteExt(va, pfn, MemType.MT_MEMORY_RW.protPte(), 0);
        pteval[idx] = pfn + 1;
        idx++;
        return va;
    }

    /**
     * {@code kunmap_local_indexed}: outside the kmap fixmap range a no-op (with the kernel's
     * {@code WARN_ON_ONCE} for a user address, returned as its text); inside it clears the top
     * slot's PTE and pops, warning (as 6.1 does, without refusing) when {@code va} is not the top.
     * Returns null or the WARN/BUG text.
     */
    public String kunmapLocal(long va, int cpu) {
        long addr = va & ~0xfffL;
        if (addr < fixToVirt(FIX_KMAP_BEGIN + KM_MAX_IDX * 8 - 1) || addr > fixToVirt(FIX_KMAP_BEGIN)) {
            return addr < 0xc0000000L ? "WARNING: mm/highmem.c kunmap_local_indexed: addr < PAGE_OFFSET" : null;
        }
        if (idx == 0) {
            return "kernel BUG at mm/highmem.c: kmap_local_idx_pop: idx < 0";
        }
        int slot = FIX_KMAP_BEGIN + (idx - 1) + KM_MAX_IDX * cpu;
        String warn = addr != fixToVirt(slot)
                ? "WARNING: mm/highmem.c kunmap_local_indexed: addr != __fix_to_virt(FIX_KMAP_BEGIN + idx)" : null;
        tables.pteClear(fixToVirt(slot));
        pteval[idx - 1] = 0;
        idx--;
        return warn;
    }

    /** {@code current->kmap_ctrl.idx}: the depth of the stack. */
    public int depth() {
        return idx;
    }
}
