package armmm.model.check;

import java.util.Locale;

/**
 * Bugs planted on purpose in the model, each a mistake a kernel could make, to prove that the
 * invariants and properties catch it. Off unless {@code -Darmmm.bug=NAME} or a test turns one on.
 * Each constant's javadoc names the invariant that must catch it.
 */
public enum SeededBug {
    /** memblock forgets to merge a new region with its lower neighbour: INV-MEMBLOCK-03. */
    MEMBLOCK_NO_MERGE,
    /** memblock's total_size is not updated on removal: INV-MEMBLOCK-04. */
    MEMBLOCK_STALE_TOTAL,
    /** memblock_alloc ignores the reserved array when placing: INV-MEMBLOCK-06. */
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
    LAYOUT_PAGE_TO_PFN_WRONG_STRIDE;

    private static volatile SeededBug active = fromProperty();

    private static SeededBug fromProperty() {
        String name = System.getProperty("armmm.bug", "");
        if (name.isBlank()) {
            return null;
        }
        return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
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
