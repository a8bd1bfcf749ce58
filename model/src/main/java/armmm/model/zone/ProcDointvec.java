package armmm.model.zone;

/**
 * How a write to an integer sysctl is read ({@code __do_proc_dointvec} with
 * {@code do_proc_dointvec_minmax_conv}, kernel/sysctl.c): up to {@code maxlen} integers separated by
 * white space, each an optional {@code -} and a C number ({@code strtoul} with base 0: decimal,
 * {@code 0x} hex, leading-0 octal) that must fit an {@code int} and lie within the table's bounds.
 * The values before a bad one stay written, as the kernel stores each as it goes.
 */
final class ProcDointvec {
    /** {@code TMPBUFLEN} of kernel/sysctl.c: a number spelled in 21 characters or more is refused. */
    private static final int TMPBUFLEN = 22;

    /** What a write did: the values it stored (the first {@code stored} of {@code values}) and whether it failed. */
    record Write(long[] values, int stored, boolean einval) {
    }

    private ProcDointvec() {
    }

    /**
     * Reads {@code text} as a write of up to {@code maxlen} values bounded by {@code min} and
     * {@code max} (null for no bound).
     */
    static Write parse(String text, int maxlen, Long min, Long max) {
        long[] values = new long[maxlen];
        int n = 0;
        int p = 0;
        int len = text.length();
        while (n < maxlen) {
            p = skipSpaces(text, p);
            if (p == len) {
                break;
            }
            int start = p;
            boolean neg = text.charAt(p) == '-' && len - p > 1;
            if (neg) {
                p++;
            }
            int digits = p;
            long v = -1;
            int end = p;
            if (p < len && Character.isDigit(text.charAt(p)) && text.charAt(p) < 0x80) {
                long[] parsed = strtoul(text, p);
                v = parsed[0];
                end = (int) parsed[1];
            }
            if (v < 0 || end - start >= TMPBUFLEN - 1 || end == digits
                    || (end < len && " \t\n".indexOf(text.charAt(end)) < 0)) {
                return new Write(values, n, true);
            }
            long value = neg ? -v : v;
            if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE
                    || (min != null && value < min) || (max != null && value > max)) {
                return new Write(values, n, true);
            }
            values[n++] = value;
            p = end;
        }
        return new Write(values, n, n == 0);
    }

    private static int skipSpaces(String s, int p) {
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
            p++;
        }
        return p;
    }

    /**
     * {@code strtoul_lenient(p, &end, 0, &val)} on a 32-bit kernel: {value, end}, value -1 when it
     * does not fit an {@code unsigned long} of 32 bits.
     */
    private static long[] strtoul(String s, int p) {
        int base = 10;
        if (s.charAt(p) == '0') {
            base = 8;
            if (p + 2 < s.length() && (s.charAt(p + 1) == 'x' || s.charAt(p + 1) == 'X')
                    && Character.digit(s.charAt(p + 2), 16) >= 0) {
                base = 16;
                p += 2;
            }
        }
        long v = 0;
        boolean overflow = false;
        int q = p;
        while (q < s.length() && s.charAt(q) < 0x80 && Character.digit(s.charAt(q), base) >= 0) {
            v = v * base + Character.digit(s.charAt(q), base);
            if (v > 0xffff_ffffL) {
                overflow = true;
                v = 0xffff_ffffL + 1;
            }
            q++;
        }
        return new long[] {overflow ? -1 : v, q};
    }
}
