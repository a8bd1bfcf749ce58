package armmm.model.mmu;

import armmm.model.core.BugFacts;
import armmm.model.core.SeededBug;

/**
 * The bugs that can be planted in the kernel's page tables (arch/arm/mm), each a mistake a
 * kernel could make; a kernel created with one in its {@link armmm.model.core.Bugs} runs it. Each
 * constant's javadoc names the invariant that must catch it. The walker's own bugs are
 * {@link WalkerBug}.
 */
public enum MmuBug implements SeededBug {
    /**
     * {@code cpu_v7_set_pte_ext} forgets PTE_EXT_XN: PAGE_KERNEL pages become executable. Planted
     * on the post-boot path only (boot's tables are right). INV-MMU-01.
     */
    MMU_PTE_XN_DROPPED(
            "INV-MMU-01", null, "cpu_v7_set_pte_ext forgets PTE_EXT_XN: PAGE_KERNEL pages become executable"),
    /**
     * {@code section_update} computes an odd section's new word from the even one of its pmd
     * pair ({@code pmd[1] = (pmd[0] & mask) | prot}): after {@code set_kernel_text_rw} the odd
     * text sections map their even neighbour's frames. INV-MMU-02.
     */
    MMU_SECTION_UPDATE_WRONG_HALF(
            "INV-MMU-02", null, "section_update computes an odd section's word from the even one of its pmd pair: after set_kernel_text_rw odd text sections map their even neighbour's frames"),
    /**
     * The hardware PTE stored 256 entries after the Linux one (the size of one hardware table)
     * instead of {@code PTE_HWTABLE_PTRS} (512): it lands among the Linux entries of the second
     * table and the real hardware slot stays empty. Planted on the post-boot path only. INV-MMU-03.
     */
    MMU_HW_PTE_AT_256(
            "INV-MMU-03", null, "the hardware PTE stored 256 entries after the Linux one instead of PTE_HWTABLE_PTRS (512): the hardware slot stays empty"),
    /** {@code FIXMAP_PAGE_NORMAL} with {@code L_PTE_USER}: fixmap pages user-accessible. INV-MMU-04. */
    MMU_FIXMAP_PROT_USER(
            "INV-MMU-04", null, "FIXMAP_PAGE_NORMAL with L_PTE_USER: fixmap pages user-accessible"),
    /**
     * {@code __set_fixmap} loses its {@code pte_clear} branch: {@code clear_fixmap} leaves the
     * slot mapping its frame, which its owner then frees. No MMU invariant sees it (the slot's
     * entry was written right, and nothing is written at the clear); INV-MMU-05 reports the
     * frame when the buddy allocator takes it back.
     */
    MMU_CLEAR_FIXMAP_KEEPS_PTE(
            "INV-MMU-05", null, "__set_fixmap loses its pte_clear branch: clear_fixmap leaves the slot mapping a frame its owner then frees");

    private final BugFacts facts;

    MmuBug(String invariant, String kernelCommit, String summary) {
        this.facts = new BugFacts(invariant, kernelCommit, summary);
    }

    @Override
    public BugFacts facts() {
        return facts;
    }
}
