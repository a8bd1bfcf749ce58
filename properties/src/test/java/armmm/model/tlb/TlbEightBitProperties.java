package armmm.model.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.pbt.ChainResult;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.properties.KernelChains;
import java.util.ArrayList;
import java.util.List;

/**
 * The real ASID width through the whole kernel: 8-bit ASIDs (arch/arm/mm/context.c
 * {@code ASID_BITS}), four CPUs with their TLBs, and dozens of address spaces created, switched
 * to, faulted, unmapped, forked and exited in long chains, so that every chain rolls the ASID space
 * over several times ({@code new_context} finds {@code asid_map} full and {@code flush_context}
 * runs) with every registered invariant checked after each of its thousands of steps.
 * {@link TlbProperties} runs the short chains with two- and three-bit ASIDs that reach a rollover
 * in a few dozen steps; this class shows the same hold at the width the kernel has.
 */
class TlbEightBitProperties {

    // on the ASID allocator patched with arm64's cmpxchg fast path (TlbChains.patchedKernels): the
    // churn interleaves switch steps too, which can reach 6.1's own race (spec/asid.md)
    @PropertyTest
    void dozensOfProcessesRollTheEightBitAsidSpaceOverAndKeepEveryInvariant(PropertyRunner runner) {
        TlbChains.COUNTERS.clear();
        ChainResult result = runner.run(TlbChains.churnSpec(TlbChains.patchedKernels(KernelChains.edgeBugs(), new int[] {4, 8}), 24)
                .tries(3).steps(3600).seed(42).build());
        armmm.pbt.Chains.throwIfFailed(result);
        assertThat(result.stats().labels()).as("what the chains reached").containsKeys("exec ok", "exit_mm ok", "switch_mm ok",
                "step ok", "touch ok", "munmap ok", "fork ok", "rolled over", "rolled over 3 times", "fast path",
                "stale entry flushed", "entries awaiting the rollover flush", "mm call on a CPU other than 0");
        List<long[]> chains = new ArrayList<>(TlbChains.COUNTERS.values());
        long min = Long.MAX_VALUE;
        long sum = 0;
        for (long[] c : chains) {
            min = Math.min(min, c[0]);
            sum += c[0];
        }
        System.out.printf("[armmm] TlbEightBitProperties: %d chains of 3600 steps, 4 CPUs, 8-bit ASIDs: rollovers %.1f per chain"
                + " (fewest %d)%n", chains.size(), (double) sum / Math.max(1, chains.size()), min);
    }
}
