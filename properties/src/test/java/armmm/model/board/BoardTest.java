package armmm.model.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Board options, memparse and the kernel command line. */
class BoardTest {

    @Test
    void memparseReadsCNumbersWithBinarySuffixesAndStopsAtTheFirstStrangeCharacter() {
        assertThat(Memparse.prefix("1024M", 0).value()).isEqualTo(1L << 30);
        assertThat(Memparse.prefix("0x40000000", 0).value()).isEqualTo(0x4000_0000L);
        assertThat(Memparse.prefix("64k", 0).value()).isEqualTo(64L << 10);
        assertThat(Memparse.prefix("2G", 0).value()).isEqualTo(2L << 30);
        assertThat(Memparse.prefix("010", 0).value()).as("octal, as simple_strtoull").isEqualTo(8);
        Memparse.Parsed p = Memparse.prefix("700M@0x50000000", 0);
        assertThat(p.value()).isEqualTo(700L << 20);
        assertThat(p.end()).isEqualTo(4);
        assertThat(Memparse.prefix("junk", 0).value()).isZero();
    }

    @Test
    void optionSizesMustBeWholeSizesAndSayWhichOptionIsWrong() {
        assertThat(Memparse.strict("--ram", "3072M")).isEqualTo(3072L << 20);
        assertThatThrownBy(() -> Memparse.strict("--ram", "12Q")).isInstanceOf(BoardException.class)
                .hasMessage("--ram: expected a size such as 1024M or 0x40000000, found '12Q'");
        assertThatThrownBy(() -> Memparse.strict("--ram", "")).hasMessageStartingWith("--ram: ");
        assertThatThrownBy(() -> Memparse.strict("--ram", "-5M")).hasMessageStartingWith("--ram: ");
        assertThatThrownBy(() -> Memparse.strict("--memory", "012")).hasMessageStartingWith("--memory: leading zero");
    }

    @Test
    void theCommandLineIsReadAsTheEarlyParamHandlersReadIt() {
        Cmdline c = Cmdline.parse("console=ttyAMA0 mem=512M@0x60000000 mem=64M vmalloc=128M cma=64M@0x50000000-0x60000000 movablecore=10% memblock=debug");
        assertThat(c.mem()).containsExactly(new Cmdline.MemArg(512L << 20, 0x6000_0000L), new Cmdline.MemArg(64L << 20, -1));
        assertThat(c.vmalloc()).isEqualTo(128L << 20);
        assertThat(c.cma()).isEqualTo(new Cmdline.CmaArg(64L << 20, 0x5000_0000L, 0x6000_0000L));
        assertThat(c.movablecorePercent()).isEqualTo(10);
        assertThat(c.memblockDebug()).isTrue();
        assertThat(c.length()).isEqualTo(c.text().length());
        assertThat(Cmdline.parse("console=ttyAMA0").vmalloc()).isEqualTo(-1);
    }

    @Test
    void ramBoardsFollowQemuVirtAndReservedMemoryMeansADtbFile() {
        Board b = Board.fromOptions("1024M", List.of(), List.of(), "vmalloc=128M", 2);
        assertThat(b.banks()).containsExactly(new Bank(0x4000_0000L, 1L << 30));
        assertThat(b.cmdline().text()).isEqualTo("console=ttyAMA0 vmalloc=128M");
        assertThat(b.initrdStart()).isEqualTo(0x4800_0000L);
        assertThat(b.dtbStart()).isEqualTo(0x480d_8000L);
        assertThat(b.dtbSize()).isEqualTo(1L << 20);
        assertThat(Board.virt(256L << 20).initrdStart()).as("RAM/2 when below 128 MiB").isEqualTo(0x4800_0000L);
        assertThat(Board.virt(128L << 20).initrdStart()).isEqualTo(0x4400_0000L);
        Board r = Board.fromOptions(null, List.of("0x40000000:1G"), List.of("0x50000000:88M:no-map"), "", 1);
        assertThat(r.dtbFile()).isTrue();
        assertThat(r.dtbSize()).isEqualTo(35154);
        assertThat(r.reserved()).containsExactly(new ReservedMemory(0x5000_0000L, 88L << 20, ReservedMemory.Kind.NO_MAP));
    }

    @Test
    void badOptionsAreOneLineErrorsNamingTheOption() {
        assertThatThrownBy(() -> Board.fromOptions("1G", List.of("0x40000000:1G"), List.of(), "", 1))
                .hasMessage("--ram: give either --ram or --memory, not both");
        assertThatThrownBy(() -> Board.fromOptions(null, List.of("0x40000000"), List.of(), "", 1))
                .hasMessage("--memory: expected BASE:SIZE, found '0x40000000'");
        assertThatThrownBy(() -> Board.fromOptions("1G", List.of(), List.of("0x50000000:1M:sometimes"), "", 1))
                .hasMessageStartingWith("--reserve: expected no-map or reusable");
        assertThatThrownBy(() -> Board.fromOptions("1G", List.of(), List.of(), "", 9))
                .hasMessage("--cpus: expected 1..8 (CONFIG_NR_CPUS), found 9");
        assertThatThrownBy(() -> Board.fromOptions("0", List.of(), List.of(), "", 1)).hasMessageStartingWith("--memory: ");
    }
}
