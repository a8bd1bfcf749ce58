package armmm.model.core;

/** Formatting of numbers the way the scenario language and kernel messages write them. */
public final class Values {
    private Values() {
    }

    /** {@code 0x} followed by lower-case hex digits. */
    public static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** {@code SZ_4K}, {@code SZ_1M}, ... for powers of two from 1 KiB to 4 GiB; hex otherwise. */
    public static String sizeName(long v) {
        if (v >= 1024 && v <= (1L << 32) && Long.bitCount(v) == 1) {
            int shift = Long.numberOfTrailingZeros(v);
            if (shift >= 30) {
                return "SZ_" + (1L << (shift - 30)) + "G";
            }
            if (shift >= 20) {
                return "SZ_" + (1L << (shift - 20)) + "M";
            }
            return "SZ_" + (1L << (shift - 10)) + "K";
        }
        return v < 1024 ? Long.toString(v) : hex(v);
    }
}
