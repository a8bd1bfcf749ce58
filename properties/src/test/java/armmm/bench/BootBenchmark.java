package armmm.bench;

import armmm.model.board.Board;
import armmm.model.kernel.Kernel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Booting a board from its description to a running kernel (memblock, layout, zones and, once
 * there, the buddy allocator's free lists). Goal for 3 GiB: under 50 ms.
 * Run: {@code mvn -B -Pbench -pl properties -am test-compile exec:exec -Dbench.args=BootBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BootBenchmark {
    @Param({"256M", "1024M", "3072M"})
    public String ram;

    private Board board;

    /** Parses the board once: the benchmark measures the boot. */
    @org.openjdk.jmh.annotations.Setup
    public void setup() {
        board = Board.fromOptions(ram, java.util.List.of(), java.util.List.of(), "", 1);
    }

    /** One boot, from board description to a running kernel. */
    @Benchmark
    public Kernel boot() {
        return Kernel.boot(board);
    }
}
