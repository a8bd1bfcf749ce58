package armmm.model.slub;

import armmm.model.core.BugFacts;
import armmm.model.core.SeededBug;

/**
 * Seeded bugs of the SLUB model: three from the kernel's history and the model's own, each
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
            "INV-SLUB-08", null, "__free_slab gives the pages back without __folio_clear_slab: the free is a bad page and the page keeps PG_slab with no slab.");

    private final BugFacts facts;

    SlubBug(String invariant, String kernelCommit, String summary) {
        this.facts = new BugFacts(invariant, kernelCommit, summary);
    }

    @Override
    public BugFacts facts() {
        return facts;
    }
}
