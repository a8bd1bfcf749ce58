package armmm.model.asid;

import java.util.BitSet;

/**
 * The part of {@code struct mm_struct} the allocator reads and writes: {@code mm->context.id}
 * (arch/arm/include/asm/mmu.h, {@code mm_context_t}; 0 after {@code init_new_context}),
 * {@code mm_cpumask(mm)} and the physical address of {@code mm->pgd}.
 */
public final class MmContext {
    private final int handle;
    private final long pgd;
    private long contextId;
    private final BitSet cpumask = new BitSet();
    private boolean live = true;

    MmContext(int handle, long pgd, long contextId) {
        this.handle = handle;
        this.pgd = pgd;
        this.contextId = contextId;
    }

    /** The model's handle of this mm (its creation index). */
    public int handle() {
        return handle;
    }

    /** Physical address of the mm's first-level table, {@code virt_to_phys(mm->pgd)}. */
    public long pgd() {
        return pgd;
    }

    /** {@code mm->context.id}: generation above the ASID bits, ASID below; 0 before the first switch. */
    public long contextId() {
        return contextId;
    }

    void setContextId(long id) {
        contextId = id;
    }

    /** Whether CPU {@code cpu} is set in {@code mm_cpumask(mm)}. */
    public boolean inCpumask(int cpu) {
        return cpumask.get(cpu);
    }

    BitSet cpumask() {
        return cpumask;
    }

    /** False once the mm was released ({@code __mmdrop}). */
    public boolean live() {
        return live;
    }

    void release() {
        live = false;
    }

    @Override
    public String toString() {
        return "mm" + handle + "{context.id=0x" + Long.toHexString(contextId) + (live ? "" : ", dead") + "}";
    }
}
