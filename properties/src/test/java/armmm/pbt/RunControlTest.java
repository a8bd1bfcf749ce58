package armmm.pbt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What bounds and steers a run: the replay budget (same seed, same counterexample byte for byte),
 * the per-case deadline, the example database, shards, and unique report names.
 */
class RunControlTest {
    @Test
    void theSameSeedGivesTheSameScenarioByteForByte() {
        for (long seed : new long[] {3, 4, 5}) {
            String first = Chains.run(ToyStack.spec("RunControlBytes", true).seed(seed).build()).counterexample().scenario();
            String second = Chains.run(ToyStack.spec("RunControlBytes", true).seed(seed).build()).counterexample().scenario();
            assertThat(second).isEqualTo(first);
        }
    }

    @Test
    void theReplayBudgetBoundsShrinkingTheSameWayEverywhere() {
        Counterexample a = Chains.run(ToyStack.spec("RunControlBudget", true).seed(6).shrinkReplays(3).build())
                .counterexample();
        Counterexample b = Chains.run(ToyStack.spec("RunControlBudget", true).seed(6).shrinkReplays(3).build())
                .counterexample();
        assertThat(a.shrink().budgetReached()).isTrue();
        assertThat(a.shrink().calls()).isEqualTo(3);
        assertThat(a.shrink().timedOut()).isFalse();
        assertThat(a.scenario()).isEqualTo(b.scenario()).contains("(replay budget reached)");
    }

    @Test
    void aHangingCallIsStoppedAtTheDeadlineAndNamed() {
        ChainSpec<List<Integer>, Integer> spec = ChainSpec.<List<Integer>, Integer>builder("RunControlHang")
                .initialState(() -> new ArrayList<Integer>())
                .action("add", 5, s -> Gens.uniformInts(0, 9))
                .action("hang", 1, s -> s.size() >= 3, s -> Gens.constant(-1))
                .executor((s, v) -> {
                    while (v < 0 && !Thread.currentThread().isInterrupted()) {
                        Thread.onSpinWait(); // a call that never returns (until the engine cancels it)
                    }
                    return s.add(v);
                })
                .deadlineSeconds(2).database("off").seed(1).tries(20).build();
        ChainResult result = Chains.run(spec);
        assertThat(result.passed()).isFalse();
        assertThat(result.counterexample().failure().id()).isEqualTo("deadline");
        // 2 s: far above what an add takes even on a loaded machine, so only the hang reaches it
        assertThat(result.counterexample().failure().details()).isEqualTo("still running after 2.0 s in hang");
        // the watchdog's interrupt must not outlive its case
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    /** Lets the spinning threads of {@link #aCallThatIgnoresTheInterruptIsAbandoned} end. */
    private static volatile boolean releaseSpinners;

    @Test
    void aCallThatIgnoresTheInterruptIsAbandoned() {
        ChainSpec<List<Integer>, Integer> spec = ChainSpec.<List<Integer>, Integer>builder("RunControlSpin")
                .initialState(() -> new ArrayList<Integer>())
                .action("add", 5, s -> Gens.uniformInts(0, 9))
                .action("spin", 1, s -> s.size() >= 3, s -> Gens.constant(-1))
                .executor((s, v) -> {
                    while (v < 0 && !releaseSpinners) {
                        Thread.onSpinWait(); // a loop that neither draws nor looks at the interrupt
                    }
                    return s.add(v);
                })
                .deadlineSeconds(1).database("off").seed(1).tries(20).build();
        try {
            ChainResult result = Chains.run(spec);
            assertThat(result.passed()).isFalse();
            assertThat(result.counterexample().failure().id()).isEqualTo("deadline");
            assertThat(result.counterexample().failure().details())
                    .startsWith("still running after 2.").endsWith("s in spin, ignoring the interrupt: abandoned");
            assertThat(result.counterexample().scenario()).contains("ignoring the interrupt: abandoned");
        } finally {
            releaseSpinners = true;
        }
    }

    /** A chain that fails when it holds a 7, with a switch that fixes the bug. */
    private static ChainSpec<List<Integer>, Integer> sevens(String name, boolean fixed, Path db) {
        return ChainSpec.<List<Integer>, Integer>builder(name)
                .initialState(() -> new ArrayList<Integer>())
                .action("add", 1, s -> Gens.uniformInts(0, 9))
                .executor((s, v) -> s.add(v))
                .invariant("TOY-SEVEN", s -> !fixed && s.contains(7) ? List.of(new Failure("TOY-SEVEN", "holds 7", ""))
                        : List.of())
                .database(db.toString()).tries(50).build();
    }

    @Test
    void aStoredFailureIsReplayedFirstAndForgottenOnceFixed(@TempDir Path db) throws Exception {
        ChainResult first = Chains.run(sevens("RunControlDatabase", false, db));
        assertThat(first.passed()).isFalse();
        Path file = db.resolve("RunControlDatabase.txt");
        assertThat(file).exists();
        // the next run (another fresh seed) starts from the stored counterexample: nothing to shrink
        ChainResult again = Chains.run(sevens("RunControlDatabase", false, db));
        assertThat(again.counterexample().steps()).isEqualTo(first.counterexample().steps()).containsExactly("7");
        assertThat(again.counterexample().originalSteps()).isEqualTo(1);
        assertThat(again.stats().tries()).as("replayed before any new case").isZero();
        // fixed: the stored case passes and is removed
        assertThat(Chains.run(sevens("RunControlDatabase", true, db)).passed()).isTrue();
        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void shardsRunDisjointCasesOfOneSeed() {
        Set<String> all = new HashSet<>();
        int total = 0;
        for (int shard = 0; shard < 3; shard++) {
            List<String> seen = new ArrayList<>();
            String saved = System.getProperty(PropertyConfig.SHARD);
            System.setProperty(PropertyConfig.SHARD, shard + "/3");
            try {
                Property.forAll(Gens.uniformLongs(0, Long.MAX_VALUE - 1)).named("RunControlShard").seed(9).tries(40)
                        .run(v -> seen.add(String.valueOf(v)));
            } finally {
                if (saved == null) {
                    System.clearProperty(PropertyConfig.SHARD);
                } else {
                    System.setProperty(PropertyConfig.SHARD, saved);
                }
            }
            assertThat(seen).hasSize(40);
            all.addAll(seen);
            total += seen.size();
        }
        assertThat(all).as("no case in two shards").hasSize(total);
        List<String> unsharded = new ArrayList<>();
        Property.forAll(Gens.uniformLongs(0, Long.MAX_VALUE - 1)).named("RunControlShard").seed(9).tries(40)
                .run(v -> unsharded.add(String.valueOf(v)));
        assertThat(all).as("shard 0 is the unsharded run").containsAll(unsharded);
    }

    @Test
    void aBadShardSettingIsOneLineNamingIt() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> PropertyConfig.shard("3/2")))
                .hasMessage("armmm.shard=3/2: expected I/N with 0 <= I < N");
    }

    @Test
    void twoRunsOfOneNameWriteTwoReports() {
        Counterexample one = Chains.run(ToyStack.spec("RunControlSameName", true).seed(1).build()).counterexample();
        Counterexample two = Chains.run(ToyStack.spec("RunControlSameName", true).seed(2).build()).counterexample();
        assertThat(one.file(".md")).isNotEqualTo(two.file(".md"));
        assertThat(one.file(".md")).exists();
        assertThat(two.file(".md")).exists();
    }

    @Test
    void runsCreateNoThreadsAndShareOneWatchdog() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Chains.run(ToyStack.spec("RunControlThreads", true).seed(1).database("off").build());
        long started = threads.getTotalStartedThreadCount();
        for (long seed = 2; seed <= 21; seed++) {
            assertThat(Chains.run(ToyStack.spec("RunControlThreads", true).seed(seed).database("off").build()).passed())
                    .isFalse();
        }
        // one hand-off a run to an idle case thread (before: six threads a failing run, 120 here); the
        // margin is for threads the JVM itself may start meanwhile (compiler threads) and for a run
        // handed over before the last run's thread is back in the pool (measured: 0 to 1 in 20 runs)
        assertThat(threads.getTotalStartedThreadCount() - started).isLessThanOrEqualTo(5);
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("armmm-deadline")))
                .hasSize(1);
    }
}
