package armmm.model.asid;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.pbt.ChainResult;
import armmm.properties.SeededBugTable;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The allocator under random chains of creations, releases, whole switches and interleaved single
 * steps on several CPUs: every invariant holds with the kernel's code, and each planted defect is
 * found, shrunk, and reported with the rollovers its shortest counterexample needs.
 */
class AsidProperties {
    /** Which invariant must catch each defect ({@link AsidDefect#fewestRollovers()}: the rollovers that can show it). */
    private static final Map<AsidDefect, String> CATCHER = Map.of(
            AsidDefect.SUSPENDED_CPU_LOSES_RESERVED, AsidChecks.RESERVED_KEPT,
            AsidDefect.RESERVED_NOT_SYNCED, AsidChecks.SAME_ASID,
            AsidDefect.FASTPATH_READ_THEN_WRITE, AsidChecks.CURRENT_GENERATION,
            AsidDefect.PENDING_FLUSH_IGNORED, AsidChecks.FLUSH_BEFORE_REUSE,
            AsidDefect.OLD_ASID_TAKEN_WITHOUT_MAP, AsidChecks.UNIQUE);

    /**
     * The every-invariant properties run on the allocator patched with arm64's read-then-cmpxchg
     * fast path: 6.1's ARM32 xchg has a real race (spec/asid.md, AsidSixOneRaceProperties hunts it)
     * that fresh seeds reach, and INV-ASID-01 is right to fail on it; with the patch no other race is
     * left for these chains to find (scratch runs of 40 fresh seeds per configuration, spec/asid.md).
     */
    private static AsidConfig patched(int cpus, int bits) {
        return new AsidConfig(cpus, bits, AsidConfig.ARMMP_SWAPPER_PGD, AsidConfig.FastPath.CMPXCHG_ARM64);
    }

    @PropertyTest
    void interleavedSwitchesOnThreeCpusWithThreeBitAsidsKeepEveryInvariant(PropertyRunner runner) {
        ChainResult result = runner.run(AsidChains.spec(patched(3, 3), Set.of(),
                id -> true).tries(150).steps(120).seed(11).build());
        assertThat(result.passed()).as("%s", result.counterexample() == null ? "" : result.counterexample().message()).isTrue();
        assertThat(result.stats().labels()).containsKeys("rollover", "fast path", "pending TLB flush done",
                "another CPU moves during flush_context");
    }

    @PropertyTest
    void interleavedSwitchesOnTwoCpusWithTwoBitAsidsKeepEveryInvariant(PropertyRunner runner) {
        runner.check(AsidChains.spec(patched(2, 2), Set.of(), id -> true)
                .tries(100).steps(150).seed(12).build());
    }

    @PropertyTest
    void theRealEightBitAllocatorOnFourCpusRollsOverAndKeepsEveryInvariant(PropertyRunner runner) {
        // releases three times as often as the other chains: with at most 12 live mms, new ASIDs come
        // only as fast as mms die, and 256 of them per chain are needed for a rollover
        ChainResult result = runner.run(AsidChains.spec(AsidConfig.armmp(4).withFastPath(AsidConfig.FastPath.CMPXCHG_ARM64),
                Set.of(), id -> true, new int[] {6, 1, 5, 3, 10, 6})
                .tries(6).steps(2500).seed(13).build());
        assertThat(result.passed()).as("%s", result.counterexample() == null ? "" : result.counterexample().message()).isTrue();
        assertThat(result.stats().labels()).as("rollovers of the 256 ASIDs").containsKey("rollover");
        assertThat(result.stats().labels()).containsKeys("fast path", "pending TLB flush done");
    }

    @TestFactory
    Stream<DynamicTest> everyPlantedAllocatorDefectIsFoundShrunkAndCountedInRollovers() {
        return Arrays.stream(AsidDefect.values()).map(defect -> DynamicTest.dynamicTest(defect.name(), () -> {
            String catcher = CATCHER.get(defect);
            PropertyRunner runner = new PropertyRunner("AsidProperties", "defect_" + defect.name(), (k, v) -> { }).derandomized();
            // two CPUs and two-bit ASIDs, as every hand-minimal scenario of these defects, on 6.1's
            // allocator; except the hunt for INV-ASID-01's defect, which runs patched (arm64's cmpxchg):
            // on 6.1 the real race (AsidSixOneRaceProperties) could be found first, under the same id
            AsidConfig config = defect == AsidDefect.OLD_ASID_TAKEN_WITHOUT_MAP ? patched(2, 2)
                    : new AsidConfig(2, 2, AsidConfig.ARMMP_SWAPPER_PGD);
            long t0 = System.nanoTime();
            ChainResult result = runner.run(AsidChains.spec(config, Set.of(defect), catcher::equals)
                    .tries(400).steps(120).seed(21).build());
            // finding plus shrinking, printed for spec/asid.md's table, never asserted
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(result.passed()).as("%s planted: the chain must fail", defect).isFalse();
            assertThat(result.counterexample().failure().id()).isEqualTo(catcher);
            int rollovers = AsidChains.rolloversIn(result.counterexample().steps());
            assertThat(rollovers).as("rollovers in the shrunk counterexample of %s", defect)
                    .isGreaterThanOrEqualTo(defect.fewestRollovers());
            int minimal = SeededBugTable.handMinimalCalls(defect);
            System.out.printf("[armmm] AsidProperties %s: caught by %s, shrunk to %d steps (from %d, hand-minimal %d),"
                    + " %d rollovers, %d chains, %.2f s, %s%n%s%n", defect, catcher, result.counterexample().steps().size(),
                    result.counterexample().originalSteps(), minimal, rollovers, result.stats().tries(), seconds,
                    result.counterexample().shrink(),
                    String.join("\n", result.counterexample().steps()));
            // the bound every seeded bug's hunt keeps: at most twice its hand-minimal scenario's calls
            assertThat(result.counterexample().steps()).as("shrunk counterexample of %s", defect).isNotEmpty()
                    .hasSizeLessThanOrEqualTo(2 * minimal);
        }));
    }
}
