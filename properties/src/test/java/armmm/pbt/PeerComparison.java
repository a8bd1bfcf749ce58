package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Our side of the peers comparison in spec/engine.md, beside
 * {@code properties/src/test/peers/hypothesis_peers.py} and {@code fastcheck_peers.js} (same
 * problems). It measures time, so it runs only on request, outside {@code mvn verify}:
 * {@code mvn -B -o -pl properties -am test -Dtest=PeerComparison -Dsurefire.failIfNoSpecifiedTests=false -Darmmm.peers=true -Djacoco.skip=true}.
 * It prints one JSON-like line per problem; the only assertion is that every seed finds its bug.
 */
class PeerComparison {
    static final int SEEDS = 20;
    /** Seeds run before the measured ones of each problem, unmeasured (the same in all three programs). */
    static final long[] WARM_UP_SEEDS = {101, 102};

    /** A ring buffer of 4 slots whose size is (head - tail) mod 4: a full buffer reads as empty. */
    static final class Ring {
        static final int CAPACITY = 4;
        final int[] slots = new int[CAPACITY];
        int head;
        int tail;
        final Deque<Integer> model = new ArrayDeque<>();

        /** put v (v >= 0) or get (v < 0); a get's failure is its outcome. */
        Object apply(int v) {
            if (v >= 0) {
                slots[head % CAPACITY] = v;
                head++;
                model.add(v);
                return null;
            }
            int size = Math.floorMod(head - tail, CAPACITY);
            Integer got = size == 0 ? null : slots[tail % CAPACITY];
            if (size != 0) {
                tail++;
            }
            Integer expected = model.poll();
            return got != null && got.equals(expected) ? null
                    : new Failure("TOY-RING-01", "get returned another value than the oldest put", got + " for " + expected);
        }
    }

    static ChainSpec.Builder<Ring, Integer> ring() {
        return ChainSpec.<Ring, Integer>builder("PeerRing")
                .initialState(Ring::new)
                .action("put", 1, r -> r.model.size() < Ring.CAPACITY, r -> Gens.ints(0, 9))
                .action("get", 1, r -> !r.model.isEmpty(), r -> Gens.constant(-1))
                .executor(Ring::apply)
                .postcondition((r, v, outcome) -> outcome instanceof Failure f ? List.of(f) : List.of())
                .steps(40).tries(1000).database("off");
    }

    /** A toy buddy allocator of 8 pages that forgets the merge when an order-0 upper buddy is freed. */
    static final class ToyBuddy {
        /** Free blocks as address * 4 + order. */
        final java.util.Set<Integer> free = new java.util.TreeSet<>(List.of(3));

        /** alloc (order >= 0) returns the block's address * 4 + order, or null when nothing fits. */
        Object alloc(int order, Bundle<Integer> blocks) {
            Integer best = null;
            for (int k : free) {
                if (k % 4 >= order && (best == null || k % 4 < best % 4 || k % 4 == best % 4 && k < best)) {
                    best = k;
                }
            }
            if (best == null) {
                return null;
            }
            free.remove(best);
            int addr = best / 4;
            for (int o = best % 4; o > order; o--) {
                free.add((addr + (1 << (o - 1))) * 4 + o - 1);
            }
            blocks.add(addr * 4 + order);
            return addr * 4 + order;
        }

        Object release(int block) {
            int addr = block / 4;
            int order = block % 4;
            while (order < 3) {
                int buddy = addr ^ (1 << order);
                if (!free.contains(buddy * 4 + order) || order == 0 && addr > buddy) {
                    break;
                }
                free.remove(buddy * 4 + order);
                addr = Math.min(addr, buddy);
                order++;
            }
            free.add(addr * 4 + order);
            return null;
        }

        List<Failure> merged() {
            for (int k : free) {
                int o = k % 4;
                if (o < 3 && free.contains(((k / 4) ^ (1 << o)) * 4 + o)) {
                    return List.of(new Failure("TOY-BUDDY-01", "two free buddies not merged", "free " + free));
                }
            }
            return List.of();
        }
    }

    /** Allocation is an order 0..3, a free is -1 - block. */
    static ChainSpec.Builder<ToyBuddy, Integer> buddy() {
        Bundle<Integer> blocks = Bundle.named("blocks");
        return ChainSpec.<ToyBuddy, Integer>builder("PeerBuddy")
                .initialState(ToyBuddy::new)
                .action("alloc", 1, b -> Gens.ints(0, 3))
                .action("free", 1, b -> !blocks.isEmpty(), b -> blocks.consume().map(k -> -1 - k))
                .executor((b, v) -> v >= 0 ? b.alloc(v, blocks) : b.release(-1 - v))
                .invariant("TOY-BUDDY-01", ToyBuddy::merged)
                .steps(40).tries(1000).database("off");
    }

    /**
     * A toy ASID allocator (3 ASIDs a generation, 5 address spaces, one CPU) whose second rollover
     * forgets to reserve the running address space's ASID, so it is handed out again. Minimum (by
     * breadth-first search over its states): 8 switches.
     */
    static final class SequentialAsid {
        int gen = 1;
        final java.util.Set<Integer> used = new java.util.HashSet<>();
        final Map<Integer, int[]> ctx = new java.util.HashMap<>();
        Integer active;
        Integer reserved;

        Object switchTo(int mm) {
            int[] c = ctx.get(mm);
            if (c == null || c[0] != gen) {
                if (c != null && Integer.valueOf(mm).equals(reserved)) {
                    ctx.put(mm, new int[] {gen, c[1]});
                    used.add(c[1]);
                } else {
                    int free = firstFree();
                    if (free < 0) {
                        gen++;
                        used.clear();
                        reserved = active;
                        if (active != null && gen < 3) {
                            used.add(ctx.get(active)[1]);
                        }
                        free = firstFree();
                    }
                    ctx.put(mm, new int[] {gen, free});
                    used.add(free);
                }
            }
            active = mm;
            return null;
        }

        private int firstFree() {
            for (int a = 1; a <= 3; a++) {
                if (!used.contains(a)) {
                    return a;
                }
            }
            return -1;
        }

        List<Failure> distinct() {
            List<Integer> asids = ctx.entrySet().stream()
                    .filter(e -> e.getValue()[0] == gen || e.getKey().equals(active)).map(e -> e.getValue()[1]).toList();
            return new java.util.HashSet<>(asids).size() == asids.size() ? List.of()
                    : List.of(new Failure("TOY-ASID-02", "two address spaces share an ASID", "ASIDs " + asids));
        }
    }

    static ChainSpec.Builder<SequentialAsid, Integer> asid() {
        return ChainSpec.<SequentialAsid, Integer>builder("PeerAsid")
                .initialState(SequentialAsid::new)
                .action("switch", 1, a -> Gens.uniformInts(0, 4))
                .executor(SequentialAsid::switchTo)
                .invariant("TOY-ASID-02", SequentialAsid::distinct)
                .steps(40).tries(1000).database("off");
    }

    private record Row(boolean found, int length, double seconds, double cpuSeconds) {}

    /**
     * CPU time of this whole process (every thread: the engine runs its cases on a thread of its own
     * under a watchdog, and the JIT compiles and the collector works on theirs), as the peers'
     * programs report their process's: on a loaded machine wall-clock time is mostly waiting for a
     * core, so the CPU time says what the engine itself costs.
     */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String measure(String name, int minimum, java.util.function.LongFunction<ChainSpec<?, ?>> spec) {
        for (long seed : WARM_UP_SEEDS) {
            Chains.run(spec.apply(seed)); // unmeasured, as every engine warms up before its measured seeds
        }
        long[] counts0 = EngineCounters.snapshot();
        List<Row> rows = measuredPass(spec);
        String counts = counts(counts0);
        List<Row> warm = measuredPass(spec); // the same seeds again, warm
        assertThat(rows).allMatch(Row::found);
        assertThat(warm).allMatch(Row::found);
        return String.format("{\"problem\": \"%s\", \"found\": %d, \"minimal\": %d, \"minimum\": %d, \"lengths\": %s, "
                + "\"meanSeconds\": %.3f, \"meanCpuSeconds\": %.3f, \"warmMeanSeconds\": %.3f, \"warmMeanCpuSeconds\": %.3f, %s}",
                name, rows.stream().filter(Row::found).count(),
                rows.stream().filter(r -> r.length() == minimum).count(), minimum,
                rows.stream().map(Row::length).toList(), rows.stream().mapToDouble(Row::seconds).average().orElse(0),
                rows.stream().mapToDouble(Row::cpuSeconds).average().orElse(0),
                warm.stream().mapToDouble(Row::seconds).average().orElse(0),
                warm.stream().mapToDouble(Row::cpuSeconds).average().orElse(0), counts);
    }

    /** Seeds 1 to {@link #SEEDS} once: found, length, wall-clock and CPU seconds of each. */
    private static List<Row> measuredPass(java.util.function.LongFunction<ChainSpec<?, ?>> spec) {
        List<Row> rows = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            long t0 = System.nanoTime();
            long cpu0 = cpuNanos();
            ChainResult r = Chains.run(spec.apply(seed));
            double secs = (System.nanoTime() - t0) / 1e9;
            rows.add(new Row(!r.passed(), r.passed() ? -1 : r.counterexample().steps().size(), secs,
                    (cpuNanos() - cpu0) / 1e9));
        }
        return rows;
    }

    /** A shrinking-challenge problem: found, minimal (as {@code minimal} judges), size, seconds per seed. */
    private static <T> String challenge(String name, Gen<T> gen, java.util.function.Predicate<T> holds,
            java.util.function.Predicate<T> minimal, java.util.function.ToIntFunction<T> size) {
        List<Integer> sizes = new ArrayList<>();
        List<String> others = new ArrayList<>();
        int minimalCount = 0;
        double total = 0;
        double cpu = 0;
        for (long seed : WARM_UP_SEEDS) {
            Property.forAll(gen).named("Peer-" + name).seed(seed).tries(10_000).database("off").run(holds);
        }
        long[] counts0 = EngineCounters.snapshot();
        for (long seed = 1; seed <= SEEDS; seed++) {
            long t0 = System.nanoTime();
            long cpu0 = cpuNanos();
            PropertyResult<T> r = Property.forAll(gen).named("Peer-" + name).seed(seed).tries(10_000).database("off")
                    .run(holds);
            total += (System.nanoTime() - t0) / 1e9;
            cpu += (cpuNanos() - cpu0) / 1e9;
            assertThat(r.passed()).as("%s seed %d", name, seed).isFalse();
            sizes.add(size.applyAsInt(r.shrunk()));
            if (minimal.test(r.shrunk())) {
                minimalCount++;
            } else {
                others.add(String.valueOf(r.shrunk()));
            }
        }
        String counts = counts(counts0);
        double warmTotal = 0;
        double warmCpu = 0;
        for (long seed = 1; seed <= SEEDS; seed++) { // the same seeds again, warm
            long t0 = System.nanoTime();
            long cpu0 = cpuNanos();
            PropertyResult<T> r = Property.forAll(gen).named("Peer-" + name).seed(seed).tries(10_000).database("off")
                    .run(holds);
            warmTotal += (System.nanoTime() - t0) / 1e9;
            warmCpu += (cpuNanos() - cpu0) / 1e9;
            assertThat(r.passed()).as("%s seed %d", name, seed).isFalse();
        }
        return String.format("{\"problem\": \"%s\", \"found\": %d, \"minimal\": %d, \"sizes\": %s, \"others\": %s, "
                + "\"meanSeconds\": %.3f, \"meanCpuSeconds\": %.3f, \"warmMeanSeconds\": %.3f, \"warmMeanCpuSeconds\": %.3f, %s}",
                name, SEEDS, minimalCount, sizes, others, total / SEEDS, cpu / SEEDS, warmTotal / SEEDS, warmCpu / SEEDS,
                counts);
    }

    /**
     * Mean work per seed of the first pass since {@code before}: cases run (search, shrink and report
     * replays), shrink replays, replay-cache answers, shrink starts. Deterministic, machine-independent.
     */
    private static String counts(long[] before) {
        long[] now = EngineCounters.snapshot();
        return String.format("\"perSeed\": {\"cases\": %.1f, \"shrinkReplays\": %.1f, \"cacheAnswers\": %.1f, "
                + "\"shrinkStarts\": %.2f}", (now[0] - before[0]) / (double) SEEDS, (now[1] - before[1]) / (double) SEEDS,
                (now[2] - before[2]) / (double) SEEDS, (now[3] - before[3]) / (double) SEEDS);
    }

    private static double trivialStepsPerSecond() {
        ChainSpec<int[], Integer> spec = ChainSpec.<int[], Integer>builder("PeerTrivial")
                .initialState(() -> new int[1])
                .action("inc", 1, s -> Gens.constant(1))
                .executor((s, v) -> s[0] += v)
                .steps(100).tries(500).seed(1).database("off").build();
        Chains.run(spec); // warm the JIT, as the peers' runtimes are warm after their first test
        long t0 = System.nanoTime();
        ChainResult r = Chains.run(spec);
        double secs = (System.nanoTime() - t0) / 1e9;
        long steps = r.stats().chainLengths().entrySet().stream().mapToLong(e -> (long) e.getKey() * e.getValue()).sum();
        return steps / secs;
    }

    @Test
    void measureBesideThePeers() {
        Assumptions.assumeTrue(Boolean.getBoolean("armmm.peers"), "peers comparison runs only with -Darmmm.peers=true");
        System.out.println("[peers] {\"engine\": \"armmm\", \"trivialStepsPerSecond\": " + Math.round(trivialStepsPerSecond()) + "}");
        System.out.println("[peers] " + measure("toy ASID reusing an id after two rollovers", 8, seed -> asid().seed(seed).build()));
        System.out.println("[peers] " + measure("toy buddy forgetting a merge", 4, seed -> buddy().seed(seed).build()));
        System.out.println("[peers] " + measure("ring buffer after wrap-around", 5, seed -> ring().seed(seed).build()));
        System.out.println("[peers] " + measure("double free after three allocations", ToyHeap.MINIMAL_STEPS,
                seed -> ToyHeap.spec("PeerHeap").tries(1000).seed(seed).build()));
        System.out.println("[peers] " + challenge("coupling", ShrinkingChallengeTest.COUPLING,
                ShrinkingChallengeTest::noTwoCycle, l -> l.equals(List.of(1, 0)), List::size));
        System.out.println("[peers] " + challenge("binheap", ShrinkingChallengeTest.HEAPS, h -> {
            List<Integer> sorted = new ArrayList<>(ShrinkingChallengeTest.values(h));
            java.util.Collections.sort(sorted);
            return ShrinkingChallengeTest.wrongToSortedList(h).equals(sorted);
        }, h -> ShrinkingChallengeTest.size(h) == 4, ShrinkingChallengeTest::size));
        System.out.println("[peers] " + Map.of("note", "each problem ran two unmeasured warm-up seeds first; warmMean*: seeds 1-20 a second time"));
    }
}
