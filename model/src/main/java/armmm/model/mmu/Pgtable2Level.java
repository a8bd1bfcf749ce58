package armmm.model.mmu;

/**
 * The bits of ARM32's two-level page tables as 6.1 defines them: the Linux PTE bits
 * ({@code L_PTE_*}, arch/arm/include/asm/pgtable-2level.h), the hardware first- and second-level
 * descriptor bits ({@code PMD_*}, {@code PTE_EXT_*}, pgtable-2level-hwdef.h), the geometry
 * ({@code PTRS_PER_PTE}, {@code PTE_HWTABLE_OFF}), and {@code cpu_v7_set_pte_ext}
 * (arch/arm/mm/proc-v7-2level.S), which turns a Linux PTE into the hardware one.
 */
public final class Pgtable2Level {
    private Pgtable2Level() {
    }

    /** {@code L_PTE_VALID} / {@code L_PTE_PRESENT}. */
    public static final int L_PTE_PRESENT = 1;
    /** {@code L_PTE_YOUNG}: accessed; without it the hardware entry is left a fault (the software access flag). */
    public static final int L_PTE_YOUNG = 1 << 1;
    /** {@code L_PTE_MT_MASK}: the memory type, bits [5:2]. */
    public static final int L_PTE_MT_MASK = 0xf << 2;
    /** {@code L_PTE_MT_WRITEALLOC}: normal write-back write-allocate memory. */
    public static final int L_PTE_MT_WRITEALLOC = 0x7 << 2;
    /** {@code L_PTE_MT_DEV_SHARED}: shared device memory (ioremap). */
    public static final int L_PTE_MT_DEV_SHARED = 0x4 << 2;
    /** {@code L_PTE_DIRTY}: written; a clean page is mapped read-only so the first write faults. */
    public static final int L_PTE_DIRTY = 1 << 6;
    /** {@code L_PTE_RDONLY}. */
    public static final int L_PTE_RDONLY = 1 << 7;
    /** {@code L_PTE_USER}: reachable from user mode. */
    public static final int L_PTE_USER = 1 << 8;
    /** {@code L_PTE_XN}: never executable. */
    public static final int L_PTE_XN = 1 << 9;
    /** {@code L_PTE_SHARED}: shareable (SMP builds). */
    public static final int L_PTE_SHARED = 1 << 10;
    /** {@code L_PTE_NONE}: PROT_NONE, present to Linux but a fault to the hardware. */
    public static final int L_PTE_NONE = 1 << 11;

    /** {@code PTE_EXT_XN} (small page bit 0). */
    public static final int PTE_EXT_XN = 1;
    /** {@code PTE_TYPE_SMALL}. */
    public static final int PTE_TYPE_SMALL = 2;
    /** {@code PTE_EXT_AP0}. */
    public static final int PTE_EXT_AP0 = 1 << 4;
    /** {@code PTE_EXT_AP1}: user access. */
    public static final int PTE_EXT_AP1 = 1 << 5;
    /** {@code PTE_EXT_TEX(1)}. */
    public static final int PTE_EXT_TEX1 = 1 << 6;
    /** {@code PTE_EXT_APX}: read-only. */
    public static final int PTE_EXT_APX = 1 << 9;
    /** {@code PTE_EXT_NG}: not global, tagged with the ASID (user pages). */
    public static final int PTE_EXT_NG = 1 << 11;

    /** {@code PMD_TYPE_TABLE}. */
    public static final int PMD_TYPE_TABLE = 1;
    /** {@code PMD_TYPE_SECT}. */
    public static final int PMD_TYPE_SECT = 2;
    /** {@code PMD_BIT4}. */
    public static final int PMD_BIT4 = 1 << 4;
    /** {@code PMD_SECT_XN}. */
    public static final int PMD_SECT_XN = 1 << 4;
    /** {@code PMD_SECT_AP_WRITE} (AP[0]). */
    public static final int PMD_SECT_AP_WRITE = 1 << 10;
    /** {@code PMD_SECT_APX} (AP[2]): read-only. */
    public static final int PMD_SECT_APX = 1 << 15;
    /** {@code PMD_SECT_nG}. */
    public static final int PMD_SECT_NG = 1 << 17;
    /** {@code _PAGE_KERNEL_TABLE}: {@code PMD_TYPE_TABLE | PMD_BIT4 | PMD_DOMAIN(DOMAIN_KERNEL)} (pgalloc.h). */
    public static final int PAGE_KERNEL_TABLE = PMD_TYPE_TABLE | PMD_BIT4;

    /** {@code DOMAIN_KERNEL} (asm/domain.h, without CONFIG_IO_36). */
    public static final int DOMAIN_KERNEL = 0;
    /** {@code DOMAIN_USER}. */
    public static final int DOMAIN_USER = 1;
    /** {@code DOMAIN_IO}. */
    public static final int DOMAIN_IO = 2;
    /** {@code DOMAIN_VECTORS}. */
    public static final int DOMAIN_VECTORS = 3;
    /**
     * DACR while the kernel runs with user access disabled ({@code DACR_UACCESS_DISABLE} with
     * CONFIG_CPU_SW_DOMAIN_PAN): kernel, I/O and vectors client, user no access. 0x51, as the
     * probe read it.
     */
    public static final int DACR_UACCESS_DISABLE = 0x51;
    /** DACR inside {@code uaccess_save_and_enable}: the user domain client too. 0x55. */
    public static final int DACR_UACCESS_ENABLE = 0x55;

    /** {@code PTRS_PER_PTE}: Linux entries per PTE table (two hardware tables' worth). */
    public static final int PTRS_PER_PTE = 512;
    /** {@code PTRS_PER_PGD}: Linux pgd entries, each two first-level words. */
    public static final int PTRS_PER_PGD = 2048;
    /** Words in a PTE page: 512 Linux entries, then the two 256-entry hardware tables. */
    public static final int PTE_PAGE_WORDS = 1024;
    /** {@code PTE_HWTABLE_PTRS}: the hardware tables start after this many Linux entries. */
    public static final int PTE_HWTABLE_PTRS = PTRS_PER_PTE;
    /** {@code PTE_HWTABLE_OFF} in bytes. */
    public static final int PTE_HWTABLE_OFF = PTE_HWTABLE_PTRS * 4;

    /** {@code pte_index(addr)}: the entry within the PTE page of the 2 MiB {@code addr} is in. */
    public static int pteIndex(long va) {
        return (int) ((va >>> 12) & (PTRS_PER_PTE - 1));
    }

    /** {@code pgd_index(addr)}. */
    public static int pgdIndex(long va) {
        return (int) ((va >>> 21) & (PTRS_PER_PGD - 1));
    }

    /**
     * The hardware small-page descriptor {@code cpu_v7_set_pte_ext} stores beside a Linux PTE:
     * the frame and the cache bits carried over, AP[0] and the small-page type always, TEX[0]
     * from the memory type, APX unless the page is writable and dirty, AP[1] for user pages, XN;
     * and zero (a fault) for a PTE that is not young, not valid, or PROT_NONE, so the first access
     * traps and Linux can keep its software access and dirty bits.
     *
     * @param linux the Linux PTE
     * @param ext   the extra hardware bits (PTE_EXT_NG for user pages, 0 for the kernel's)
     */
    public static int hwPte(int linux, int ext) {
        boolean young = (linux & L_PTE_YOUNG) != 0;
        boolean valid = (linux & L_PTE_PRESENT) != 0;
        boolean none = (linux & L_PTE_NONE) != 0;
        if (!young || !valid || none) {
            return 0;
        }
        int hw = (linux & ~0x3f0 & ~3) | ext | PTE_EXT_AP0 | PTE_TYPE_SMALL;
        if ((linux & (1 << 4)) != 0) {
            hw |= PTE_EXT_TEX1;
        }
        boolean dirty = (linux & L_PTE_DIRTY) != 0;
        if ((linux & L_PTE_RDONLY) != 0 || !dirty) {
            hw |= PTE_EXT_APX;
        }
        if ((linux & L_PTE_USER) != 0) {
            hw |= PTE_EXT_AP1;
        }
        if ((linux & L_PTE_XN) != 0) {
            hw |= PTE_EXT_XN;
        }
        return hw;
    }
}
