package armmm.bench;

import armmm.model.board.Board;
import armmm.model.core.Gfp;
import armmm.model.highmem.Highmem;
import armmm.model.highmem.HighmemOp;
import armmm.model.kernel.Kernel;
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
 * highmem on a booted 1 GiB QEMU virt board (256 MiB of HighMem). Goals: 10 million
 * kmap_atomic+kunmap_atomic pairs of a highmem page a second; the whole-kernel checked step above
 * 200,000 a second with highmem in it. Run:
 * {@code mvn -B -Pbench -pl properties -am package -Dbench.args=HighmemBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HighmemBenchmark {
    private Kernel kernel;
    private Highmem highmem;
    private long page;
    private long held;
    private int step;

    /** A fresh 1 GiB board per iteration and one highmem page. */
    @Setup(Level.Iteration)
    public void boot() {
        kernel = Kernel.boot(Board.virt(1024L << 20));
        highmem = kernel.state(Highmem.class);
        page = kernel.pages().layout().pfnToPage(kernel.pages().allocPagesPfn(Gfp.GFP_HIGHUSER, 0, 0));
        step = 0;
    }

    /** One kmap_atomic of a highmem page and its kunmap_atomic: a fixmap PTE set, flushed, cleared, flushed. */
    @Benchmark
    public long kmapAtomicPair() {
        long a = highmem.kmapLocal(page, 0, true).value();
        highmem.kunmapLocal(a, 0, true);
        return a;
    }

    /** One kmap of a highmem page and its kunmap: the pkmap slot found through page_address_htable after the first. */
    @Benchmark
    public long kmapKunmapPair() {
        long a = highmem.kmap(page, 0, false).value();
        highmem.kunmap(page, 0);
        return a;
    }

    /** One step of a property: kmap_atomic or kunmap_atomic through {@code Kernel.apply}, then every invariant. */
    @Benchmark
    public int checkedStep() {
        if ((step++ & 1) == 0) {
            held = kernel.apply(new HighmemOp.KmapAtomic(page, false, 0)).value();
        } else {
            kernel.apply(new HighmemOp.KunmapAtomic(held, false, 0));
        }
        return kernel.check().size();
    }
}
