package armmm.model.check;

import java.util.Locale;

/**
 * Bugs planted on purpose in the model, each a mistake a kernel could make, to prove that the
 * invariants and properties catch it. Off unless {@code -Darmmm.bug=NAME} or a test turns one on.
 * Each constant's javadoc names the invariant that must catch it.
 */
public enum SeededBug {
    /** {@code memblock_add_range} inserts over existing regions, not only into holes: INV-MEMBLOCK-01. */
    MEMBLOCK_ADD_OVERLAP,
    /** {@code memblock_merge_regions} never merges: INV-MEMBLOCK-02. */
    MEMBLOCK_NO_MERGE,
    /** {@code memblock_remove_region} does not lower total_size: INV-MEMBLOCK-03. */
    MEMBLOCK_STALE_TOTAL,
    /** adding to an empty array keeps the dummy region beside the new one: INV-MEMBLOCK-04. */
    MEMBLOCK_DUMMY_KEPT,
    /** {@code memblock_add_range} skips {@code memblock_cap_size}: INV-MEMBLOCK-05. */
    MEMBLOCK_NO_CAP,
    /** {@code __next_mem_range} does not clip a free range to its memory region: INV-MEMBLOCK-06. */
    MEMBLOCK_FREE_RANGE_PAST_MEMORY,
    /** {@code should_skip_region} does not skip NOMAP memory: INV-MEMBLOCK-07. */
    MEMBLOCK_ALLOC_INTO_NOMAP,
    /** {@code memblock_alloc_range_nid} does not reserve what it found: INV-MEMBLOCK-08. */
    MEMBLOCK_ALLOC_UNRESERVED,
    /** the find functions do not round the candidate to the alignment: INV-MEMBLOCK-09. */
    MEMBLOCK_ALLOC_MISALIGNED,
    /** MEMBLOCK_ALLOC_ACCESSIBLE means anywhere, not current_limit: INV-MEMBLOCK-10. */
    MEMBLOCK_ALLOC_IGNORES_LIMIT,
    /** the free-range walk ignores the reserved array: INV-MEMBLOCK-11. */
    MEMBLOCK_ALLOC_OVER_RESERVED,
    /** adjust_lowmem_bounds forgets VMALLOC_OFFSET, so lowmem eats into the vmalloc area: INV-LAYOUT-03. */
    LAYOUT_NO_VMALLOC_OFFSET_IN_LIMIT,
    /** VMALLOC_START is not pushed 8 MiB past high_memory: INV-LAYOUT-02. */
    LAYOUT_NO_VMALLOC_GAP,
    /** __pa is off by one page: INV-LAYOUT-04. */
    LAYOUT_PA_OFF_BY_PAGE,
    /** PKMAP_BASE at PAGE_OFFSET, on top of lowmem: INV-LAYOUT-01. */
    LAYOUT_PKMAP_OVER_LOWMEM,
    /** page_to_pfn divides by 32 instead of sizeof(struct page): INV-LAYOUT-05. */
    LAYOUT_PAGE_TO_PFN_WRONG_STRIDE,
    /** ZONE_MOVABLE's pages left in the zone it was carved from, so the two overlap: INV-ZONE-01. */
    ZONE_MOVABLE_NOT_CARVED,
    /** NOMAP memory counted as a hole, leaving present_pages: INV-ZONE-02. */
    ZONE_NOMAP_ABSENT,
    /** CMA pageblocks never given back to managed at activation: INV-ZONE-03. */
    ZONE_CMA_NOT_MANAGED,
    /** The low and high watermarks swapped: INV-ZONE-04. */
    ZONE_WMARK_SWAPPED,
    /** Watermarks computed from the managed count after the late frees: INV-ZONE-05. */
    ZONE_WMARK_FROM_FINAL_MANAGED,
    /** lowmem_reserve from the upper zone alone, not the sum of the zones above: INV-ZONE-06. */
    ZONE_RESERVE_NOT_CUMULATIVE,
    /** min_free_kbytes from the managed count after the late frees: INV-ZONE-07. */
    ZONE_MIN_FREE_FROM_FINAL,
    /** The per-CPU list high limit loses its 4 x batch floor: INV-ZONE-08. */
    ZONE_PCP_HIGH_NO_FLOOR,
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

    private static volatile SeededBug active = byName(System.getProperty("armmm.bug", "")).orElse(null);

    /**
     * The bug named {@code name} ({@code memblock-no-merge} or {@code MEMBLOCK_NO_MERGE}); empty
     * for a blank or unknown name.
     */
    public static java.util.Optional<SeededBug> byName(String name) {
        String key = name == null ? "" : name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (SeededBug b : values()) {
            if (b.name().equals(key)) {
                return java.util.Optional.of(b);
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * What is wrong with {@code -Darmmm.bug}, when it names no seeded bug; empty when it is unset or
     * names one. A typo must not quietly run without the bug.
     */
    public static java.util.Optional<String> propertyError() {
        String name = System.getProperty("armmm.bug", "");
        if (name.isBlank() || byName(name).isPresent()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("-Darmmm.bug: unknown seeded bug '" + name.trim() + "', expected one of "
                + java.util.Arrays.stream(values()).map(SeededBug::cliName).collect(java.util.stream.Collectors.joining(", ")));
    }

    /** The scenario-friendly name, {@code memblock-no-merge}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** True when this bug is planted now. */
    public boolean isActive() {
        return active == this;
    }

    /** Plants {@code bug} (null: none) until the returned handle is closed. */
    public static Planted plant(SeededBug bug) {
        SeededBug before = active;
        active = bug;
        return () -> active = before;
    }

    /** The planted bug, or null. */
    public static SeededBug active() {
        return active;
    }

    /** Restores the bug planted before, when closed. */
    @FunctionalInterface
    public interface Planted extends AutoCloseable {
        @Override
        void close();
    }
}
