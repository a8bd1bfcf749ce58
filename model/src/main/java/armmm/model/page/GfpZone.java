package armmm.model.page;

import armmm.model.core.Gfp;
import armmm.model.zone.ZoneType;

/**
 * What a GFP mask means to the page allocator: {@code gfp_zone} and {@code gfp_migratetype}
 * (include/linux/gfp.h). The flags themselves are {@link Gfp}, shared by every subsystem.
 */
public final class GfpZone {
    /** {@code MigrateType.values()} once: {@code values()} copies its array on every call. */
    private static final MigrateType[] MIGRATETYPES = MigrateType.values();

    private GfpZone() {
    }

    /**
     * {@code gfp_zone}: the highest zone the mask allows, from {@code GFP_ZONE_TABLE} for this
     * build (CONFIG_ZONE_DMA, CONFIG_HIGHMEM, no DMA32: DMA32 reads as Normal). Combinations the
     * kernel marks bad ({@code GFP_ZONE_BAD}, VM_BUG_ON) return null.
     */
    public static ZoneType gfpZone(long gfp) {
        int bits = (int) (gfp & Gfp.ZONEMASK);
        switch (bits) {
            case 0:
            case 0x04:
            case 0x08:
            case 0x0c:
                return ZoneType.NORMAL;
            case 0x01:
            case 0x09:
                return ZoneType.DMA;
            case 0x02:
                return ZoneType.HIGHMEM;
            case 0x0a:
                return ZoneType.MOVABLE;
            default:
                return null;
        }
    }

    /** {@code gfp_migratetype}: Unmovable, Movable or Reclaimable from the mobility bits. */
    public static MigrateType gfpMigratetype(long gfp) {
        int bits = (int) ((gfp & (Gfp.MOVABLE | Gfp.RECLAIMABLE)) >>> 3);
        return MIGRATETYPES[bits];
    }
}
