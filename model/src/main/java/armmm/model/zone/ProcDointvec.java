package armmm.model.zone;

import java.nio.charset.StandardCharsets;

/**
 * How a write to an integer sysctl is read ({@code __do_proc_dointvec} with
 * {@code do_proc_dointvec_minmax_conv}, kernel/sysctl.c): up to {@code maxlen} integers separated by
 * white space, each an optional {@code -} and a C number ({@code strtoul} with base 0: decimal,
 * {@code 0x} hex, leading-0 octal) that must fit an {@code int} and lie within the table's bounds.
 * The values before a bad one stay written, as the kernel stores each as it goes.
 *
 * <p>The kernel reads bytes: the text is taken as its UTF-8 bytes, of which only the first
 * {@code PAGE_SIZE - 1} are read ({@code __do_proc_dointvec}), and white space is what the
 * kernel's {@code isspace} (lib/ctype.c) calls space: tab, newline, vertical tab, form feed,
 * carriage return, space and byte 0xA0, never Java's wider idea of it.
 */
final class ProcDointvec {
    /** {@code TMPBUFLEN} of kernel/sysctl.c: a number spelled in 21 characters or more is refused. */
    private static final int TMPBUFLEN = 22;
    /** {@code PAGE_SIZE - 1}: {@code __do_proc_dointvec} reads no more of a write than this. */
    private static final int MAX_WRITE = 4095;

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
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        long[] values = new long[maxlen];
        int n = 0;
        int p = 0;
        int len = Math.min(b.length, MAX_WRITE);
        while (n < maxlen) {
            p = skipSpaces(b, p, len);
            if (p == len) {
                break;
            }
            int start = p;
            boolean neg = at(b, p, len) == '-' && len - p > 1;
            if (neg) {
                p++;
            }
            int digits = p;
            long v = -1;
            int end = p;
            if (isDigit(at(b, p, len))) {
                long[] parsed = strtoul(b, p, len);
                v = parsed[0];
                end = (int) parsed[1];
            }
            if (v < 0 || end - start >= TMPBUFLEN - 1 || end == digits
                    || (end < len && " \t\n".indexOf(at(b, end, len)) < 0)) {
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

    /** The byte at {@code p} as an unsigned value, or 0 (the kernel's terminating NUL) at or past {@code len}. */
    private static int at(byte[] b, int p, int len) {
        return p < len ? b[p] & 0xff : 0;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** {@code isspace} of lib/ctype.c: 9 to 13, 32 and 0xA0. */
    private static boolean isSpace(int c) {
        return (c >= 9 && c <= 13) || c == ' ' || c == 0xa0;
    }

    /** The value of an ASCII hex digit, or -1 ({@code _parse_integer}'s digit reading). */
    private static int hexValue(int c) {
        if (isDigit(c)) {
            return c - '0';
        }
        int lower = c | 0x20;
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }

    private static int skipSpaces(byte[] b, int p, int len) {
        while (p < len && isSpace(at(b, p, len))) {
            p++;
        }
        return p;
    }

    /**
     * {@code strtoul_lenient(p, &end, 0, &val)} on a 32-bit kernel: {value, end}, value -1 when it
     * does not fit an {@code unsigned long} of 32 bits.
     */
    private static long[] strtoul(byte[] b, int p, int len) {
        int base = 10;
        if (at(b, p, len) == '0') {
            base = 8;
            if ((at(b, p + 1, len) | 0x20) == 'x' && hexValue(at(b, p + 2, len)) >= 0) {
                base = 16;
                p += 2;
            }
        }
        long v = 0;
        boolean overflow = false;
        int q = p;
        for (int d = hexValue(at(b, q, len)); d >= 0 && d < base; d = hexValue(at(b, q, len))) {
            v = v * base + d;
            if (v > 0xffff_ffffL) {
                overflow = true;
                v = 0xffff_ffffL + 1;
            }
            q++;
        }
        return new long[] {overflow ? -1 : v, q};
    }
}
