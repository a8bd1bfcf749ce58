package armmm.model.zone;

import armmm.model.core.BugFacts;
import armmm.model.core.SeededBug;

/**
 * The bugs that can be planted in this subsystem (mm/page_alloc.c (zone set-up)), each a mistake a kernel could make;
 * a kernel created with one of them in its {@link armmm.model.core.Bugs} runs it. Each constant's
 * javadoc names the invariant that must catch it.
 */
public enum ZoneBug implements SeededBug {
    /** ZONE_MOVABLE's pages left in the zone it was carved from, so the two overlap: INV-ZONE-01. */
    ZONE_MOVABLE_NOT_CARVED(
            "INV-ZONE-01", null, "ZONE_MOVABLE's pages left in the zone it was carved from, so the two overlap"),
    /** NOMAP memory counted as a hole, leaving present_pages: INV-ZONE-02. */
    ZONE_NOMAP_ABSENT(
            "INV-ZONE-02", null, "NOMAP memory counted as a hole, leaving present_pages"),
    /** CMA pageblocks never given back to managed at activation: INV-ZONE-03. */
    ZONE_CMA_NOT_MANAGED(
            "INV-ZONE-03", null, "CMA pageblocks never given back to managed at activation"),
    /** The low and high watermarks swapped: INV-ZONE-04. */
    ZONE_WMARK_SWAPPED(
            "INV-ZONE-04", null, "The low and high watermarks swapped"),
    /** Watermarks computed from the managed count after the late frees: INV-ZONE-05. */
    ZONE_WMARK_FROM_FINAL_MANAGED(
            "INV-ZONE-05", null, "Watermarks computed from the managed count after the late frees"),
    /** lowmem_reserve from the upper zone alone, not the sum of the zones above: INV-ZONE-06. */
    ZONE_RESERVE_NOT_CUMULATIVE(
            "INV-ZONE-06", null, "lowmem_reserve from the upper zone alone, not the sum of the zones above"),
    /** min_free_kbytes from the managed count after the late frees: INV-ZONE-07. */
    ZONE_MIN_FREE_FROM_FINAL(
            "INV-ZONE-07", null, "min_free_kbytes from the managed count after the late frees"),
    /** The per-CPU list high limit loses its 4 x batch floor: INV-ZONE-08. */
    ZONE_PCP_HIGH_NO_FLOOR(
            "INV-ZONE-08", null, "The per-CPU list high limit loses its 4 x batch floor"),
    /**
     * {@code boost_watermark} boosts zones of fewer than four pageblocks too, raising min by a whole
     * pageblock in a small zone: INV-BUDDY-07.
     */
    ZONE_BOOST_SMALL_ZONE(
            "INV-BUDDY-07", "ab70cdb0d416 (\"mm: limit boost_watermark on small zones\")",
            "boost_watermark boosts a zone of fewer than four pageblocks by a whole pageblock, putting it under water at once");

    private final BugFacts facts;

    ZoneBug(String invariant, String kernelCommit, String summary) {
        this.facts = new BugFacts(invariant, kernelCommit, summary);
    }

    @Override
    public BugFacts facts() {
        return facts;
    }
}
