package armmm.model.tlb;

import armmm.model.mm.Processes;
import armmm.model.mm.TlbFlush;
import armmm.model.mm.UserLayoutConfig;
import armmm.model.mmu.Access;
import armmm.model.mmu.KernelPageTables;
import armmm.model.mmu.Privilege;
import armmm.model.mmu.Translation;
import java.util.List;

/**
 * {@link PageTables} over the kernel's tables: the walk through {@code swapper_pg_dir}
 * ({@link KernelPageTables}, which vmalloc writes) and each process's user half as
 * {@code armmm.model.mm} keeps it: the pgd is {@link Processes#pgdPhys} ({@code mm->pgd} of
 * arch/arm/mm/pgd.c {@code pgd_alloc}, allocated by the mm code and freed by its
 * {@code __mmdrop}), a walk is {@link Processes#translate} with TTBR0 = that pgd, and a fault is
 * the mm code's {@code do_page_fault} ({@link Processes#touch}). The TLB flushes the mm code makes
 * ({@link Processes#tlbFlushes}) and its {@code mm_count} ({@link Processes#mmgrab},
 * {@link Processes#mmdrop}) are reached through here too.
 */
public final class ProcessTables implements PageTables {
    /** {@code TASK_SIZE} with VMSPLIT_3G: PAGE_OFFSET - 16 MiB (arch/arm/include/asm/memory.h). */
    public static final long TASK_SIZE = UserLayoutConfig.TASK_SIZE;
    static final long PAGE = 4096;

    private final KernelPageTables kernel;
    private final Processes processes;
    private boolean userGlobal;

    ProcessTables(KernelPageTables kernel, Processes processes) {
        this.kernel = kernel;
        this.processes = processes;
    }

    /**
     * {@code check_vmalloc_seq} (arch/arm/include/asm/mmu_context.h), which {@code switch_mm}
     * runs before loading TTBR0: the mm code copies the vmalloc pgd entries the mm lags behind.
     */
    void checkVmallocSeq(long mm) {
        processes.checkVmallocSeq(mm);
    }

    /** The kernel PTEs (by address) the current call wrote. */
    long[] kernelPtesWritten() {
        return kernel.touchedPtes();
    }

    /** The TLB flushes the mm code made in the current call, in order. */
    List<TlbFlush> flushes() {
        return processes.tlbFlushes();
    }

    /** A begun call starts: the frames it releases wait for its flush ({@code mmu_gather}). */
    void gatherFrees() {
        if (processes.memory() != null) {
            processes.memory().gatherFrees();
        }
    }

    /** What the begun call gathered; frees are immediate again. */
    armmm.model.mm.MmuGather takeGather() {
        return processes.memory() == null ? new armmm.model.mm.MmuGather() : processes.memory().takeGather();
    }

    /** {@code tlb_flush_mmu_free} of a begun call, and its removed VMAs' {@code fput}s, once its flush completed. */
    void finishGather(armmm.model.mm.MmuGather g) {
        if (!g.isEmpty()) {
            processes.finishGather(g);
        }
    }

    /** {@code mmgrab} of {@code mm}: false when its pgd is already freed. */
    boolean mmgrab(long mm) {
        return processes.mmgrab(mm);
    }

    /** {@code mmdrop} of {@code mm}: the last one frees the pgd. */
    void mmdrop(long mm) {
        processes.mmdrop(mm);
    }

    /** Plants {@link TlbBug#USER_PTE_GLOBAL}: the TLB fill of a user page drops the descriptor's nG. */
    void userGlobal(boolean on) {
        userGlobal = on;
    }

    @Override
    public Walk walkKernel(long va) {
        if (!cleared.isEmpty() && clearedNow(-1, va)) {
            // a begun kmap's new pkmap slot, set_pte_at only after flush_all_zero_pkmaps' flush
            return null;
        }
        Translation t = kernel.translate(va, Access.READ, Privilege.KERNEL);
        return t instanceof Translation.Mapped m ? toWalk(va, m, false) : null;
    }

    /**
     * The hardware walk of a user address through the mm's tables (a TLB fill reads what the MMU
     * would: a PTE without young or present has no hardware entry). The permissions cached are
     * the descriptor's, whatever access made the walk.
     */
    /**
     * The user pages whose PTE a begun fault cleared and has not set again yet, by mm
     * ({@code wp_page_copy}: {@code ptep_clear_flush}, then {@code set_pte_at} of the copy): the
     * mm code wrote the new PTE already; until the begun call's step that sets it, the hardware
     * walk finds none.
     */
    private final java.util.Map<Long, java.util.Set<Long>> cleared = new java.util.HashMap<>();

    /** The PTE of {@code va} in {@code mm} (-1: {@code swapper_pg_dir}) reads as cleared until {@link #setAgain}. */
    void clearUntilSet(long mm, long va) {
        cleared.computeIfAbsent(mm, k -> new java.util.HashSet<>()).add(va & -PAGE);
    }

    /** The begun fault's {@code set_pte_at}: the PTE the mm code wrote is what the walk reads again. */
    void setAgain(long mm, long va) {
        java.util.Set<Long> s = cleared.get(mm);
        if (s != null && s.remove(va & -PAGE) && s.isEmpty()) {
            cleared.remove(mm);
        }
    }

    /** Whether the PTE of {@code va} in {@code mm} is between a begun fault's clear and its set. */
    boolean clearedNow(long mm, long va) {
        java.util.Set<Long> s = cleared.get(mm);
        return s != null && s.contains(va & -PAGE);
    }

    @Override
    public Walk walkUser(long mm, long va) {
        if (!cleared.isEmpty() && clearedNow(mm, va)) {
            return null;
        }
        if (processes.translate(mm, va, Access.READ, Privilege.USER) instanceof Translation.Mapped m) {
            return toWalk(va, m, userGlobal);
        }
        // a read the user may not do: the entry may still exist (a kernel-only or no-access AP)
        return processes.translate(mm, va, Access.READ, Privilege.KERNEL) instanceof Translation.Mapped k
                ? toWalk(va, k, userGlobal) : null;
    }

    @Override
    public long pgd(long mm) {
        return processes.pgdPhys(mm);
    }

    private static Walk toWalk(long va, Translation.Mapped m, boolean forceGlobal) {
        long size = switch (m.entry()) {
            case SMALL_PAGE -> 1L << 12;
            case LARGE_PAGE -> 1L << 16;
            case SECTION -> 1L << 20;
            case SUPERSECTION -> 1L << 24;
        };
        return new Walk(va & -size, size, m.pa() & -size, forceGlobal || !m.notGlobal(), m.ap(), m.xn());
    }

    /**
     * {@code do_page_fault} (arch/arm/mm/fault.c) of a user access through the mm code's
     * {@code handle_mm_fault}: null when handled (the caller retries the walk), else the signal.
     */
    String fault(long mm, long va, Access access) {
        armmm.model.core.Result r = processes.touch(mm, va, access);
        return r instanceof armmm.model.core.Result.Refused ref ? ref.report().replaceFirst("^touch: ", "") : null;
    }
}
