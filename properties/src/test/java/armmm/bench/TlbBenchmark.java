package armmm.bench;

import armmm.model.board.Board;
import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.mm.MmOp;
import armmm.model.mm.VmFlags;
import armmm.model.mmu.Access;
import armmm.model.subsystem.Invariant;
import armmm.model.tlb.TlbChecks;
import armmm.model.tlb.TlbOp;
import armmm.model.tlb.Tlbs;
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
 * The TLB subsystem through the kernel: {@code switch_mm} on its fast path (4 CPUs, two mms each,
 * 8-bit ASIDs), {@code switch_mm} among 16 mms on 4 CPUs with 3-bit ASIDs (a rollover every few
 * switches, {@code flush_context} and the pending TLB flushes included), a TLB lookup that hits
 * (an access of a page the CPU's TLB holds), and a checked step: an access followed by every
 * registered invariant on a 4-CPU kernel whose TLBs hold entries of 8 processes; and a checked
 * chain step ({@link #checkedChainStep}) that cycles switch_mm with rollovers, touch, munmap and
 * mmap over 16 processes on 4 CPUs, each call through {@code Kernel.apply} and then the per-step
 * check of every registered invariant, as a property's chain step runs.
 * Run: {@code mvn -B -Pbench -pl properties -am package -Dbench.args=TlbBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TlbBenchmark {
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;

    private Kernel fast;
    private Kernel rolling;
    private final long[] fastMms = new long[8];
    private final long[] rollingMms = new long[16];
    private final long[] pages = new long[8];
    private Kernel chain;
    private final long[] chainMms = new long[16];
    private final long[] chainPages = new long[16];
    private int n;
    private int c;

    /** Fresh kernels per iteration: processes exec'd, each with a page touched on its CPU. */
    @Setup(Level.Iteration)
    public void setUp() {
        fast = Kernel.boot(Board.virt(256L << 20).withCpus(4), Bugs.NONE);
        for (int i = 0; i < fastMms.length; i++) {
            fastMms[i] = value(fast.apply(new TlbOp.Exec(i & 3)));
            pages[i] = value(fast.apply(new MmOp.Mmap(fastMms[i], 0, 0x4000, VmFlags.PROT_READ | VmFlags.PROT_WRITE, ANON)));
            fast.apply(new TlbOp.AccessVa(pages[i], Access.WRITE, i & 3));
        }
        rolling = Kernel.boot(Board.virt(256L << 20).withCpus(4).withArgs("armmm_asid_bits=3"), Bugs.NONE);
        for (int i = 0; i < rollingMms.length; i++) {
            rollingMms[i] = value(rolling.apply(new TlbOp.Exec(i & 3)));
        }
        chain = Kernel.boot(Board.virt(256L << 20).withCpus(4).withArgs("armmm_asid_bits=3"), Bugs.NONE);
        for (int i = 0; i < chainMms.length; i++) {
            chainMms[i] = value(chain.apply(new TlbOp.Exec(i & 3)));
            chainPages[i] = value(chain.apply(new MmOp.Mmap(chainMms[i], 0, 0x4000,
                    VmFlags.PROT_READ | VmFlags.PROT_WRITE, ANON, i & 3)));
        }
        c = 0;
    }

    private static long value(Result r) {
        if (!(r instanceof Result.Value v)) {
            throw new IllegalStateException("setup call refused: " + r);
        }
        return v.value();
    }

    /** {@code switch_mm} between the two mms each CPU ran last: the lock-free fast path. */
    @Benchmark
    public Result switchMmFastPath() {
        int i = n++ & 7;
        return fast.apply(new TlbOp.SwitchMm(fastMms[i ^ 4], i & 3));
    }

    /** {@code switch_mm} round-robin over 16 mms on 4 CPUs with 7 usable ASIDs: rollovers all the time. */
    @Benchmark
    public Result switchMmWithRollovers() {
        int i = n++;
        return rolling.apply(new TlbOp.SwitchMm(rollingMms[i & 15], (i >> 4) & 3));
    }

    /** An access whose translation the CPU's TLB holds (the lookup, and the walk that tells a stale hit). */
    @Benchmark
    public long tlbLookupHit() {
        Tlbs t = fast.state(Tlbs.class);
        int i = n++ & 3;
        return value(t.access(pages[4 + i], Access.READ, i));
    }

    /** One access through the kernel, then every registered invariant of every subsystem. */
    @Benchmark
    public int checkedAccessStep() {
        int i = n++ & 3;
        fast.apply(new TlbOp.AccessVa(pages[4 + i], Access.READ, i));
        return fast.check().size();
    }

    /**
     * One step of a whole-kernel chain on 4 CPUs with 3-bit ASIDs (7 usable for 16 processes, so
     * a rollover every few switches), through {@code Kernel.apply} and then {@code Kernel.check}
     * (every registered invariant whose state moved, as a property's step): the steps cycle, per
     * process j on CPU j % 4, {@code switch_mm}, a write {@code touch} of its mapping (a demand
     * fault, or the walk once mapped), {@code munmap} of the mapping (with its TLB flush), and
     * {@code mmap} of a new one.
     */
    @Benchmark
    public int checkedChainStep() {
        int step = c++;
        int j = (step >> 2) & 15;
        int cpu = j & 3;
        long mm = chainMms[j];
        switch (step & 3) {
            case 0 -> chain.apply(new TlbOp.SwitchMm(mm, cpu));
            case 1 -> chain.apply(new MmOp.Touch(mm, chainPages[j], Access.WRITE, cpu));
            case 2 -> chain.apply(new MmOp.Munmap(mm, chainPages[j], 0x4000, cpu));
            default -> chainPages[j] = value(chain.apply(new MmOp.Mmap(mm, 0, 0x4000,
                    VmFlags.PROT_READ | VmFlags.PROT_WRITE, ANON, cpu)));
        }
        return chain.check().size();
    }

    /** One access through the kernel, then the TLB subsystem's eight invariants (INV-ASID-*, INV-TLB-*). */
    @Benchmark
    public int accessStepWithTlbInvariants() {
        int i = n++ & 3;
        fast.apply(new TlbOp.AccessVa(pages[4 + i], Access.READ, i));
        int v = 0;
        for (Invariant inv : TlbChecks.ALL) {
            v += inv.check(fast).size();
        }
        return v;
    }
}
