package armmm.model.zone;

/** {@code enum zone_type} (include/linux/mmzone.h) for this build: DMA, Normal, HighMem, Movable. */
public enum ZoneType {
    /** ZONE_DMA: on the virt board all of lowmem (CONFIG_ZONE_DMA=y, no DMA limit). */
    DMA("DMA"),
    /** ZONE_NORMAL: empty on the virt board, since DMA covers lowmem. */
    NORMAL("Normal"),
    /** ZONE_HIGHMEM: RAM above the lowmem limit. */
    HIGHMEM("HighMem"),
    /** ZONE_MOVABLE: only with {@code movablecore=} or {@code kernelcore=}. */
    MOVABLE("Movable");

    private final String kernelName;

    ZoneType(String kernelName) {
        this.kernelName = kernelName;
    }

    /** The name /proc/zoneinfo prints: {@code DMA}, {@code Normal}, {@code HighMem}, {@code Movable}. */
    public String kernelName() {
        return kernelName;
    }

    /** The zone whose kernel name is {@code name}, or null. */
    public static ZoneType byKernelName(String name) {
        for (ZoneType t : values()) {
            if (t.kernelName.equals(name)) {
                return t;
            }
        }
        return null;
    }
}
