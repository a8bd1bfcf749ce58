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
     * {@code dsb ish}, then one TLBIMVAAIS per page (with 720789 the ASID is zeroed and the
     * all-ASID form used), then {@code dsb ish}.
     */
    public static void flushTlbRange(Tlbs t, long mm, long start, long end, int cpu) {
        long from = start & -Tlbs.PAGE;
        long pages = (end - from + Tlbs.PAGE - 1) / Tlbs.PAGE;
        if (pages <= 0) {
            return;
        }
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

    /** {@code flush_tlb_kernel_page} ({@code __flush_tlb_kernel_page}): TLBIMVAIS of the page (ASID bits 0), {@code dsb ish}. */
    public static void flushTlbKernelPage(Tlbs t, long va, int cpu) {
        t.issue(cpu, new Tlbi(Tlbi.Kind.TLBIMVA, va & -Tlbs.PAGE, 0, !t.bugs().contains(TlbBug.FLUSH_KERNEL_PAGE_LOCAL)));
        t.dsb(cpu);
    }

    /** {@code flush_tlb_kernel_range} ({@code v7wbi_flush_kern_tlb_range}): TLBIMVAAIS per page between two {@code dsb ish}. */
    public static void flushTlbKernelRange(Tlbs t, long start, long end, int cpu) {
        long from = start & -Tlbs.PAGE;
        long pages = (end - from + Tlbs.PAGE - 1) / Tlbs.PAGE;
        if (pages <= 0) {
            return;
        }
        t.dsb(cpu);
        t.issue(cpu, new Tlbi(Tlbi.Kind.TLBIMVAA, from, 0, true, pages));
        t.dsb(cpu);
    }

    /**
     * {@code local_flush_tlb_kernel_page}: TLBIMVAA of one kernel page on this CPU only, completed
     * by {@code dsb nsh} (ARM's kmap_local post-map and post-unmap hooks, arch/arm/include/asm/highmem.h).
     */
    public static void localFlushTlbKernelPage(Tlbs t, long va, int cpu) {
        t.issue(cpu, new Tlbi(Tlbi.Kind.TLBIMVAA, va & -Tlbs.PAGE, 0, false));
        t.dsb(cpu);
    }
}
