package armmm.model.page;

import static armmm.model.page.PageAllocator.MAX_ORDER;

/**
 * Node 0's kswapd as far as the watermark boost needs it (mm/vmscan.c {@code wakeup_kswapd},
 * {@code pgdat_balanced}, {@code balance_pgdat}). The model has no LRU, page cache or anonymous
 * pages: every allocation is the kernel's own, so kswapd never reclaims anything. What it still
 * does is what 6.1 does after a pass that reclaimed nothing: {@code kswapd_failures++}, and the
 * boost it found on each zone it balanced is taken off ({@code watermark_boost -= zone_boosts[i]}).
 * After {@code MAX_RECLAIM_RETRIES} (16) such passes {@code wakeup_kswapd} no longer wakes it, and
 * boosts stay until the end of the run (nothing in the model makes reclaim succeed and reset the
 * count).
 * <p>
 * kswapd is a thread: the model runs the pass it was woken for when the next kernel call begins
 * ({@link PageAllocator#beginStep}), so the call that woke it, and the checks after that call,
 * see the boost; the next call does not.
 */
final class Kswapd {
    /** {@code MAX_RECLAIM_RETRIES} (mm/internal.h). */
    static final int MAX_RECLAIM_RETRIES = 16;

    private final MemMap m;
    /** {@code pgdat->kswapd_failures}. */
    int failures;
    /**
     * {@code pgdat->kswapd_highest_zoneidx}: the highest index asked since kswapd last read it, -1
     * for {@code MAX_NR_ZONES} (none asked).
     */
    private int recordedZoneIdx = -1;
    /** {@code pgdat->kswapd_order}: the highest order asked since kswapd last read it. */
    private int recordedOrder;
    /** Whether a wake-up reached {@code wake_up_interruptible} since kswapd's last pass. */
    private boolean wakeUp;

    Kswapd(MemMap m) {
        this.m = m;
    }

    /**
     * {@code wakeup_kswapd(zone, gfp, order, highest_zoneidx)} for node 0. The order and index are
     * recorded before the decision to wake, so a wake-up given up on a balanced node still leaves
     * them for kswapd's next pass, which reads the largest asked since its last one.
     */
    void wakeup(int order, int highestZoneIdx) {
        if (!anyManaged(highestZoneIdx)) {
            // wake_all_kswapds passes over zones that manage nothing, and wakeup_kswapd returns for
            // one before it records: with none up to the index, nothing is recorded
            return;
        }
        recordedZoneIdx = Math.max(recordedZoneIdx, highestZoneIdx);
        recordedOrder = Math.max(recordedOrder, order);
        if (failures >= MAX_RECLAIM_RETRIES || balanced(order, highestZoneIdx) && !boosted(highestZoneIdx)) {
            return;
        }
        wakeUp = true;
    }

    /** Whether a call woke kswapd since its last pass ({@code wakeup_kswapd}): {@link #run} has work. */
    boolean woken() {
        return wakeUp;
    }

    /**
     * kswapd gets the CPU: {@code balance_pgdat} for the order and index recorded since its last
     * pass (read and reset as {@code kswapd()} does after it wakes), if a wake-up is pending.
     */
    void run() {
        if (!wakeUp) {
            return;
        }
        int idx = recordedZoneIdx;
        int order = recordedOrder;
        wakeUp = false;
        recordedZoneIdx = -1;
        recordedOrder = 0;
        if (!boosted(idx) && balanced(order, idx)) {
            return;
        }
        // nothing on any LRU: the pass reclaims nothing
        failures++;
        for (int i = 0; i <= idx; i++) {
            BuddyZone z = m.zones[i];
            if (z != null) {
                z.watermarkBoost = 0;
            }
        }
    }

    /** Whether some zone up to {@code idx} manages pages ({@code managed_zone}). */
    private boolean anyManaged(int idx) {
        for (int i = 0; i <= idx && i < m.zones.length; i++) {
            BuddyZone z = m.zones[i];
            if (z != null && z.config.managedPages() > 0) {
                return true;
            }
        }
        return false;
    }

    /** {@code pgdat_watermark_boosted}: some managed zone up to {@code idx} is boosted. */
    private boolean boosted(int idx) {
        for (int i = 0; i <= idx && i < m.zones.length; i++) {
            BuddyZone z = m.zones[i];
            if (z != null && z.config.managedPages() > 0 && z.watermarkBoost > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code pgdat_balanced}: a managed zone up to {@code idx} meets its high watermark (boost
     * included) for {@code order} ({@code zone_watermark_ok_safe}); true when none is managed.
     */
    private boolean balanced(int order, int idx) {
        boolean any = false;
        for (int i = 0; i <= idx && i < m.zones.length; i++) {
            BuddyZone z = m.zones[i];
            if (z == null || z.config.managedPages() == 0) {
                continue;
            }
            any = true;
            long mark = Watermark.wmark(z, 2);
            if (Watermark.watermarkOkSafe(z, Math.min(order, MAX_ORDER - 1), mark, z.config.lowmemReserve()[idx])) {
                return true;
            }
        }
        return !any;
    }
}
