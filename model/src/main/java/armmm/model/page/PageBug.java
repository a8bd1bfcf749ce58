package armmm.model.page;

import armmm.model.core.SeededBug;

/**
 * The bugs that can be planted in this subsystem (mm/page_alloc.c), each a mistake a kernel could make;
 * a kernel created with one of them in its {@link armmm.model.core.Bugs} runs it. Each constant's
 * javadoc names the invariant that must catch it.
 */
public enum PageBug implements SeededBug {
    /** {@code expand} loses the last order-0 half it should list: INV-BUDDY-01. */
    BUDDY_EXPAND_LEAK,
    /** {@code del_page_from_free_list} forgets {@code nr_free--}: INV-BUDDY-02. */
    BUDDY_STALE_NR_FREE,
    /** {@code __free_one_page} puts a merged block at the higher buddy ({@code pfn | buddy_pfn}): INV-BUDDY-03. */
    BUDDY_MISALIGNED_MERGE,
    /** A freed CMA block goes to the Movable list: INV-BUDDY-04. */
    BUDDY_CMA_ON_MOVABLE_LIST,
    /** {@code __free_one_page} never merges with a free buddy: INV-BUDDY-05. */
    BUDDY_NO_MERGE,
    /** {@code free_unref_page_commit} never drains at {@code high}: INV-BUDDY-06. */
    BUDDY_PCP_NO_DRAIN,
    /** {@code prep_new_page} leaves the reference count at 0: INV-PAGE-01. */
    PAGE_REFCOUNT_NOT_SET,
    /** {@code __rmqueue_pcplist} hands out a page without unlinking it: INV-PAGE-02. */
    PAGE_PCP_NOT_UNLINKED,
    /** {@code gfp_zone} lets GFP_KERNEL reach ZONE_HIGHMEM: INV-GFP-01. */
    GFP_KERNEL_FROM_HIGHMEM,
    /** The zonelist is walked lowest zone first: INV-GFP-02. */
    GFP_ZONELIST_ASCENDING,
    /** The watermark check ignores {@code lowmem_reserve}: INV-GFP-03. */
    GFP_IGNORE_LOWMEM_RESERVE,
    /** {@code prep_new_page} marks no tail pages of a compound block of order 2 or more: INV-CALL-01. */
    PAGE_COMP_TAILS_NOT_MARKED,
    /** {@code prep_new_page} takes two references on a non-compound block of order 1 or more: INV-CALL-01. */
    PAGE_REFCOUNT_TWO,
    /** Movable pageblocks of CMA handed to unmovable and reclaimable requests ({@code ALLOC_CMA} for every mask): INV-CALL-01. */
    GFP_CMA_FOR_EVERY_MASK,
    /** Every {@code __GFP_COMP} allocation of order 1 or more returns NULL: INV-CALL-02. */
    PAGE_COMP_ALLOC_NULL,
    /** {@code gfp_to_alloc_flags} drops ALLOC_MIN_RESERVE, so GFP_ATOMIC fails above its reserve: INV-CALL-02. */
    GFP_ATOMIC_NO_MIN_RESERVE,
    /** {@code __rmqueue_fallback} never takes another migratetype's block: INV-CALL-02. */
    GFP_NO_MIGRATETYPE_FALLBACK,
    /** A free of a page whose refcount is already 0 is silently accepted: INV-CALL-03. */
    PAGE_FREE_ZERO_REFCOUNT_ACCEPTED,
    /** A free with another order than the allocation's is accepted and frees that order: INV-CALL-03. */
    PAGE_FREE_WRONG_ORDER_ACCEPTED,
    /** {@code free_pcppages_bulk} loses the last block of every drain: INV-BUDDY-01. */
    BUDDY_DRAIN_LOSES_BLOCK,
    /** In ZONE_HIGHMEM only, a merge into order 5 or more forgets {@code nr_free--} of the buddy's order: INV-BUDDY-02. */
    BUDDY_HIGHMEM_STALE_NR_FREE,
    /** Freeing a compound block leaves PageTail on its tail pages, which no step touches again: INV-PAGE-02. */
    PAGE_TAIL_FLAGS_LEFT,
    /** {@code split_page} leaves the new pages without a reference: INV-PAGE-01. */
    PAGE_SPLIT_NO_REFCOUNT;
}
