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
    ZONE_PCP_HIGH_NO_FLOOR;

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
