package armmm.model.page;

/**
 * A zone as an allocation found it, for the zonelist check.
 *
 * @param freePages       NR_FREE_PAGES, exact (every CPU's vmstat difference folded in)
 * @param freeCma         NR_FREE_CMA_PAGES, exact
 * @param statFree        {@code zone_page_state(zone, NR_FREE_PAGES)}: what the watermark checks read
 * @param statCma         {@code zone_page_state(zone, NR_FREE_CMA_PAGES)}
 * @param reservedHighatomic nr_reserved_highatomic
 * @param pcpHasPage      this CPU's list for the order and migratetype was not empty
 * @param maxFreeOrder    the highest order with a block on an Unmovable, Movable or Reclaimable list, -1 for none
 * @param maxCmaOrder     the highest order with a block on the CMA list, -1 for none
 * @param watermarkBoost  {@code watermark_boost}
 */
public record ZoneSnapshot(long freePages, long freeCma, long statFree, long statCma, long reservedHighatomic, boolean pcpHasPage,
                           int maxFreeOrder, int maxCmaOrder, long watermarkBoost) {
}
