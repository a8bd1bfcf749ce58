package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.cli.Cli;
import armmm.cli.Main;
import armmm.model.core.Bugs;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import armmm.scenario.ScenarioException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code print tlb CPU} (issue 12): the allocator's line and that CPU's registers and entries,
 * exactly the lines {@code print tlb} prints for it; a CPU the board does not have is a
 * {@code FILE:LINE:COL} error with exit 2, and the report takes one CPU, not a range.
 */
class TlbPrintCpuTest {
    private static final String BODY = """
            exec -> $m
            mmap $m 0 SZ_8K PROT_READ|PROT_WRITE MAP_PRIVATE|MAP_ANONYMOUS -> $a
            switch_mm $m cpu=1
            access $a
            access $a cpu=1
            access 0xc0000000 cpu=1
            """;

    @TempDir
    Path dir;

    private static String print(String what) {
        RunReport r = Runner.run(Parser.parse("tlb.scn", "board ram=256M cpus=2\n" + BODY + what + "\n"), Bugs.NONE);
        assertThat(r.messages()).as("%s", r.output()).isEmpty();
        return r.output();
    }

    @Test
    void oneCpuIsTheAllocatorLineAndThatCpusBlockOfTheWholeReport() {
        String all = print("print tlb");
        String cpu0 = print("print tlb 0");
        String cpu1 = print("print tlb 1");
        int second = all.indexOf("\ncpu 1: ") + 1;
        int first = all.indexOf("cpu 0: ");
        assertThat(first).isPositive();
        assertThat(second).isGreaterThan(first);
        String header = all.substring(0, first);
        assertThat(header).startsWith("asid_generation 0x100, asid_map weight ");
        assertThat(cpu0).isEqualTo(header + all.substring(first, second));
        assertThat(cpu1).isEqualTo(header + all.substring(second));
        // CPU 1 walked the user page and the kernel's section: two entries, one global
        assertThat(cpu1.lines().filter(l -> l.startsWith("  "))).hasSize(2);
        assertThat(print("print tlb 2 - 1")).isEqualTo(cpu1);
    }

    @Test
    void aCpuNotOnTheBoardIsAnErrorAtTheArgument() {
        assertThatThrownBy(() -> Runner.run(Parser.parse("t.scn", "board ram=256M cpus=2\nprint tlb 2\n"), Bugs.NONE))
                .isInstanceOfSatisfying(ScenarioException.class, e -> assertThat(e.format("t.scn"))
                        .isEqualTo("t.scn:2:11: print tlb: cpu 2 is not on the board (2 CPUs, cpu 0..1)"));
        assertThatThrownBy(() -> Runner.run(Parser.parse("t.scn", "board ram=256M\nprint tlb 0x100000000\n"), Bugs.NONE))
                .isInstanceOfSatisfying(ScenarioException.class, e -> assertThat(e.format("t.scn"))
                        .isEqualTo("t.scn:2:11: print tlb: cpu 4294967296 is not on the board (1 CPU, cpu 0)"));
    }

    @Test
    void theCliSaysFileLineColAndExitsTwo() throws IOException {
        Path f = Files.writeString(dir.resolve("t.scn"), "board ram=256M cpus=4\nexec -> $m\nprint tlb 3\nprint tlb 4\n",
                StandardCharsets.UTF_8);
        Cli.Run r = Cli.run("run", f.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err().strip()).isEqualTo(f + ":4:11: print tlb: cpu 4 is not on the board (4 CPUs, cpu 0..3)");
        Path two = Files.writeString(dir.resolve("two.scn"), "board ram=256M cpus=2\nprint tlb 0 1\n", StandardCharsets.UTF_8);
        Cli.Run range = Cli.run("run", two.toString());
        assertThat(range.exit()).as(range.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(range.err().strip()).isEqualTo(two + ":2:13: unexpected '1'");
        Path fine = Files.writeString(dir.resolve("fine.scn"), "board ram=256M cpus=4\nprint tlb 3\n", StandardCharsets.UTF_8);
        Cli.Run ok = Cli.run("run", fine.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("cpu 3: CONTEXTIDR 0").doesNotContain("cpu 2:");
    }
}
