package armmm.model.mmu;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Mistakes planted on purpose in the MMU model to show that the vectors, the page-table
 * invariants and the properties catch them. The walker's own three can only show on tables
 * Linux never builds (a domain of 8 or more, a no-access domain under a page table, TTBCR.N
 * &gt; 0), so the translation vectors catch them; the four {@code MMU_*} ones break the kernel's
 * tables and have a {@code SeededBug} twin of the same name, planted with {@code -Darmmm.bug}.
 */
public enum MmuBug {
    /**
     * The second-level table base taken as {@code desc & 0xFFFFFF00}, the worked example's
     * mistake in one of the seed articles: the base is bits [31:10] (ARMv7-A ARM B3.5.1), so a
     * descriptor with domain bit 3 or bit 9 set is followed to the wrong table. Caught by the vectors.
     */
    L2_BASE_MASK_FFFFFF00,
    /**
     * The domain checked before the second-level fetch, as QEMU 7.2 does (the vectors'
     * {@code qemu_domain_checked_before_l2_fetch} deviation): a fault PTE in a no-access domain
     * then reports a domain fault where the architecture reports a page translation fault.
     */
    DOMAIN_BEFORE_L2_FETCH,
    /** TTBR1's first-level index masked with TTBCR.N, as TTBR0's is. Caught by the vectors. */
    TTBR1_INDEX_USES_N,
    /** {@code cpu_v7_set_pte_ext} forgets PTE_EXT_XN: PAGE_KERNEL pages become executable. INV-MMU-01. */
    MMU_PTE_XN_DROPPED,
    /**
     * {@code section_update} computes an odd section's new word from the even one of its pmd
     * pair ({@code pmd[1] = (pmd[0] & mask) | prot}): after {@code set_kernel_text_rw} the odd
     * text sections map their even neighbour's frames. INV-MMU-02.
     */
    MMU_SECTION_UPDATE_WRONG_HALF,
    /**
     * The hardware PTE stored 256 entries after the Linux one (the size of one hardware table)
     * instead of {@code PTE_HWTABLE_PTRS} (512): it lands among the Linux entries of the second
     * table and the real hardware slot stays empty. INV-MMU-03.
     */
    MMU_HW_PTE_AT_256,
    /** {@code FIXMAP_PAGE_NORMAL} built from {@code pgprot_user}: fixmap pages user-accessible. INV-MMU-04. */
    MMU_FIXMAP_PROT_USER;

    /** The bug named {@code name} ({@code mmu-hw-pte-at-256} or {@code MMU_HW_PTE_AT_256}), if any. */
    public static Optional<MmuBug> byName(String name) {
        String key = name == null ? "" : name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (MmuBug b : values()) {
            if (b.name().equals(key)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** The bugs {@code -Darmmm.bug} plants, for the commands that build a walker or tables. */
    public static Set<MmuBug> fromProperty() {
        EnumSet<MmuBug> s = EnumSet.noneOf(MmuBug.class);
        byName(System.getProperty("armmm.bug", "")).ifPresent(s::add);
        return s;
    }

    /** The scenario-friendly name, {@code l2-base-mask-ffffff00}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
