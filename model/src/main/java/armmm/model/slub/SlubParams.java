package armmm.model.slub;

/**
 * The boot-time knobs of SLUB: {@code slub_min_order}, {@code slub_max_order},
 * {@code slub_min_objects} (mm/slub.c {@code setup_slub_min_order} and its siblings),
 * {@code slub_nomerge}/{@code slab_nomerge} and {@code slub_merge}/{@code slab_merge}
 * (mm/slab_common.c), {@code slub_debug}, and the CPU count that {@code calculate_order} scales by.
 *
 * @param minOrder   {@code slub_min_order} (unsigned in the kernel; a value it cannot meet fails cache creation)
 * @param maxOrder   {@code slub_max_order}, already clamped to MAX_ORDER - 1
 * @param minObjects {@code slub_min_objects}; 0 means derived from the CPU count
 * @param nomerge    {@code slab_nomerge}: no cache is ever merged
 * @param debug      {@code slub_debug}
 * @param cpus       {@code nr_cpu_ids} (every possible CPU is present on these boards)
 */
public record SlubParams(long minOrder, long maxOrder, long minObjects, boolean nomerge, SlubDebug debug, int cpus) {
    /** {@code PAGE_ALLOC_COSTLY_ORDER}, the default {@code slub_max_order}. */
    public static final int PAGE_ALLOC_COSTLY_ORDER = 3;
    /** {@code MAX_ORDER} of this build (CONFIG_ARCH_FORCE_MAX_ORDER=12). */
    public static final int MAX_ORDER = 12;

    public SlubParams {
        if (cpus < 1) {
            throw new IllegalArgumentException("expected at least one CPU, found " + cpus);
        }
    }

    /** The defaults of this build for {@code cpus} CPUs: orders 0-3, merging on, no debugging. */
    public static SlubParams defaults(int cpus) {
        return new SlubParams(0, PAGE_ALLOC_COSTLY_ORDER, 0, false, SlubDebug.off(), cpus);
    }

    /**
     * Reads the SLUB parameters of a kernel command line as the kernel's {@code __setup}
     * handlers do: each name matches as a prefix of the word, a later word overrides an earlier
     * one, a value {@code get_option} cannot read leaves the setting alone.
     */
    public static SlubParams parse(String cmdline, int cpus) {
        long minOrder = 0;
        long maxOrder = PAGE_ALLOC_COSTLY_ORDER;
        long minObjects = 0;
        boolean nomerge = false;
        SlubDebug debug = SlubDebug.off();
        for (String w : cmdline.trim().split("\\s+")) {
            if (w.startsWith("slub_debug")) {
                debug = SlubDebug.parse(w.substring("slub_debug".length()));
            } else if (w.startsWith("slub_min_order=")) {
                minOrder = option(w, minOrder);
            } else if (w.startsWith("slub_max_order=")) {
                maxOrder = Math.min(option(w, maxOrder), MAX_ORDER - 1);
            } else if (w.startsWith("slub_min_objects=")) {
                minObjects = option(w, minObjects);
            } else if (w.startsWith("slub_nomerge") || w.startsWith("slab_nomerge")) {
                nomerge = true;
            } else if (w.startsWith("slub_merge") || w.startsWith("slab_merge")) {
                nomerge = false;
            }
        }
        return new SlubParams(minOrder, maxOrder, minObjects, nomerge, debug, cpus);
    }

    /**
     * {@code get_option} into an {@code unsigned int}: C notation, a minus wraps; an empty value
     * leaves {@code old}, but any other text without digits stores 0 (lib/cmdline.c writes
     * {@code *pint} before it checks that a digit was read).
     */
    private static long option(String word, long old) {
        String v = word.substring(word.indexOf('=') + 1);
        if (v.isEmpty()) {
            return old;
        }
        boolean neg = v.startsWith("-");
        if (neg) {
            v = v.substring(1);
        }
        int radix = 10;
        int start = 0;
        if (v.startsWith("0x") || v.startsWith("0X")) {
            radix = 16;
            start = 2;
        } else if (v.startsWith("0") && v.length() > 1) {
            radix = 8;
            start = 1;
        }
        int end = start;
        while (end < v.length() && Character.digit(v.charAt(end), radix) >= 0) {
            end++;
        }
        // simple_strtoull: an unsigned long long that wraps past 2^64 (no error), then cut to the unsigned int
        long value = 0;
        for (int i = start; i < end; i++) {
            value = value * radix + Character.digit(v.charAt(i), radix);
        }
        return (neg ? -value : value) & 0xFFFF_FFFFL;
    }

    /** The object count {@code calculate_order} aims for: {@code slub_min_objects} or 4 x (fls(cpus) + 1). */
    public long targetMinObjects() {
        if (minObjects != 0) {
            return minObjects;
        }
        int fls = 32 - Integer.numberOfLeadingZeros(cpus);
        return 4L * (fls + 1);
    }
}
