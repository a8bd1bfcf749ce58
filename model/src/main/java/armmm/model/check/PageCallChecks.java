package armmm.model.check;

import armmm.model.core.Violation;
import armmm.model.subsystem.Invariant;
import armmm.model.page.PageOp;
import armmm.model.core.Result;
import armmm.model.page.BuddyZone;
import armmm.model.core.Gfp;
import armmm.model.page.MigrateType;
import armmm.model.page.PageAllocator;
import armmm.model.zone.ZoneType;
import java.util.ArrayList;
import java.util.List;

/**
 * Postconditions of the page allocator's calls (mm/page_alloc.c {@code __alloc_pages},
 * {@code __free_pages}, {@code split_page}): INV-CALL-*. Each compares the call's result with
 * what the kernel's rules give from the state before the call ({@link PageCall}), stated with
 * {@link GfpRules} and not with the allocator's own helpers.
 */
public final class PageCallChecks {
    private PageCallChecks() {
    }

    /** The four call postconditions; they apply to kernels that have a page allocator. */
    public static final List<Invariant> ALL = List.of(
            Invariant.on("INV-CALL-01", PageAllocator.class, pa -> call(pa, PageCallChecks::allocationShape)),
            Invariant.on("INV-CALL-02", PageAllocator.class, pa -> call(pa, PageCallChecks::nullJustified)),
            Invariant.on("INV-CALL-03", PageAllocator.class, pa -> call(pa, PageCallChecks::freeOutcome)),
            Invariant.on("INV-CALL-04", PageAllocator.class, pa -> call(pa, PageCallChecks::drainOutcome)));

    private interface Check {
        List<Violation> apply(PageAllocator pa, PageCall c);
    }

    /** Runs {@code check} on the last call if it was a page call ({@link PageCall#last}). */
    private static List<Violation> call(PageAllocator pa, Check check) {
        PageCall c = PageCall.last(pa);
        if (c == null || c.result() == null) {
            return List.of();
        }
        return check.apply(pa, c);
    }

    private static boolean isAlloc(PageCall c) {
        return c.op instanceof PageOp.AllocPages || c.op instanceof PageOp.AllocPage || c.op instanceof PageOp.GetFreePages;
    }

    private static String pfn(long pfn) {
        return String.format("pfn:%05x", pfn);
    }

    private static String zoneName(int zi) {
        return zi < 0 ? "no zone" : ZoneType.values()[zi].kernelName();
    }

    /** The pfn an allocation returned, -1 for NULL. */
    private static long returnedPfn(PageAllocator pa, PageCall c) {
        long v = c.result().value();
        if (v == 0) {
            return -1;
        }
        return c.op instanceof PageOp.GetFreePages ? pa.layout().virtToPfn(v) : pa.layout().pageToPfn(v);
    }

    /**
     * INV-CALL-01: an allocation returns a block of its order: aligned to it, in a zone its mask
     * allows, one reference on the head, a compound head and tails exactly with __GFP_COMP and
     * order above 0, not from a CMA pageblock unless the request is Movable, and its zone's free
     * plus per-CPU pages down by exactly 2^order; a split gives each page one reference.
     */
    static List<Violation> allocationShape(PageAllocator pa, PageCall c) {
        Result r = c.result();
        List<Violation> out = new ArrayList<>();
        if (c.op instanceof PageOp.SplitPage && !r.isRefused()) {
            for (long p = c.frame.pfn(); p < c.frame.pfn() + (1L << c.order); p++) {
                if (pa.refcount(p) != 1) {
                    out.add(new Violation("INV-CALL-01", "split page without its reference",
                            pfn(p) + " refcount " + pa.refcount(p) + " after split_page order " + c.order));
                    break;
                }
            }
            return out;
        }
        if (!isAlloc(c) || r.isRefused() || r.value() == 0) {
            return out;
        }
        long p = returnedPfn(pa, c);
        String what = Gfp.format(c.gfp) + " order " + c.order;
        if (!pa.hasPfn(p)) {
            return List.of(new Violation("INV-CALL-01", "allocation outside mem_map", pfn(p) + " for " + what));
        }
        long n = 1L << c.order;
        if ((p & (n - 1)) != 0) {
            out.add(new Violation("INV-CALL-01", "block not aligned to its order", pfn(p) + " for " + what));
        }
        int zi = PageCall.zoneOfPfn(pa, p);
        int allowed = GfpRules.highestZone(c.gfp);
        if ((zi < 0 || zi > allowed || PageCall.zoneOfPfn(pa, p + n - 1) != zi) && !BuddyChecks.inSpillWindow(pa, p, n, allowed)) {
            out.add(new Violation("INV-CALL-01", "block from a zone the mask does not allow", pfn(p) + " in "
                    + zoneName(zi) + " for " + what + ", highest allowed " + zoneName(allowed)));
            return out;
        }
        if (pa.refcount(p) != 1) {
            out.add(new Violation("INV-CALL-01", "new block without exactly one reference",
                    pfn(p) + " refcount " + pa.refcount(p) + " for " + what));
        }
        boolean compound = c.order > 0 && (c.gfp & Gfp.COMP) != 0;
        boolean head = (pa.pageFlags(p) & (1L << PageAllocator.PG_HEAD)) != 0;
        if (head != compound) {
            out.add(new Violation("INV-CALL-01", compound ? "compound block without PageHead" : "PageHead on a plain block",
                    pfn(p) + " for " + what));
        }
        for (long t = p + 1; t < p + n; t++) {
            if (pa.isTail(t) != compound) {
                out.add(new Violation("INV-CALL-01", compound ? "compound tail without PageTail" : "PageTail in a plain block",
                        pfn(t) + " of " + pfn(p) + " for " + what));
                break;
            }
        }
        if (GfpRules.migratetype(c.gfp, c.mobilityDisabled) != MigrateType.MOVABLE && pa.pageblockMigratetype(p) == MigrateType.CMA) {
            out.add(new Violation("INV-CALL-01", "CMA pageblock given to an unmovable request", pfn(p) + " for " + what));
        }
        List<Violation> drop = dropCheck(pa, c, zi, n, what);
        int lower = BuddyChecks.spillLower(pa, p, n);
        if (!drop.isEmpty() && lower >= 0 && lower != zi && dropCheck(pa, c, lower, n, what).isEmpty()) {
            // a piece of the window the boot hand-over put on the lower zone's lists, given from there
            drop = List.of();
        }
        out.addAll(drop);
        return out;
    }

    /** The zones whose free + per-CPU pages did not change as a block of {@code n} from zone {@code zi} makes them. */
    private static List<Violation> dropCheck(PageAllocator pa, PageCall c, int zi, long n, String what) {
        List<Violation> out = new ArrayList<>();
        for (ZoneType t : ZoneType.values()) {
            PageCall.ZoneBefore b = c.zones[t.ordinal()];
            if (b == null) {
                continue;
            }
            BuddyZone z = pa.zone(t);
            long now = z.freePages() + pcpPages(pa, z);
            long expected = b.freeAndCached() - (t.ordinal() == zi ? n : 0);
            // a block 6.1 reported on the way (check_new_pages at a refill or in rmqueue_buddy) leaks
            if (now != expected && !(reportedBadPage(c.result()) && now < expected)) {
                out.add(new Violation("INV-CALL-01", "free pages did not drop by the block", "zone " + t.kernelName()
                        + ": free + per-CPU " + b.freeAndCached() + " -> " + now + ", expected " + expected + " after "
                        + what + " from " + zoneName(zi)));
            }
        }
        return out;
    }

    private static long pcpPages(PageAllocator pa, BuddyZone z) {
        long n = 0;
        for (int cpu = 0; cpu < pa.nrCpus(); cpu++) {
            n += z.pcp(cpu).count();
        }
        return n;
    }

    /**
     * INV-CALL-02: a NULL is justified: no zone of the zonelist the mask allows had, before the
     * call, its free pages above the min watermark the most lenient pass may use (lowered for
     * __GFP_HIGH and non-blocking requests, plus {@code lowmem_reserve[gfp_zone]}, less the
     * CMA and high-atomic pages the pass may not count) together with a free block of the order
     * on a list the pass may take from; nor, with __GFP_MEMALLOC, any such block at all.
     */
    static List<Violation> nullJustified(PageAllocator pa, PageCall c) {
        if (!isAlloc(c) || c.result().isRefused() || c.result().value() != 0) {
            return List.of();
        }
        int highest = GfpRules.highestZone(c.gfp);
        if (highest < 0 || c.order < 0 || c.order >= PageAllocator.MAX_ORDER) {
            return List.of();
        }
        GfpRules.Pass pass = GfpRules.slowPass(c.gfp, c.order, c.mobilityDisabled);
        // blocks 6.1 took and found unfit on the way (reported, leaked) were no use to it: the lists it left
        PageCall.ZoneBefore[] lists = reportedBadPage(c.result()) ? c.zonesNow(pa) : c.zones;
        for (int zi = highest; zi >= 0; zi--) {
            PageCall.ZoneBefore b = c.zones[zi];
            if (b == null) {
                continue;
            }
            boolean served = pass.noWatermarks() ? blockFor(lists[zi], c, pass, true) : watermarkOk(b, c, pass, highest)
                    && blockFor(lists[zi], c, pass, false);
            if (served) {
                return List.of(new Violation("INV-CALL-02", "NULL while a zone could serve", "zone " + zoneName(zi)
                        + " had zone_page_state(NR_FREE_PAGES) " + b.statFree() + " (min " + b.config().min() + ", protection "
                        + b.config().lowmemReserve()[highest] + ") and a free block of order " + c.order + " or more for "
                        + Gfp.format(c.gfp) + " order " + c.order + ", yet the allocation returned NULL"));
            }
        }
        return List.of();
    }

    private static boolean watermarkOk(PageCall.ZoneBefore b, PageCall c, GfpRules.Pass pass, int highest) {
        // the kernel decides on zone_page_state, the global counter behind the per-CPU vmstat diffs
        long free = b.statFree() - ((1L << c.order) - 1);
        if (!pass.reserves()) {
            free -= b.highatomic();
        }
        if (!pass.cma()) {
            free -= b.statCma();
        }
        // the slow pass checks min + watermark_boost; zone_watermark_fast looks again at plain min
        // for an order-0 __GFP_ATOMIC request
        long mark = c.order == 0 && (c.gfp & Gfp.ATOMIC) != 0 ? b.config().min() : b.config().min() + b.watermarkBoost();
        return free > pass.min(mark) + b.config().lowmemReserve()[highest];
    }

    /** A block the pass can take: on a list it may use, of the order or above (or this CPU's list, for order 0). */
    private static boolean blockFor(PageCall.ZoneBefore b, PageCall c, GfpRules.Pass pass, boolean noWatermarks) {
        if (c.order == 0 && b.pcpHasPage() && (pass.cma() || GfpRules.migratetype(c.gfp, c.mobilityDisabled) != MigrateType.MOVABLE)) {
            return true;
        }
        int usable = 0;
        for (int mt = 0; mt < MigrateType.PCPTYPES; mt++) {
            usable |= 1 << mt;
        }
        if (pass.cma()) {
            usable |= 1 << MigrateType.CMA.ordinal();
        }
        // the high-atomic reserve: through the watermark's order loop only with ALLOC_HIGHATOMIC
        // (order > 0), and in rmqueue_buddy after a failure for non-blocking requests (order 0)
        boolean highatomic = c.order > 0 ? pass.highatomic() : pass.nonBlock() && !noWatermarks;
        if (highatomic) {
            usable |= 1 << MigrateType.HIGHATOMIC.ordinal();
        }
        for (int o = c.order; o < PageAllocator.MAX_ORDER; o++) {
            if ((b.nonEmptyLists()[o] & usable) != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * INV-CALL-03: a free has the outcome 6.1 gives it, by the struct page it names and the build
     * (CONFIG_DEBUG_VM or not): no struct page, no zone or an impossible CPU is refused; a reference
     * count of 0 or below (freed twice, a tail, never allocated) is refused with DEBUG_VM, and
     * without it the model's finding (the count one lower, or, where the tail blocks would be freed
     * again, refused with the count as it was); PG_reserved, another order than allocated, or the
     * last reference of a PG_slab page is refused, as the model's finding where 6.1 without
     * DEBUG_VM checks nothing; none of these changes the free pages. A count above 1 only drops a
     * reference; the last reference gives the zone back exactly 2^order pages, unless a tail
     * page's count is not 0 (reported, nothing freed) or a drain reported a page (that block leaks).
     */
    static List<Violation> freeOutcome(PageAllocator pa, PageCall c) {
        boolean free = c.op instanceof PageOp.FreePages || c.op instanceof PageOp.FreePagesVirt;
        if (!free) {
            return List.of();
        }
        Result r = c.result();
        if (c.op instanceof PageOp.FreePagesVirt v && v.addr() == 0) {
            return r.isRefused() ? List.of(new Violation("INV-CALL-03", "free_pages(0) refused", "free_pages of 0 does nothing"))
                    : List.of();
        }
        PageCall.FrameBefore f = c.frame;
        String what = c.op.toString();
        boolean debugVm = pa.debugVm();
        List<Violation> out = new ArrayList<>();
        if (f != null && f.zone() >= 0 && c.cpu >= 0 && c.cpu < pa.nrCpus() && f.refcount() <= 0 && !debugVm) {
            underflow(pa, c, f, what, out);
            return out;
        }
        String wrong = null;
        // without CONFIG_DEBUG_VM, 6.1 goes on silently where the model stops: its finding, not a report
        boolean silent = false;
        if (f == null || f.zone() < 0) {
            wrong = "a page with no struct page or zone";
        } else if (c.cpu < 0 || c.cpu >= pa.nrCpus()) {
            wrong = "an impossible CPU";
        } else if (f.refcount() <= 0) {
            wrong = "a page whose reference count is already 0";
        } else if (f.reserved()) {
            wrong = "a PG_reserved page";
            silent = !debugVm && c.order == 0;
        } else if (f.order() != c.order && !debugVm && c.order < f.order() && !f.head() && f.refcount() == 1) {
            smallerOrder(pa, c, f, what, out);
            return out;
        } else if (f.order() != c.order) {
            wrong = "a block of order " + f.order() + " with order " + c.order;
            silent = !debugVm;
        } else if (f.slab() && f.refcount() == 1) {
            // the last reference of a slab's page: PG_slab is in PAGE_FLAGS_CHECK_AT_FREE
            wrong = "a PG_slab page";
            silent = !debugVm && c.order == 0;
        }
        if (wrong != null) {
            if (!r.isRefused()) {
                out.add(new Violation("INV-CALL-03", "wrong free accepted", what + " frees " + wrong
                        + ", which must be " + (silent ? "the model's finding" : "reported") + ", and was accepted"));
            } else if (silent && !r.isModelFinding()) {
                out.add(new Violation("INV-CALL-03", "kernel report where 6.1 is silent", what + " frees " + wrong
                        + ": 6.1 without CONFIG_DEBUG_VM reports nothing, the refusal must be the model's finding"));
            }
            unchanged(pa, c, what, out);
            return out;
        }
        if (r.isRefused() && !r.isModelFinding() && unfitTail(pa, f.pfn(), c.order)) {
            // free_pages_prepare checks every tail page (free_page_is_bad): one a double free took
            // below 0 is reported, and the block leaks
            unchanged(pa, c, what, out);
            return out;
        }
        if (r.isRefused()) {
            out.add(new Violation("INV-CALL-03", "good free refused", what + " drops reference " + f.refcount()
                    + " of a live order-" + c.order + " block and was refused: " + ((Result.Refused) r).reason()));
            return out;
        }
        int ref = pa.refcount(f.pfn());
        if (f.refcount() > 1) {
            if (ref != f.refcount() - 1) {
                out.add(new Violation("INV-CALL-03", "reference not dropped", what + ": refcount " + f.refcount() + " -> " + ref));
            }
            unchanged(pa, c, what, out);
            return out;
        }
        if (ref != 0) {
            out.add(new Violation("INV-CALL-03", "freed page keeps a reference", what + ": refcount " + ref));
        }
        givenBack(pa, c, f, what, out);
        return out;
    }

    /**
     * A free of a page with no reference left, without CONFIG_DEBUG_VM: {@code put_page_testzero}
     * takes the count one lower and nothing is freed, the model's finding (the kernel is silent);
     * a non-compound block of order above 0 would have its tail blocks freed again, which the model
     * refuses with its finding, the count as it was. No zone's free pages change either way.
     */
    private static void underflow(PageAllocator pa, PageCall c, PageCall.FrameBefore f, String what, List<Violation> out) {
        Result r = c.result();
        boolean tailsAgain = c.order > 0 && !f.head();
        int ref = pa.refcount(f.pfn());
        if (!r.isModelFinding() || r.isRefused() != tailsAgain) {
            out.add(new Violation("INV-CALL-03", "double free not found", what + " with _refcount " + f.refcount()
                    + " must be the model's finding (" + (tailsAgain ? "refused: its tail blocks would be freed again"
                    : "the count goes one lower") + "), found " + r));
        } else if (ref != (tailsAgain ? f.refcount() : f.refcount() - 1)) {
            out.add(new Violation("INV-CALL-03", "underflow not as 6.1 leaves it", what + ": _refcount " + f.refcount()
                    + " -> " + ref + ", expected " + (tailsAgain ? f.refcount() : f.refcount() - 1)));
        }
        unchanged(pa, c, what, out);
    }

    /**
     * INV-CALL-04: {@code drain_local_pages} on a CPU empties that CPU's per-CPU lists. Each block
     * whose first page has a reference count of 0 goes to its zone's free lists; without
     * CONFIG_DEBUG_VM each block whose first page has another count (a double free took it below
     * 0) is reported ({@code bulkfree_pcp_prepare}: the result carries its {@code Bad page state}
     * line) and leaks, on no list; with CONFIG_DEBUG_VM nothing is checked there. Each zone's free
     * pages go up by exactly the blocks given back, and nothing else is reported.
     */
    static List<Violation> drainOutcome(PageAllocator pa, PageCall c) {
        if (!(c.op instanceof PageOp.DrainLocalPages) || c.drained == null || c.result().isRefused()) {
            return List.of();
        }
        Result r = c.result();
        String warning = r instanceof Result.Warned w && w.origin() == Result.Origin.KERNEL ? w.warning() : "";
        List<Violation> out = new ArrayList<>();
        long[] back = new long[ZoneType.values().length];
        boolean anyBad = false;
        for (PageCall.PcpBlock b : c.drained) {
            String at = pfn(b.pfn()) + " ";
            boolean bad = b.refcount() != 0 && !pa.debugVm();
            anyBad |= bad;
            if (!bad) {
                back[b.zone()] += 1L << b.order();
                if (warning.contains(at)) {
                    out.add(new Violation("INV-CALL-04", "fit page reported", at + "refcount 0 reported at the drain: " + warning));
                }
            } else if (!warning.contains(at)) {
                out.add(new Violation("INV-CALL-04", "bad page not reported at the drain", at + "refcount " + b.refcount()
                        + " on cpu " + c.cpu + "'s per-CPU list: bulkfree_pcp_prepare reports it, the result was " + r));
            } else if (pa.isBuddy(b.pfn()) || pa.isOnPcp(b.pfn())) {
                out.add(new Violation("INV-CALL-04", "reported page freed", at + "was reported at the drain and is on a list"));
            }
        }
        if (!anyBad && !warning.isEmpty()) {
            out.add(new Violation("INV-CALL-04", "report without a bad page", "drain_local_pages reported: " + warning));
        }
        for (ZoneType t : ZoneType.values()) {
            PageCall.ZoneBefore b = c.zones[t.ordinal()];
            if (b == null) {
                continue;
            }
            BuddyZone z = pa.zone(t);
            if (z.pcp(c.cpu).count() != 0) {
                out.add(new Violation("INV-CALL-04", "per-CPU list not emptied", "zone " + t.kernelName() + " cpu " + c.cpu
                        + ": count " + z.pcp(c.cpu).count() + " after drain_local_pages"));
            }
            if (z.freePages() - b.freePages() != back[t.ordinal()]) {
                out.add(new Violation("INV-CALL-04", "drained pages not given back", "zone " + t.kernelName() + ": free "
                        + b.freePages() + " -> " + z.freePages() + ", expected " + back[t.ordinal()] + " more"));
            }
        }
        return out;
    }

    /**
     * A non-compound allocation freed with a smaller order, without CONFIG_DEBUG_VM: 6.1 does not
     * check the order, so its last reference goes and the first 2^order pages are given back
     * (the model's finding: nothing is reported), and the rest is on no list; or a page of that
     * first part is unfit and 6.1 reports it, freeing nothing.
     */
    private static void smallerOrder(PageAllocator pa, PageCall c, PageCall.FrameBefore f, String what, List<Violation> out) {
        Result r = c.result();
        if (r.isRefused()) {
            if (r.isModelFinding() || !unfitTail(pa, f.pfn(), c.order)) {
                out.add(new Violation("INV-CALL-03", "smaller-order free refused", what + " of an order-" + f.order()
                        + " allocation: 6.1 frees its first " + (1L << c.order) + " pages, but the call was refused: " + r));
            }
            unchanged(pa, c, what, out);
            return;
        }
        if (!r.isModelFinding()) {
            out.add(new Violation("INV-CALL-03", "smaller-order free not found", what + " of an order-" + f.order()
                    + " allocation must be the model's finding (6.1 leaks the rest silently), found " + r));
        }
        if (pa.refcount(f.pfn()) != 0) {
            out.add(new Violation("INV-CALL-03", "freed page keeps a reference", what + ": refcount " + pa.refcount(f.pfn())));
        }
        for (long p = f.pfn() + (1L << c.order); p < f.pfn() + (1L << f.order()); p++) {
            if (pa.isBuddy(p) || pa.isOnPcp(p)) {
                out.add(new Violation("INV-CALL-03", "pages past the freed order freed", what + " of an order-" + f.order()
                        + " allocation: " + pfn(p) + " is on a list"));
                break;
            }
        }
        givenBack(pa, c, f, what, out);
    }

    /**
     * The freed 2^order pages are back in the zone, free or on a per-CPU list (fewer only when the
     * call reported a bad page, whose block leaks).
     */
    private static void givenBack(PageAllocator pa, PageCall c, PageCall.FrameBefore f, String what, List<Violation> out) {
        BuddyZone z = pa.zone(ZoneType.values()[f.zone()]);
        long now = z.freePages() + pcpPages(pa, z);
        long expected = c.zones[f.zone()].freeAndCached() + (1L << c.order);
        if (now != expected && !(reportedBadPage(c.result()) && now < expected)) {
            out.add(new Violation("INV-CALL-03", "freed block not given back", "zone " + z.config().type().kernelName()
                    + ": free + per-CPU " + c.zones[f.zone()].freeAndCached() + " -> " + now + ", expected " + expected
                    + " after " + what));
        }
    }

    /** True when a page of the block after its first has a reference count other than 0. */
    private static boolean unfitTail(PageAllocator pa, long pfn, int order) {
        for (long p = pfn + 1; p < pfn + (1L << order); p++) {
            if (pa.hasPfn(p) && pa.refcount(p) != 0) {
                return true;
            }
        }
        return false;
    }

    /** True when the call went on after 6.1 printed a {@code Bad page state} report (a block it leaks). */
    static boolean reportedBadPage(Result r) {
        return r instanceof Result.Warned w && w.warning().contains("BUG: Bad page state");
    }

    private static void unchanged(PageAllocator pa, PageCall c, String what, List<Violation> out) {
        for (ZoneType t : ZoneType.values()) {
            PageCall.ZoneBefore b = c.zones[t.ordinal()];
            if (b == null) {
                continue;
            }
            BuddyZone z = pa.zone(t);
            long now = z.freePages() + pcpPages(pa, z);
            if (now != b.freeAndCached()) {
                out.add(new Violation("INV-CALL-03", "reported free changed the free pages", "zone " + t.kernelName()
                        + ": free + per-CPU " + b.freeAndCached() + " -> " + now + " after " + what));
            }
        }
    }

}
