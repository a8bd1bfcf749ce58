package armmm.model.mmu;

/**
 * The first-level table each CPU's TTBR0 points at: {@code cpu_switch_mm}
 * (arch/arm/mm/proc-v7-2level.S) writes {@code mm->pgd} there on {@code switch_mm}, and
 * {@code cpu_set_reserved_ttbr0} (arch/arm/include/asm/proc-fns.h) copies TTBR1
 * ({@code swapper_pg_dir}) into it while an ASID switch is under way. With TTBCR.N 0 (this
 * build) TTBR0 covers the whole address space, so a CPU running a process walks kernel addresses
 * through that process's first-level table too, whose kernel half is a copy of init_mm's that
 * may lag behind vmalloc's pmds.
 *
 * <p>The MMU subsystem does not own the CPUs' registers: the subsystem that does (the TLB model)
 * hands this over with {@link KernelPageTables#cpuTables}; until it does, every CPU's TTBR0 is
 * {@code swapper_pg_dir}, as the idle tasks run on init_mm.
 */
public interface CpuTables {
    /** CPU {@code cpu}'s TTBR0 register (table base in bits [31:14], walk attributes below). */
    long ttbr0(int cpu);

    /** Physical memory as a walk through CPU {@code cpu}'s TTBR0 reads it. */
    PhysicalMemory memory(int cpu);
}
