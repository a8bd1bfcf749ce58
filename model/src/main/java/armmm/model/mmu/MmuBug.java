package armmm.model.mmu;

/**
 * Mistakes planted on purpose in the MMU model to show that the walker's vectors, the page-table
 * invariants and the properties catch them. Each constant names what must catch it.
 */
public enum MmuBug {
    /**
     * The second-level table base taken as {@code desc & 0xFFFFFF00}, the worked example's
     * mistake in one of the seed articles: the base is bits [31:10] (ARMv7-A ARM B3.5.1), so a
     * table in the upper half of a 2 KiB Linux PTE page's hardware pair, or a descriptor with
     * domain bits set, is read from the wrong place. Caught by the vectors and INV-MMU-01.
     */
    L2_BASE_MASK_FFFFFF00,
    /**
     * The domain checked before the second-level fetch, as QEMU 7.2 does (the vectors'
     * {@code qemu_domain_checked_before_l2_fetch} deviation): a fault PTE in a no-access domain
     * then reports a domain fault where the architecture reports a page translation fault.
     */
    DOMAIN_BEFORE_L2_FETCH,
    /**
     * TTBR1's first-level index computed with TTBCR.N applied, as for TTBR0: with N &gt; 0 the
     * kernel's half reads the wrong first-level entry. Caught by the vectors.
     */
    TTBR1_INDEX_USES_N,
    /**
     * {@code set_pte_ext} leaves the hardware PTE's AP[1] (user) bit set for a kernel page
     * (L_PTE_USER clear): kernel pages become user-readable. Caught by INV-MMU-04.
     */
    SET_PTE_USER_FOR_KERNEL;
}
