package armmm.model.page;

/** GFP flags (include/linux/gfp_types.h); filled in with the buddy allocator. */
public final class Gfp {
    private Gfp() {
    }

    /** The mask as flag names joined by {@code |}. */
    public static String format(long mask) {
        return "0x" + Long.toHexString(mask);
    }
}
