package armmm.model.page;

import armmm.model.core.BugFacts;
import armmm.model.core.SeededBug;

/**
 * The bugs that can be planted in this subsystem (mm/page_alloc.c), each a mistake a kernel could make;
 * a kernel created with one of them in its {@link armmm.model.core.Bugs} runs it. Each constant's
 * javadoc names the invariant that must catch it.
 */
public enum PageBug implements SeededBug {
    /** {@code expand} loses the last order-0 half it should list: INV-BUDDY-01. */
    BUDDY_EXPAND_LEAK(
            "INV-BUDDY-01", null, "expand loses the last order-0 half it should list"),
    /** {@code del_page_from_free_list} forgets {@code nr_free--}: INV-BUDDY-02. */
    BUDDY_STALE_NR_FREE(
            "INV-BUDDY-02", null, "del_page_from_free_list forgets nr_free--"),
    /** {@code __free_one_page} puts a merged block at the higher buddy ({@code pfn | buddy_pfn}): INV-BUDDY-03. */
    BUDDY_MISALIGNED_MERGE(
            "INV-BUDDY-03", null, "__free_one_page puts a merged block at the higher buddy (pfn | buddy_pfn)"),
    /** A freed CMA block goes to the Movable list: INV-BUDDY-04. */
    BUDDY_CMA_ON_MOVABLE_LIST(
            "INV-BUDDY-04", null, "A freed CMA block goes to the Movable list"),
    /** {@code __free_one_page} never merges with a free buddy: INV-BUDDY-05. */
    BUDDY_NO_MERGE(
            "INV-BUDDY-05", null, "__free_one_page never merges with a free buddy"),
    /** {@code free_unref_page_commit} never drains at {@code high}: INV-BUDDY-06. */
    BUDDY_PCP_NO_DRAIN(
            "INV-BUDDY-06", null, "free_unref_page_commit never drains at high"),
    /** {@code prep_new_page} leaves the reference count at 0: INV-PAGE-01. */
    PAGE_REFCOUNT_NOT_SET(
            "INV-PAGE-01", null, "prep_new_page leaves the reference count at 0"),
    /** {@code __rmqueue_pcplist} hands out a page without unlinking it: INV-PAGE-02. */
    PAGE_PCP_NOT_UNLINKED(
            "INV-PAGE-02", null, "__rmqueue_pcplist hands out a page without unlinking it"),
    /** {@code gfp_zone} lets GFP_KERNEL reach ZONE_HIGHMEM: INV-GFP-01. */
    GFP_KERNEL_FROM_HIGHMEM(
            "INV-GFP-01", null, "gfp_zone lets GFP_KERNEL reach ZONE_HIGHMEM"),
    /** The zonelist is walked lowest zone first: INV-GFP-02. */
    GFP_ZONELIST_ASCENDING(
            "INV-GFP-02", null, "The zonelist is walked lowest zone first"),
    /** The watermark check ignores {@code lowmem_reserve}: INV-GFP-03. */
    GFP_IGNORE_LOWMEM_RESERVE(
            "INV-GFP-03", null, "The watermark check ignores lowmem_reserve"),
    /** {@code prep_new_page} marks no tail pages of a compound block of order 2 or more: INV-CALL-01. */
    PAGE_COMP_TAILS_NOT_MARKED(
            "INV-CALL-01", null, "prep_new_page marks no tail pages of a compound block of order 2 or more"),
    /** {@code prep_new_page} takes two references on a non-compound block of order 1 or more: INV-CALL-01. */
    PAGE_REFCOUNT_TWO(
            "INV-CALL-01", null, "prep_new_page takes two references on a non-compound block of order 1 or more"),
    /** Movable pageblocks of CMA handed to unmovable and reclaimable requests ({@code ALLOC_CMA} for every mask): INV-CALL-01. */
    GFP_CMA_FOR_EVERY_MASK(
            "INV-CALL-01", null, "Movable pageblocks of CMA handed to unmovable and reclaimable requests (ALLOC_CMA for every mask)"),
    /** Every {@code __GFP_COMP} allocation of order 1 or more returns NULL: INV-CALL-02. */
    PAGE_COMP_ALLOC_NULL(
            "INV-CALL-02", null, "Every __GFP_COMP allocation of order 1 or more returns NULL"),
    /** {@code gfp_to_alloc_flags} drops ALLOC_MIN_RESERVE, so GFP_ATOMIC fails above its reserve: INV-CALL-02. */
    GFP_ATOMIC_NO_MIN_RESERVE(
            "INV-CALL-02", null, "gfp_to_alloc_flags drops ALLOC_MIN_RESERVE, so GFP_ATOMIC fails above its reserve"),
    /** {@code __rmqueue_fallback} never takes another migratetype's block: INV-CALL-02. */
    GFP_NO_MIGRATETYPE_FALLBACK(
            "INV-CALL-02", null, "__rmqueue_fallback never takes another migratetype's block"),
    /** A free of a page whose refcount is already 0 is silently accepted: INV-CALL-03. */
    PAGE_FREE_ZERO_REFCOUNT_ACCEPTED(
            "INV-CALL-03", null, "A free of a page whose refcount is already 0 is silently accepted"),
    /** A free with another order than the allocation's is accepted and frees that order: INV-CALL-03. */
    PAGE_FREE_WRONG_ORDER_ACCEPTED(
            "INV-CALL-03", null, "A free with another order than the allocation's is accepted and frees that order"),
    /**
     * {@code bulkfree_pcp_prepare} checks nothing without CONFIG_DEBUG_VM (as it does with it), so a
     * page freed twice while on a per-CPU list goes to the free lists at the drain, unreported: INV-CALL-04.
     */
    PAGE_DRAIN_SKIPS_BAD_PAGE_CHECK(
            "INV-CALL-04", null, "the drain (bulkfree_pcp_prepare) frees a per-CPU page freed twice without reporting it"),
    /** {@code free_pcppages_bulk} loses the last block of every drain: INV-BUDDY-01. */
    BUDDY_DRAIN_LOSES_BLOCK(
            "INV-BUDDY-01", null, "free_pcppages_bulk loses the last block of every drain"),
    /** In ZONE_HIGHMEM only, a merge into order 5 or more forgets {@code nr_free--} of the buddy's order: INV-BUDDY-02. */
    BUDDY_HIGHMEM_STALE_NR_FREE(
            "INV-BUDDY-02", null, "In ZONE_HIGHMEM only, a merge into order 5 or more forgets nr_free-- of the buddy's order"),
    /** Freeing a compound block leaves PageTail on its tail pages, which no step touches again: INV-PAGE-02. */
    PAGE_TAIL_FLAGS_LEFT(
            "INV-PAGE-02", null, "Freeing a compound block leaves PageTail on its tail pages, which no step touches again"),
    /** {@code split_page} leaves the new pages without a reference: INV-PAGE-01. */
    PAGE_SPLIT_NO_REFCOUNT(
            "INV-PAGE-01", null, "split_page leaves the new pages without a reference"),
    /** {@code __mod_zone_page_state} folds only the call's delta at the threshold and loses the CPU's earlier difference: INV-BUDDY-08. */
    PAGE_VMSTAT_FOLD_DROPS_DIFF(
            "INV-BUDDY-08", null, "__mod_zone_page_state folds only the call's delta at the threshold and loses the CPU's earlier difference"),
    /**
     * f27ce0e14088 undone: {@code zone_watermark_fast}'s order-0 shortcut takes only the free CMA
     * pages off the free count, not {@code nr_reserved_highatomic}, so an order-0 request passes
     * on pages the highatomic reserve holds for high-order atomic requests: INV-GFP-03.
     */
    GFP_WMARK_FAST_IGNORES_HIGHATOMIC(
            "INV-GFP-03", "f27ce0e14088 (\"page_alloc: consider highatomic reserve in watermark fast\")",
            "zone_watermark_fast's order-0 shortcut leaves nr_reserved_highatomic in the free count, so order-0 requests eat into the highatomic reserve"),
    /**
     * 9282012fc0aa undone: {@code zone_watermark_fast}'s order-0 shortcut subtracts the unusable
     * pages without clamping at 0 and compares the signed result with the unsigned
     * {@code mark + lowmem_reserve}, so a highatomic reserve larger than the free count makes a
     * nearly empty zone pass: INV-GFP-03.
     */
    GFP_WMARK_FAST_NEGATIVE(
            "INV-GFP-03", "9282012fc0aa (\"page_alloc: fix invalid watermark check on a negative value\")",
            "zone_watermark_fast takes a negative usable count (nr_reserved_highatomic above NR_FREE_PAGES) as above the watermark"),
    /**
     * 97a16fc82a7c undone: {@code __zone_watermark_ok} checks a high-order request as before
     * Linux 4.4, taking each lower order's free pages off the count and halving min per order,
     * instead of asking for one free block of the order on a list the request may use; so a zone
     * above min with such a block fails a high-order request under pressure: INV-CALL-02.
     */
    GFP_WMARK_ORDER_LOOP(
            "INV-CALL-02", "97a16fc82a7c (\"mm, page_alloc: only enforce watermarks for order-0 allocations\")",
            "__zone_watermark_ok takes each lower order's free pages off the count and halves min per order, so a high-order request fails in a zone above min that has a free block of its order"),
    /**
     * f80b08fc4453 undone: {@code zone_watermark_fast} gives an order-0 __GFP_ATOMIC request no
     * second look at min without {@code watermark_boost}, so a boosted zone fails atomic
     * requests its unboosted min would serve: INV-CALL-02.
     */
    GFP_ATOMIC_BOOSTED_WMARK(
            "INV-CALL-02", "f80b08fc4453 (\"mm, page_alloc: skip ->waternark_boost for atomic order-0 allocations\")",
            "zone_watermark_fast checks an order-0 GFP_ATOMIC request against the boosted min only, so it fails while the zone is above min"),
    /**
     * d95ea5d18e69 undone: {@code __zone_watermark_unusable_free} leaves the free CMA pages in
     * the count of a request without ALLOC_CMA, so unmovable requests pass the watermark on pages
     * they may not take and drain the zone's other pages below min: INV-GFP-03.
     */
    GFP_WMARK_COUNTS_CMA(
            "INV-GFP-03", "d95ea5d18e69 (\"cma: fix watermark checking\")",
            "the watermark check counts free CMA pages for requests that may not use them, so unmovable requests drain the rest below min");

    private final BugFacts facts;

    PageBug(String invariant, String kernelCommit, String summary) {
        this.facts = new BugFacts(invariant, kernelCommit, summary);
    }

    @Override
    public BugFacts facts() {
        return facts;
    }
}
