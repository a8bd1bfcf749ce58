package armmm.model.board;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Which characters {@code memparse} (lib/cmdline.c, through {@code simple_strtoull} and
 * {@code _parse_integer} of lib/kstrtox.c) takes as digits: only 0-9 and the letters, so the
 * punctuation between '9' and 'A' ({@code :} to {@code @}) ends a number, and only "0x" (either
 * case) before a hex digit switches to base 16; and where a suffix's shift loses bits.
 */
class MemparseDigitsTest {
    private static Memparse.Parsed p(String s) {
        return Memparse.prefix(s, 0);
    }

    @Test
    void punctuationBelowTheLettersEndsTheNumber() {
        assertThat(p("64@0x60000000")).isEqualTo(new Memparse.Parsed(64, 2, false));
        assertThat(p("7:1")).isEqualTo(new Memparse.Parsed(7, 1, false));
        assertThat(p("0x1f?")).isEqualTo(new Memparse.Parsed(0x1f, 4, false));
        // early_mem: the '@' right after the number gives the start
        assertThat(Cmdline.parse("mem=64@0x60000000").mem()).containsExactly(new Cmdline.MemArg(64, 0x6000_0000L));
    }

    @Test
    void onlyAZeroBeforeTheXMakesHex() {
        assertThat(p("1x5")).isEqualTo(new Memparse.Parsed(1, 1, false));
        assertThat(p("0X1f")).isEqualTo(new Memparse.Parsed(0x1f, 4, false));
        // '0' is a hex digit too: "0x0" is hex zero, read to its end
        assertThat(p("0x0")).isEqualTo(new Memparse.Parsed(0, 3, false));
        assertThat(p("0x01M")).isEqualTo(new Memparse.Parsed(1L << 20, 5, false));
    }

    /** 2^24 - 1 terabytes is the largest T value that keeps all its bits in 64; one more loses the top bit. */
    @Test
    void aSuffixOverflowsOnlyWhenItShiftsBitsOut() {
        assertThat(p("16777215T")).isEqualTo(new Memparse.Parsed(0xffff_ff00_0000_0000L, 9, false));
        assertThat(p("16777216T")).isEqualTo(new Memparse.Parsed(0, 9, true));
        assertThat(p("15E")).isEqualTo(new Memparse.Parsed(15L << 60, 3, false));
        assertThat(p("16E")).isEqualTo(new Memparse.Parsed(0, 3, true));
    }
}
