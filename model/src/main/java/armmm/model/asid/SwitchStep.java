package armmm.model.asid;

/**
 * Where a CPU is inside {@code check_and_switch_context} (arch/arm/mm/context.c) and
 * {@code cpu_v7_switch_mm} (arch/arm/mm/proc-v7-2level.S): each constant is one step that other
 * CPUs can observe, to be taken next (the last two only with arm64's fast path,
 * {@link AsidConfig.FastPath#CMPXCHG_ARM64}, which takes READ_ACTIVE_ARM64 after READ_CONTEXT_ID and
 * CMPXCHG_ACTIVE after READ_GENERATION).
 */
public enum SwitchStep {
    /** Not switching. */
    IDLE,
    /** {@code cpu_set_reserved_ttbr0}: TTBR0 takes TTBR1's value (global mappings only). */
    SET_RESERVED_TTBR0,
    /** {@code atomic64_read(&mm->context.id)} of the fast path. */
    READ_CONTEXT_ID,
    /** {@code atomic64_read(&asid_generation)} and the generation comparison. */
    READ_GENERATION,
    /** {@code atomic64_xchg(&per_cpu(active_asids, cpu), asid)}: nonzero old value means fast path. */
    XCHG_ACTIVE,
    /** The read half of {@link AsidDefect#FASTPATH_READ_THEN_WRITE}. */
    READ_ACTIVE,
    /** The write half of {@link AsidDefect#FASTPATH_READ_THEN_WRITE}. */
    WRITE_ACTIVE,
    /** {@code raw_spin_lock_irqsave(&cpu_asid_lock)}: waits while another CPU holds it. */
    LOCK,
    /** Under the lock: re-read the id and the generation, {@code new_context} if they differ, set the id. */
    CHECK_GENERATION,
    /**
     * Under the lock, after a rollover's {@code atomic64_add_return} on {@code asid_generation}:
     * {@code flush_context}'s {@code atomic64_xchg} of one CPU's {@code active_asids} and its
     * reserved ASID, one CPU per step; after the last, the flush queued everywhere and the new ASID.
     */
    FLUSH_CONTEXT,
    /** Under the lock: {@code cpumask_test_and_clear_cpu(tlb_flush_pending)}, then the local TLB flush. */
    FLUSH_PENDING,
    /** Under the lock: {@code atomic64_set(active_asids)}, {@code mm_cpumask} and the unlock. */
    SET_ACTIVE_UNLOCK,
    /** {@code cpu_switch_mm}: the CONTEXTIDR write (of {@code mm->context.id}). */
    WRITE_CONTEXTIDR,
    /** {@code cpu_switch_mm}: the TTBR0 write (the mm's pgd with {@code TTB_FLAGS_SMP}). */
    WRITE_TTBR0,
    // the patch's steps come last so that the ordinals `step` returns for 6.1's steps stay as they were
    /**
     * {@link AsidConfig.FastPath#CMPXCHG_ARM64} only: {@code atomic64_read(&active_asids)} before the
     * generation test; zero goes straight to the lock.
     */
    READ_ACTIVE_ARM64,
    /**
     * {@link AsidConfig.FastPath#CMPXCHG_ARM64} only: {@code atomic64_cmpxchg_relaxed(&active_asids,
     * old, asid)} from the value {@link #READ_ACTIVE_ARM64} read; a non-zero return is the fast path.
     */
    CMPXCHG_ACTIVE
}
