package armmm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The armmm command line as a user meets it: exit codes, one-line errors, the reports it prints. */
class CliSmokeTest {

    static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    @Test
    void anUnknownCommandIsBadUsage() {
        assertThat(run("bogus").exit()).isEqualTo(Main.BAD_INPUT);
    }

    @Test
    void bootPrintsZoneinfoInTheKernelsSpelling() {
        Cli.Run r = run("boot", "--ram", "1024M", "--print", "zoneinfo");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Node 0, zone      DMA", "        min      868", "        protection: (0, 0, 256, 256)",
                "  start_pfn:           262144", "Node 0, zone  HighMem");
    }

    @Test
    void buildOverridesChangeWhatTheKernelMakesOfTheBoard() {
        String split3g = run("boot", "--ram", "2048M", "--print", "meminfo").out();
        String split2g = run("boot", "--ram", "2048M", "--vmsplit", "2G", "--print", "meminfo").out();
        assertThat(split3g).contains("LowTotal:         748628 kB");
        assertThat(split2g).doesNotContain("LowTotal:         748628 kB").contains("HighTotal:        262144 kB");
        assertThat(run("boot", "--ram", "1024M", "--cma-default", "64", "--print", "meminfo").out())
                .contains("CmaTotal:          65536 kB");
    }

    @Test
    void badBoardOptionsAreOneLineAndExitTwo() {
        for (String[] args : new String[][] {{"boot", "--ram", "1x"}, {"boot", "--vmsplit", "4G"}, {"boot", "--print", "nonsense"},
                {"boot", "--reserve", "0x50000000"}, {"boot", "--ram", "1024M", "--memory", "0x40000000:1G"}}) {
            Cli.Run r = run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(Main.BAD_INPUT);
            assertThat(r.err().strip()).as(String.join(" ", args)).doesNotContain("\n").doesNotContain("Exception").startsWith("--");
        }
    }

    @Test
    void runTotalsEveryFileAndExitsWithTheHighestCode(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("good.scn"), "memblock_add 0x40000000 SZ_4M\nexpect memblock.memory.cnt == 1\n");
        Path failing = Files.writeString(dir.resolve("failing.scn"), "expect 1 == 2\n");
        Path bad = Files.writeString(dir.resolve("bad.scn"), "memblock_add 0x40000000\n");
        Cli.Run r = run("run", good.toString(), failing.toString());
        assertThat(r.exit()).isEqualTo(Main.CHECK_FAILED);
        assertThat(r.out()).endsWith("1 passed, 1 failed\n").contains(failing + ":1: expected 0x1 == 0x2");
        Cli.Run b = run("run", good.toString(), bad.toString());
        assertThat(b.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(b.err().strip()).isEqualTo(bad + ":1:1: memblock_add takes 2 arguments (ADDR SIZE), found 1");
        assertThat(b.out()).endsWith("1 passed, 0 failed\n");
    }

    @Test
    void aMissingScenarioFileIsBadInput() {
        Cli.Run r = run("run", "no/such/file.scn");
        assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err().strip()).isEqualTo("no/such/file.scn:1:1: no such file");
    }
}
