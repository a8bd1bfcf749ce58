package armmm.model.slub;

import armmm.model.core.BugFacts;
import armmm.model.core.SeededBug;

/**
 * Seeded bugs of the SLUB model: six from the kernel's history and the model's own, each
 * switched on only by a test that must then see an invariant or a report catch it.
 */
public enum SlubBug implements SeededBug {
    /** ce6fa91b9363 undone: the hardened {@code BUG_ON(object == fp)} of {@code set_freepointer} is gone. */
    NO_NAIVE_DOUBLE_FREE_CHECK(
            "INV-SLUB-01", "ce6fa91b9363 (\"mm/slub.c: add a naive detection of double free or corruption\")", "the hardened BUG_ON(object == fp) of set_freepointer is gone."),
    /** 52f23478081a undone: {@code deactivate_slab} drops the last object of the CPU freelist. */
    DEACTIVATE_LOSES_OBJECT(
            "INV-SLUB-01", "52f23478081a (\"mm/slub.c: fix corrupted freechain in deactivate_slab()\")", "deactivate_slab drops the last object of the CPU freelist."),
    /** fd4d9c7d0c71 undone: {@code kmem_cache_alloc_bulk} refills the CPU freelist without bumping the tid. */
    BULK_MISSING_TID_BUMP(
            "INV-SLUB-07", "fd4d9c7d0c71 (\"mm: slub: add missing TID bump in kmem_cache_alloc_bulk()\")", "kmem_cache_alloc_bulk refills the CPU freelist without bumping the tid."),
    /** Own: {@code deactivate_slab} puts the slab on the node list but leaves it frozen. */
    DEACTIVATE_KEEPS_FROZEN(
            "INV-SLUB-05", null, "deactivate_slab puts the slab on the node list but leaves it frozen."),
    /** Own: the debug free path skips {@code init_object}, leaving the object's active red zones. */
    FREE_SKIPS_INIT_OBJECT(
            "INV-SLUB-06", null, "the debug free path skips init_object, leaving the object's active red zones."),
    /** Own: {@code kmem_cache_shrink} frees an empty slab's pages but leaves it on the partial list. */
    SHRINK_FREES_LISTED_SLAB(
            "INV-SLUB-03", null, "kmem_cache_shrink frees an empty slab's pages but leaves it on the partial list."),
    /** Own: {@code allocate_slab} maps only the slab's first page to it (INV-SLUB-04). */
    NEW_SLAB_MAPS_FIRST_PAGE_ONLY(
            "INV-SLUB-04", null, "allocate_slab maps only the slab's first page to it."),
    /** Own: {@code __slab_free} forgets to decrement {@code inuse} on a remote free. */
    REMOTE_FREE_KEEPS_INUSE(
            "INV-SLUB-02", null, "__slab_free forgets to decrement inuse on a remote free."),
    /** Own: {@code __free_slab} gives the pages back without {@code __folio_clear_slab} (INV-SLUB-08). */
    FREE_SLAB_KEEPS_PG_SLAB(
            "INV-SLUB-08", null, "__free_slab gives the pages back without __folio_clear_slab: the free is a bad page and the page keeps PG_slab with no slab."),
    /**
     * e41a49fadbc8 undone: {@code calculate_sizes} puts the mid-object free pointer at half the
     * word-aligned size rounded up, so in a red-zoned cache of 5 to 7 or 9 to 11 bytes it ends
     * past {@code object_size} and overwrites the right red zone of every free object.
     */
    FREEPTR_ROUNDED_INTO_REDZONE(
            "INV-SLUB-06", "e41a49fadbc8 (\"mm/slub: actually fix freelist pointer vs redzoning\")",
            "calculate_sizes puts the free pointer at ALIGN(freepointer_area / 2, sizeof(void *)): in a red-zoned cache of 5-7 or 9-11 bytes it runs past object_size into the right red zone."),
    /**
     * 74c1d3e08153 undone: {@code calculate_sizes} keeps the free pointer inside an object smaller
     * than a pointer even when red-zoning, so the pointer covers the right red zone.
     */
    SMALL_OBJECT_FREEPTR_IN_REDZONE(
            "INV-SLUB-06", "74c1d3e08153 (\"mm/slub: fix redzoning for small allocations\")",
            "calculate_sizes keeps the free pointer inside a red-zoned object smaller than sizeof(void *): the pointer overwrites the right red zone."),
    /**
     * 89b83f282d8b undone: {@code calculate_sizes} puts the mid-object free pointer at half of
     * {@code inuse} rounded up, and {@code inuse} already counts the red-zone word: in a red-zoned
     * cache of 4 to 11 bytes the pointer covers the right red zone.
     */
    FREEPTR_MIDDLE_OF_INUSE(
            "INV-SLUB-06", "89b83f282d8b (\"slub: avoid redzone when choosing freepointer location\")",
            "calculate_sizes puts the free pointer at ALIGN(size / 2, sizeof(void *)) with size already inuse, red-zone word included: in a red-zoned cache of 4-11 bytes it covers the right red zone.");

    private final BugFacts facts;

    SlubBug(String invariant, String kernelCommit, String summary) {
        this.facts = new BugFacts(invariant, kernelCommit, summary);
    }

    @Override
    public BugFacts facts() {
        return facts;
    }
}
