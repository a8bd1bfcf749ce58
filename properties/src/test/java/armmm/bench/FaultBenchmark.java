package armmm.bench;

import armmm.model.board.Board;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mm.Processes;
import armmm.model.mm.VmFlags;
import armmm.model.mmu.Access;
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
 * User page tables and faults on a booted 1 GiB kernel (HighMem): issue 11's mmap + touch +
 * munmap of 16 KiB in one process (four write faults, each a page from the buddy allocator, then
 * the zap and the TLB flush), a {@code fork} of a process with 64 touched pages and the child's
 * exit, and the whole-kernel checked step (a touch through {@code Kernel.apply} and every
 * invariant) with four processes alive.
 * Run: {@code mvn -B -Pbench -pl properties -am package -Dbench.args=FaultBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FaultBenchmark {
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;

    private Kernel kernel;
    private Processes processes;
    private long mm;
    private long area;
    private int n;
    private long fresh;
    private int faultStep;

    /** A fresh kernel with four processes, one with 64 touched pages. */
    @Setup(Level.Iteration)
    public void setUp() {
        kernel = Kernel.boot(Board.virt(1024L << 20));
        processes = kernel.state(Processes.class);
        for (int i = 0; i < 4; i++) {
            mm = processes.mmCreate(8L << 20).value();
            processes.mmap(mm, 0, 0x10000, RW, ANON);
        }
        area = processes.mmap(mm, 0, 64 * 4096, RW, ANON).value();
        for (int i = 0; i < 64; i++) {
            processes.touch(mm, area + i * 4096L, Access.WRITE);
        }
        fresh = processes.mmap(mm, 0, 64 * 4096, RW, ANON).value();
        faultStep = 0;
    }

    /** mmap of 16 KiB, a write to each of its four pages, munmap. */
    @Benchmark
    public long mmapTouchMunmap16k() {
        processes.beginCall();
        long a = processes.mmap(mm, 0, 0x4000, RW, ANON).value();
        for (int i = 0; i < 4; i++) {
            processes.touch(mm, a + i * 4096L, Access.WRITE);
        }
        processes.munmap(mm, a, 0x4000);
        return a;
    }

    /** fork of the process with 64 present pages (all write-protected for copy-on-write), then the child exits. */
    @Benchmark
    public long forkExit() {
        processes.beginCall();
        long child = processes.fork(mm).value();
        processes.exitMm(child);
        return child;
    }

    /**
     * A step that always changes the address space, so that the user page-table checks' change
     * signal moves every time: a write fault on the next untouched page of a fresh 64-page area
     * (64 steps), then its munmap and a new mmap (one step each), through Kernel.apply, then every
     * invariant of every subsystem.
     */
    @Benchmark
    public int faultCheckedStep() {
        int i = faultStep++ % 66;
        if (i < 64) {
            kernel.apply(new MmOp.Touch(mm, fresh + i * 4096L, Access.WRITE));
        } else if (i == 64) {
            kernel.apply(new MmOp.Munmap(mm, fresh, 64 * 4096));
        } else {
            fresh = kernel.apply(new MmOp.Mmap(mm, 0, 64 * 4096, RW, ANON)).value();
        }
        return kernel.check().size();
    }

    /** One touch of the 64-page area through Kernel.apply, then every invariant of every subsystem. */
    @Benchmark
    public int touchCheckedStep() {
        kernel.apply(new MmOp.Touch(mm, area + ((n++ & 63) * 4096L), (n & 1) == 0 ? Access.READ : Access.WRITE));
        return kernel.check().size();
    }
}
