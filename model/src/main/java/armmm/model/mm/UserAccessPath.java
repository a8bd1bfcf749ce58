package armmm.model.mm;

import armmm.model.core.Result;
import armmm.model.mmu.Access;
import java.util.function.Supplier;

/**
 * The hardware in front of {@code do_page_fault} (arch/arm/mm/fault.c) for a task's user-mode
 * access: the CPU's TLB, looked up before any walk (ARMv7-A ARM B3.9). The mm code has no TLB;
 * a TLB model of another subsystem installs one ({@link Processes#userAccessPath}), so that
 * {@code touch MM VA ACCESS cpu=N} on the CPU that runs MM is what the hardware does: an entry
 * that answers and permits the access is used, stale or not, and no fault is taken; otherwise the
 * walk and, when it fails, the fault handler ({@code faultHandler}: {@link Processes#touch}),
 * then the fill.
 */
@FunctionalInterface
public interface UserAccessPath {
    /**
     * The access by {@code mm}'s task at {@code va} on {@code cpu}; null when {@code cpu} is not
     * running {@code mm} (its TTBR0 is another pgd, or a switch is under way), in which case the
     * caller enters the fault handler directly, as without a TLB.
     */
    Result access(long mm, long va, Access access, int cpu, Supplier<Result> faultHandler);
}
