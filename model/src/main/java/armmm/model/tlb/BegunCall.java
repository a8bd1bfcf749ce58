package armmm.model.tlb;

import armmm.model.core.Result;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An address-space call begun on a CPU ({@code munmap_begin}, {@code mprotect_begin},
 * {@code touch_begin}, {@code fork_begin}, {@code exit_mm_begin}, {@code brk_begin}) whose
 * remaining steps other CPUs can see, taken one {@code step} at a time: the kernel's order is the
 * PTE clears or updates under the PTL ({@code zap_pte_range}, {@code change_pte_range},
 * {@code copy_page_range}), then {@code tlb_finish_mmu}'s {@code flush_tlb_range} as arch/arm/mm/tlb-v7.S
 * {@code v7wbi_flush_user_tlb_range} issues it ({@code dsb ish}, one TLBIMVAAIS per page of the
 * loop, {@code dsb ish}) or {@code flush_tlb_mm} (TLBIALLIS, {@code dsb ish}), then the free of
 * what the call's {@code mmu_gather} holds ({@link Kind#FREE}), then the return to the caller; a copy on write ({@code wp_page_copy})
 * clears the PTE, flushes the page, then sets the copy's PTE ({@link Kind#SET_PTE}). The PTE writes are the begin itself;
 * {@link TlbBug#TLBI_BEFORE_CLEAR} moves them after the flush.
 *
 * <p>It also holds what INV-TLB-01 may tolerate while the call is under way: the TLB entries of
 * the call's mm that agreed with the tables just before its PTE writes ({@link #old}), each
 * until a completed operation of this call invalidates it, and none after the return.
 */
final class BegunCall {
    /** What a step does. */
    enum Kind {
        /** The call's PTE writes under the PTL (the mm code's call itself); only the planted bug defers them to a step. */
        PTE_WRITES,
        /** {@code dsb ish}: completes what the CPU issued. */
        DSB,
        /** One TLB operation issued (a page of the tlb-v7.S loop). */
        TLBI,
        /** {@code wp_page_copy}'s {@code set_pte_at} of the copy, after {@code ptep_clear_flush}'s flush (a page's address). */
        SET_PTE,
        /** The return to the caller: the call is over, its {@code mmap_lock} released. */
        RETURN,
        /**
         * {@code tlb_flush_mmu_free} after {@code tlb_flush_mmu_tlbonly} (mm/mmu_gather.c): the pages
         * and page tables the call unmapped go back to the buddy allocator, after the completing
         * {@code dsb ish} (what {@link BegunCall#gather()} holds).
         */
        FREE,
        /**
         * A write of a kernel-range call ({@link KernelRangeCalls}) other CPUs can see, named by
         * the step: the purge's areas back to the free tree, a pkmap slot's {@code set_pte_at}.
         */
        KERNEL
    }

    /**
     * One step: its kind, the operation for {@link Kind#TLBI}, the page for {@link Kind#SET_PTE},
     * and for a kernel-range call what it is and what it does besides its kind ({@code then}: a
     * {@link Kind#KERNEL} step's write, or the bookkeeping of the {@code dsb} that completes a flush).
     */
    record Step(Kind kind, Tlbi op, long va, String what, Runnable then) {
        Step(Kind kind, Tlbi op) {
            this(kind, op, 0);
        }

        Step(Kind kind, Tlbi op, long va) {
            this(kind, op, va, null, null);
        }

        @Override
        public String toString() {
            return switch (kind) {
                case PTE_WRITES -> "PTE writes";
                case SET_PTE -> String.format("set_pte_at %#x", va);
                case DSB -> "dsb ish";
                case TLBI -> op.toString();
                case RETURN -> "return";
                case KERNEL -> what;
                case FREE -> "free gathered pages";
            };
        }
    }

    private final String name;
    private final long mm;
    private final int cpu;
    /** Whether the call holds {@code mmap_lock} for writing to the end (mprotect), not downgraded to reading (munmap). */
    private final boolean writeLocked;
    private final Deque<Step> steps = new ArrayDeque<>();
    /** The mm call, for {@link TlbBug#TLBI_BEFORE_CLEAR}'s deferred PTE writes; null once made. */
    private Supplier<Result> deferred;
    private Result result;
    private Set<TlbEntry> old = Set.of();
    private final List<Tlbi> completed = new ArrayList<>();
    /** What the call's {@code mmu_gather} holds until its {@link Kind#FREE} step. */
    private armmm.model.mm.MmuGather gather = new armmm.model.mm.MmuGather();

    private final long start;
    /** The child mm a begun {@code fork} made, not published to any task until the return; -1 for other calls. */
    private long unpublished = -1;

    BegunCall(String name, long mm, long start, int cpu, boolean writeLocked) {
        this.name = name;
        this.mm = mm;
        this.start = start;
        this.cpu = cpu;
        this.writeLocked = writeLocked;
    }

    /** The first address the call was given. */
    long start() {
        return start;
    }

    /** The call's name ({@code munmap}, {@code mprotect}, {@code touch}). */
    String name() {
        return name;
    }

    /** The mm whose {@code mmap_lock} the call holds. */
    long mm() {
        return mm;
    }

    /**
     * The child mm a begun fork made: {@code copy_process} (kernel/fork.c) wakes the child with
     * {@code wake_up_new_task} only after {@code dup_mmap} flushed the parent and returned, so no
     * task runs in it, or maps, faults or switches to it, before the return.
     */
    long unpublished() {
        return unpublished;
    }

    void unpublished(long mm) {
        unpublished = mm;
    }

    /** The CPU the call runs on. */
    int cpu() {
        return cpu;
    }

    /** Whether the lock is held for writing (a page fault of the mm waits too). */
    boolean writeLocked() {
        return writeLocked;
    }

    /** The steps still to take, next first. */
    Deque<Step> steps() {
        return steps;
    }

    /** What the mm call returned (null until its PTE writes ran). */
    Result result() {
        return result;
    }

    void result(Result r) {
        result = r;
    }

    Supplier<Result> deferred() {
        return deferred;
    }

    void deferred(Supplier<Result> call) {
        deferred = call;
    }

    /** What the {@link Kind#FREE} step gives back. */
    armmm.model.mm.MmuGather gather() {
        return gather;
    }

    void gather(armmm.model.mm.MmuGather g) {
        gather = g;
    }

    /** The entries of the mm that agreed with its tables just before the PTE writes. */
    void old(Set<TlbEntry> entries) {
        old = entries;
    }

    /** An operation of this call a {@code dsb} of its CPU completed. */
    void completed(Tlbi op) {
        completed.add(op);
    }

    /**
     * Whether INV-TLB-01 tolerates {@code e} on a CPU while the call is under way: it is an entry
     * the CPU held of the old translation when the PTE was written, and no operation of this call
     * that invalidates it has completed yet.
     */
    boolean tolerates(TlbEntry e) {
        if (e.owner() != mm || !old.contains(e)) {
            return false;
        }
        for (Tlbi op : completed) {
            if (op.hits(e)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        // a kernel-range call (mm -1) changes swapper_pg_dir, no mm's tables
        return name + (mm < 0 ? "" : " of mm " + mm) + ", next: " + (steps.isEmpty() ? "none" : steps.peekFirst());
    }
}
