package armmm.model.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The edges of {@code memparse} (lib/cmdline.c, with {@code _parse_integer_fixup_radix} and
 * {@code _parse_integer} of lib/kstrtox.c: {@code 0x} only before a hex digit, a leading 0 is
 * octal, 64-bit wrap) and of the early parameters read from it ({@code early_mem},
 * {@code early_vmalloc}, {@code early_cma}, {@code cmdline_parse_movablecore},
 * {@code early_memblock}). Expected values worked by hand from those functions.
 */
class MemparseCmdlineEdgesTest {

    private static Memparse.Parsed p(String s) {
        return Memparse.prefix(s, 0);
    }

    @Test
    void zeroXIsHexOnlyBeforeAHexDigitOtherwiseTheZeroIsOctal() {
        assertThat(p("0x")).isEqualTo(new Memparse.Parsed(0, 1, false));
        assertThat(p("0xg")).isEqualTo(new Memparse.Parsed(0, 1, false));
        assertThat(p("0XfF")).isEqualTo(new Memparse.Parsed(0xff, 4, false));
        assertThat(p("0xA")).isEqualTo(new Memparse.Parsed(10, 3, false));
        assertThat(p("0xa")).isEqualTo(new Memparse.Parsed(10, 3, false));
        assertThat(p("0xf")).isEqualTo(new Memparse.Parsed(15, 3, false));
        // hex digits swallow what would be the E suffix
        assertThat(p("0x1E")).isEqualTo(new Memparse.Parsed(0x1e, 4, false));
        assertThat(p("08")).as("octal 0, then a character that is no octal digit").isEqualTo(new Memparse.Parsed(0, 1, false));
        assertThat(p("0777")).isEqualTo(new Memparse.Parsed(511, 4, false));
        assertThat(p("0")).isEqualTo(new Memparse.Parsed(0, 1, false));
        assertThat(p("0k")).isEqualTo(new Memparse.Parsed(0, 2, false));
        assertThat(p("")).isEqualTo(new Memparse.Parsed(0, 0, false));
        assertThat(p("9z")).isEqualTo(new Memparse.Parsed(9, 1, false));
        assertThat(p("19a")).as("a is no decimal digit").isEqualTo(new Memparse.Parsed(19, 2, false));
        assertThat(Memparse.prefix("mem=64M", 4)).isEqualTo(new Memparse.Parsed(64L << 20, 7, false));
        assertThat(Memparse.prefix("mem=x", 4)).isEqualTo(new Memparse.Parsed(0, 4, false));
        // no digits: simple_strtoull ends at the start, and memparse's switch still eats a suffix there
        assertThat(p("K")).isEqualTo(new Memparse.Parsed(0, 1, false));
        assertThat(Memparse.prefix("mem=G@", 4)).isEqualTo(new Memparse.Parsed(0, 5, false));
    }

    @Test
    void everySuffixInEitherCaseShiftsByItsPowerOf1024() {
        assertThat(p("3k").value()).isEqualTo(3L << 10);
        assertThat(p("3K").value()).isEqualTo(3L << 10);
        assertThat(p("3m").value()).isEqualTo(3L << 20);
        assertThat(p("3g").value()).isEqualTo(3L << 30);
        assertThat(p("3t").value()).isEqualTo(3L << 40);
        assertThat(p("3T").value()).isEqualTo(3L << 40);
        assertThat(p("3p").value()).isEqualTo(3L << 50);
        assertThat(p("3P").value()).isEqualTo(3L << 50);
        assertThat(p("3e").value()).isEqualTo(3L << 60);
        assertThat(p("3E")).isEqualTo(new Memparse.Parsed(3L << 60, 2, false));
        assertThat(p("1E")).isEqualTo(new Memparse.Parsed(1L << 60, 2, false));
        assertThat(p("15E")).isEqualTo(new Memparse.Parsed(15L << 60, 3, false));
        assertThat(p("16E")).isEqualTo(new Memparse.Parsed(0, 3, true));
        assertThat(p("4194303T").overflow()).isFalse();
        assertThat(p("16777216T")).isEqualTo(new Memparse.Parsed(0, 9, true));
        assertThat(p("5Q")).isEqualTo(new Memparse.Parsed(5, 1, false));
    }

    @Test
    void numbersWrapAt64BitsAndSaySo() {
        assertThat(p("18446744073709551615")).isEqualTo(new Memparse.Parsed(-1L, 20, false));
        assertThat(p("18446744073709551616")).isEqualTo(new Memparse.Parsed(0, 20, true));
        assertThat(p("0xffffffffffffffff")).isEqualTo(new Memparse.Parsed(-1L, 18, false));
        assertThat(p("0x10000000000000000")).isEqualTo(new Memparse.Parsed(0, 19, true));
        assertThat(p("1844674407370955161")).isEqualTo(new Memparse.Parsed(1844674407370955161L, 19, false));
        // 1844674407370955162 * 10 passes 2^64 although the digit added is 0
        assertThat(p("18446744073709551620").overflow()).isTrue();
        assertThat(p("01777777777777777777777")).isEqualTo(new Memparse.Parsed(-1L, 23, false));
        assertThat(p("02000000000000000000000").overflow()).isTrue();
    }

    @Test
    void anOptionSizeIsAWholeDecimalOrHexSizeUpTo1TiB() {
        assertThat(Memparse.strict("--ram", " 64M ")).isEqualTo(64L << 20);
        assertThat(Memparse.strict("--ram", "0")).isZero();
        assertThat(Memparse.strict("--ram", "0x10")).isEqualTo(16);
        assertThat(Memparse.strict("--ram", "1T")).isEqualTo(1L << 40);
        assertThat(Memparse.strict("--ram", "1099511627776")).isEqualTo(1L << 40);
        assertThatThrownBy(() -> Memparse.strict("--ram", "1099511627777")).hasMessage("--ram: size 1099511627777 is out of range");
        assertThatThrownBy(() -> Memparse.strict("--ram", "1025G")).hasMessage("--ram: size 1025G is out of range");
        assertThatThrownBy(() -> Memparse.strict("--ram", "0x8000000000000000")).hasMessageEndingWith("is out of range");
        assertThatThrownBy(() -> Memparse.strict("--ram", "16E")).hasMessageEndingWith("is out of range");
        assertThatThrownBy(() -> Memparse.strict("--ram", null)).hasMessageEndingWith("found nothing");
        assertThatThrownBy(() -> Memparse.strict("--ram", "   ")).hasMessageEndingWith("found nothing");
        assertThatThrownBy(() -> Memparse.strict("--ram", "M")).hasMessageEndingWith("found 'M'");
        assertThatThrownBy(() -> Memparse.strict("--ram", "64M@0")).hasMessageEndingWith("found '64M@0'");
        assertThatThrownBy(() -> Memparse.strict("--ram", "00")).hasMessageStartingWith("--ram: leading zero");
    }

    @Test
    void theEmptyCommandLineAsksForNothing() {
        Cmdline c = Cmdline.empty();
        assertThat(c.text()).isEmpty();
        assertThat(c.length()).isZero();
        assertThat(c.mem()).isEmpty();
        assertThat(c.vmalloc()).isEqualTo(-1);
        assertThat(c.cma()).isNull();
        assertThat(c.movablecore()).isEqualTo(-1);
        assertThat(c.movablecorePercent()).isEqualTo(-1);
        assertThat(c.memblockDebug()).isFalse();
        assertThat(Cmdline.parse("  quiet  mem=1G ").text()).isEqualTo("quiet  mem=1G");
    }

    @Test
    void eachEarlyParamReadsItsValueAsItsHandlerDoes() {
        // early_mem: an '@' with nothing after it reads start 0
        assertThat(Cmdline.parse("mem=64M@").mem()).containsExactly(new Cmdline.MemArg(64L << 20, 0));
        assertThat(Cmdline.parse("mem=64M+0x1000").mem()).containsExactly(new Cmdline.MemArg(64L << 20, -1));
        // early_mem on "M@0x60000000": size 0, and the '@' after the eaten suffix gives the start
        assertThat(Cmdline.parse("mem=M@0x60000000").mem()).containsExactly(new Cmdline.MemArg(0, 0x6000_0000L));
        // early_vmalloc: the last one wins
        assertThat(Cmdline.parse("vmalloc=64M vmalloc=0x10000000").vmalloc()).isEqualTo(0x1000_0000L);
        // early_cma: no '@', no base and no limit; '@' without '-', limit_cmdline = base + size
        assertThat(Cmdline.parse("cma=32M").cma()).isEqualTo(new Cmdline.CmaArg(32L << 20, 0, 0));
        assertThat(Cmdline.parse("cma=32M-0x60000000").cma()).isEqualTo(new Cmdline.CmaArg(32L << 20, 0, 0));
        assertThat(Cmdline.parse("cma=32M@0x50000000").cma())
                .isEqualTo(new Cmdline.CmaArg(32L << 20, 0x5000_0000L, 0x5200_0000L));
        // cmdline_parse_movablecore: a size or a percentage, the last one wins
        Cmdline bytes = Cmdline.parse("movablecore=10% movablecore=64M");
        assertThat(bytes.movablecore()).isEqualTo(64L << 20);
        assertThat(bytes.movablecorePercent()).isEqualTo(-1);
        Cmdline pct = Cmdline.parse("movablecore=64M movablecore=100%");
        assertThat(pct.movablecore()).isEqualTo(-1);
        assertThat(pct.movablecorePercent()).isEqualTo(100);
        assertThatThrownBy(() -> Cmdline.parse("movablecore=101%")).hasMessageStartingWith("--cmdline: movablecore=101%");
        assertThatThrownBy(() -> Cmdline.parse("movablecore=18446744073709551616%")).isInstanceOf(BoardException.class);
        // early_memblock: only "debug" turns it on, and nothing turns it off
        assertThat(Cmdline.parse("memblock=foo").memblockDebug()).isFalse();
        assertThat(Cmdline.parse("memblock=debug memblock=foo").memblockDebug()).isTrue();
        assertThat(Cmdline.parse("mem vmalloc cma").vmalloc()).isEqualTo(-1);
    }
}
