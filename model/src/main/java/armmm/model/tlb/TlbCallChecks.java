package armmm.model.tlb;

import armmm.model.core.Violation;
import armmm.model.subsystem.Invariant;
import java.util.ArrayList;
import java.util.List;

/**
 * INV-CALL-06: a {@code flush_tlb_*} helper call has the effect its name promises once it
 * returns. Each helper ends with the {@code dsb} that completes its operations
 * (arch/arm/include/asm/tlbflush.h {@code local_flush_tlb_all}, {@code __flush_tlb_all},
 * {@code __flush_tlb_mm}, {@code __flush_tlb_page}, {@code __flush_tlb_kernel_page};
 * arch/arm/mm/tlb-v7.S {@code v7wbi_flush_user_tlb_range}, {@code v7wbi_flush_kern_tlb_range};
 * arch/arm/kernel/smp_tlb.c), and on a Cortex-A15 the non-local helpers use the inner-shareable
 * forms, so they reach every CPU's TLB. The check reads the TLBs' entries and the mm's
 * {@code context.id}, and states the least each helper must have removed, whichever of the forms
 * the build picks (with ARM_ERRATA_720789 the user helpers drop every ASID's entries, which is
 * more): no entry of the mm's ASID left by {@code flush_tlb_mm}, none of its covering the pages
 * of {@code flush_tlb_page}/{@code flush_tlb_range}, no global entry covering the pages of
 * {@code flush_tlb_kernel_page}/{@code flush_tlb_kernel_range}, no entry at all on the calling
 * CPU after {@code local_flush_tlb_all} or on any CPU after {@code flush_tlb_all}.
 */
public final class TlbCallChecks {
    /** The invariant, re-checked when a helper call completed (its change signal counts them). */
    public static final Invariant FLUSH_DONE = Invariant.on("INV-CALL-06", Tlbs.class, Tlbs::flushCalls,
            TlbCallChecks::flushDone);

    private static final long PAGE = Tlbs.PAGE;
    /** The end of the 32-bit virtual address space, where the helpers' ranges stop. */
    private static final long TOP = 1L << 32;

    private TlbCallChecks() {
    }

    /** The entries the step's helper call must have removed and that some TLB still holds. */
    static List<Violation> flushDone(Tlbs t) {
        TlbOp.Helper call = t.lastFlush();
        if (call == null) {
            return List.of();
        }
        List<Violation> out = new ArrayList<>();
        int asid = -1;
        if (call.kind() == TlbOp.Helper.Kind.MM || call.kind() == TlbOp.Helper.Kind.PAGE
                || call.kind() == TlbOp.Helper.Kind.RANGE) {
            var context = t.context(call.a());
            if (context == null) {
                // the mm's context went with its last CPU in this step: no ASID left to ask about
                return List.of();
            }
            asid = (int) (context.contextId() & t.asid().config().asidNumberMask());
        }
        for (int c = 0; c < t.nrCpus(); c++) {
            if (call.kind() == TlbOp.Helper.Kind.LOCAL_ALL && c != call.cpu()) {
                continue;
            }
            for (TlbEntry e : t.tlb(c).entries()) {
                if (mustBeGone(call, asid, e)) {
                    out.add(new Violation("INV-CALL-06", "a TLB entry survives the flush helper that covers it",
                            call.name() + " cpu=" + call.cpu() + " left on CPU " + c + ": va 0x" + Long.toHexString(e.walk().va())
                                    + " size 0x" + Long.toHexString(e.walk().size()) + (e.walk().global() ? " global" : " asid " + e.asid())));
                }
            }
        }
        return out;
    }

    private static boolean mustBeGone(TlbOp.Helper call, int asid, TlbEntry e) {
        Walk w = e.walk();
        boolean ofMm = !w.global() && e.asid() == asid;
        return switch (call.kind()) {
            case LOCAL_ALL, ALL -> true;
            case MM -> ofMm;
            case PAGE -> ofMm && overlaps(w, call.b(), (call.b() & ~(PAGE - 1)) + PAGE);
            case RANGE -> ofMm && overlaps(w, call.b(), call.c());
            case KERNEL_PAGE -> w.global() && overlaps(w, call.a(), (call.a() & ~(PAGE - 1)) + PAGE);
            case KERNEL_RANGE -> w.global() && overlaps(w, call.a(), call.b());
        };
    }

    /** Whether the entry translates any page of [start rounded down to a page, end), end capped at 4 GiB. */
    private static boolean overlaps(Walk w, long start, long end) {
        long from = start & ~(PAGE - 1);
        long to = Math.min(end, TOP);
        return from < to && w.va() < to && from < w.va() + w.size();
    }
}
