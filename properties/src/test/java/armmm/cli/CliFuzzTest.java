package armmm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.pbt.Stats;
import armmm.properties.OracleFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The CLI as a careless user meets it: generated scenario files, board options and corrupted
 * boot logs, nonsense included. Whatever the input, the CLI exits 0, 1 or 2, never prints a stack
 * trace, prints every error about a file as {@code FILE:LINE:COL: message}, and prints the same
 * thing when run a second time.
 */
class CliFuzzTest {
    private static final Pattern STACK = Pattern.compile("(?m)^\\s+at [\\w.$]+\\(|Exception|Error:|internal error");

    private static final List<String> WORDS = List.of(
            "memblock_add", "memblock_reserve", "memblock_remove", "memblock_free", "memblock_phys_free",
            "memblock_alloc", "memblock_alloc_from", "memblock_trim_memory", "memblock_cap_memory_range",
            "memblock_mark_nomap", "memblock_set_bottom_up", "memblock_phys_alloc_range", "memblock_enforce_memory_limit",
            "alloc_pages", "__free_pages", "free_pages", "__get_free_pages", "split_page", "alloc_page",
            "expect", "expect-fail", "print", "board", "->", "$p", "$q", "$zz", "$", "cpu=0", "cpu=5", "cpu=0x100000000",
            "0", "1", "3", "11", "0x40000000", "0x30", "SZ_4K", "SZ_4M", "SZ_1G", "SZ_99999999999G", "4096",
            "0xFFFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFFM", "18446744073709551616", "0x100000000", "99999999999999999999",
            "+", "-", "*", "==", "!=", "<", ">=", "GFP_KERNEL", "GFP_ATOMIC|__GFP_COMP", "__GFP_HIGHMEM", "GFP_BOGUS",
            "memblock.memory.cnt", "memblock.memory[0].base", "memblock.memory[99].base",
            "memblock.reserved[0xFFFFFFFFFFFFFFFF].size", "memblock.memory[1].size", "memblock.memory[zz + 1].base",
            "memblock.memory[$p].base", "page[$p].zone", "page[$p].refcount", "zone[DMA].managed", "zone[HighMem].free_area[3].nr_free",
            "layout.pfn_to_page[5]", "layout.pfn_to_page[0x40000]", "mm.totalram_pages", "vm.lowmem_reserve_ratio[9]",
            "buddyinfo", "zoneinfo", "meminfo", "memblock", "nonsense", "[", "]", "\"", "#", "١٠٢٤", "ram=64M",
            "ram=١٠٢٤M", "cmdline=\"movablecore=999999999999999%\"", "cpus=2", "cpus=99999999999", "reserve=0x44000000:4M:reusable",
            "memory=0x40000000:32M", "memory=0x48000000:16M", "ram=0x10000000000000040000000", "\u00e9", "\t");

    private static final List<String> CALLS = List.of(
            "memblock_add 0x40000000 SZ_4M", "memblock_reserve 0x40001000 0x3000", "memblock_alloc SZ_8K 0x2000 -> $p",
            "memblock_alloc_from 8 0x30 0x40000000 -> $p", "memblock_trim_memory 0x1000", "memblock_trim_memory 0x80000000",
            "memblock_cap_memory_range 0x40000000 SZ_2M", "memblock_mark_nomap 0x40000000 SZ_1M",
            "memblock_add 0xFFFFF000 SZ_8K", "memblock_reserve 0xFFFFFFFF 2", "memblock_phys_alloc_range SZ_4K 3 0 0 -> $q",
            "alloc_pages GFP_KERNEL 0 -> $p", "alloc_pages GFP_KERNEL 3 cpu=1 -> $q", "__free_pages $p 0",
            "__free_pages $q 3", "expect-fail __free_pages $p 0", "expect page[$p].refcount == 1", "print buddyinfo",
            "expect memblock.memory.cnt == 1", "memblock_free $p SZ_8K");

    private static final List<String> BOARDS = List.of(
            "", "board ram=32M", "board ram=64M cpus=2", "board ram=24M cmdline=\"movablecore=50%\"",
            "board memory=0x40000000:32M memory=0x48000000:16M", "board ram=48M reserve=0x41000000:4M:reusable",
            "board memory=0x40000000:32M memory=0x44000000:32M reserve=0x41c00000:8M:reusable", "board ram=16M cpus=9");

    /** A line of nonsense words, or a plausible call, or a plausible call with one word changed. */
    private static final Gen<String> LINE = Gens.frequency(
            Gens.weighted(1, Gens.lists(Gens.oneOf(WORDS), 1, 7).map(w -> String.join(" ", w))),
            Gens.weighted(12, Gens.oneOf(CALLS)),
            Gens.weighted(2, Gens.combine(Gens.oneOf(CALLS), Gens.oneOf(WORDS), Gens.ints(0, 5), CliFuzzTest::mutate)));

    /** Raw bytes of a scenario file: a board line, lines, and now and then a BOM, a NUL or invalid UTF-8. */
    private static final Gen<byte[]> SCENARIO = Gens.combine(Gens.oneOf(BOARDS), Gens.lists(LINE, 0, 8),
            Gens.ints(0, 9), Gens.ints(0, 200), (board, lines, damage, at) -> {
                String text = board + "\n" + String.join("\n", lines) + "\n";
                byte[] b = text.getBytes(StandardCharsets.UTF_8);
                return switch (damage) {
                    case 0 -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, b);
                    case 1 -> insert(b, at, new byte[] {(byte) 0xFF, (byte) 0xFE});
                    case 2 -> insert(b, at, new byte[] {(byte) 0xC3});
                    case 3 -> insert(b, at, new byte[] {0});
                    default -> b;
                };
            });

    private static final List<String> OPTIONS = List.of("--ram", "--memory", "--reserve", "--cmdline", "--cpus", "--vmsplit",
            "--cma-default", "--struct-page-size", "--print", "--bogus");
    private static final List<String> VALUES = List.of("1024M", "64M", "16M", "0", "1x", "0x40000000:64M", "0x70000000:256M",
            "0x5f000000:32M:reusable", "0x44000000:4M:no-map", "0x44000000:4M:reusable", "0x41000000:1M", "١٠٢٤M",
            "0x10000000000000040000000", "18446744073709551615", "99999999999999999999", "-1", "2", "9", "3G", "4G", "64",
            "4097", "zoneinfo", "meminfo", "layout", "memblock", "buddyinfo", "movablecore=999999999999999%",
            "movablecore=50%", "mem=700M", "vmalloc=128M", "cma=64M", "cma=0xFFFFFFFFFFFFFFFFM", "mem=99999999999999999999G",
            "memblock=debug", "", "0xFFFFFFFFFFFFFFFFM", "SZ_4G");

    /** {@code boot} with a list of options and values, in any order and number. */
    private static final Gen<List<String>> BOOT_ARGS = Gens.lists(Gens.combine(Gens.oneOf(OPTIONS), Gens.oneOf(VALUES),
            (o, v) -> List.of(o, v)), 0, 4).map(pairs -> {
                List<String> args = new ArrayList<>(List.of("boot"));
                pairs.forEach(args::addAll);
                if (!args.contains("--print")) {
                    args.addAll(List.of("--print", "meminfo"));
                }
                return args;
            });

    private static final String LOG = OracleFiles.read("armmp-1024M-memblockdebug", "dmesg.txt");

    /** The memblock=debug boot log with a few of its memblock lines damaged. */
    private static final Gen<String> CORRUPT_LOG = Gens.lists(Gens.combine(Gens.ints(0, 1 << 20), Gens.ints(0, 6), Gens.oneOf(VALUES),
            (where, how, value) -> new int[] {where, how, VALUES.indexOf(value)}), 1, 4).map(edits -> {
                List<String> lines = new ArrayList<>(List.of(LOG.split("\n", -1)));
                List<Integer> memblockLines = new ArrayList<>();
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).contains("memblock_")) {
                        memblockLines.add(i);
                    }
                }
                for (int[] e : edits) {
                    int i = memblockLines.get(e[0] % memblockLines.size());
                    String l = lines.get(i);
                    int col = l.isEmpty() ? 0 : e[0] % l.length();
                    String v = VALUES.get(e[2]);
                    lines.set(i, switch (e[1]) {
                        case 0 -> l.substring(0, col);
                        case 1 -> l.substring(0, col) + v + l.substring(col);
                        case 2 -> l.replaceFirst("\\d+ bytes", "99999999999999999999 bytes");
                        case 3 -> l.replaceFirst("0x[0-9a-f]+", "0x" + "f".repeat(1 + e[0] % 20));
                        case 4 -> l.replaceFirst("\\]", "");
                        case 5 -> l.replace('x', '\u0660');
                        default -> l.substring(col) + l.substring(0, col);
                    });
                }
                return String.join("\n", lines);
            });

    @PropertyTest
    void generatedScenarioFilesNeverCrashTheRunner(PropertyRunner runner, @org.junit.jupiter.api.io.TempDir Path dir) {
        runner.forAll(SCENARIO).seed(0x5CE7A210L).tries(1000).checkThrowing(bytes -> {
            Path file = write(dir.resolve("fuzz.scn"), bytes);
            Cli.Run first = Cli.run("run", file.toString());
            Stats.label("exit " + first.exit());
            assertSane(first, file.toString(), bytes);
            assertThat(Cli.run("run", file.toString())).as("a second run").isEqualTo(first);
        });
    }

    @PropertyTest
    void generatedBootOptionsNeverCrashTheCli(PropertyRunner runner) {
        runner.forAll(BOOT_ARGS).seed(0xB0A7D5L).tries(500).checkThrowing(args -> {
            String[] a = args.toArray(String[]::new);
            Cli.Run first = Cli.run(a);
            Stats.label("exit " + first.exit());
            assertThat(first.exit()).as("%s", args).isBetween(0, 2);
            assertThat(first.err()).as("%s", args).doesNotContainPattern(STACK);
            if (first.exit() == Main.BAD_INPUT) {
                assertThat(first.err().lines()).as("%s", args).allMatch(l -> l.startsWith("--") || l.startsWith("armmm: ")
                        || l.startsWith("Try 'armmm"));
            }
            assertThat(Cli.run(a)).as("a second run of %s", args).isEqualTo(first);
        });
    }

    @PropertyTest
    void corruptedBootLogsAreReportedWhereTheyAreBroken(PropertyRunner runner, @org.junit.jupiter.api.io.TempDir Path dir) {
        runner.forAll(CORRUPT_LOG).seed(0xD3E5CL).tries(80).checkThrowing(log -> {
            Path file = write(dir.resolve("dmesg.txt"), log.getBytes(StandardCharsets.UTF_8));
            Cli.Run first = Cli.run("replay-memblock", file.toString());
            Stats.label("exit " + first.exit());
            assertSane(first, file.toString(), null);
            assertThat(Cli.run("replay-memblock", file.toString())).as("a second run").isEqualTo(first);
        });
    }

    private static void assertSane(Cli.Run r, String file, byte[] input) {
        String what = input == null ? file : new String(input, StandardCharsets.UTF_8);
        assertThat(r.exit()).as("exit code for %s", what).isBetween(0, 2);
        assertThat(r.err()).as("stderr for %s", what).doesNotContainPattern(STACK);
        Pattern located = Pattern.compile("^" + Pattern.quote(file) + ":\\d+:\\d+: \\S.*");
        assertThat(r.err().lines()).as("stderr for %s", what).allMatch(l -> located.matcher(l).matches());
        if (r.exit() == Main.BAD_INPUT) {
            assertThat(r.err()).as("a bad input says where, for %s", what).isNotBlank();
        }
    }

    private static String mutate(String call, String word, int position) {
        String[] w = call.split(" ");
        w[position % w.length] = word;
        return String.join(" ", w);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(a);
        o.writeBytes(b);
        return o.toByteArray();
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        int i = Math.min(at, b.length);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(b, 0, i);
        o.writeBytes(what);
        o.write(b, i, b.length - i);
        return o.toByteArray();
    }

    private static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
