package armmm.model.page;

/**
 * {@code enum migratetype} (include/linux/mmzone.h) with CONFIG_CMA and CONFIG_MEMORY_ISOLATION,
 * in the kernel's order, which is also /proc/pagetypeinfo's order.
 */
public enum MigrateType {
    /** MIGRATE_UNMOVABLE. */
    UNMOVABLE("Unmovable"),
    /** MIGRATE_MOVABLE. */
    MOVABLE("Movable"),
    /** MIGRATE_RECLAIMABLE. */
    RECLAIMABLE("Reclaimable"),
    /** MIGRATE_HIGHATOMIC (= MIGRATE_PCPTYPES). */
    HIGHATOMIC("HighAtomic"),
    /** MIGRATE_CMA. */
    CMA("CMA"),
    /** MIGRATE_ISOLATE. */
    ISOLATE("Isolate");

    /** MIGRATE_PCPTYPES: the types that have per-CPU lists. */
    public static final int PCPTYPES = 3;
    /** MIGRATE_TYPES. */
    public static final int COUNT = 6;

    private static final MigrateType[] VALUES = values();
    private final String kernelName;

    MigrateType(String kernelName) {
        this.kernelName = kernelName;
    }

    /** The name /proc/pagetypeinfo prints ({@code migratetype_names}, mm/vmstat.c). */
    public String kernelName() {
        return kernelName;
    }

    /** The type with ordinal {@code i}. */
    public static MigrateType of(int i) {
        return VALUES[i];
    }

    /** The type whose kernel name is {@code name}, or null. */
    public static MigrateType byKernelName(String name) {
        for (MigrateType t : VALUES) {
            if (t.kernelName.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** {@code migratetype_is_mergeable}: below MIGRATE_PCPTYPES. */
    public boolean isMergeable() {
        return ordinal() < PCPTYPES;
    }
}
