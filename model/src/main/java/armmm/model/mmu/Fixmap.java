package armmm.model.mmu;

/**
 * The fixmap (arch/arm/include/asm/fixmap.h, include/asm-generic/fixmap.h; {@code __set_fixmap}
 * in arch/arm/mm/mmu.c): compile-time slots counted down from FIXADDR_TOP, whose PTEs live in the
 * tables {@code kmap_init} and {@code devicemaps_init} made (the fixmap pmd and the vectors' pmd).
 * Slots on this build ({@code enum fixed_addresses}): 0 FIX_EARLYCON_MEM_BASE, then KM_MAX_IDX
 * (16) kmap_local slots per possible CPU (NR_CPUS 8: 1..128), FIX_TEXT_POKE1 129, FIX_TEXT_POKE0
 * 130; {@code __end_of_fixed_addresses} 131 (the probe read FIX_KMAP_BEGIN=1, FIX_KMAP_END=128).
 */
public final class Fixmap {
    /** {@code FIXADDR_TOP}: FIXADDR_END - PAGE_SIZE. */
    public static final long FIXADDR_TOP = 0xffef_f000L;
    /** {@code KM_MAX_IDX} (include/asm-generic/kmap_size.h): 16 with CONFIG_DEBUG_KMAP_LOCAL off. */
    public static final int KM_MAX_IDX = 16;
    /** {@code NR_CPUS} of this build (CONFIG_NR_CPUS=8): the kmap_local slots are reserved per possible CPU. */
    public static final int NR_CPUS = 8;
    /** {@code FIX_KMAP_BEGIN}. */
    public static final int FIX_KMAP_BEGIN = 1;
    /** {@code FIX_KMAP_END}: KM_MAX_IDX * NR_CPUS slots from FIX_KMAP_BEGIN. */
    public static final int FIX_KMAP_END = FIX_KMAP_BEGIN + KM_MAX_IDX * NR_CPUS - 1;
    /** {@code __end_of_fixed_addresses}. */
    public static final int END_OF_FIXED_ADDRESSES = FIX_KMAP_END + 3;
    /**
     * {@code FIXMAP_PAGE_NORMAL}: {@code pgprot_kernel | L_PTE_XN} (pgprot_kernel is 0x45f on this
     * build, as the probe read it).
     */
    public static final int FIXMAP_PAGE_NORMAL = MemType.MT_MEMORY_RWX.protPte() | Pgtable2Level.L_PTE_XN;
    /** {@code FIXMAP_PAGE_IO}: young, present, XN, dirty, shared device memory. */
    public static final int FIXMAP_PAGE_IO = Pgtable2Level.L_PTE_YOUNG | Pgtable2Level.L_PTE_PRESENT
            | Pgtable2Level.L_PTE_XN | Pgtable2Level.L_PTE_DIRTY | Pgtable2Level.L_PTE_MT_DEV_SHARED
            | Pgtable2Level.L_PTE_SHARED;
    private Fixmap() {
    }

    /** {@code __fix_to_virt(idx)}. */
    public static long fixToVirt(int idx) {
        return FIXADDR_TOP - ((long) idx << 12);
    }

    /** Whether {@code idx} names a slot ({@code BUG_ON(idx >= __end_of_fixed_addresses)} otherwise). */
    public static boolean valid(long idx) {
        return idx >= 0 && idx < END_OF_FIXED_ADDRESSES;
    }

    /** The protection {@code set_fixmap} maps with: FIXMAP_PAGE_NORMAL, or the planted bug's user one. */
    public static int pageNormal(KernelPageTables t) {
        return t.bugs().contains(MmuBug.MMU_FIXMAP_PROT_USER) ? FIXMAP_PAGE_NORMAL | Pgtable2Level.L_PTE_USER
                : FIXMAP_PAGE_NORMAL;
    }

    /**
     * {@code __set_fixmap(idx, phys, prot)}: {@code set_pte_at} of the slot's PTE (global: a kernel
     * address), or {@code pte_clear} when {@code prot} is 0. The caller has checked {@link #valid}.
     * Only the scenario calls run it, after boot; {@link MmuBug#MMU_CLEAR_FIXMAP_KEEPS_PTE} loses
     * the {@code pte_clear}.
     */
    public static void setFixmap(KernelPageTables t, int idx, long phys, int prot) {
        long va = fixToVirt(idx);
        if (prot == 0) {
            if (!t.bugs().contains(MmuBug.MMU_CLEAR_FIXMAP_KEEPS_PTE)) {
                t.pteClear(va);
            }
        } else {
            t.setPteExt(va, phys >>> 12, prot, 0);
        }
    }
}
