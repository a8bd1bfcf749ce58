package armmm.model.mm;

import armmm.model.mmu.Pgtable2Level;

/**
 * {@code vm_get_page_prot} of this build: ARM's {@code protection_map} (arch/arm/mm/mmu.c, the
 * {@code __PXXX}/{@code __SXXX} entries built from {@code PAGE_NONE}, {@code PAGE_READONLY},
 * {@code PAGE_COPY}, {@code PAGE_SHARED} and their {@code _EXEC} forms in
 * arch/arm/include/asm/pgtable.h) over {@code pgprot_user} ({@code L_PTE_PRESENT | L_PTE_YOUNG |
 * L_PTE_SHARED} with the write-allocate memory type on this SMP ARMv7 build). ARM cannot map a
 * page write-only, so write implies read; a private writable mapping is {@code PAGE_COPY}
 * (read-only until the write fault breaks copy-on-write). {@code ProtectionMapTest} checks all
 * sixteen values against the probe's {@code vm_get_page_prot} lines.
 */
public final class ProtectionMap {
    /** {@code pgprot_user} as the probe read it: present, young, write-allocate, shared. */
    static final int PGPROT_USER = Pgtable2Level.L_PTE_PRESENT | Pgtable2Level.L_PTE_YOUNG
            | Pgtable2Level.L_PTE_MT_WRITEALLOC | Pgtable2Level.L_PTE_SHARED;

    private ProtectionMap() {
    }

    /**
     * The Linux PTE protection bits of a VMA with {@code vmFlags} ({@code vm_get_page_prot}: the
     * index is {@code VM_READ | VM_WRITE | VM_EXEC | VM_SHARED}).
     */
    public static int vmGetPageProt(long vmFlags) {
        boolean r = (vmFlags & VmFlags.VM_READ) != 0;
        boolean w = (vmFlags & VmFlags.VM_WRITE) != 0;
        boolean x = (vmFlags & VmFlags.VM_EXEC) != 0;
        boolean shared = (vmFlags & VmFlags.VM_SHARED) != 0;
        if (!r && !w && !x) {
            // PAGE_NONE: present to Linux, a fault to the hardware, and no user bit
            return PGPROT_USER | Pgtable2Level.L_PTE_XN | Pgtable2Level.L_PTE_RDONLY | Pgtable2Level.L_PTE_NONE;
        }
        int prot = PGPROT_USER | Pgtable2Level.L_PTE_USER;
        if (!(shared && w)) {
            prot |= Pgtable2Level.L_PTE_RDONLY; // PAGE_READONLY or PAGE_COPY
        }
        if (!x) {
            prot |= Pgtable2Level.L_PTE_XN;
        }
        return prot;
    }

    /**
     * {@code pte_modify} (arch/arm/include/asm/pgtable.h): the bits {@code mprotect} replaces in
     * a present PTE, {@code L_PTE_XN | L_PTE_RDONLY | L_PTE_USER | L_PTE_NONE | L_PTE_VALID}.
     */
    public static int pteModify(int pte, int newProt) {
        int mask = Pgtable2Level.L_PTE_XN | Pgtable2Level.L_PTE_RDONLY | Pgtable2Level.L_PTE_USER
                | Pgtable2Level.L_PTE_NONE | Pgtable2Level.L_PTE_PRESENT;
        return (pte & ~mask) | (newProt & mask);
    }
}
