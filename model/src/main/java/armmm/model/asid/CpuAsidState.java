package armmm.model.asid;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
    /** {@code old_active_asid} of arm64's fast path: {@code active_asids} as its read saw it. */
    long oldActive;
    long localTlbFlushes;
    int flushCpu;
    /** Per hardware ASID: the first mm run with it since the last flush, or -1. */
    final int[] tagFirst;
    /** Per hardware ASID: another mm run with it since the last flush, or -1. */
    final int[] tagOther;

    CpuAsidState(int numUserAsids) {
        tagFirst = new int[numUserAsids];
        tagOther = new int[numUserAsids];
        flushTags();
    }

    void flushTags() {
        java.util.Arrays.fill(tagFirst, -1);
        java.util.Arrays.fill(tagOther, -1);
    }

    void tag(int asid, int mm) {
        if (tagFirst[asid] == -1) {
            tagFirst[asid] = mm;
        } else if (tagFirst[asid] != mm && tagOther[asid] == -1) {
            tagOther[asid] = mm;
        }
    }

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

    /** While this CPU is in {@link SwitchStep#FLUSH_CONTEXT}: the next CPU its {@code flush_context} visits. */
    public int flushCpu() {
        return flushCpu;
    }

    /** How many times this CPU ran {@code local_flush_tlb_all} for a pending rollover flush. */
    public long localTlbFlushes() {
        return localTlbFlushes;
    }

    /** The first mm this CPU ran with hardware ASID {@code asid} since its last local TLB flush, or -1. */
    public int tlbTagFirst(int asid) {
        return tagFirst[asid];
    }

    /** An mm other than {@link #tlbTagFirst} this CPU ran with {@code asid} since that flush, or -1. */
    public int tlbTagOther(int asid) {
        return tagOther[asid];
    }

    /** The number of hardware ASIDs ({@code NUM_USER_ASIDS}) the tags are kept for. */
    public int tlbTagSlots() {
        return tagFirst.length;
    }

    /** The hardware ASIDs this CPU ran since its last local TLB flush, with the first mm and another (or -1). */
    public Map<Integer, List<Integer>> tlbTags() {
        Map<Integer, List<Integer>> out = new TreeMap<>();
        for (int a = 0; a < tagFirst.length; a++) {
            if (tagFirst[a] != -1) {
                out.put(a, tagOther[a] == -1 ? List.of(tagFirst[a]) : List.of(tagFirst[a], tagOther[a]));
            }
        }
        return out;
    }
}
