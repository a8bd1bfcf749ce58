package armmm.model.zone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * How a sysctl write is read, worked by hand from kernel/sysctl.c ({@code __do_proc_dointvec},
 * {@code proc_get_long} with {@code TMPBUFLEN} 22 and {@code proc_wspace_sep} " \t\n",
 * {@code strtoul_lenient}, {@code do_proc_dointvec_conv}: at most INT_MAX, or INT_MAX + 1 after a
 * minus) and lib/kstrtox.c ({@code _parse_integer_fixup_radix}: {@code 0x} makes base 16 only
 * before a hex digit, a leading 0 base 8; {@code _parse_integer} stops at the first character
 * that is not a digit of the base, hex letters in either case).
 */
class ProcDointvecTest {

    /** The values stored, then -22 when the write failed. */
    private static long[] read(String text, int maxlen, Long min, Long max) {
        ProcDointvec.Write w = ProcDointvec.parse(text, maxlen, min, max);
        long[] out = Arrays.copyOf(w.values(), w.stored() + 1);
        out[w.stored()] = w.einval() ? -22 : 0;
        return out;
    }

    private static long[] one(String text) {
        return read(text, 1, null, null);
    }

    @Test
    void hexLettersInEitherCase() {
        assertThat(one("0x1f")).containsExactly(31, 0);
        assertThat(one("0XaB")).containsExactly(0xab, 0);
        assertThat(one("0xf")).containsExactly(15, 0);
        assertThat(one("0xA")).containsExactly(10, 0);
        assertThat(one("0x0")).as("0x before the hex digit 0").containsExactly(0, 0);
        // 'g' is no hex digit: the number ends at "0x1" and 'g' is no separator
        assertThat(one("0x1g")).containsExactly(-22);
        // "0x`": '`' (0x60) is no hex digit, so base 8 reads "0" and stops at 'x'
        assertThat(one("0x`")).containsExactly(-22);
        assertThat(one("0xg")).containsExactly(-22);
        // "0x" at the end, or before white space: no hex digit follows, so base 8 reads "0" and stops at 'x'
        assertThat(one("0x")).containsExactly(-22);
        assertThat(one("0x\n")).containsExactly(-22);
        // '@' is no digit of any base (its lower case, '`', lies below 'a')
        assertThat(one("1@")).containsExactly(-22);
    }

    /** {@code _parse_integer} notices a 64-bit overflow: 2^64 + 5 is -ERANGE, not 5. */
    @Test
    void aNumberPast64BitsIsRefusedNotWrapped() {
        assertThat(one("18446744073709551621")).containsExactly(-22);
    }

    /** Only 9..13, space and 0xA0 are {@code isspace}: a byte below tab is not skipped. */
    @Test
    void controlBytesBelowTabAreNoSpace() {
        assertThat(one("\u00018192")).containsExactly(-22);
        assertThat(one("\t8192")).containsExactly(8192, 0);
    }

    @Test
    void aDigitOfNoBaseEndsTheNumberWhereNoSeparatorFollows() {
        assertThat(one("08")).as("8 is no octal digit").containsExactly(-22);
        assertThat(one("07")).containsExactly(7, 0);
        assertThat(one("1a")).as("a is no decimal digit").containsExactly(-22);
        assertThat(one("109")).containsExactly(109, 0);
        assertThat(one("0x1F0")).containsExactly(0x1f0, 0);
    }

    /** {@code proc_get_long}: a number spelled in 21 characters (TMPBUFLEN - 1), minus included, is -EINVAL. */
    @Test
    void twentyOneCharactersAreTooMany() {
        assertThat(one("00000000000000000001")).as("20 characters").containsExactly(1, 0);
        assertThat(one("000000000000000000001")).as("21 characters").containsExactly(-22);
        assertThat(one("-0000000000000000001")).as("20 with the minus").containsExactly(-1, 0);
        assertThat(one("-00000000000000000001")).as("21 with the minus").containsExactly(-22);
    }

    /** {@code do_proc_dointvec_conv}: INT_MAX, and INT_MIN through a minus, fit an int; one more does not. */
    @Test
    void theIntBounds() {
        assertThat(read("2147483647 -2147483648", 4, null, null)).containsExactly(2147483647, -2147483648L, 0);
        assertThat(one("2147483648")).containsExactly(-22);
        assertThat(one("-2147483649")).containsExactly(-22);
        assertThat(one("4294967295")).as("fits strtoul, not an int").containsExactly(-22);
        assertThat(one("4294967296")).as("does not fit a 32-bit unsigned long").containsExactly(-22);
        assertThat(read("5", 1, 5L, 5L)).containsExactly(5, 0);
        assertThat(read("4", 1, 5L, 5L)).containsExactly(-22);
        assertThat(read("6", 1, 5L, 5L)).containsExactly(-22);
    }

    /**
     * Fewer values than {@code maxlen} with white space after the last is a good write: the loop
     * skips the spaces, finds nothing left and stops; only a write of no value at all is -EINVAL.
     */
    @Test
    void trailingSpaceAfterFewerValuesThanTheTableHolds() {
        assertThat(read("32 32 ", 4, null, null)).containsExactly(32, 32, 0);
        assertThat(read("32\t7\n", 4, null, null)).containsExactly(32, 7, 0);
        assertThat(read(" \n", 4, null, null)).containsExactly(-22);
        assertThat(read("", 1, null, null)).containsExactly(-22);
        assertThat(read("1 2 3 4 x", 4, null, null)).as("what is past maxlen is not read").containsExactly(1, 2, 3, 4, 0);
        assertThat(read("1 x", 4, null, null)).as("the first stays stored").containsExactly(1, -22);
    }

    /** {@code __do_proc_dointvec} reads at most PAGE_SIZE - 1 = 4095 bytes of a write. */
    @Test
    void onlyTheFirst4095BytesAreRead() {
        String spaces = " ".repeat(4094);
        assertThat(one(spaces + "12")).as("the 4095th byte is the 1").containsExactly(1, 0);
        assertThat(one(" ".repeat(4095) + "12")).as("only spaces read").containsExactly(-22);
        assertThat(one("-")).containsExactly(-22);
        assertThat(one("-x")).containsExactly(-22);
    }
}
