package armmm.model.mm;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.properties.OracleFiles;
import armmm.properties.ReportData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The layout model against 1000 runs of a static binary on the real kernel, in the default
 * layout ({@code mmap-rva2}) and the legacy one ({@code mmap-legacy-ulimit}): the kernel's
 * settings come from its {@code mmap_params.txt}, {@code mmap_base} from each run's first
 * anonymous mapping (spec/mm.md), and the model's values come from a seeded generator.
 */
class MmapLayoutConformanceTest {
    private static final int MODEL_SAMPLES = 20_000;
    private static final double ALPHA = 0.001;

    /** One run: the compacted maps line as (name -> [start, end]) in order. */
    record Run(List<String> names, List<long[]> ranges) {
        static Run parse(String line) {
            List<String> names = new ArrayList<>();
            List<long[]> ranges = new ArrayList<>();
            for (String entry : line.trim().split("\\s+")) {
                String[] f = entry.split(":");
                String[] r = f[0].split("-");
                names.add(f[3]);
                ranges.add(new long[] {Long.parseLong(r[0], 16), Long.parseLong(r[1], 16)});
            }
            return new Run(names, ranges);
        }

        long[] first(String name) {
            return ranges.get(names.indexOf(name));
        }

        /** The anonymous mapping the binary made with mmap: the one past the heap. */
        long[] mmapped() {
            return ranges.get(names.indexOf("heap") + 1);
        }

        /** The end of the bss, where brk starts: the anonymous mapping right after the binary. */
        long elfBrk() {
            return ranges.get(names.lastIndexOf("bin") + 1)[1];
        }
    }

    record Capture(UserLayoutConfig config, ExecParams exec, List<Run> runs) {
        static Capture read(String folder) {
            Map<String, String> p = new HashMap<>();
            OracleFiles.read(folder, "mmap_params.txt").lines().forEach(l -> {
                int eq = l.indexOf(" = ");
                if (eq > 0) {
                    p.put(l.substring(0, eq).trim(), l.substring(eq + 3).trim());
                }
            });
            List<Run> runs = OracleFiles.read(folder, "mmap_cat.txt").lines().filter(l -> !l.isBlank()).map(Run::parse)
                    .toList();
            UserLayoutConfig armmp = UserLayoutConfig.armmp();
            UserLayoutConfig config = new UserLayoutConfig(armmp.taskSize(),
                    Integer.parseInt(p.get("/proc/sys/vm/mmap_rnd_bits")),
                    Long.parseLong(p.get("/proc/sys/vm/mmap_min_addr")), armmp.stackGuardGap(), armmp.stackRndMask(),
                    Integer.parseInt(p.get("/proc/sys/kernel/randomize_va_space")),
                    !p.get("/proc/sys/vm/legacy_va_layout").equals("0"),
                    Integer.parseInt(p.get("/proc/sys/vm/max_map_count")));
            String ulimit = p.get("ulimit -s");
            long rlimit = ulimit.equals("unlimited") ? ExecParams.RLIM_INFINITY : Long.parseLong(ulimit) * 1024;
            return new Capture(config, new ExecParams(rlimit, 0, runs.get(0).elfBrk()), runs);
        }

        long kernelMmapBase(Run run, boolean topDown) {
            long[] anon = run.mmapped();
            return topDown ? anon[1] : anon[0];
        }
    }

    private static List<UserLayout> model(Capture c, RandomSource random) {
        List<UserLayout> out = new ArrayList<>();
        for (int i = 0; i < MODEL_SAMPLES; i++) {
            out.add(MmapLayout.pick(c.config(), c.exec(), random));
        }
        return out;
    }

    private static long[] slotCounts(List<Long> bases, long lowest, int slots) {
        long[] counts = new long[slots];
        for (long b : bases) {
            counts[(int) ((b - lowest) / UserLayoutConfig.PAGE_SIZE)]++;
        }
        return counts;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mmap-rva2", "mmap-legacy-ulimit"})
    void theModelsMmapBaseTakesExactlyTheKernelsRangeAndDirection(String folder) {
        Capture c = Capture.read(folder);
        assertThat(c.runs()).hasSize(1000);
        List<UserLayout> model = model(c, RandomSource.seeded(1));
        boolean topDown = model.get(0).topDown();
        assertThat(topDown).isEqualTo(folder.equals("mmap-rva2"));
        TreeSet<Long> kernel = new TreeSet<>();
        c.runs().forEach(r -> kernel.add(c.kernelMmapBase(r, topDown)));
        TreeSet<Long> modelled = new TreeSet<>();
        model.forEach(l -> modelled.add(l.mmapBase()));
        assertThat(modelled).hasSize(256);
        assertThat(List.of(Long.toHexString(modelled.first()), Long.toHexString(modelled.last())))
                .isEqualTo(List.of(Long.toHexString(kernel.first()), Long.toHexString(kernel.last())));
        assertThat(modelled).containsAll(kernel);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mmap-rva2", "mmap-legacy-ulimit"})
    void everyKernelStackTopAndBrkStartLiesInTheModelsRange(String folder) {
        Capture c = Capture.read(folder);
        List<UserLayout> model = model(c, RandomSource.seeded(2));
        long stackLow = model.stream().mapToLong(UserLayout::stackTop).min().orElseThrow();
        long stackHigh = model.stream().mapToLong(UserLayout::stackTop).max().orElseThrow();
        long brkLow = model.stream().mapToLong(UserLayout::startBrk).min().orElseThrow();
        long brkHigh = model.stream().mapToLong(UserLayout::startBrk).max().orElseThrow();
        assertThat(stackHigh).isEqualTo(0xbf000000L);
        assertThat(stackLow).isEqualTo(0xbf000000L - 0x7ffL * 4096);
        assertThat(brkLow).isEqualTo(c.exec().elfBrk());
        assertThat(brkHigh).isEqualTo(c.exec().elfBrk() + (32L << 20) - 4096);
        for (Run r : c.runs()) {
            assertThat(r.first("stack")[1]).isBetween(stackLow, stackHigh);
            assertThat(r.first("heap")[0]).isBetween(brkLow, brkHigh);
        }
    }

    private static long[][] samples(String folder, RandomSource modelRandom) {
        Capture c = Capture.read(folder);
        List<UserLayout> model = model(c, modelRandom);
        boolean topDown = model.get(0).topDown();
        long lowest = c.config().stackTop() - (128L << 20) - 255 * 4096;
        if (!topDown) {
            lowest = c.config().taskUnmappedBase();
        }
        List<Long> kernel = c.runs().stream().map(r -> c.kernelMmapBase(r, topDown)).toList();
        long[] k = slotCounts(kernel, lowest, 256);
        long[] m = slotCounts(model.stream().map(UserLayout::mmapBase).toList(), lowest, 256);
        // a slot neither sample hit carries no information (and the comparison refuses it)
        int[] used = java.util.stream.IntStream.range(0, 256).filter(i -> k[i] + m[i] > 0).toArray();
        return new long[][] {Arrays.stream(used).mapToLong(i -> k[i]).toArray(),
                Arrays.stream(used).mapToLong(i -> m[i]).toArray()};
    }

    @ParameterizedTest
    @ValueSource(strings = {"mmap-rva2", "mmap-legacy-ulimit"})
    void aChiSquareTestOverThe256SlotsAcceptsTheModelAgainstTheKernel(String folder) {
        long[][] s = samples(folder, RandomSource.seeded(3));
        ChiSquareTest chi = new ChiSquareTest();
        assertThat(chi.chiSquareTestDataSetsComparison(s[0], s[1], ALPHA)).as("kernel and model differ").isFalse();
        ReportData.write("mmap-base-" + folder, Map.of("kernel", s[0], "model", s[1],
                "pValue", chi.chiSquareTestDataSetsComparison(s[0], s[1])));
        double[] uniform = new double[256];
        Arrays.fill(uniform, 1.0);
        assertThat(s[1]).as("the model hits every slot").hasSize(256);
        assertThat(chi.chiSquareTest(uniform, s[1], ALPHA)).as("model not uniform").isFalse();
        assertThat(chi.chiSquareTest(uniform, s[0], ALPHA)).as("kernel not uniform").isFalse();
    }

    /** A generator whose low byte leans to small values (the smaller of two): the test must reject it. */
    @Test
    void theSameTestRejectsABiasedGenerator() {
        RandomSource fair = RandomSource.seeded(4);
        RandomSource biased = () -> Math.min(fair.getRandomLong() & 0xff, fair.getRandomLong() & 0xff);
        for (String folder : List.of("mmap-rva2", "mmap-legacy-ulimit")) {
            long[][] s = samples(folder, biased);
            assertThat(new ChiSquareTest().chiSquareTestDataSetsComparison(s[0], s[1], ALPHA))
                    .as("%s: a biased model must be rejected", folder).isTrue();
        }
    }

    /** A generator with one bit stuck at 0: half the slots are never drawn. */
    @Test
    void theSameTestRejectsAGeneratorThatLosesHalfTheRange() {
        RandomSource fair = RandomSource.seeded(5);
        RandomSource half = () -> fair.getRandomLong() & ~0x80L;
        long[][] s = samples("mmap-rva2", half);
        assertThat(new ChiSquareTest().chiSquareTestDataSetsComparison(s[0], s[1], ALPHA)).isTrue();
    }
}
