package armmm.model.page;

import static armmm.model.page.MemMap.F_BUDDY;
import static armmm.model.page.MemMap.F_HEAD;
import static armmm.model.page.MemMap.F_PCP;
import static armmm.model.page.MemMap.F_RESERVED;
import static armmm.model.page.MemMap.F_TAIL;

import armmm.model.core.Result;

/**
 * {@code bad_page} and {@code page_bad_reason} (mm/page_alloc.c) as {@code free_pages_prepare}
 * and {@code free_page_is_bad} apply them: why a page is unfit to free, and the report.
 */
final class BadPage {
    private final MemMap m;
    private final MemMapLayout layout;

    BadPage(MemMap m, MemMapLayout layout) {
        this.m = m;
        this.layout = layout;
    }

    /**
     * {@code page_bad_reason} over the block as {@code free_pages_prepare} walks it (the head's own
     * reference is the one being dropped); null when every page is fit to free.
     */
    String freePrepareBadReason(int f, int ord) {
        String reason = pageBadReason(f, true);
        boolean compound = (m.flags[f] & F_HEAD) != 0;
        for (int i = 1; i < 1 << ord && reason == null; i++) {
            if (compound && (m.flags[f + i] & F_TAIL) == 0) {
                reason = "PageTail not set";
            } else {
                reason = pageBadReason(f + i, false);
            }
        }
        return reason;
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

    /** {@code bad_page}: the "Bad page state" report as a refused result. */
    Result badPage(int f, String reason) {
        long pfn = m.basePfn + f;
        return new Result.Refused(reason, String.format("BUG: Bad page state in process swapper/0  pfn:%05x"
                + " page:0x%x refcount:%d flags:0x%x page dumped because: %s", pfn, layout.pfnToPage(pfn),
                m.refcount[f], m.pageFlags(pfn), reason));
    }
}
