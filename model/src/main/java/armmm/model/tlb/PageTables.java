package armmm.model.tlb;

/**
 * The interface the TLBs are coded against: the walk of the tables a CPU can reach, for the
 * kernel ({@code swapper_pg_dir}, whose kernel half every process's pgd copies) and for one
 * process's user half, and the process's {@code mm->pgd}. {@link ProcessTables} implements it
 * for the tables the model has today; the user page tables and faults of {@code armmm.model.mm}
 * plug in here (spec/tlb.md, "The interface").
 */
public interface PageTables {

    /** The walk of kernel address {@code va} in {@code swapper_pg_dir}, or null on a translation fault. */
    Walk walkKernel(long va);

    /** The walk of user address {@code va} in mm {@code mm}'s tables, or null when no PTE maps it. */
    Walk walkUser(long mm, long va);

    /** The physical address of mm {@code mm}'s first-level table ({@code virt_to_phys(mm->pgd)}), or -1. */
    long pgd(long mm);
}
