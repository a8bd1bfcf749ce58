package armmm.model.page;

import static armmm.model.page.MemMap.F_ALLOC;
import static armmm.model.page.MemMap.F_BUDDY;
import static armmm.model.page.MemMap.F_HEAD;
import static armmm.model.page.MemMap.F_LEAKED;
import static armmm.model.page.MemMap.F_PCP;
import static armmm.model.page.MemMap.F_RESERVED;
import static armmm.model.page.MemMap.F_TAIL;

import armmm.model.core.Result;

/**
 * {@code bad_page} and {@code page_bad_reason} (mm/page_alloc.c) as {@code free_pages_prepare},
 * {@code free_page_is_bad} and {@code check_new_pages} apply them: why a page is unfit to free or
 * to hand out, and the report.
 */
final class BadPage {
    private final MemMap m;
    private final MemMapLayout layout;

    BadPage(MemMap m, MemMapLayout layout) {
        this.m = m;
        this.layout = layout;
    }

    /**
     * What {@code free_pages_prepare} found unfit: the first page and why, and every unfit page
     * with its reason, as {@code bad_page} prints a report for each.
     */
    record Bad(int frame, String reason, java.util.List<Integer> pages, java.util.List<String> reasons) {
    }

    /**
     * {@code page_bad_reason} over the block as {@code free_pages_prepare} walks it (the head's own
     * reference is the one being dropped); null when every page is fit to free. With CONFIG_DEBUG_VM
     * the head first, then each tail, with {@code free_tail_pages_check}'s "PageTail not set", one
     * report naming the head. Without it every tail, each unfit one reported, then the head only
     * when {@code checkFree} (orders above PAGE_ALLOC_COSTLY_ORDER, {@code __free_pages_ok}):
     * {@code free_pcp_prepare} passes false for the per-CPU orders, and {@code free_tail_pages_check}
     * checks nothing.
     */
    Bad freePrepareBad(int f, int ord, boolean checkFree) {
        boolean compound = (m.flags[f] & F_HEAD) != 0;
        if (m.debugVm) {
            // the report names the head, whichever page is unfit
            String reason = pageBadReason(f, true);
            for (int i = 1; i < 1 << ord && reason == null; i++) {
                reason = compound && (m.flags[f + i] & F_TAIL) == 0 ? "PageTail not set" : pageBadReason(f + i, false);
            }
            return reason == null ? null : new Bad(f, reason, java.util.List.of(f), java.util.List.of(reason));
        }
        if (ord == 0 && !checkFree) {
            // no tail page and the head unchecked: nothing to look at (the common order-0 free)
            return null;
        }
        java.util.List<Integer> pages = new java.util.ArrayList<>();
        java.util.List<String> reasons = new java.util.ArrayList<>();
        for (int i = 1; i < 1 << ord; i++) {
            note(f + i, pageBadReason(f + i, false), pages, reasons);
        }
        if (checkFree) {
            note(f, pageBadReason(f, true), pages, reasons);
        }
        return pages.isEmpty() ? null : new Bad(pages.get(0), reasons.get(0), pages, reasons);
    }

    private static void note(int at, String reason, java.util.List<Integer> pages, java.util.List<String> reasons) {
        if (reason != null) {
            pages.add(at);
            reasons.add(reason);
        }
    }

    /** {@code bad_page} for each page {@code found} names, as they read now: one refused result. */
    Result badPages(Bad found) {
        StringBuilder lines = new StringBuilder();
        for (int k = 0; k < found.pages().size(); k++) {
            lines.append(k == 0 ? "" : "; ").append(line(found.pages().get(k), found.reasons().get(k)));
        }
        return new Result.Refused(found.reason(), lines.toString());
    }

    /** {@code page_bad_reason} with PAGE_FLAGS_CHECK_AT_FREE; later checks override earlier ones, as there. */
    private String pageBadReason(int f, boolean refcountChecked) {
        String reason = null;
        if ((m.flags[f] & F_BUDDY) != 0) {
            reason = "nonzero mapcount";
        }
        if (!refcountChecked && m.refcount[f] != 0) {
            reason = "nonzero _refcount";
        }
        if ((m.flags[f] & (F_RESERVED | MemMap.F_SLAB)) != 0) {
            // PG_slab is in PAGE_FLAGS_CHECK_AT_FREE too: a slab page freed as a plain page
            reason = "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
        }
        if (reason == null && (m.flags[f] & F_PCP) != 0) {
            // the kernel's checks pass here and the per-CPU list would be corrupted; the model refuses
            reason = "page already on a per-CPU list";
        }
        return reason;
    }

    /**
     * {@code check_new_pages}: each page of a block just taken off a list must be as a free page
     * is ({@code page_expected_state} with PAGE_FLAGS_CHECK_AT_PREP); the first that is not is
     * reported ({@code check_new_page_bad}) and the caller leaks the block. In the model only a
     * double free's {@code _refcount} below 0, or a page the planted {@code PAGE_PCP_NOT_UNLINKED}
     * handed out still listed, can make a listed page unfit ({@link MemMap#underflowSeen}).
     */
    boolean checkNewPages(int f, int ord) {
        if (!m.underflowSeen) {
            return false;
        }
        for (int i = 0; i < 1 << ord; i++) {
            if (m.refcount[f + i] != 0) {
                report(f + i, "nonzero _refcount");
                return true;
            }
        }
        return false;
    }

    /**
     * {@code free_page_is_bad} on a block's first page, as {@code bulkfree_pcp_prepare} runs it at
     * the drain without CONFIG_DEBUG_VM (with it, only under debug_pagealloc, which this build
     * leaves off): reported, and the caller leaks the block.
     */
    boolean bulkfreePcpPrepare(int f) {
        if (m.debugVm || !m.underflowSeen || m.refcount[f] == 0 || m.bug(PageBug.PAGE_DRAIN_SKIPS_BAD_PAGE_CHECK)) {
            return false;
        }
        report(f, "nonzero _refcount");
        return true;
    }

    /**
     * A block the kernel took off a list and then dropped after reporting it: nobody holds it and
     * it is never freed. The model keeps it as a leaked allocation of its order, so that the zone's
     * pages stay accounted for.
     */
    void leak(BuddyZone z, int f, int ord) {
        m.flags[f] = (byte) (m.flags[f] & ~(F_BUDDY | F_PCP | F_HEAD) | F_ALLOC | F_LEAKED);
        m.order[f] = (byte) ord;
        z.allocatedPages += 1L << ord;
        m.markDirty(f);
    }

    /** {@code bad_page} during a call that goes on: the report goes with the call's result. */
    private void report(int f, String reason) {
        m.reports.add(line(f, reason));
    }

    /** {@code bad_page}: the "Bad page state" report as a refused result. */
    Result badPage(int f, String reason) {
        return new Result.Refused(reason, line(f, reason));
    }

    private String line(int f, String reason) {
        long pfn = m.basePfn + f;
        return String.format("BUG: Bad page state in process swapper/0  pfn:%05x"
                + " page:0x%x refcount:%d flags:0x%x page dumped because: %s", pfn, layout.pfnToPage(pfn),
                m.refcount[f], m.pageFlags(pfn), reason);
    }
}
