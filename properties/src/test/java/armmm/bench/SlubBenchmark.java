package armmm.bench;

import armmm.model.board.Board;
import armmm.model.kernel.Kernel;
import armmm.model.core.Gfp;
import armmm.model.slub.SlabCaches;
import armmm.model.slub.SlubAllocator;
import armmm.model.slub.SlubChecks;
import armmm.model.slub.SlubOp;
import armmm.model.slub.SlubParams;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SLUB on the 1 GiB board: a kmalloc/kfree pair of 64 bytes on one CPU (goal: 10 million pairs a
 * second), and the same pair followed by every SLUB invariant (the checked step).
 * Run: {@code mvn -B -Pbench -pl properties -am package -Dbench.args=SlubBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SlubBenchmark {
    private SlubAllocator slub;
    private Kernel kernel;
    private long checkedObject;
    private boolean allocNext = true;

    /** Boots the board and SLUB once; the pair runs on a warm CPU slab. */
    @Setup
    public void setup() throws Exception {
        Board board = Board.fromOptions("1024M", List.of(), List.of(), "", 1);
        Kernel k = Kernel.boot(board);
        slub = new SlubAllocator(SlabCaches.boot(SlubParams.parse("", 1)), k.pages(), 1, Set.of());
        kernel = Kernel.boot(board);
    }

    /** kmalloc(64, GFP_KERNEL) then kfree. */
    @Benchmark
    public long kmallocKfree64() {
        long p = slub.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        slub.kfree(p, 0);
        return p;
    }

    /** One step of the whole-kernel chain: a kmalloc(64) or its kfree through {@code Kernel.apply}, then every invariant of every subsystem. */
    @Benchmark
    public int kernelCheckedStep() {
        if (allocNext) {
            checkedObject = kernel.apply(new SlubOp.Kmalloc(64, Gfp.GFP_KERNEL, 0)).value();
        } else {
            kernel.apply(new SlubOp.Kfree(checkedObject, 0));
        }
        allocNext = !allocNext;
        return kernel.check().size();
    }

    /** The pair, then every SLUB invariant as a checked chain step runs them. */
    @Benchmark
    public int checkedStep() {
        // as Kernel.apply starts a step: the page allocator forgets the frames the last one touched
        slub.pages().beginStep();
        slub.beginStep();
        long p = slub.kmalloc(64, Gfp.GFP_KERNEL, 0).value();
        slub.kfree(p, 0);
        return SlubChecks.check(slub).size();
    }
}
