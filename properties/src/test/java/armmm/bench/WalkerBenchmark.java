package armmm.bench;

import armmm.model.mmu.Access;
import armmm.model.mmu.PhysicalMemory;
import armmm.model.mmu.Privilege;
import armmm.model.mmu.ShortDescriptorWalker;
import armmm.model.mmu.Translation;
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
 * One ARMv7-A short-descriptor walk ({@link ShortDescriptorWalker}), TLB-less, over tables laid
 * out as Linux lays them: a 16 KiB first-level table at 0x40004000 with lowmem sections from
 * 0xc0000000 and second-level tables of small pages at 0xf0800000 (vmalloc), in domain 0 (kernel),
 * DACR 0x51 as 6.1 runs. Goal: 30 million walks per second. Addresses rotate over sections and
 * pages, reads and writes.
 * Run: {@code mvn -B -Pbench -pl properties -am package -Dbench.args=WalkerBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WalkerBenchmark {
    private static final long BASE = 0x40000000L;
    private final int[] words = new int[(2 << 20) / 4];
    private final PhysicalMemory mem = pa -> words[(int) ((pa - BASE) >>> 2)];
    private final ShortDescriptorWalker walker = new ShortDescriptorWalker();
    private final long[] vas = new long[1024];
    private int i;

    /** Builds the tables and the address mix. */
    @Setup
    public void tables() {
        int l1 = 0x4000 / 4;
        for (int s = 0; s < 256; s++) {
            words[l1 + 0xc00 + s] = (int) (BASE + ((long) s << 20)) | 0x1140e; // section, AP=01, domain 0
        }
        for (int t = 0; t < 8; t++) {
            int l2 = 0x100000 + t * 0x400;
            words[l1 + 0xf08 + t] = (int) (BASE + l2) | 0x11; // page table, domain 0
            for (int p = 0; p < 256; p++) {
                words[l2 / 4 + p] = (int) (BASE + 0x1000L * (t * 256 + p)) | 0x53; // small page, XN, AP=01
            }
        }
        for (int k = 0; k < vas.length; k++) {
            vas[k] = (k & 1) == 0 ? 0xc0000000L + (long) k * 0x3_1f04 % (256L << 20)
                    : 0xf0800000L + (long) k * 0x1_0234 % (8L << 20);
        }
    }

    /** One translation. */
    @Benchmark
    public long walk() {
        int k = i++ & (vas.length - 1);
        Translation t = walker.translate(0, 0x40004000 | 0x6a, 0x40004000 | 0x6a, 0x51, vas[k],
                (k & 2) == 0 ? Access.READ : Access.WRITE, Privilege.KERNEL, mem);
        return t instanceof Translation.Mapped m ? m.pa() : -1;
    }
}
