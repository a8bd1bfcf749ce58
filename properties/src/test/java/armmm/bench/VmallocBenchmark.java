package armmm.bench;

import armmm.model.board.Board;
import armmm.model.kernel.Kernel;
import armmm.model.vmalloc.VmallocOp;
import armmm.model.vmalloc.Vmalloc;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * vmalloc on a booted 1 GiB QEMU virt board. Goal: 1 million vmalloc+vfree pairs of 16 KiB per
 * second (four pages from the per-CPU lists, four PTEs written and cleared, the lazy purge every
 * 1,638 pairs). Run: {@code mvn -B -Pbench -pl properties -am package -Dbench.args=VmallocBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class VmallocBenchmark {
    private Kernel kernel;
    private Vmalloc vmalloc;
    private long held;
    private boolean allocNext = true;

    /** A fresh 1 GiB board per iteration. */
    @Setup(Level.Iteration)
    public void boot() {
        kernel = Kernel.boot(Board.virt(1024L << 20));
        vmalloc = kernel.state(Vmalloc.class);
        allocNext = true;
    }

    /** One vmalloc(16 KiB) and its vfree. */
    @Benchmark
    public long vmallocVfreePair16K() {
        long a = vmalloc.vmalloc(16 << 10).value();
        vmalloc.vfree(a);
        return a;
    }

    /** One step of a property: vmalloc or vfree through {@code Kernel.apply}, then every invariant. */
    @Benchmark
    public int checkedStep() {
        if (allocNext) {
            held = kernel.apply(new VmallocOp.VmallocCall(16 << 10)).value();
        } else {
            kernel.apply(new VmallocOp.Vfree(held));
        }
        allocNext = !allocNext;
        return kernel.check().size();
    }
}
