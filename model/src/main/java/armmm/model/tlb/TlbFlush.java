package armmm.model.tlb;

/**
 * The kernel's TLB helpers as the armmp build selects them for a Cortex-A15 (ARMv7 with the
 * multiprocessing extensions, so {@code tlb_ops_need_broadcast()} is false and the helpers use
 * the inner-shareable operations themselves; CONFIG_ARM_ERRATA_720789=y, so the broadcast forms
 * that would name an ASID invalidate all ASIDs instead): arch/arm/include/asm/tlbflush.h
 * ({@code local_flush_tlb_*}, {@code __flush_tlb_*}), arch/arm/mm/tlb-v7.S
 * ({@code v7wbi_flush_user_tlb_range}, {@code v7wbi_flush_kern_tlb_range}) and
 * arch/arm/kernel/smp_tlb.c ({@code flush_tlb_*}). Each issues its operations and completes them
 * with the {@code dsb} that ends it. {@code broadcast_tlb_a15_erratum} (798181) adds a dummy
 * operation and IPIs that change no entry, so it is left out.
 */
public final class TlbFlush {
    private TlbFlush() {
    }

    /** {@code local_flush_tlb_all}: TLBIALL, {@code dsb nsh}. */
    public static void localFlushTlbAll(Tlbs t, int cpu) {
        t.issue(cpu, new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, false));
        t.dsb(cpu);
    }

    /** {@code flush_tlb_all} ({@code __flush_tlb_all}): TLBIALLIS, {@code dsb ish}. */
    public static void flushTlbAll(Tlbs t, int cpu) {
        t.issue(cpu, new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, true));
        t.dsb(cpu);
    }

    /** {@code flush_tlb_mm} ({@code __flush_tlb_mm}): with 720789, TLBIALLIS instead of TLBIASIDIS. */
    public static void flushTlbMm(Tlbs t, long mm, int cpu) {
        t.issue(cpu, new Tlbi(Tlbi.Kind.TLBIALL, 0, 0, true));
        t.dsb(cpu);
    }

    /** {@code flush_tlb_page} ({@code __flush_tlb_page}): with 720789, TLBIMVAAIS of the page. */
    public static void flushTlbPage(Tlbs t, long mm, long va, int cpu) {
        flushTlbRange(t, mm, va & -Tlbs.PAGE, (va & -Tlbs.PAGE) + Tlbs.PAGE, cpu);
    }

    /**
     * {@code flush_tlb_range} ({@code local_flush_tlb_range}, {@code v7wbi_flush_user_tlb_range}):
     * {@code dsb ish}, then one TLBIMVAAIS per page of {@link #loopPages} (with 720789 the ASID is
     * zeroed and the all-ASID form used), then {@code dsb ish}.
     */
    public static void flushTlbRange(Tlbs t, long mm, long start, long end, int cpu) {
        long from = start & -Tlbs.PAGE;
        long pages = loopPages(start, end);
        t.dsb(cpu);
        if (t.bugs().contains(TlbBug.TLBIMVA_WRONG_ASID)) {
            t.issue(cpu, new Tlbi(Tlbi.Kind.TLBIMVA, from, t.currentAsid(cpu), true, pages));
        } else if (t.bugs().contains(TlbBug.FLUSH_LOCAL_ONLY)) {
            t.issue(cpu, new Tlbi(Tlbi.Kind.TLBIMVAA, from, 0, false, pages));
        } else {
            t.issue(cpu, new Tlbi(Tlbi.Kind.TLBIMVAA, from, 0, true, pages));
        }
        t.dsb(cpu);
    }

    /**
     * How many pages the loop of {@code v7wbi_flush_user_tlb_range} and
     * {@code v7wbi_flush_kern_tlb_range} (arch/arm/mm/tlb-v7.S) invalidates for [start, end): both
     * registers are shifted right then left by PAGE_SHIFT, so start and end are both rounded DOWN to
     * a page, and the loop is a do-while (operation, add PAGE_SZ, {@code cmp}, {@code blo}), so it
     * always invalidates the start page and then each page below the rounded-down end. A range
     * with start at or above end flushes one page; an unaligned end's own page is not flushed.
     */
    static long loopPages(long start, long end) {
        long from = start & -Tlbs.PAGE;
        long to = end & -Tlbs.PAGE;
        return to > from ? (to - from) / Tlbs.PAGE : 1;
    }

    /** {@code flush_tlb_kernel_page} ({@code __flush_tlb_kernel_page}): TLBIMVAIS of the page (ASID bits 0), {@code dsb ish}. */
    public static void flushTlbKernelPage(Tlbs t, long va, int cpu) {
        t.issue(cpu, new Tlbi(Tlbi.Kind.TLBIMVA, va & -Tlbs.PAGE, 0, !t.bugs().contains(TlbBug.FLUSH_KERNEL_PAGE_LOCAL)));
        t.dsb(cpu);
    }

    /**
     * {@code flush_tlb_kernel_range} ({@code local_flush_tlb_kernel_range}, which on this build is
     * {@code __cpu_flush_kern_tlb_range} = {@code v7wbi_flush_kern_tlb_range}): TLBIMVAAIS
     * ({@code ALT_SMP(mcr p15, 0, r0, c8, c3, 3)}, a broadcast) per page of {@link #loopPages}
     * between two {@code dsb ish}. {@code __set_fixmap}'s "local" flush is this too.
     */
    public static void flushTlbKernelRange(Tlbs t, long start, long end, int cpu) {
        t.dsb(cpu);
        t.issue(cpu, new Tlbi(Tlbi.Kind.TLBIMVAA, start & -Tlbs.PAGE, 0, true, loopPages(start, end)));
        t.dsb(cpu);
    }

    /**
     * {@code local_flush_tlb_kernel_page} (arch/arm/include/asm/tlbflush.h): TLBIMVA
     * ({@code c8, c7, 1}, not the all-ASID form) of one kernel page on this CPU only, the register
     * holding the page address, so ASID 0, completed by {@code dsb nsh} (ARM's kmap_local post-map
     * and post-unmap hooks, arch/arm/include/asm/highmem.h). It removes the page's global entries
     * and those tagged ASID 0.
     */
    public static void localFlushTlbKernelPage(Tlbs t, long va, int cpu) {
        t.issue(cpu, new Tlbi(Tlbi.Kind.TLBIMVA, va & -Tlbs.PAGE, 0, false));
        t.dsb(cpu);
    }
}
