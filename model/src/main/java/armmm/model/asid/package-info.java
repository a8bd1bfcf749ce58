/**
 * The ARM32 ASID allocator of arch/arm/mm/context.c (Linux 6.1, classic two-level MMU):
 * {@code asid_generation}, {@code asid_map}, the per-CPU {@code active_asids} and
 * {@code reserved_asids}, {@code tlb_flush_pending}, {@code new_context}, {@code flush_context}
 * and {@code check_and_switch_context}, with the steps that other CPUs can observe modelled one
 * at a time so that an interleaving engine can schedule them. The CPU side of
 * {@code cpu_v7_switch_mm} (arch/arm/mm/proc-v7-2level.S: CONTEXTIDR, then TTBR0) is part of the
 * switch. The invariants are in {@link armmm.model.asid.AsidChecks}; the historical bugs of the
 * allocator are {@link armmm.model.asid.AsidDefect}s that an allocator can be built with.
 */
package armmm.model.asid;
