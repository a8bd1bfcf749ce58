package armmm.model.zone;

import java.util.Arrays;

/**
 * What boot decides for one zone ({@code struct zone}, include/linux/mmzone.h): its geometry,
 * watermarks, {@code lowmem_reserve} and per-CPU list sizes. The buddy allocator starts from it.
 *
 * @param type          which zone
 * @param startPfn      {@code zone_start_pfn}
 * @param spannedPages  {@code spanned_pages}
 * @param presentPages  {@code present_pages}
 * @param managedPages  {@code managed_pages} as /proc/zoneinfo shows it after boot
 * @param min           {@code _watermark[WMARK_MIN]}
 * @param low           {@code _watermark[WMARK_LOW]}
 * @param high          {@code _watermark[WMARK_HIGH]}
 * @param lowmemReserve {@code lowmem_reserve[]}, one entry per zone type (the "protection" line)
 * @param pcpHigh       per-CPU list {@code high}
 * @param pcpBatch      per-CPU list {@code batch}
 */
public record ZoneConfig(ZoneType type, long startPfn, long spannedPages, long presentPages, long managedPages,
                         long min, long low, long high, long[] lowmemReserve, int pcpHigh, int pcpBatch) {
    public ZoneConfig {
        if (presentPages > spannedPages) {
            throw new IllegalArgumentException("zone " + type + ": present " + presentPages + " exceeds spanned " + spannedPages);
        }
        // managed may pass present by less than one MAX_ORDER block: __free_pages_memory counts a
        // block holding a zone end that is off a MAX_ORDER_NR_PAGES boundary as the lower zone's
        if (managedPages > presentPages + (1L << (armmm.model.board.BuildConfig.MAX_ORDER - 1)) - 1) {
            throw new IllegalArgumentException("zone " + type + ": managed " + managedPages + " exceeds present " + presentPages);
        }
        if (lowmemReserve.length != ZoneType.values().length) {
            throw new IllegalArgumentException("lowmem_reserve has one entry per zone type, found " + lowmemReserve.length);
        }
        lowmemReserve = lowmemReserve.clone();
    }

    /** The same zone with {@code managed_pages} {@code managed} ({@code adjust_managed_page_count}). */
    public ZoneConfig withManagedPages(long managed) {
        return new ZoneConfig(type, startPfn, spannedPages, presentPages, managed, min, low, high, lowmemReserve, pcpHigh,
                pcpBatch);
    }

    /** The same zone with the watermarks {@code __setup_per_zone_wmarks} set. */
    public ZoneConfig withWatermarks(long newMin, long newLow, long newHigh) {
        return new ZoneConfig(type, startPfn, spannedPages, presentPages, managedPages, newMin, newLow, newHigh,
                lowmemReserve, pcpHigh, pcpBatch);
    }

    /** The same zone with the protection {@code setup_per_zone_lowmem_reserve} set. */
    public ZoneConfig withLowmemReserve(long[] reserve) {
        return new ZoneConfig(type, startPfn, spannedPages, presentPages, managedPages, min, low, high, reserve, pcpHigh,
                pcpBatch);
    }

    /** The same zone with the per-CPU list sizes {@code zone_set_pageset_high_and_batch} set. */
    public ZoneConfig withPcp(int newHigh, int newBatch) {
        return new ZoneConfig(type, startPfn, spannedPages, presentPages, managedPages, min, low, high, lowmemReserve,
                newHigh, newBatch);
    }

    /** One past the last pfn the zone spans. */
    public long endPfn() {
        return startPfn + spannedPages;
    }

    /** True when the zone spans no page. */
    public boolean isEmpty() {
        return spannedPages == 0;
    }

    @Override
    public long[] lowmemReserve() {
        return lowmemReserve.clone();
    }

    /** {@code lowmem_reserve[zoneIdx]}, without copying the array (the allocator's watermark check reads it per zone). */
    public long lowmemReserve(int zoneIdx) {
        return lowmemReserve[zoneIdx];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZoneConfig z && type == z.type && startPfn == z.startPfn && spannedPages == z.spannedPages
                && presentPages == z.presentPages && managedPages == z.managedPages && min == z.min && low == z.low
                && high == z.high && Arrays.equals(lowmemReserve, z.lowmemReserve) && pcpHigh == z.pcpHigh
                && pcpBatch == z.pcpBatch;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new long[] {type.ordinal(), startPfn, spannedPages, presentPages, managedPages, min, low, high})
                * 31 + Arrays.hashCode(lowmemReserve);
    }
}
