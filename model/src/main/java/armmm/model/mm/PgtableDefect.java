package armmm.model.mm;

import armmm.model.core.BugFacts;
import armmm.model.core.SeededBug;

/**
 * The seeded bugs of user page tables and faults ({@link MmSubsystem}): mistakes of
 * mm/memory.c, mm/mprotect.c, kernel/fork.c and arch/arm/mm that the INV-UPT invariants must
 * catch, each only after a chain of calls has built the state it needs. Planted with
 * {@code -Darmmm.bug=NAME}.
 */
public enum PgtableDefect implements SeededBug {
    /**
     * {@code unmap_region} zapping every removed VMA but the part of the one split at the end of
     * the range: its PTEs stay, now outside every VMA (the gap the last session noted; no kernel
     * commit matching it was found, so it is the model's own).
     */
    MUNMAP_KEEPS_TAIL_PTES("INV-UPT-01",
            "unmap_region skips the removed part of a VMA split at the range's end: its PTEs stay outside every VMA"),
    /** {@code mprotect_fixup} without {@code change_protection}: present PTEs keep the old, wider permissions. */
    MPROTECT_KEEPS_PTE_PERMS("INV-UPT-02",
            "mprotect_fixup without change_protection: present PTEs keep the old permissions"),
    /** {@code wp_page_copy} installing the new page with {@code set_pte_ext(..., 0)}: a global user mapping. */
    COW_COPY_GLOBAL("INV-UPT-03",
            "wp_page_copy sets the new PTE without PTE_EXT_NG: a global user mapping every ASID hits"),
    /** {@code zap_pte_range} without {@code add_mm_rss_vec}: MM_ANONPAGES is not lowered on munmap. */
    ZAP_KEEPS_RSS("INV-UPT-04",
            "zap_pte_range forgets add_mm_rss_vec: MM_ANONPAGES keeps pages munmap removed"),
    /** {@code do_translation_fault}'s {@code copy_pmd} copying the first word of the pair only. */
    VMALLOC_SYNC_ONE_WORD("INV-UPT-05",
            "do_translation_fault copies only the first hardware word of the vmalloc pmd pair from init_mm"),
    /** {@code wp_page_copy} without {@code page_remove_rmap}/{@code put_page} of the old page. */
    COW_KEEPS_OLD_REF("INV-UPT-06",
            "wp_page_copy forgets page_remove_rmap and put_page of the page it copied from"),
    /** {@code copy_present_pte} without {@code ptep_set_wrprotect}: the parent keeps writing a shared page. */
    FORK_PARENT_STAYS_WRITABLE("INV-UPT-07",
            "copy_present_pte forgets ptep_set_wrprotect on the parent: a COW-shared page stays writable there"),
    /** {@code can_change_pte_writable} without the {@code PageAnonExclusive} test. */
    MPROTECT_UPGRADES_SHARED("INV-UPT-07",
            "can_change_pte_writable skips PageAnonExclusive: mprotect makes a COW-shared page writable");

    private final BugFacts facts;

    PgtableDefect(String invariant, String summary) {
        this.facts = new BugFacts(invariant, null, summary);
    }

    @Override
    public BugFacts facts() {
        return facts;
    }
}
