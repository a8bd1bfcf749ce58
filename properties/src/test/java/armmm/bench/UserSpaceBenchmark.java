package armmm.bench;

import armmm.model.asid.AsidAllocator;
import armmm.model.asid.AsidChecks;
import armmm.model.asid.AsidConfig;
import armmm.model.asid.MmContext;
import armmm.model.mm.ExecParams;
import armmm.model.mm.MmStruct;
import armmm.model.mm.MmapLayout;
import armmm.model.mm.RandomSource;
import armmm.model.mm.UserLayoutConfig;
import armmm.model.mm.VmFlags;
import armmm.model.mm.VmaChecks;
import java.util.Set;
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
 * The address-space and ASID models on their own: mmap+munmap of 16 KiB in a process with a
 * stack, a heap and a few mappings (issue 11 asks 1 million a second once touch is added), the
 * same with every VMA invariant checked, and {@code switch_mm} on 4 CPUs with the real 8-bit
 * allocator (a new mm every fourth switch, so it rolls over), with and without the ASID checks.
 * Run: {@code mvn -B -Pbench -pl properties -am package -Dbench.args=UserSpaceBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UserSpaceBenchmark {
    private static final int ANON = VmFlags.MAP_PRIVATE | VmFlags.MAP_ANONYMOUS;
    private static final int RW = VmFlags.PROT_READ | VmFlags.PROT_WRITE;

    private MmStruct mm;
    private AsidAllocator asids;
    private final MmContext[] mms = new MmContext[16];
    private long pgd = 0x48000000L;
    private int n;

    /** A fresh process and allocator per iteration. */
    @Setup(Level.Iteration)
    public void setUp() {
        UserLayoutConfig config = UserLayoutConfig.armmp();
        mm = MmStruct.exec(config, MmapLayout.pick(config, ExecParams.defaults(0x14f000), RandomSource.seeded(1)),
                0x21000, Set.of());
        mm.brk(mm.startBrk() + 0x22000);
        for (int i = 0; i < 8; i++) {
            mm.mmap(0, 0x10000, i % 2 == 0 ? RW : VmFlags.PROT_READ, ANON);
        }
        asids = new AsidAllocator(AsidConfig.armmp(4));
        for (int i = 0; i < mms.length; i++) {
            mms[i] = asids.createMm(nextPgd());
        }
    }

    private long nextPgd() {
        pgd = pgd >= 0x4f000000L ? 0x48000000L : pgd + 0x4000;
        return pgd;
    }

    /** mmap of 16 KiB (top-down, next to the others) and its munmap. */
    @Benchmark
    public long mmapMunmap16k() {
        long a = mm.mmap(0, 0x4000, VmFlags.PROT_READ | VmFlags.PROT_EXEC, ANON).value();
        mm.munmap(a, 0x4000);
        return a;
    }

    /** The same pair with all five VMA invariants checked after each call. */
    @Benchmark
    public int mmapMunmap16kChecked() {
        long a = mm.mmap(0, 0x4000, VmFlags.PROT_READ | VmFlags.PROT_EXEC, ANON).value();
        int v = VmaChecks.all(mm).size();
        mm.munmap(a, 0x4000);
        return v + VmaChecks.all(mm).size();
    }

    private void switchOne() {
        int cpu = n & 3;
        int slot = (n * 7) & 15;
        if ((n & 3) == 0 && asids.releaseMm(mms[slot])) {
            mms[slot] = asids.createMm(nextPgd());
        }
        asids.switchMm(cpu, mms[slot]);
        n++;
    }

    /** One whole switch_mm (all its steps) on one of 4 CPUs. */
    @Benchmark
    public long switchMm() {
        switchOne();
        return asids.rollovers();
    }

    /** One switch_mm and the five ASID invariants. */
    @Benchmark
    public int switchMmChecked() {
        switchOne();
        return AsidChecks.all(asids).size();
    }
}
