package armmm.bench;

import armmm.model.board.Board;
import armmm.model.kernel.Kernel;
import armmm.model.page.PageOp;
import armmm.model.core.Gfp;
import armmm.model.page.PageAllocator;
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
 * The buddy allocator on a booted 2 GiB QEMU virt board. Goals: 3 million order-0 alloc+free
 * pairs per second through the per-CPU lists, and 20,000 checked steps (a kernel call and every
 * invariant) per second.
 * Run: {@code mvn -B -Pbench -pl properties -am package -Dbench.args=BuddyBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BuddyBenchmark {
    private static final int HELD = 32;
    private static final int[] ORDERS = {0, 0, 0, 1, 0, 2, 0, 3, 1, 0, 4, 0, 2, 5, 0, 1};

    private Kernel kernel;
    private PageAllocator pages;
    private final long[] held = new long[HELD];
    private final int[] heldOrder = new int[HELD];
    private int i;
    private boolean allocNext = true;
    private long checkedPage;

    /** A fresh 2 GiB board per iteration, with 32 pages held so the per-CPU lists stay warm. */
    @Setup(Level.Iteration)
    public void boot() {
        kernel = Kernel.boot(Board.virt(2048L << 20));
        pages = kernel.pages();
        for (int s = 0; s < HELD; s++) {
            held[s] = 0;
        }
        allocNext = true;
    }

    /** One order-0 alloc+free pair through the per-CPU lists (the kernel's fast path). */
    @Benchmark
    public long orderZeroAllocFreePair() {
        int slot = i++ & (HELD - 1);
        if (held[slot] != 0) {
            pages.freePages(held[slot], 0, 0);
        }
        held[slot] = pages.allocPages(Gfp.GFP_KERNEL, 0, 0).value();
        return held[slot];
    }

    /** One alloc+free pair of mixed orders 0..5: the per-CPU lists up to order 3, the buddy lists above. */
    @Benchmark
    public long mixedOrderAllocFreePair() {
        int slot = i++ & (HELD - 1);
        if (held[slot] != 0) {
            pages.freePages(held[slot], heldOrder[slot], 0);
        }
        int order = ORDERS[i & (ORDERS.length - 1)];
        heldOrder[slot] = order;
        held[slot] = pages.allocPages(Gfp.GFP_KERNEL, order, 0).value();
        return held[slot];
    }

    /** One step of a property: a kernel call through {@code Kernel.apply}, then every invariant. */
    @Benchmark
    public int checkedStep() {
        if (allocNext) {
            checkedPage = kernel.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0)).value();
        } else {
            kernel.apply(new PageOp.FreePages(checkedPage, 0, 0));
        }
        allocNext = !allocNext;
        return kernel.check().size();
    }
}
