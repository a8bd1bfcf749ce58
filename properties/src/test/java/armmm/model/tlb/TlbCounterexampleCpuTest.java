package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.board.BoardLine;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mmu.Access;
import armmm.model.subsystem.Op;
import armmm.scenario.Parser;
import armmm.scenario.RunReport;
import armmm.scenario.Runner;
import armmm.scenario.ScenarioWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 wants a race "printed as a scenario with {@code cpu=N} on every line": on a board with
 * more than one CPU the {@link ScenarioWriter} prints {@code cpu=0} too on every call that takes a
 * CPU (calls that take none, {@code mm_create}, print none), and what it prints parses and replays
 * to the same kernel; on one CPU the lines stay as they were.
 */
class TlbCounterexampleCpuTest {

    /** Applies {@code ops} to a kernel booted on {@code board}, writes them, and returns the scenario. */
    private static String written(Board board, int cpus, List<java.util.function.Function<long[], Op>> ops, long[] handles,
            Kernel kernel) {
        ScenarioWriter w = new ScenarioWriter(cpus);
        StringBuilder text = new StringBuilder(BoardLine.render(board)).append('\n');
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i).apply(handles);
            var r = kernel.apply(op);
            handles[i] = r.value();
            text.append(w.line(op, r)).append('\n');
        }
        return text.toString();
    }

    private static List<java.util.function.Function<long[], Op>> calls() {
        return List.of(
                h -> new TlbOp.Exec(0),
                h -> new MmOp.Mmap(h[0], 0, 0x2000, 3, 0x22, 0),
                h -> new TlbOp.SwitchMm(h[0], 1),
                h -> new MmOp.Touch(h[0], h[1], Access.WRITE, 1),
                h -> new TlbOp.AccessVa(h[1], Access.READ, 0),
                h -> new MmOp.MmCreate(0x800000),
                h -> new TlbOp.SwitchMm(h[5], 0),
                h -> new MmOp.Munmap(h[0], h[1], 0x2000, 1));
    }

    @Test
    void onSeveralCpusEveryPerCpuCallSaysItsCpuAndTheTextReplays() {
        Board board = Board.fromOptions("256M", List.of(), List.of(), "", 2);
        Kernel kernel = Kernel.boot(board);
        long[] handles = new long[8];
        String text = written(board, 2, calls(), handles, kernel);
        List<String> lines = text.lines().skip(1).toList();
        assertThat(lines).hasSize(8);
        for (String line : lines) {
            if (line.startsWith("mm_create")) {
                assertThat(line).as("a call that takes no CPU").doesNotContain("cpu=");
            } else {
                assertThat(line).as("a per-CPU call").containsPattern(" cpu=[01]( |$)");
            }
        }
        assertThat(lines.get(0)).isEqualTo("exec cpu=0 -> $m1");
        assertThat(lines.get(4)).startsWith("access 0x").endsWith(" read cpu=0");
        // parse(print(x)) replays to the same kernel: the same ASIDs, TTBR0s and TLB contents
        StringBuilder check = new StringBuilder(text);
        for (int cpu = 0; cpu < 2; cpu++) {
            for (String o : List.of("asid", "contextidr", "ttbr0", "active_mm")) {
                check.append(String.format("expect cpu[%d].%s == %#x%n", cpu, o,
                        kernel.observe(armmm.model.core.ObservablePath.of("cpu[" + cpu + "]", o)).orElseThrow()));
            }
            check.append(String.format("expect tlb[%d].entries == %d%n", cpu,
                    kernel.observe(armmm.model.core.ObservablePath.of("tlb[" + cpu + "]", "entries")).orElseThrow()));
        }
        RunReport r = Runner.run(Parser.parse("written.scn", check.toString()));
        assertThat(r.messages()).as("%s", check).isEmpty();
        assertThat(r.passed()).isEqualTo(10);
    }

    @Test
    void onOneCpuTheLinesStayWithoutCpu0() {
        Board board = Board.fromOptions("256M", List.of(), List.of(), "", 1);
        List<java.util.function.Function<long[], Op>> one = List.of(
                h -> new TlbOp.Exec(0),
                h -> new MmOp.Mmap(h[0], 0, 0x2000, 3, 0x22, 0),
                h -> new TlbOp.AccessVa(h[1], Access.READ, 0));
        String text = written(board, 1, one, new long[3], Kernel.boot(board));
        assertThat(text).doesNotContain("cpu=");
        assertThat(Runner.run(Parser.parse("one.scn", text)).messages()).isEmpty();
        assertThat(new ScenarioWriter().line(new TlbOp.Exec(0), armmm.model.core.Result.of(1))).isEqualTo("exec -> $m1");
    }
}
