package armmm.model.vmalloc;

import armmm.model.core.BugFacts;
import armmm.model.core.SeededBug;

/**
 * Bugs that can be planted in the vmalloc model to show that its invariants and properties
 * catch them. Each reenacts a mistake the kernel made or could make; the vmalloc model is
 * handed the set it runs with, as a subsystem is.
 */
public enum VmallocBug implements SeededBug {
    /**
     * {@code __get_vm_area_node} asks {@code alloc_vmap_area} for the size without the guard page
     * while the vm_struct still counts one: the page after each area belongs to the next, so an
     * overrun of one runs into the next instead of faulting. The guard page dates from the first vmalloc; commit 71394fe50146
     * ("mm: vmalloc: add flag preventing guard hole allocation") made it optional with VM_NO_GUARD.
     */
    VMALLOC_NO_GUARD_PAGE(
            "INV-VMALLOC-02", null, "__get_vm_area_node asks alloc_vmap_area for the size without the guard page, so an overrun runs into the next area (the guard page is as old as vmalloc; 71394fe50146 made it optional with VM_NO_GUARD)"),
    /**
     * {@code free_vmap_area_noflush} puts the area straight back into the free tree instead of
     * the purge list: it can be handed out again while the TLB still holds the old translations,
     * which the lazy purge of commit db64fe02258f ("mm: rewrite vmap layer") exists to prevent.
     */
    VMALLOC_LAZY_REUSE_BEFORE_FLUSH(
            "INV-VMALLOC-05", null, "free_vmap_area_noflush returns the area straight to the free tree, not the purge list: reused while the TLB holds the old translations (the hazard the lazy purge of db64fe02258f prevents)"),
    /** {@code free_unmap_vmap_area} skips {@code vunmap_range_noflush}: a freed area stays mapped to freed pages. */
    VMALLOC_VFREE_KEEPS_PTES(
            "INV-VMALLOC-04", null, "free_unmap_vmap_area skips vunmap_range_noflush: a freed area stays mapped to freed pages."),
    /** {@code __get_vm_area_node} ignores VM_IOREMAP's alignment by size. */
    VMALLOC_IOREMAP_UNALIGNED(
            "INV-VMALLOC-03", null, "__get_vm_area_node ignores VM_IOREMAP's alignment by size."),
    /** {@code __purge_vmap_area_lazy} drops the purged areas instead of merging them into the free tree: address space leaks. */
    VMALLOC_PURGE_LEAKS_SPACE(
            "INV-VMALLOC-01", null, "__purge_vmap_area_lazy drops the purged areas instead of merging them into the free tree: address space leaks."),
    /** {@code vmap_pages_range} maps {@code pages[0]} at the second page too: one frame mapped writable twice. */
    VMALLOC_MAPS_ONE_PAGE_TWICE(
            "INV-VMALLOC-06", null, "vmap_pages_range maps pages[0] at the second page too: one frame mapped writable twice."),
    /**
     * {@code vmap} maps each page's next frame ({@code pages[i] + 1}, an off-by-one in
     * {@code vmap_pages_range}'s walk): the frame after each given page, which may be anyone's
     * (the next page of a slab, a page table, another caller's page), is mapped writable in the
     * vmalloc space, where INV-MMU-05 and INV-VMALLOC-06 see nothing wrong while it is allocated.
     * Ours: no kernel commit reenacted.
     */
    VMALLOC_VMAP_PAGE_OFF_BY_ONE(
            "INV-MMU-06", null, "vmap maps each given page's next frame: a frame allocated to someone else is mapped writable in the vmalloc space (ours).");

    private final BugFacts facts;

    VmallocBug(String invariant, String kernelCommit, String summary) {
        this.facts = new BugFacts(invariant, kernelCommit, summary);
    }

    @Override
    public BugFacts facts() {
        return facts;
    }
}
