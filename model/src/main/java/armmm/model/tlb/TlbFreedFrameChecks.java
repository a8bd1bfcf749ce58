package armmm.model.tlb;

import armmm.model.asid.MmContext;
import armmm.model.core.Violation;
import armmm.model.page.PageAllocator;
import armmm.model.subsystem.Invariant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * INV-TLB-05: no user translation a CPU can still use reaches a frame the buddy allocator holds
 * free. The kernel frees what an unmap removed only after the flush: {@code zap_pte_range}
 * batches the pages ({@code __tlb_remove_page}) and {@code free_pgtables} the page tables
 * ({@code pte_free_tlb}), and {@code tlb_finish_mmu} → {@code tlb_flush_mmu} frees them after
 * {@code tlb_flush_mmu_tlbonly} (mm/mmu_gather.c; on ARM since commit 06824ba824b3). Read from the
 * TLBs, the ASID registers and the buddy allocator's own markings of a free block (PageBuddy with
 * its order, or a per-CPU list), as {@code is_free_buddy_page} (mm/page_alloc.c) reads them, not
 * from the model's allocation flag or the mm code's bookkeeping.
 *
 * <p>The entries checked are the non-global ones a CPU can use before the kernel's next flush of
 * them (INV-TLB-01's scope, a begun call's tolerated old entries included): those tagged with
 * the ASID in the CPU's CONTEXTIDR, and, on a CPU without {@code tlb_flush_pending}, those of an
 * ASID that an mm a task can still switch to holds in the current generation. An exited mm's
 * ASID is dead (no switch goes to it, and the number is handed out again only after the
 * rollover's flush), so its entries count only on a CPU whose CONTEXTIDR still carries it (the
 * lazy {@code active_mm}). Global entries are out of scope: the linear map translates every
 * lowmem frame, free or not.
 */
public final class TlbFreedFrameChecks {
    /** INV-TLB-05: no usable user TLB entry maps a frame free in the buddy allocator. */
    public static final String NO_FREED_FRAME = "INV-TLB-05";

    /** The invariant, registered by {@link TlbSubsystem}. */
    public static final Invariant INVARIANT = Invariant.on(NO_FREED_FRAME, Tlbs.class, TlbFreedFrameChecks::noFreedFrame);

    private static final long PAGE = 4096;

    private TlbFreedFrameChecks() {
    }

    /** INV-TLB-05 over every CPU's TLB. */
    public static List<Violation> noFreedFrame(Tlbs t) {
        PageAllocator pages = t.pages();
        if (pages == null) {
            return List.of();
        }
        List<Violation> out = new ArrayList<>();
        Set<Integer> switchable = switchableAsids(t);
        long mask = t.asid().config().asidNumberMask();
        for (int cpu = 0; cpu < t.nrCpus(); cpu++) {
            long tag = t.asid().cpu(cpu).contextidr() & mask;
            boolean pending = t.asid().tlbFlushPending(cpu);
            for (TlbEntry e : t.tlb(cpu).entries()) {
                Walk w = e.walk();
                if (w.global() || (e.asid() != tag && (pending || !switchable.contains(e.asid())))) {
                    continue;
                }
                for (long pa = w.pa(); pa < w.pa() + w.size(); pa += PAGE) {
                    if (freeInBuddy(pages, pa >>> 12)) {
                        out.add(new Violation(NO_FREED_FRAME, "TLB entry maps a free page",
                                String.format("cpu %d holds %s: pfn %#x is free in the buddy allocator", cpu, e, pa >>> 12)));
                    }
                }
            }
        }
        return out;
    }

    /** The ASID numbers that live, not exited, mms hold in the current generation. */
    private static Set<Integer> switchableAsids(Tlbs t) {
        int bits = t.asid().config().asidBits();
        long generation = t.asid().asidGeneration() >>> bits;
        Set<Integer> out = new HashSet<>();
        for (Map.Entry<Long, MmContext> e : t.contexts().entrySet()) {
            long id = e.getValue().contextId();
            if (id != 0 && (id >>> bits) == generation && !t.exited(e.getKey())) {
                out.add((int) (id & ((1L << bits) - 1)));
            }
        }
        return out;
    }

    /**
     * Whether {@code pfn} lies in a free block: some block of order o aligned around it has its head
     * marked PageBuddy (on a free list) or on a per-CPU list, with an order of at least o.
     */
    static boolean freeInBuddy(PageAllocator pages, long pfn) {
        for (int order = 0; order < PageAllocator.MAX_ORDER; order++) {
            long head = pfn & -(1L << order);
            if (!pages.hasPfn(head)) {
                return false;
            }
            if ((pages.isBuddy(head) || pages.isOnPcp(head)) && pages.order(head) >= order) {
                return true;
            }
        }
        return false;
    }
}
