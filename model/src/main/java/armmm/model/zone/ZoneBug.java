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
    /** A watermark recompute after boot (a sysctl write) swaps the low and high watermarks: INV-ZONE-04. */
    ZONE_WMARK_SWAPPED(
            "INV-ZONE-04", null, "A watermark recompute after boot (a vm sysctl write) swaps the low and high watermarks"),
    /**
     * {@code setup_per_zone_wmarks} after boot reads the stale managed counts of postcore time, not
     * {@code zone_managed_pages} now (the late frees of initrd and init sections are missed): INV-ZONE-05.
     */
    ZONE_WMARK_FROM_FINAL_MANAGED(
            "INV-ZONE-05", null, "A watermark recompute after boot uses the stale managed counts of postcore time, not the zones' counts now"),
    /** {@code setup_per_zone_lowmem_reserve} after boot takes the upper zone alone, not the sum of the zones above: INV-ZONE-06. */
    ZONE_RESERVE_NOT_CUMULATIVE(
            "INV-ZONE-06", null, "A lowmem_reserve_ratio write recomputes the protection from the upper zone alone, not the sum of the zones above"),
    /** min_free_kbytes from the managed count after the late frees: INV-ZONE-07. */
    ZONE_MIN_FREE_FROM_FINAL(
            "INV-ZONE-07", null, "min_free_kbytes from the managed count after the late frees"),
    /** {@code zone_highsize} after boot (a sysctl write) loses its 4 x batch floor: INV-ZONE-08. */
    ZONE_PCP_HIGH_NO_FLOOR(
            "INV-ZONE-08", null, "A per-CPU list resize after boot (a vm sysctl write) loses the 4 x batch floor of pcp high"),
    /**
     * {@code percpu_pagelist_high_fraction_sysctl_handler} returns -EINVAL for a fraction of 1 to 7
     * but forgets to put back the old value that {@code proc_dointvec_minmax} already stored: INV-CALL-05.
     */
    ZONE_FRACTION_EINVAL_KEEPS_VALUE(
            "INV-CALL-05", null, "A refused vm.percpu_pagelist_high_fraction write (1 to 7) keeps the value proc_dointvec_minmax stored"),
    /**
     * {@code min_free_kbytes_sysctl_handler} clamps the value written to calculate_min_free_kbytes's
     * [128, 262144] after recording it in {@code user_min_free_kbytes}: INV-ZONE-07.
     */
    ZONE_MIN_FREE_WRITE_CLAMPED(
            "INV-ZONE-07", null, "A vm.min_free_kbytes write is clamped to [128, 262144] as if the boot formula had computed it"),
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
