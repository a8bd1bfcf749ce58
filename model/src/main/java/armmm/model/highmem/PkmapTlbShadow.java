package armmm.model.highmem;

import armmm.model.layout.Layout;
import armmm.model.mmu.KernelPageTables;
import java.util.List;

/**
 * The checker's record for INV-HIGHMEM-05: for each pkmap slot, the frame a TLB may still
 * translate it to since the last {@code flush_tlb_kernel_range} that covered it (pfn + 1, 0 for
 * none). It is fed after each step only by what the kernel makes visible: the pkmap PTEs of
 * {@code swapper_pg_dir} (a set PTE may be walked into any TLB) and the flushes the step asked
 * for ({@link Highmem#flushEvents()}, the list the TLB subsystem consumes). It reads nothing of
 * {@link Pkmap}'s bookkeeping. Within one call, mm/highmem.c flushes in
 * {@code flush_all_zero_pkmaps} before {@code map_new_virtual} writes the new slot's PTE, so after
 * a step with a covering flush a TLB may hold exactly what the PTEs then say.
 */
final class PkmapTlbShadow {
    private static final int SLOTS = (int) Layout.LAST_PKMAP;
    private final long[] mayHold = new long[SLOTS];

    /** pfn + 1 of the translation of slot {@code i} a TLB may hold, 0 for none. */
    long mayHold(int i) {
        return mayHold[i];
    }

    /**
     * After a step that concerns the pkmap area: a flush covering the whole area resets the record
     * to the PTEs; without one, a set PTE of a slot the record holds nothing for is what a TLB may
     * now hold (a changed PTE of a slot it holds something for stays the old frame: that is the
     * stale translation INV-HIGHMEM-05 reports).
     */
    void observe(KernelPageTables tables, long pkmapBase, List<FlushEvent> flushes) {
        long end = pkmapBase + ((long) SLOTS << 12);
        boolean flushed = false;
        for (FlushEvent e : flushes) {
            flushed |= e.kind() == FlushEvent.Kind.RANGE && e.start() <= pkmapBase && e.end() >= end;
        }
        for (int i = 0; i < SLOTS; i++) {
            int pte = tables.linuxPte(pkmapBase + ((long) i << 12));
            long now = pte == 0 ? 0 : (Integer.toUnsignedLong(pte) >>> 12) + 1;
            if (flushed || mayHold[i] == 0) {
                mayHold[i] = now;
            }
        }
    }
}
