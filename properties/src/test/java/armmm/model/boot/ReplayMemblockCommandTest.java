package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.cli.ReplayMemblockCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code armmm replay-memblock}: output lines and exit codes (CONTRACTS.md section 4). */
class ReplayMemblockCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ReplayMemblockCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path log() throws IOException {
        Path p = dir.resolve("dmesg.txt");
        Files.writeString(p, OracleBoards.read("armmp-1024M-memblockdebug", "dmesg.txt"), StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void theRealLogReplaysCleanlyAndExitsZero() throws IOException {
        Run r = run("--ram", "1024M", "--cmdline", "memblock=debug", log().toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).matches("\\d+ passed, 0 failed");
    }

    @Test
    void aWrongBoardGivesOneLinePerMismatchAndExitsOne() throws IOException {
        Run r = run("--ram", "1024M", "--cmdline", "vmalloc=128M", log().toString());
        assertThat(r.exit()).isEqualTo(1);
        String[] lines = r.out().strip().split("\n");
        assertThat(lines[lines.length - 1]).matches("\\d+ passed, [1-9]\\d* failed");
        assertThat(lines[0]).contains("dmesg.txt:").contains("model placed");
    }

    @Test
    void badInputExitsTwoWithOneLineAndNoStackTrace() throws IOException {
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "hello\nmemblock_reserve: [0x4000-\n");
        Run r = run("--ram", "1024M", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith(bad + ":2:19: expected").doesNotContain("\n").doesNotContain("Exception");
        Run opt = run("--ram", "12Q", log().toString());
        assertThat(opt.exit()).isEqualTo(2);
        assertThat(opt.err().strip()).isEqualTo("--ram: expected a size such as 1024M or 0x40000000, found '12Q'");
    }
}
