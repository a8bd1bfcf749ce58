package armmm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per class of input that used to crash the CLI or be read silently wrong (issue 14's
 * fuzz list): each is now a one-line {@code FILE:LINE:COL: message} with exit 2, or a failed
 * check with exit 1.
 */
class CliRobustnessTest {
    @TempDir
    Path dir;

    private Path scn(String text) throws IOException {
        return Files.writeString(dir.resolve("t.scn"), text, StandardCharsets.UTF_8);
    }

    private Path bytes(byte[] b) throws IOException {
        return Files.write(dir.resolve("t.scn"), b);
    }

    private static void badInput(Cli.Run r, String expected) {
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err().strip()).isEqualTo(expected);
    }

    @Test
    void onlyAReportThatTakesAnAddressRangeTakesOne() throws IOException {
        Path ranged = scn("board ram=64M\nprint pagetables 0xc0000000 0xc0200000\n");
        Cli.Run r = Cli.run("run", ranged.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Cli.Run whole = Cli.run("run", scn("board ram=64M\nprint pagetables\n").toString());
        assertThat(r.out()).isNotBlank().isNotEqualTo(whole.out());
        Path f = scn("board ram=64M\nprint zoneinfo 0x1000\n");
        badInput(Cli.run("run", f.toString()), f + ":2:16: unexpected '0x1000'");
    }

    @Test
    void aNameWhoseCallWasRefusedIsAFailedCheckWhereItIsUsed() throws IOException {
        Path f = scn("board ram=64M\nalloc_pages GFP_KERNEL 0 cpu=5 -> $p\n__free_pages $p 0\n");
        Cli.Run r = Cli.run("run", f.toString());
        assertThat(r.exit()).isEqualTo(Main.CHECK_FAILED);
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains(f + ":3: __free_pages: $p has no value: the call that binds it (line 2) was refused")
                .endsWith("0 passed, 2 failed\n");
    }

    @Test
    void anObservableThatCannotBeReadIsAFailedCheckAlsoAsAnArgument() throws IOException {
        Path f = scn("memblock_add memblock.memory[1].base 1\nexpect memblock.memory[99].base == 0\n");
        Cli.Run r = Cli.run("run", f.toString());
        assertThat(r.exit()).isEqualTo(Main.CHECK_FAILED);
        assertThat(r.out()).contains(f + ":1: memblock_add: memblock.memory[1]: index out of range, memblock.memory.cnt is 1")
                .contains(f + ":2: expect: memblock.memory[99]: index out of range");
        Path pfn = scn("board ram=64M\nmemblock_add layout.pfn_to_page[5] 1\n");
        assertThat(Cli.run("run", pfn.toString()).out()).contains(":2: memblock_add: layout.pfn_to_page[5]: ");
    }

    @Test
    void anIndexOf2To63OrMoreIsOutOfRangeNotAnArrayIndex() throws IOException {
        Path f = scn("memblock_add 0 SZ_4K\nexpect memblock.memory[0xFFFFFFFFFFFFFFFF].base == 0\n"
                + "expect memblock.memory[0x8000000000000000].base == 0\n");
        Cli.Run r = Cli.run("run", f.toString());
        assertThat(r.exit()).isEqualTo(Main.CHECK_FAILED);
        assertThat(r.out()).contains(f + ":2: expect: memory[18446744073709551615]: index out of range")
                .contains(f + ":3: expect: memory[9223372036854775808]: index out of range");
    }

    @Test
    void deepNestingIsBoundedAndDeterministic() throws IOException {
        Path terms = scn("expect " + "1 + ".repeat(20_000) + "1 == 1\n");
        badInput(Cli.run("run", terms.toString()), terms + ":1:4097: line longer than 4096 characters");
        Path nested = scn("expect " + "memblock.memory[".repeat(3000) + "0" + "].base".repeat(3000) + " == 1\n");
        Cli.Run r = Cli.run("run", nested.toString());
        badInput(r, nested + ":1:4097: line longer than 4096 characters");
        assertThat(Cli.run("run", nested.toString())).isEqualTo(r);
        Path deep = scn("expect " + "x[".repeat(200) + "0" + "]".repeat(200) + " == 1\n");
        badInput(Cli.run("run", deep.toString()), deep + ":1:41: brackets nested deeper than 16");
    }

    @Test
    void anEndlessFileIsReadOnlyUpToItsBound() throws IOException {
        Path big = Files.write(dir.resolve("zero.scn"), new byte[9 << 20]);
        badInput(Cli.run("run", big.toString()), big + ":1:1: larger than 8 MiB: not a scenario or boot log");
    }

    @Test
    void aReplayedSizeBeyond64BitsIsBadInputAtItsColumn() throws IOException {
        Path log = Files.writeString(dir.resolve("dmesg.txt"),
                "memblock_alloc_try_nid: 99999999999999999999 bytes align=0x40 nid=-1 from=0x0 max_addr=0x0 x+0x1/0x2\n");
        badInput(Cli.run("replay-memblock", log.toString()), log + ":1:25: size 99999999999999999999 bytes is out of range");
    }

    @Test
    void movablecoreAbove100PercentIsRefusedNotAnInternalError() throws IOException {
        badInput(Cli.run("boot", "--cmdline", "movablecore=999999999999999%"),
                "--cmdline: movablecore=999999999999999%: expected at most 100%");
        Path f = scn("board ram=64M cmdline=\"movablecore=101%\"\n");
        badInput(Cli.run("run", f.toString()), f + ":1:1: board: --cmdline: movablecore=101%: expected at most 100%");
    }

    @Test
    void valuesThatDoNotFitAreRefusedNotWrappedOrTruncated() throws IOException {
        Path m = scn("memblock_add 0xFFFFFFFFFFFFFFFFM 1\n");
        badInput(Cli.run("run", m.toString()), m + ":1:14: number out of range: '0xFFFFFFFFFFFFFFFFM'");
        Path sz = scn("memblock_add SZ_99999999999G 1\n");
        badInput(Cli.run("run", sz.toString()), sz + ":1:14: number out of range: 'SZ_99999999999G'");
        Path order = scn("board ram=64M\nalloc_pages GFP_KERNEL 0x100000000\n");
        badInput(Cli.run("run", order.toString()),
                order + ":2:24: alloc_pages: argument 2 is 0x100000000, which does not fit the kernel's 32-bit parameter");
        Path cpu = scn("board ram=64M\nalloc_pages GFP_KERNEL 0 cpu=0x100000000\n");
        badInput(Cli.run("run", cpu.toString()), cpu + ":2:30: alloc_pages: cpu=0x100000000 is not a CPU number");
        badInput(Cli.run("boot", "--ram", "0x10000000000000040000000"), "--ram: size 0x10000000000000040000000 is out of range");
        badInput(Cli.run("boot", "--ram", "\u0661\u0660\u0662\u0664M"),
                "--ram: expected a size such as 1024M or 0x40000000, found '\u0661\u0660\u0662\u0664M'");
        badInput(Cli.run("boot", "--cpus", "\u0662"), "--cpus: expected a number, found '\u0662'");
        Path cpus = scn("board ram=64M cpus=\u0662\n");
        badInput(Cli.run("run", cpus.toString()), cpus + ":1:1: board: cpus: expected a number, found '\u0662'");
    }

    @Test
    void errorsPointAtTheirOwnLineAndColumn() throws IOException {
        Path inside = scn("expect memblock.memory[zz + 1].base == 0\n");
        badInput(Cli.run("run", inside.toString()), inside + ":1:24: unknown value 'zz'");
        Path utf = bytes(new byte[] {'m', 'e', 'm', 'b', 'l', 'o', 'c', 'k', '_', 'a', 'd', 'd', ' ', '0', ' ', '1', '\n',
                'e', 'x', 'p', 'e', 'c', 't', ' ', (byte) 0xFF, '\n'});
        badInput(Cli.run("run", utf.toString()), utf + ":2:8: invalid UTF-8 (byte 0xff)");
        Path bom = bytes(("\uFEFFmemblock_add 0 SZ_4K\nexpect memblock.memory.cnt == 1\n").getBytes(StandardCharsets.UTF_8));
        Cli.Run r = Cli.run("run", bom.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).endsWith("1 passed, 0 failed\n");
    }

    @Test
    void aCmaAreaReachingIntoAGapBetweenBanksIsRefusedAsTheModelsFinding() {
        Cli.Run r = Cli.run("boot", "--memory", "0x40000000:512M", "--memory", "0x70000000:256M",
                "--reserve", "0x5f000000:32M:reusable", "--print", "meminfo");
        assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err().strip()).startsWith("--reserve: CMA area reserved-memory@0 at 0x5f000000+0x2000000 reaches 0x60000000, "
                + "which is not RAM").contains("the model's finding").doesNotContain("\n");
        Cli.Run low = Cli.run("boot", "--memory", "0x40000000:128M", "--memory", "0x50000000:128M",
                "--reserve", "0x47000000:32M:reusable", "--print", "meminfo");
        assertThat(low.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(low.err()).contains("reaches 0x48000000, which is not RAM");
        Cli.Run inside = Cli.run("boot", "--memory", "0x40000000:128M", "--memory", "0x50000000:128M",
                "--reserve", "0x46000000:16M:reusable", "--print", "meminfo");
        assertThat(inside.exit()).as(inside.err()).isZero();
    }

    @Test
    void movablecorePercentIsComputedInArms32BitUnsignedLongAs61Does() {
        // 786431 pages x 100 x 60 = 4718586000 wraps to 423618704: 42361 pages, rounded up to
        // MAX_ORDER_NR_PAGES (2048) = 43008 from the top, less the page above 4 GiB
        Cli.Run r = Cli.run("boot", "--ram", "3072M", "--cmdline", "movablecore=60%", "--print", "zoneinfo");
        assertThat(r.exit()).isZero();
        assertThat(r.out().substring(r.out().indexOf("zone  Movable"))).contains("spanned  43007");
        Cli.Run half = Cli.run("boot", "--ram", "3072M", "--cmdline", "movablecore=50%", "--print", "zoneinfo");
        assertThat(half.out().substring(half.out().indexOf("zone  Movable"))).contains("spanned  393215");
    }
}
