package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.check.SeededBug;
import armmm.model.check.Violation;
import armmm.model.kernel.Kernel;
import armmm.model.kernel.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Random memblock call sequences (fixed seeds) keep every invariant, and with each planted
 * memblock bug the invariant named for it fires.
 */
class MemblockProperties {
    private static final int SEEDS = 40;
    private static final int STEPS = 600;

    /** Which invariant must catch each bug (as each constant's javadoc says). */
    private static final Map<SeededBug, String> CATCHER = Map.ofEntries(
            Map.entry(SeededBug.MEMBLOCK_ADD_OVERLAP, "INV-MEMBLOCK-01"),
            Map.entry(SeededBug.MEMBLOCK_NO_MERGE, "INV-MEMBLOCK-02"),
            Map.entry(SeededBug.MEMBLOCK_STALE_TOTAL, "INV-MEMBLOCK-03"),
            Map.entry(SeededBug.MEMBLOCK_DUMMY_KEPT, "INV-MEMBLOCK-04"),
            Map.entry(SeededBug.MEMBLOCK_NO_CAP, "INV-MEMBLOCK-05"),
            Map.entry(SeededBug.MEMBLOCK_FREE_RANGE_PAST_MEMORY, "INV-MEMBLOCK-06"),
            Map.entry(SeededBug.MEMBLOCK_ALLOC_INTO_NOMAP, "INV-MEMBLOCK-07"),
            Map.entry(SeededBug.MEMBLOCK_ALLOC_UNRESERVED, "INV-MEMBLOCK-08"),
            Map.entry(SeededBug.MEMBLOCK_ALLOC_MISALIGNED, "INV-MEMBLOCK-09"),
            Map.entry(SeededBug.MEMBLOCK_ALLOC_IGNORES_LIMIT, "INV-MEMBLOCK-10"),
            Map.entry(SeededBug.MEMBLOCK_ALLOC_OVER_RESERVED, "INV-MEMBLOCK-11"));

    /** Runs one random sequence; returns the first violations found, with the steps that led there. */
    private static List<String> run(long seed) {
        Kernel k = Kernel.bare();
        MemblockRandomOps ops = new MemblockRandomOps(seed);
        List<String> trace = new ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            Op op = ops.next(k);
            trace.add(op.toString());
            k.apply(op);
            List<Violation> found = k.check();
            if (!found.isEmpty()) {
                List<String> out = new ArrayList<>();
                for (Violation v : found) {
                    out.add(v.toString());
                }
                out.add("after: " + String.join(" ; ", trace.subList(Math.max(0, trace.size() - 8), trace.size())));
                return out;
            }
        }
        return List.of();
    }

    @Test
    void randomCallSequencesKeepEveryInvariant() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            assertThat(run(seed)).as("seed %d", seed).isEmpty();
        }
    }

    @Test
    void everyMemblockBugHasACatcher() {
        for (SeededBug bug : SeededBug.values()) {
            if (bug.name().startsWith("MEMBLOCK_")) {
                assertThat(CATCHER).containsKey(bug);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = SeededBug.class, names = "MEMBLOCK_.*", mode = EnumSource.Mode.MATCH_ALL)
    void eachPlantedBugIsCaughtByItsInvariant(SeededBug bug) {
        Set<String> fired = new TreeSet<>();
        try (SeededBug.Planted planted = SeededBug.plant(bug)) {
            for (long seed = 1; seed <= SEEDS && !fired.contains(CATCHER.get(bug)); seed++) {
                for (String line : run(seed)) {
                    if (line.startsWith("INV-")) {
                        fired.add(line.substring(0, line.indexOf(' ')));
                    }
                }
            }
        }
        assertThat(fired).as("invariants fired with %s planted", bug).contains(CATCHER.get(bug));
    }
}
