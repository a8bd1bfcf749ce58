package armmm.model.page;

import java.util.OptionalLong;

/** GFP flags (include/linux/gfp_types.h); filled in with the buddy allocator. */
public final class Gfp {
    private Gfp() {
    }

    /** The mask as flag names joined by {@code |}. */
    public static String format(long mask) {
        return "0x" + Long.toHexString(mask);
    }

    /** The mask named by {@code text} ({@code GFP_KERNEL|__GFP_ZERO}), or empty. */
    public static OptionalLong parse(String text) {
        return OptionalLong.empty();
    }
}
