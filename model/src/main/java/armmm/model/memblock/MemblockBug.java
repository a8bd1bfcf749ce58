package armmm.model.memblock;

import armmm.model.core.BugFacts;
import armmm.model.core.SeededBug;

/**
 * The bugs that can be planted in this subsystem (mm/memblock.c), each a mistake a kernel could make;
 * a kernel created with one of them in its {@link armmm.model.core.Bugs} runs it. Each constant's
 * javadoc names the invariant that must catch it.
 */
public enum MemblockBug implements SeededBug {
    /**
     * 8f7a66051b75 undone: {@code memblock_add_range} inserts over existing regions, not only into
     * holes, as memblock_reserve did before that commit taught it overlaps: INV-MEMBLOCK-01.
     */
    MEMBLOCK_ADD_OVERLAP(
            "INV-MEMBLOCK-01", "8f7a66051b75 (\"mm/memblock: properly handle overlaps and fix error path\")",
            "memblock_add_range inserts over existing regions, not only into holes"),
    /** {@code memblock_merge_regions} never merges: INV-MEMBLOCK-02. */
    MEMBLOCK_NO_MERGE(
            "INV-MEMBLOCK-02", null, "memblock_merge_regions never merges"),
    /** {@code memblock_remove_region} does not lower total_size: INV-MEMBLOCK-03. */
    MEMBLOCK_STALE_TOTAL(
            "INV-MEMBLOCK-03", null, "memblock_remove_region does not lower total_size"),
    /** adding to an empty array keeps the dummy region beside the new one: INV-MEMBLOCK-04. */
    MEMBLOCK_DUMMY_KEPT(
            "INV-MEMBLOCK-04", null, "adding to an empty array keeps the dummy region beside the new one"),
    /**
     * eb18f1b5bfb9 undone: {@code memblock_add_range} skips {@code memblock_cap_size}, so a range
     * whose end overflows {@code phys_addr_t} is kept as given: INV-MEMBLOCK-05.
     */
    MEMBLOCK_NO_CAP(
            "INV-MEMBLOCK-05", "eb18f1b5bfb9 (\"memblock: Make memblock functions handle overflowing range @size\")",
            "memblock_add_range skips memblock_cap_size, so a range whose end overflows phys_addr_t is kept as given"),
    /** {@code __next_mem_range} does not clip a free range to its memory region: INV-MEMBLOCK-06. */
    MEMBLOCK_FREE_RANGE_PAST_MEMORY(
            "INV-MEMBLOCK-06", null, "__next_mem_range does not clip a free range to its memory region"),
    /** {@code should_skip_region} does not skip NOMAP memory: INV-MEMBLOCK-07. */
    MEMBLOCK_ALLOC_INTO_NOMAP(
            "INV-MEMBLOCK-07", null, "should_skip_region does not skip NOMAP memory"),
    /** {@code memblock_alloc_range_nid} does not reserve what it found: INV-MEMBLOCK-08. */
    MEMBLOCK_ALLOC_UNRESERVED(
            "INV-MEMBLOCK-08", null, "memblock_alloc_range_nid does not reserve what it found"),
    /** the find functions do not round the candidate to the alignment: INV-MEMBLOCK-09. */
    MEMBLOCK_ALLOC_MISALIGNED(
            "INV-MEMBLOCK-09", null, "the find functions do not round the candidate to the alignment"),
    /** MEMBLOCK_ALLOC_ACCESSIBLE means anywhere, not current_limit: INV-MEMBLOCK-10. */
    MEMBLOCK_ALLOC_IGNORES_LIMIT(
            "INV-MEMBLOCK-10", null, "MEMBLOCK_ALLOC_ACCESSIBLE means anywhere, not current_limit"),
    /** the free-range walk ignores the reserved array: INV-MEMBLOCK-11. */
    MEMBLOCK_ALLOC_OVER_RESERVED(
            "INV-MEMBLOCK-11", null, "the free-range walk ignores the reserved array"),
    /**
     * 29f6738609e4 undone: {@code memblock_double_array} places the new region array at
     * {@code sizeof(phys_addr_t)} alignment and reserves (and later frees) only its
     * {@code max * sizeof(struct memblock_region)} bytes, not {@code PAGE_ALIGN} of them, so the
     * array shares its pages with free memory and the pages a {@code memblock_discard} would give
     * back are not the array's own: INV-MEMBLOCK-12.
     */
    MEMBLOCK_ARRAY_NOT_PAGE_ALIGNED(
            "INV-MEMBLOCK-12", "29f6738609e4 (\"memblock: free allocated memblock_reserved_regions later\")",
            "memblock_double_array takes the new region array at sizeof(phys_addr_t) alignment and reserves and frees only its bytes, not whole pages");

    private final BugFacts facts;

    MemblockBug(String invariant, String kernelCommit, String summary) {
        this.facts = new BugFacts(invariant, kernelCommit, summary);
    }

    @Override
    public BugFacts facts() {
        return facts;
    }
}
