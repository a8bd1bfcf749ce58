package armmm.model.tlb;

import armmm.model.core.Result;
import armmm.model.vmalloc.VmapAreas;

/**
 * The kernel-range shootdowns begun as steps other CPUs can see ({@link BegunCall} with no mm):
 * {@code purge_vmap_area_lazy_begin}, vfree's lazy purge ({@code __purge_vmap_area_lazy},
 * mm/vmalloc.c), whose {@code flush_tlb_kernel_range} is arch/arm/mm/tlb-v7.S
 * {@code v7wbi_flush_kern_tlb_range}: {@code dsb ish}, TLBIMVAAIS per page, {@code dsb ish}
 * (no flush-all above any size on arch/arm, unlike arm64's {@code __flush_tlb_kernel_range}).
 */
final class KernelRangeCalls {
    /**
     * At most this many TLBI steps per range: a purge's span can run to tens of thousands of pages;
     * the loop's pages are issued in that many equal runs, one {@link Tlbi} record each. An issued
     * operation changes nothing any CPU sees before the {@code dsb} completing it, so how the
     * loop's issues are grouped is not observable.
     */
    static final int MAX_TLBI_STEPS = 8;

    private KernelRangeCalls() {
    }

    /**
     * {@code purge_vmap_area_lazy} begun on {@code cpu}: {@code mutex_lock(&vmap_purge_lock)},
     * the purge list taken whole and its span computed; then, a step each, {@code dsb ish}, the
     * TLBIMVAAIS loop, {@code dsb ish} (vmalloc's record of the owed flushes of the taken areas
     * ends there: INV-TLB-01's tolerance of their pages' old global entries ends with the
     * completing {@code dsb}), the areas back to the free tree, the return (the mutex released).
     * 0 when the list was empty (nothing begun, as {@code __purge_vmap_area_lazy} returns false at
     * once), else the steps left.
     */
    static Result purgeBegin(Tlbs t, VmapAreas areas, int cpu) {
        String call = "purge_vmap_area_lazy_begin";
        Result bad = t.idle(call, cpu);
        if (bad != null) {
            return bad;
        }
        if (areas.purgeLockHeld()) {
            return Result.refused(call + ": vmap_purge_lock is held by a begun purge; step it to its return");
        }
        BegunCall c = new BegunCall("purge_vmap_area_lazy", -1, 0, cpu, false);
        boolean flushFirst = t.bugs().contains(TlbBug.PURGE_FLUSH_BEFORE_TAKE);
        long[] span;
        if (flushFirst) {
            // the planted order: the span read off the purge list, flushed, and only then the list taken
            java.util.List<long[]> lazy = areas.purgeRanges();
            if (lazy.isEmpty()) {
                return Result.of(0);
            }
            span = new long[] {lazy.get(0)[0], lazy.get(lazy.size() - 1)[1]};
            areas.lockPurge();
        } else {
            span = areas.beginPurge();
            if (span == null) {
                return Result.of(0);
            }
        }
        boolean flushes = !t.bugs().contains(TlbBug.PURGE_NO_FLUSH);
        if (flushes) {
            queueRange(c, span[0], span[1], flushFirst ? null : areas::purgeFlushed);
        }
        if (flushFirst) {
            c.steps().add(kernel("list_replace_init(&purge_vmap_area_list, &local_purge_list)", () -> {
                areas.beginPurge();
                areas.purgeFlushed();
            }));
        } else if (!flushes) {
            // PURGE_NO_FLUSH: vmalloc believes it flushed (its record ends), the TLBs were never told
            c.steps().add(kernel("flush_tlb_kernel_range left out", areas::purgeFlushed));
        }
        c.steps().add(kernel("merge_or_add_vmap_area_augment of each taken area", areas::endPurge));
        c.steps().add(new BegunCall.Step(BegunCall.Kind.RETURN, null));
        c.result(Result.VOID);
        t.begin(c);
        return Result.of(c.steps().size());
    }

    private static BegunCall.Step kernel(String what, Runnable then) {
        return new BegunCall.Step(BegunCall.Kind.KERNEL, null, 0, what, then);
    }

    /**
     * {@code flush_tlb_kernel_range(start, end)} as {@code v7wbi_flush_kern_tlb_range} runs it:
     * {@code dsb ish}, the TLBIMVAAIS loop's pages ({@link TlbFlush#loopPages}) in at most
     * {@link #MAX_TLBI_STEPS} steps, {@code dsb ish}, which also runs {@code completed} (or null).
     */
    static void queueRange(BegunCall c, long start, long end, Runnable completed) {
        long from = start & -Tlbs.PAGE;
        long pages = TlbFlush.loopPages(start, end);
        long per = (pages + MAX_TLBI_STEPS - 1) / MAX_TLBI_STEPS;
        c.steps().add(new BegunCall.Step(BegunCall.Kind.DSB, null));
        for (long done = 0; done < pages; done += per) {
            long n = Math.min(per, pages - done);
            c.steps().add(new BegunCall.Step(BegunCall.Kind.TLBI, new Tlbi(Tlbi.Kind.TLBIMVAA, from + done * Tlbs.PAGE, 0, true, n)));
        }
        c.steps().add(new BegunCall.Step(BegunCall.Kind.DSB, null, 0, null, completed));
    }
}
