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

    private record Row(boolean found, int length, double seconds) {}

    private static String measure(String name, int minimum, java.util.function.LongFunction<ChainSpec<?, ?>> spec) {
        List<Row> rows = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            long t0 = System.nanoTime();
            ChainResult r = Chains.run(spec.apply(seed));
            double secs = (System.nanoTime() - t0) / 1e9;
            rows.add(new Row(!r.passed(), r.passed() ? -1 : r.counterexample().steps().size(), secs));
        }
        assertThat(rows).allMatch(Row::found);
        return String.format("{\"problem\": \"%s\", \"found\": %d, \"minimal\": %d, \"minimum\": %d, \"lengths\": %s, "
                + "\"meanSeconds\": %.3f}", name, rows.stream().filter(Row::found).count(),
                rows.stream().filter(r -> r.length() == minimum).count(), minimum,
                rows.stream().map(Row::length).toList(), rows.stream().mapToDouble(Row::seconds).average().orElse(0));
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
        System.out.println("[peers] " + measure("ring buffer after wrap-around", 5, seed -> ring().seed(seed).build()));
        System.out.println("[peers] " + measure("double free after three allocations", ToyHeap.MINIMAL_STEPS,
                seed -> ToyHeap.spec("PeerHeap").tries(1000).seed(seed).build()));
        System.out.println("[peers] " + Map.of("note", "seconds include the JVM's JIT warm-up on the first seeds"));
    }
}
