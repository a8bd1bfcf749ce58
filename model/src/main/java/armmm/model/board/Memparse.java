package armmm.model.board;

import java.util.Locale;

/**
 * Size parsing as {@code memparse} does it (lib/cmdline.c): a number in C notation ({@code 0x}
 * hex, leading {@code 0} octal, else decimal) followed by an optional binary suffix
 * {@code K}/{@code M}/{@code G}/{@code T}/{@code P}/{@code E} (either case).
 */
public final class Memparse {
    private Memparse() {
    }

    /**
     * What {@code memparse} read: the value and the index just past it.
     *
     * @param value    the value, modulo 2^64 as the kernel's {@code unsigned long long} has it
     * @param end      the index just past the number and its suffix
     * @param overflow true when the number or its suffix went past 64 bits (the kernel wraps silently)
     */
    public record Parsed(long value, int end, boolean overflow) {
    }

    /** The value of ASCII digit {@code c} in {@code radix}, or -1: the kernel's {@code _parse_integer} knows no other digits. */
    static int digit(char c, int radix) {
        int d = c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'z' ? c - 'a' + 10
                : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : -1;
        return d >= 0 && d < radix ? d : -1;
    }

    /**
     * Reads a size at {@code from} the way the kernel does: stops at the first character that is
     * not part of it. An absent number reads as 0 (simple_strtoull leaves its end at the start),
     * and memparse still takes a suffix letter there: {@code "K"} reads as 0 ending after the K.
     */
    public static Parsed prefix(String s, int from) {
        int i = from;
        int radix = 10;
        if (i + 1 < s.length() && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && i + 2 < s.length() && digit(s.charAt(i + 2), 16) >= 0) {
            radix = 16;
            i += 2;
        } else if (i < s.length() && s.charAt(i) == '0') {
            radix = 8;
        }
        long v = 0;
        boolean overflow = false;
        while (i < s.length() && digit(s.charAt(i), radix) >= 0) {
            long next = v * radix + digit(s.charAt(i), radix);
            overflow |= Long.compareUnsigned(v, Long.divideUnsigned(-1L, radix)) > 0
                    || Long.compareUnsigned(next, v * radix) < 0;
            v = next;
            i++;
        }
        if (i < s.length()) {
            int shift = switch (Character.toUpperCase(s.charAt(i))) {
                case 'E' -> 60;
                case 'P' -> 50;
                case 'T' -> 40;
                case 'G' -> 30;
                case 'M' -> 20;
                case 'K' -> 10;
                default -> -1;
            };
            if (shift >= 0) {
                overflow |= shift > 0 && Long.compareUnsigned(v, -1L >>> shift) > 0;
                v <<= shift;
                i++;
            }
        }
        return new Parsed(v, i, overflow);
    }

    /**
     * A whole option value: decimal, {@code 0x} hex, optional K/M/G suffix, nothing else.
     *
     * @throws BoardException naming {@code option} when the text is not such a size
     */
    public static long strict(String option, String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new BoardException(option, "expected a size such as 1024M or 0x40000000, found nothing");
        }
        Parsed p = prefix(t, 0);
        if (p.end() != t.length() || digit(t.charAt(0), 10) < 0) {
            throw new BoardException(option, "expected a size such as 1024M or 0x40000000, found '" + text + "'");
        }
        if (t.length() > 1 && t.charAt(0) == '0' && digit(t.charAt(1), 10) >= 0) {
            // memparse would read octal; an option value that looks decimal must not silently change base
            throw new BoardException(option, "leading zero in '" + text + "': write decimal without it or use 0x");
        }
        if (p.overflow() || p.value() < 0 || p.value() > (1L << 40)) {
            throw new BoardException(option, String.format(Locale.ROOT, "size %s is out of range", text));
        }
        return p.value();
    }
}
