package armmm.model.slub;

import armmm.model.core.SeededBug;

/**
 * Seeded bugs of the SLUB model: three from the kernel's history and the model's own, each
 * switched on only by a test that must then see an invariant or a report catch it.
 */
public enum SlubBug implements SeededBug {
    /** ce6fa91b9363 undone: the hardened {@code BUG_ON(object == fp)} of {@code set_freepointer} is gone. */
    NO_NAIVE_DOUBLE_FREE_CHECK,
    /** 52f23478081a undone: {@code deactivate_slab} drops the last object of the CPU freelist. */
    DEACTIVATE_LOSES_OBJECT,
    /** fd4d9c7d0c71 undone: {@code kmem_cache_alloc_bulk} refills the CPU freelist without bumping the tid. */
    BULK_MISSING_TID_BUMP,
    /** Own: {@code deactivate_slab} puts the slab on the node list but leaves it frozen. */
    DEACTIVATE_KEEPS_FROZEN,
    /** Own: the debug free path skips {@code init_object}, leaving the object's active red zones. */
    FREE_SKIPS_INIT_OBJECT,
    /** Own: {@code kmem_cache_shrink} frees an empty slab's pages but leaves it on the partial list. */
    SHRINK_FREES_LISTED_SLAB,
    /** Own: {@code allocate_slab} maps only the slab's first page to it (INV-SLUB-04). */
    NEW_SLAB_MAPS_FIRST_PAGE_ONLY,
    /** Own: {@code __slab_free} forgets to decrement {@code inuse} on a remote free. */
    REMOTE_FREE_KEEPS_INUSE
}
