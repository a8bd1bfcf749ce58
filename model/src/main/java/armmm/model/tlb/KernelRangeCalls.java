package armmm.model.tlb;

import armmm.model.core.Result;
import armmm.model.highmem.FlushEvent;
import armmm.model.highmem.Highmem;
import armmm.model.highmem.HighmemOp;
import armmm.model.subsystem.Op;
import armmm.model.vmalloc.VmapAreas;
import java.util.HashSet;
import java.util.Set;

/**
 * The kernel-range shootdowns begun as steps other CPUs can see ({@link BegunCall} with no mm):
 * {@code purge_vmap_area_lazy_begin}, vfree's lazy purge ({@code __purge_vmap_area_lazy},
 * mm/vmalloc.c), whose {@code flush_tlb_kernel_range} is arch/arm/mm/tlb-v7.S
 * {@code v7wbi_flush_kern_tlb_range}: {@code dsb ish}, TLBIMVAAIS per page, {@code dsb ish}
 * (no flush-all above any size on arch/arm, unlike arm64's {@code __flush_tlb_kernel_range}); and
 * {@code kmap_begin}, a {@code kmap} whose {@code map_new_virtual} wraps and runs
 * {@code flush_all_zero_pkmaps} (mm/highmem.c) under {@code kmap_lock}.
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

    /**
     * {@code kmap(page)} begun on {@code cpu} under {@code kmap_lock}. When {@code map_new_virtual}
     * wraps and {@code flush_all_zero_pkmaps} cleared slots (count 1: PTE and hash entry), the
     * begin is those clears; then, a step each, {@code flush_tlb_kernel_range(PKMAP_ADDR(0),
     * PKMAP_ADDR(LAST_PKMAP))} ({@code dsb ish}, the TLBIMVAAIS loop, {@code dsb ish}), the new
     * slot's {@code set_pte_at} (the hardware walk finds it clear until then), and the return with
     * {@code kmap_lock} released. Until the completing {@code dsb}, INV-TLB-01 tolerates exactly
     * the global pkmap entries that agreed with {@code swapper_pg_dir} just before the clears.
     * Without a flush (no wrap, a lowmem page, a slot already mapped) the call is whole and
     * nothing is begun. The address, as {@code kmap} returns it.
     */
    static Result kmapBegin(Tlbs t, Highmem h, long page, int cpu) {
        String call = "kmap_begin";
        Result bad = t.idle(call, cpu);
        if (bad == null) {
            bad = kmapLockHeld(t, new HighmemOp.Kmap(page, false, cpu));
        }
        if (bad != null) {
            return bad;
        }
        long base = h.pkmap().pkmapAddr(0);
        long end = h.pkmap().pkmapAddr(armmm.model.highmem.Pkmap.LAST_PKMAP);
        Set<TlbEntry> old = kernelEntries(t, base, end);
        Result r = h.kmap(page, cpu, false);
        FlushEvent flush = null;
        for (FlushEvent e : h.flushEvents()) {
            if (e.kind() == FlushEvent.Kind.RANGE) {
                flush = e;
            }
        }
        if (r.isRefused() || flush == null) {
            // a whole kmap (its flush, if any, the highmem hook's at the step's end)
            return r;
        }
        BegunCall c = new BegunCall("kmap", -1, base, cpu, false);
        c.old(old);
        long va = r.value() & -Tlbs.PAGE;
        t.processTables().clearUntilSet(-1, va);
        queueRange(c, flush.start(), flush.end(), null);
        c.steps().add(new BegunCall.Step(BegunCall.Kind.SET_PTE, null, va));
        c.steps().add(new BegunCall.Step(BegunCall.Kind.RETURN, null));
        c.result(r);
        t.begin(c);
        return r;
    }

    /** The global entries, on every CPU, of pages in {@code [start, end)} that agree with {@code swapper_pg_dir} now. */
    private static Set<TlbEntry> kernelEntries(Tlbs t, long start, long end) {
        Set<TlbEntry> out = new HashSet<>();
        for (int c = 0; c < t.nrCpus(); c++) {
            for (TlbEntry e : t.tlb(c).entries()) {
                long va = e.walk().va();
                if (e.walk().global() && va >= start && va < end && e.walk().sameTranslation(t.tables().walkKernel(va))) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /**
     * The refusal of {@code op} when it takes {@code kmap_lock} ({@code kmap} or {@code kunmap} of
     * a highmem page, or {@code kmap_begin}) while a begun kmap holds it; else null.
     */
    static Result kmapLockHeld(Tlbs t, Op op) {
        long page = op instanceof HighmemOp.Kmap k ? k.page() : op instanceof HighmemOp.Kunmap u ? u.page() : -1;
        Highmem h = t.highmem();
        if (page == -1) {
            return null;
        }
        for (int c = 0; c < t.nrCpus(); c++) {
            BegunCall b = t.begun(c);
            if (b != null && b.name().equals("kmap") && h != null && h.takesKmapLock(page)) {
                return Result.waits(op.name() + ": kmap_lock is held by kmap_begin on cpu " + c + "; step it to its return");
            }
        }
        return null;
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
