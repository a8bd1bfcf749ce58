package armmm.model.vmalloc;

import java.util.Optional;

/**
 * Bugs that can be planted in the vmalloc model to show that its invariants and properties
 * catch them. Each reenacts a mistake the kernel made or could make; the vmalloc model is
 * handed the set it runs with, as a subsystem is.
 */
public enum VmallocBug {
    /**
     * {@code __get_vm_area_node} asks {@code alloc_vmap_area} for the size without the guard page
     * while the vm_struct still counts one: the page after each area belongs to the next, so an
     * overrun of one runs into the next instead of faulting. The guard page dates from the first vmalloc; commit 71394fe50146
     * ("mm: vmalloc: add flag preventing guard hole allocation") made it optional with VM_NO_GUARD.
     */
    VMALLOC_NO_GUARD_PAGE("vmalloc-no-guard-page"),
    /**
     * {@code free_vmap_area_noflush} puts the area straight back into the free tree instead of
     * the purge list: it can be handed out again while the TLB still holds the old translations,
     * which the lazy purge of commit db64fe02258f ("mm: rewrite vmap layer") exists to prevent.
     */
    VMALLOC_LAZY_REUSE_BEFORE_FLUSH("vmalloc-lazy-reuse-before-flush"),
    /** {@code free_unmap_vmap_area} skips {@code vunmap_range_noflush}: a freed area stays mapped to freed pages. */
    VMALLOC_VFREE_KEEPS_PTES("vmalloc-vfree-keeps-ptes"),
    /** {@code __get_vm_area_node} ignores VM_IOREMAP's alignment by size. */
    VMALLOC_IOREMAP_UNALIGNED("vmalloc-ioremap-unaligned"),
    /** {@code __purge_vmap_area_lazy} drops the purged areas instead of merging them into the free tree: address space leaks. */
    VMALLOC_PURGE_LEAKS_SPACE("vmalloc-purge-leaks-space"),
    /** {@code vmap_pages_range} maps {@code pages[0]} at the second page too: one frame mapped writable twice. */
    VMALLOC_MAPS_ONE_PAGE_TWICE("vmalloc-maps-one-page-twice");

    private final String cliName;

    VmallocBug(String cliName) {
        this.cliName = cliName;
    }

    /** The name {@code -Darmmm.bug=} takes. */
    public String cliName() {
        return cliName;
    }

    /** The bug called {@code name}, if any. */
    public static Optional<VmallocBug> byName(String name) {
        for (VmallocBug b : values()) {
            if (b.cliName.equals(name)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }
}
