package armmm.model.tlb;

/**
 * One TLB maintenance operation as issued by a CPU (ARMv7-A ARM B4.2.3, the CP15 c8 operations):
 * which entries it invalidates, and whether it is the inner-shareable (broadcast) form that acts
 * on every CPU's TLB ({@code mcr p15, 0, Rt, c8, c3, op2}) or the local one ({@code c8, c7}).
 *
 * @param kind      TLBIALL, TLBIASID, TLBIMVA or TLBIMVAA
 * @param va        the address (MVA forms)
 * @param asid      the ASID (ASID and MVA forms)
 * @param shareable the IS form
 * @param pages     for the MVA forms, how many consecutive pages from {@code va} one loop of the
 *                  kernel's covers ({@code v7wbi_flush_user_tlb_range} issues one operation per
 *                  page; the model completes the loop as one record); 1 for a single operation
 */
public record Tlbi(Kind kind, long va, int asid, boolean shareable, long pages) {

    /** One operation (a page for the MVA forms). */
    public Tlbi(Kind kind, long va, int asid, boolean shareable) {
        this(kind, va, asid, shareable, 1);
    }

    /** The four invalidations of a unified TLB. */
    public enum Kind {
        /** Invalidate entire TLB: every entry, global or not. */
        TLBIALL,
        /** Invalidate by ASID: the non-global entries of one ASID. */
        TLBIASID,
        /** Invalidate by MVA: the entries covering the address that are global or of the ASID. */
        TLBIMVA,
        /** Invalidate by MVA, all ASIDs: every entry covering the address. */
        TLBIMVAA
    }

    /** Whether the operation invalidates {@code e}. */
    public boolean hits(TlbEntry e) {
        Walk w = e.walk();
        return switch (kind) {
            case TLBIALL -> true;
            case TLBIASID -> !w.global() && e.asid() == asid;
            case TLBIMVA -> overlaps(w) && (w.global() || e.asid() == asid);
            case TLBIMVAA -> overlaps(w);
        };
    }

    private boolean overlaps(Walk w) {
        long from = va & ~0xfffL;
        return w.va() < from + pages * 4096 && from < w.va() + w.size();
    }

    /** The scenario name: {@code tlbimvais}, {@code tlbiall}, ... */
    public String spelling() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + (shareable ? "is" : "");
    }

    @Override
    public String toString() {
        String s = spelling();
        return switch (kind) {
            case TLBIALL -> s;
            case TLBIASID -> s + " " + asid;
            case TLBIMVA -> String.format("%s %#x %d", s, va, asid) + times();
            case TLBIMVAA -> String.format("%s %#x", s, va) + times();
        };
    }

    private String times() {
        return pages == 1 ? "" : " x" + pages + " pages";
    }
}
