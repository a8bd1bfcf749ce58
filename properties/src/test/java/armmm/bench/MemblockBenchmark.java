package armmm.bench;

import armmm.model.kernel.Kernel;
import armmm.model.memblock.MemblockOp;
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
 * The memblock arrays at scale: N disjoint {@code memblock_reserve} calls, in ascending or in a
 * shuffled order, each followed by every invariant (a checked step of a property), then the
 * complete check. Issue 14 measured 3 s for 10^4 and 278 s for 10^5 (quadratic); the time per
 * call must stay flat as N grows.
 * Run: {@code mvn -B -Pbench -pl properties -am package -Dbench.args=MemblockBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class MemblockBenchmark {
    /** How many disjoint reserves. */
    @Param({"10000", "100000"})
    public int n;

    /** Whether the reserves come in a shuffled order (inserted mid-array) or ascending (appended). */
    @Param({"false", "true"})
    public boolean shuffled;

    /** N checked reserves on a fresh memblock that may grow its arrays, then the complete check. */
    @Benchmark
    public int disjointReserves() {
        Kernel k = Kernel.bare();
        k.apply(new MemblockOp.Add(0, 0xFFFF_FFFFL));
        k.apply(new MemblockOp.AllowResize());
        long[] order = order(n, shuffled);
        int violations = 0;
        for (long i : order) {
            k.apply(new MemblockOp.Reserve(0x1000_0000L + 2 * i * 0x1000, 0x1000));
            violations += k.check().size();
        }
        return violations + k.checkComplete().size() + k.memblock().reservedCnt();
    }

    /** 0..n-1, ascending or shuffled by a fixed linear congruential sequence. */
    public static long[] order(int n, boolean shuffled) {
        long[] o = new long[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        long x = 42;
        for (int i = n - 1; shuffled && i > 0; i--) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            int j = (int) Long.remainderUnsigned(x >>> 17, i + 1);
            long t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }
}
