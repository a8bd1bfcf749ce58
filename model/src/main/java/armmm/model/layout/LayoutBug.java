package armmm.model.layout;

import armmm.model.core.BugFacts;
import armmm.model.core.SeededBug;

/**
 * The bugs that can be planted in this subsystem (arch/arm/mm/mmu.c, arch/arm/include/asm/memory.h, include/asm-generic/memory_model.h), each a mistake a kernel could make;
 * a kernel created with one of them in its {@link armmm.model.core.Bugs} runs it. Each constant's
 * javadoc names the invariant that must catch it.
 */
public enum LayoutBug implements SeededBug {
    /** adjust_lowmem_bounds forgets VMALLOC_OFFSET, so lowmem eats into the vmalloc area: INV-LAYOUT-03. */
    LAYOUT_NO_VMALLOC_OFFSET_IN_LIMIT(
            "INV-LAYOUT-03", null, "adjust_lowmem_bounds forgets VMALLOC_OFFSET, so lowmem eats into the vmalloc area"),
    /** VMALLOC_START is not pushed 8 MiB past high_memory: INV-LAYOUT-02. */
    LAYOUT_NO_VMALLOC_GAP(
            "INV-LAYOUT-02", null, "VMALLOC_START is not pushed 8 MiB past high_memory"),
    /**
     * {@code __pa} as the running kernel's calls use it ({@code virt_to_page} in {@code free_pages},
     * SLUB's frees) is off by one page; boot's own conversions are right: INV-LAYOUT-04.
     */
    LAYOUT_PA_OFF_BY_PAGE(
            "INV-LAYOUT-04", null, "__pa as the calls use it after boot (virt_to_page in free_pages, kfree) is off by one page"),
    /** PKMAP_BASE at PAGE_OFFSET, on top of lowmem: INV-LAYOUT-01. */
    LAYOUT_PKMAP_OVER_LOWMEM(
            "INV-LAYOUT-01", null, "PKMAP_BASE at PAGE_OFFSET, on top of lowmem"),
    /**
     * {@code page_to_pfn} as the running kernel's calls use it ({@code __free_pages}, vfree)
     * divides by 32 instead of {@code sizeof(struct page)}; boot's own conversions are right: INV-LAYOUT-05.
     */
    LAYOUT_PAGE_TO_PFN_WRONG_STRIDE(
            "INV-LAYOUT-05", null, "page_to_pfn as the calls use it after boot (__free_pages, vfree) divides by 32 instead of sizeof(struct page)");

    private final BugFacts facts;

    LayoutBug(String invariant, String kernelCommit, String summary) {
        this.facts = new BugFacts(invariant, kernelCommit, summary);
    }

    @Override
    public BugFacts facts() {
        return facts;
    }
}
