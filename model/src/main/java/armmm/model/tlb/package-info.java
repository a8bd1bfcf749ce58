/**
 * Per-CPU TLBs and the kernel's TLB maintenance on a Cortex-A15 (ARMv7 SMP, non-LPAE), with the
 * ASID allocator of {@code armmm.model.asid} plugged in as one subsystem: the entries the walker
 * fills (arch/arm/mm/tlb-v7.S, arch/arm/include/asm/tlbflush.h, arch/arm/kernel/smp_tlb.c,
 * arch/arm/mm/context.c). See {@code spec/tlb.md}.
 */
package armmm.model.tlb;
