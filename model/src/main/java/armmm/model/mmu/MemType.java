package armmm.model.mmu;

import static armmm.model.mmu.Pgtable2Level.L_PTE_DIRTY;
import static armmm.model.mmu.Pgtable2Level.L_PTE_MT_DEV_SHARED;
import static armmm.model.mmu.Pgtable2Level.L_PTE_MT_WRITEALLOC;
import static armmm.model.mmu.Pgtable2Level.L_PTE_PRESENT;
import static armmm.model.mmu.Pgtable2Level.L_PTE_RDONLY;
import static armmm.model.mmu.Pgtable2Level.L_PTE_SHARED;
import static armmm.model.mmu.Pgtable2Level.L_PTE_USER;
import static armmm.model.mmu.Pgtable2Level.L_PTE_XN;
import static armmm.model.mmu.Pgtable2Level.L_PTE_YOUNG;

/**
 * The memory types {@code create_mapping} maps with ({@code struct mem_type mem_types[]},
 * arch/arm/mm/mmu.c), with the values {@code build_mem_type_table} leaves in them on this build:
 * ARMv7 with extended page tables (PMD_BIT4 cleared from section and L1 table bits), SMP (shared
 * bits), write-back write-allocate ({@code L_PTE_MT_WRITEALLOC}, section TEX=001 C B), domains of
 * asm/domain.h. Each section value includes {@code PMD_DOMAIN(domain)}.
 */
public enum MemType {
    /** {@code MT_DEVICE}: ioremap'd registers, domain IO. */
    MT_DEVICE(L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY | L_PTE_XN | L_PTE_MT_DEV_SHARED | L_PTE_SHARED,
            Pgtable2Level.PMD_TYPE_TABLE, 0x10416, Pgtable2Level.DOMAIN_IO),
    /** {@code MT_HIGH_VECTORS}: the vectors page at 0xffff0000, user-readable for the kuser helpers. */
    MT_HIGH_VECTORS(L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY | L_PTE_USER | L_PTE_RDONLY | L_PTE_MT_WRITEALLOC
            | L_PTE_SHARED, Pgtable2Level.PMD_TYPE_TABLE, 0, Pgtable2Level.DOMAIN_VECTORS),
    /** {@code MT_LOW_VECTORS}: the kernel-only stubs page after it. */
    MT_LOW_VECTORS(L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY | L_PTE_RDONLY | L_PTE_MT_WRITEALLOC | L_PTE_SHARED,
            Pgtable2Level.PMD_TYPE_TABLE, 0, Pgtable2Level.DOMAIN_VECTORS),
    /** {@code MT_MEMORY_RWX}: kernel text until {@code mark_rodata_ro}. */
    MT_MEMORY_RWX(L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY | L_PTE_MT_WRITEALLOC | L_PTE_SHARED,
            Pgtable2Level.PMD_TYPE_TABLE, 0x1140e, Pgtable2Level.DOMAIN_KERNEL),
    /** {@code MT_MEMORY_RW}: lowmem, and PAGE_KERNEL's value (0x65f). */
    MT_MEMORY_RW(L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY | L_PTE_XN | L_PTE_MT_WRITEALLOC | L_PTE_SHARED,
            Pgtable2Level.PMD_TYPE_TABLE, 0x1141e, Pgtable2Level.DOMAIN_KERNEL),
    /** {@code MT_MEMORY_RO}: the device tree at FDT_FIXED_BASE. */
    MT_MEMORY_RO(L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY | L_PTE_XN | L_PTE_RDONLY | L_PTE_MT_WRITEALLOC
            | L_PTE_SHARED, Pgtable2Level.PMD_TYPE_TABLE, 0x1941e, Pgtable2Level.DOMAIN_KERNEL),
    /** {@code MT_MEMORY_DMA_READY}: lowmem CMA areas, remapped with pages by {@code dma_contiguous_remap}. */
    MT_MEMORY_DMA_READY(L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY | L_PTE_XN | L_PTE_MT_WRITEALLOC | L_PTE_SHARED,
            Pgtable2Level.PMD_TYPE_TABLE, 0, Pgtable2Level.DOMAIN_KERNEL);

    private final int protPte;
    private final int protL1;
    private final int protSect;
    private final int domain;

    MemType(int protPte, int protL1, int protSect, int domain) {
        this.protPte = protPte;
        this.protL1 = protL1 | (domain << 5);
        this.protSect = protSect == 0 ? 0 : protSect | (domain << 5);
        this.domain = domain;
    }

    /** {@code prot_pte}: the Linux PTE bits. */
    public int protPte() {
        return protPte;
    }

    /** {@code prot_l1}: the first-level page-table descriptor bits, domain included. */
    public int protL1() {
        return protL1;
    }

    /** {@code prot_sect}: the section descriptor bits, domain included; 0 when the type has no sections. */
    public int protSect() {
        return protSect;
    }

    /** The domain. */
    public int domain() {
        return domain;
    }
}
