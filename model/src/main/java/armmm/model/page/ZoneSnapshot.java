package armmm.model.page;

/**
 * A zone as an allocation found it, for the zonelist check.
 *
 * @param freePages       NR_FREE_PAGES
 * @param freeCma         NR_FREE_CMA_PAGES
 * @param reservedHighatomic nr_reserved_highatomic
 * @param pcpHasPage      this CPU's list for the order and migratetype was not empty
 * @param maxFreeOrder    the highest order with a block on an Unmovable, Movable or Reclaimable list, -1 for none
 * @param maxCmaOrder     the highest order with a block on the CMA list, -1 for none
 * @param watermarkBoost  {@code watermark_boost}
 */
public record ZoneSnapshot(long freePages, long freeCma, long reservedHighatomic, boolean pcpHasPage,
                           int maxFreeOrder, int maxCmaOrder, long watermarkBoost) {
}
