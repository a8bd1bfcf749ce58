package armmm.model.slub;

/**
 * The byte patterns of {@code slub_debug} objects and their checks (mm/slub.c
 * {@code init_object}, {@code check_object}, {@code check_bytes_and_report}): left and right red
 * zones of 0xbb (free) or 0xcc (allocated), a poisoned object of 0x6b ending in 0xa5. A check
 * names the first damaged region in the kernel's words and restores it, as the kernel's
 * {@code restore_bytes} does.
 */
final class SlubObjectDebug {
    private SlubObjectDebug() {
    }

    /** {@code init_object(s, object, val)}. */
    static void initObject(KmemCache s, Slab slab, int obj, int val) {
        int p = (int) (slab.objectAddress(obj) - slab.base);
        CacheLayout l = s.layout();
        if ((s.flags() & SlabFlags.SLAB_RED_ZONE) != 0) {
            fill(slab, p - l.redLeftPad(), l.redLeftPad(), val);
        }
        if ((s.flags() & SlabFlags.OBJECT_POISON) != 0) {
            fill(slab, p, l.objectSize() - 1, SlubAllocator.POISON_FREE);
            slab.mem[p + l.objectSize() - 1] = (byte) SlubAllocator.POISON_END;
        }
        if ((s.flags() & SlabFlags.SLAB_RED_ZONE) != 0) {
            fill(slab, p + l.objectSize(), l.inuse() - l.objectSize(), val);
        }
    }

    private static void fill(Slab slab, int from, int len, int val) {
        java.util.Arrays.fill(slab.mem, from, from + len, (byte) val);
    }

    /**
     * {@code check_object}: null when intact, else the report's reason ("Right Redzone
     * overwritten") followed by the kernel's detail line; the damaged bytes are restored.
     */
    static String checkObject(KmemCache s, Slab slab, int obj, int val) {
        int p = (int) (slab.objectAddress(obj) - slab.base);
        CacheLayout l = s.layout();
        String bad = null;
        if ((s.flags() & SlabFlags.SLAB_RED_ZONE) != 0) {
            bad = check(slab, "Left Redzone", p - l.redLeftPad(), l.redLeftPad(), val);
            if (bad == null) {
                bad = check(slab, "Right Redzone", p + l.objectSize(), l.inuse() - l.objectSize(), val);
            }
        }
        if (bad == null && (s.flags() & SlabFlags.SLAB_POISON) != 0 && val != SlubAllocator.RED_ACTIVE
                && (s.flags() & SlabFlags.OBJECT_POISON) != 0) {
            bad = check(slab, "Poison", p, l.objectSize() - 1, SlubAllocator.POISON_FREE);
            if (bad == null) {
                bad = check(slab, "End Poison", p + l.objectSize() - 1, 1, SlubAllocator.POISON_END);
            }
        }
        return bad;
    }

    private static String check(Slab slab, String what, int from, int len, int val) {
        for (int i = from; i < from + len; i++) {
            if ((slab.mem[i] & 0xff) != val) {
                int last = i;
                for (int j = from + len - 1; j > i; j--) {
                    if ((slab.mem[j] & 0xff) != val) {
                        last = j;
                        break;
                    }
                }
                String detail = String.format("0x%x-0x%x @offset=%d. First byte 0x%x instead of 0x%x",
                        slab.base + i, slab.base + last, i, slab.mem[i] & 0xff, val);
                fill(slab, from, len, val);
                return what + " overwritten\n" + detail;
            }
        }
        return null;
    }

    /** The report's first lines as the kernel prints them ({@code slab_bug}). */
    static String bugLine(KmemCache s, String reasonAndDetail) {
        int nl = reasonAndDetail.indexOf('\n');
        String reason = nl < 0 ? reasonAndDetail : reasonAndDetail.substring(0, nl);
        String rest = nl < 0 ? "" : "\n" + reasonAndDetail.substring(nl + 1);
        return "=============================================================================\n"
                + "BUG " + s.name() + " (Not tainted): " + reason + "\n"
                + "-----------------------------------------------------------------------------" + rest;
    }
}
