package armmm.model.zone;

import armmm.model.core.Bugs;

/**
 * {@code boost_watermark} (mm/page_alloc.c): how far a fallback steal of a block smaller than a
 * pageblock raises every watermark of its zone ({@code zone->watermark_boost}, added by
 * {@code wmark_pages}), so that kswapd reclaims a little before the next fragmenting fallback.
 */
public final class WatermarkBoost {
    /** {@code watermark_boost_factor}'s boot value (vm.watermark_boost_factor): 150% of the high watermark. */
    public static final long WATERMARK_BOOST_FACTOR = 15000;
    /** Zones managing fewer than this many pageblocks are never boosted (commit ab70cdb0d416). */
    public static final long SMALL_ZONE_PAGEBLOCKS = 4;

    private WatermarkBoost() {
    }

    /**
     * The zone's boost after one more boosting steal, or -1 where {@code boost_watermark} returns
     * false and leaves it: a factor of 0 (vm.watermark_boost_factor written 0), a zone of fewer than 4 pageblocks of managed pages (too small to gain
     * from it: "mm: limit boost_watermark on small zones"), or one whose high watermark is 0.
     * Otherwise the boost grows by a pageblock up to max(pageblock, high x factor / 10000).
     *
     * @param managed          {@code zone_managed_pages}
     * @param high             {@code _watermark[WMARK_HIGH]}, without the boost
     * @param boost            {@code watermark_boost} now
     * @param pageblockNrPages {@code pageblock_nr_pages}
     * @param factor           {@code watermark_boost_factor} now; 0 never boosts
     * @param bugs             the seeded bugs ({@link ZoneBug#ZONE_BOOST_SMALL_ZONE})
     */
    public static long boosted(long managed, long high, long boost, long pageblockNrPages, long factor, Bugs bugs) {
        if (factor == 0) {
            return -1;
        }
        if (pageblockNrPages * SMALL_ZONE_PAGEBLOCKS > managed && !bugs.has(ZoneBug.ZONE_BOOST_SMALL_ZONE)) {
            return -1;
        }
        long maxBoost = multFrac32(high, factor);
        if (maxBoost == 0) {
            return -1;
        }
        maxBoost = Math.max(pageblockNrPages, maxBoost);
        return Math.min(boost + pageblockNrPages, maxBoost);
    }

    /**
     * {@code mult_frac(high, factor, 10000)} in the type of {@code high}, a 32-bit
     * {@code unsigned long} on ARM32: the remainder's product wraps for a factor above
     * 429496 (2^32 / 10000), as in the kernel.
     */
    static long multFrac32(long high, long factor) {
        long mask = 0xFFFF_FFFFL;
        long quot = high / 10000;
        long rem = high % 10000;
        return (quot * factor + ((rem * factor) & mask) / 10000) & mask;
    }
}
