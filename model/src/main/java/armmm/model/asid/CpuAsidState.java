package armmm.model.asid;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One CPU as the allocator sees it: {@code per_cpu(active_asids)}, {@code per_cpu(reserved_asids)}
 * (arch/arm/mm/context.c), its CONTEXTIDR and TTBR0, the mm its TTBR0 points at, the step it is at
 * inside a switch with that switch's local {@code asid}, and which mms each hardware ASID has
 * served since the CPU's last {@code local_flush_tlb_all}: the tags its TLB may still hold.
 */
public final class CpuAsidState {
    long active;
    long reserved;
    long contextidr;
    long ttbr0;
    MmContext running;
    SwitchStep step = SwitchStep.IDLE;
    MmContext target;
    long localAsid;
    long localTlbFlushes;
    final Map<Integer, Set<Integer>> tlbTags = new HashMap<>();

    /** {@code per_cpu(active_asids, cpu)}; 0 after a rollover until the CPU's next slow path. */
    public long active() {
        return active;
    }

    /** {@code per_cpu(reserved_asids, cpu)}. */
    public long reserved() {
        return reserved;
    }

    /** CONTEXTIDR: the low 32 bits of the context id written by {@code cpu_v7_switch_mm}. */
    public long contextidr() {
        return contextidr;
    }

    /** TTBR0: a user pgd with {@code TTB_FLAGS_SMP}, or TTBR1's value while switching. */
    public long ttbr0() {
        return ttbr0;
    }

    /** The mm TTBR0 points at, or null while TTBR0 holds {@code swapper_pg_dir}. */
    public MmContext running() {
        return running;
    }

    /** The next step of the switch in progress, {@link SwitchStep#IDLE} when none. */
    public SwitchStep step() {
        return step;
    }

    /** The mm being switched to, or null. */
    public MmContext target() {
        return target;
    }

    /** How many times this CPU ran {@code local_flush_tlb_all} for a pending rollover flush. */
    public long localTlbFlushes() {
        return localTlbFlushes;
    }

    /**
     * For each hardware ASID this CPU ran since its last local TLB flush, the handles of the mms it
     * ran with it (the TLB may hold their entries under that ASID).
     */
    public Map<Integer, Set<Integer>> tlbTags() {
        Map<Integer, Set<Integer>> copy = new HashMap<>();
        tlbTags.forEach((asid, mms) -> copy.put(asid, Collections.unmodifiableSet(new HashSet<>(mms))));
        return Collections.unmodifiableMap(copy);
    }
}
