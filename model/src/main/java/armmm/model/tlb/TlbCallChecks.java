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
 * CPU after {@code local_flush_tlb_all} or on any CPU after {@code flush_tlb_all}. The range
 * helpers cover exactly the pages the loop of arch/arm/mm/tlb-v7.S visits: start and end both
 * rounded down to a page, the start page always, then each page below the rounded-down end.
 *
 * <p>The same invariant holds at a raw {@code dsb} call for the CP15 operations its CPU issued
 * (ARMv7-A ARM B3.10.1, B4.2.3): once the DSB completed them, no TLB an operation reaches (the
 * issuing CPU's for {@code c8, c7}, every CPU's for the inner-shareable {@code c8, c3}) holds an
 * entry it invalidates: none after TLBIALL, no non-global entry tagged with the ASID after
 * TLBIASID, no entry covering the page that is global or tagged with the ASID after TLBIMVA, no
 * entry covering the page after TLBIMVAA.
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

    /** The entries the step's helper call, or the operations its {@code dsb} call completed, must have removed and that some TLB still holds. */
    static List<Violation> flushDone(Tlbs t) {
        List<Violation> out = new ArrayList<>();
        TlbOp.Helper call = t.lastFlush();
        if (call != null) {
            helperDone(t, call, out);
        }
        for (Tlbi op : t.lastDsbOps()) {
            rawDone(t, op, t.lastDsbCpu(), out);
        }
        return out;
    }

    private static void helperDone(Tlbs t, TlbOp.Helper call, List<Violation> out) {
        int asid = -1;
        if (call.kind() == TlbOp.Helper.Kind.MM || call.kind() == TlbOp.Helper.Kind.PAGE
                || call.kind() == TlbOp.Helper.Kind.RANGE) {
            var context = t.context(call.a());
            if (context == null) {
                // the mm's context went with its last CPU in this step: no ASID left to ask about
                return;
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
                            call.name() + " cpu=" + call.cpu() + " left on CPU " + c + ": " + describe(e)));
                }
            }
        }
    }

    /**
     * The raw operation {@code op} that CPU {@code cpu}'s {@code dsb} completed: what it
     * invalidates, read off the ARMv7 definitions (not {@link Tlbi#hits}), on the TLBs it reaches.
     */
    private static void rawDone(Tlbs t, Tlbi op, int cpu, List<Violation> out) {
        long page = op.va() & ~(PAGE - 1);
        for (int c = 0; c < t.nrCpus(); c++) {
            if (!op.shareable() && c != cpu) {
                continue;
            }
            for (TlbEntry e : t.tlb(c).entries()) {
                Walk w = e.walk();
                boolean tagged = !w.global() && e.asid() == op.asid();
                boolean covers = w.va() <= page && page < w.va() + w.size();
                boolean gone = switch (op.kind()) {
                    case TLBIALL -> true;
                    case TLBIASID -> tagged;
                    case TLBIMVA -> covers && (w.global() || tagged);
                    case TLBIMVAA -> covers;
                };
                if (gone) {
                    out.add(new Violation("INV-CALL-06", "a TLB entry survives the maintenance its dsb completed",
                            op + " dsb cpu=" + cpu + " left on CPU " + c + ": " + describe(e)));
                }
            }
        }
    }

    private static String describe(TlbEntry e) {
        return "va 0x" + Long.toHexString(e.walk().va()) + " size 0x" + Long.toHexString(e.walk().size())
                + (e.walk().global() ? " global" : " asid " + e.asid());
    }

    private static boolean mustBeGone(TlbOp.Helper call, int asid, TlbEntry e) {
        Walk w = e.walk();
        boolean ofMm = !w.global() && e.asid() == asid;
        return switch (call.kind()) {
            case LOCAL_ALL, ALL -> true;
            case MM -> ofMm;
            case PAGE -> ofMm && covers(w, call.b(), (call.b() & ~(PAGE - 1)) + PAGE);
            case RANGE -> ofMm && covers(w, call.b(), call.c());
            case KERNEL_PAGE -> w.global() && covers(w, call.a(), (call.a() & ~(PAGE - 1)) + PAGE);
            case KERNEL_RANGE -> w.global() && covers(w, call.a(), call.b());
        };
    }

    /**
     * Whether the entry translates a page the tlb-v7.S range loop visits for [start, end) (end capped
     * at 4 GiB): {@code r0} and {@code r1} shifted right and left by PAGE_SHIFT, then
     * {@code 1: mcr r0; add r0, r0, #PAGE_SZ; cmp r0, r1; blo 1b}, so the pages from the rounded
     * start, the first always, while below the rounded end.
     */
    private static boolean covers(Walk w, long start, long end) {
        long r0 = (start >>> 12) << 12;
        long r1 = (Math.min(end, TOP) >>> 12) << 12;
        // the last page the loop visits: the one below r1 when the loop went on past the first
        long last = r1 > r0 ? r1 - PAGE : r0;
        return w.va() <= last + PAGE - 1 && r0 < w.va() + w.size();
    }
}
