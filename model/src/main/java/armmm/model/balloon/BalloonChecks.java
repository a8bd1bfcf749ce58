package armmm.model.balloon;

import armmm.model.core.Violation;
import armmm.model.page.PageAllocator;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The balloon's invariants (drivers/virtio/virtio_balloon.c, mm/balloon_compaction.c), computed
 * from the balloon's page list and the frames' struct pages as the page allocator holds them.
 */
public final class BalloonChecks {
    private BalloonChecks() {
    }

    /**
     * INV-BALLOON-01: every page on the balloon's list appears once, is a page of this node held by
     * one reference (the balloon's: {@code refcount} 1), on no free list and no per-CPU list; and
     * {@code num_pages} is the list's length.
     */
    public static final Invariant PAGES_HELD = new Invariant() {
        @Override
        public String id() {
            return "INV-BALLOON-01";
        }

        @Override
        public boolean appliesTo(KernelState k) {
            return k.state(Balloon.class) != null;
        }

        @Override
        public long stamp(KernelState k) {
            Balloon b = k.state(Balloon.class);
            PageAllocator pa = k.state(PageAllocator.class);
            // both counters only grow: their sum moves whenever either does
            return b.stamp() + pa.mutations();
        }

        @Override
        public List<Violation> check(KernelState k) {
            return pagesHeld(k.state(Balloon.class), k.state(PageAllocator.class));
        }

        @Override
        public String toString() {
            return id();
        }
    };

    /** Every balloon invariant. */
    public static final List<Invariant> ALL = List.of(PAGES_HELD);

    static List<Violation> pagesHeld(Balloon b, PageAllocator pa) {
        List<Violation> out = new ArrayList<>();
        List<Long> pfns = b.pfns();
        Set<Long> seen = new HashSet<>();
        for (long pfn : pfns) {
            String what = String.format("balloon page pfn %#x", pfn);
            if (!seen.add(pfn)) {
                out.add(new Violation("INV-BALLOON-01", "a page twice in the balloon", what));
            } else if (!pa.hasPfn(pfn)) {
                out.add(new Violation("INV-BALLOON-01", "a balloon page outside the node", what));
            } else if (pa.refcount(pfn) != 1 || pa.isBuddy(pfn) || pa.isOnPcp(pfn)) {
                out.add(new Violation("INV-BALLOON-01", "a balloon page not held by the balloon", what + ": refcount "
                        + pa.refcount(pfn) + (pa.isBuddy(pfn) ? ", on a free list" : "") + (pa.isOnPcp(pfn) ? ", on a per-CPU list" : "")));
            }
        }
        if (b.numPages() != (long) pfns.size() * Balloon.VIRTIO_BALLOON_PAGES_PER_PAGE) {
            out.add(new Violation("INV-BALLOON-01", "num_pages is not the list's length", "num_pages " + b.numPages()
                    + ", " + pfns.size() + " pages listed"));
        }
        return out;
    }
}
