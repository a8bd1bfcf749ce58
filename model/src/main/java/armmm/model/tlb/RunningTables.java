package armmm.model.tlb;

import armmm.model.mm.Processes;
import armmm.model.mm.UserPageTables;
import armmm.model.mmu.CpuTables;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.PhysicalMemory;

/**
 * {@link CpuTables} from the CPUs' registers this subsystem keeps: TTBR0 as
 * {@code check_and_switch_context} (arch/arm/mm/context.c) and {@code cpu_switch_mm} left it,
 * and the memory of the mm whose {@code mm->pgd} it holds, so the MMU's {@code translate} walks
 * the tables current on a CPU. A TTBR0 that is {@code swapper_pg_dir}, or that holds no live
 * mm's pgd (a frame freed under it, which INV-TLB-04 reports), reads the kernel's memory, where
 * such a frame holds no table.
 */
final class RunningTables implements CpuTables {
    private static final long TABLE_BASE = ~0x3fffL;
    private final Tlbs tlbs;
    private final Processes processes;
    private final KernelPageTables kernel;
    private final PhysicalMemory kernelMemory;

    RunningTables(Tlbs tlbs, Processes processes, KernelPageTables kernel) {
        this.tlbs = tlbs;
        this.processes = processes;
        this.kernel = kernel;
        this.kernelMemory = kernel.memory();
    }

    @Override
    public long ttbr0(int cpu) {
        return tlbs.asid().cpu(cpu).ttbr0();
    }

    @Override
    public PhysicalMemory memory(int cpu) {
        long base = ttbr0(cpu) & TABLE_BASE & 0xffff_ffffL;
        if (base == kernel.pgdPhys()) {
            return kernelMemory;
        }
        long mm = tlbs.ttbr0Mm(cpu);
        UserPageTables pt = mm < 0 ? null : processes.pageTables(mm);
        return pt != null && processes.pgdPhys(mm) == base ? pt.memory() : kernelMemory;
    }
}
