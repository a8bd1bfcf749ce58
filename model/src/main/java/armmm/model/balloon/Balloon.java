package armmm.model.balloon;

import armmm.model.core.Bugs;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.page.PageAllocator;
import armmm.model.zone.NodeZones;
import armmm.model.zone.ZoneType;
import java.util.ArrayList;
import java.util.List;

/**
 * One virtio balloon device with its driver loaded ({@code struct virtio_balloon} and its
 * {@code balloon_dev_info}): the pages the guest gave the host, newest first as
 * {@code balloon_page_insert} adds them at the head of {@code vb_dev_info->pages}, and
 * {@code num_pages}. The device offers QEMU's default features: no
 * {@code VIRTIO_BALLOON_F_DEFLATE_ON_OOM}, so every page in the balloon is taken off its zone's
 * managed pages ({@code adjust_managed_page_count}) and given back when it leaves.
 */
public final class Balloon {
    /** {@code VIRTIO_BALLOON_ARRAY_PFNS_MAX}: one inflate or deflate moves at most this many pfns. */
    public static final int VIRTIO_BALLOON_ARRAY_PFNS_MAX = 256;
    /** {@code VIRTIO_BALLOON_PFN_SHIFT} (include/uapi/linux/virtio_balloon.h): the host's 4 KiB pages. */
    public static final int VIRTIO_BALLOON_PFN_SHIFT = 12;
    /** {@code VIRTIO_BALLOON_PAGES_PER_PAGE}: balloon pages per guest page, {@code PAGE_SIZE >> VIRTIO_BALLOON_PFN_SHIFT}. */
    public static final int VIRTIO_BALLOON_PAGES_PER_PAGE =
            (int) (armmm.model.board.BuildConfig.PAGE_SIZE >> VIRTIO_BALLOON_PFN_SHIFT);
    /** {@code balloon_page_alloc}: {@code balloon_mapping_gfp_mask()} (CONFIG_BALLOON_COMPACTION) and no retries, no warning. */
    public static final long BALLOON_GFP = Gfp.GFP_HIGHUSER_MOVABLE | Gfp.NOMEMALLOC | Gfp.NORETRY | Gfp.NOWARN;
    /** {@code __alloc_contig_migrate_range}'s migration target mask ({@code migration_target_control.gfp_mask}). */
    public static final long MIGRATE_GFP = Gfp.GFP_USER | Gfp.MOVABLE | Gfp.RETRY_MAYFAIL;

    private final PageAllocator pages;
    private final NodeZones zones;
    private final Bugs bugs;
    /** {@code vb_dev_info->pages}: pfns, the head (newest) first. */
    private final List<Long> list = new ArrayList<>();
    /** {@code vb->num_pages}. */
    private long numPages;
    private long changes;

    /** A balloon over {@code pages} and {@code zones}, running the {@link BalloonBug}s in {@code bugs}. */
    public Balloon(PageAllocator pages, NodeZones zones, Bugs bugs) {
        this.pages = pages;
        this.zones = zones;
        this.bugs = bugs;
    }

    /** The pfns of the pages in the balloon, newest first. */
    public List<Long> pfns() {
        return List.copyOf(list);
    }

    /** {@code vb->num_pages}. */
    public long numPages() {
        return numPages;
    }

    /** Changes so far: the change signal of the balloon's invariants. */
    public long stamp() {
        return changes;
    }

    /**
     * {@code fill_balloon(vb, num)}: up to {@code VIRTIO_BALLOON_ARRAY_PFNS_MAX} pages allocated one
     * by one ({@code balloon_page_alloc}) until one fails ("Out of puff!"), then enqueued, each
     * taken off its zone's managed pages. Returns how many pfns went to the host.
     */
    public Result fillBalloon(long num, int cpu) {
        changes++;
        long n = Math.min(Math.max(num, 0), VIRTIO_BALLOON_ARRAY_PFNS_MAX);
        List<Long> got = new ArrayList<>();
        for (long i = 0; i < n; i += VIRTIO_BALLOON_PAGES_PER_PAGE) {
            long pfn = pages.allocPagesPfn(BALLOON_GFP, 0, cpu);
            if (pfn < 0) {
                break;
            }
            // balloon_page_push: the local list is a stack
            got.add(0, pfn);
        }
        for (long pfn : got) {
            list.add(0, pfn);
            numPages += VIRTIO_BALLOON_PAGES_PER_PAGE;
            adjustManagedPageCount(pfn, -1);
        }
        return Result.of(got.size());
    }

    /**
     * {@code leak_balloon(vb, num)}: up to {@code VIRTIO_BALLOON_ARRAY_PFNS_MAX} pages, and no more
     * than the balloon holds, dequeued from the head, then given back to their zones' managed
     * pages and freed ({@code release_pages_balloon}). Returns how many pfns left the balloon.
     */
    public Result leakBalloon(long num, int cpu) {
        changes++;
        long n = Math.min(Math.min(Math.max(num, 0), VIRTIO_BALLOON_ARRAY_PFNS_MAX), numPages);
        List<Long> out = new ArrayList<>();
        for (long i = 0; i < n && !list.isEmpty(); i += VIRTIO_BALLOON_PAGES_PER_PAGE) {
            long pfn = bugs.has(BalloonBug.BALLOON_DEFLATE_KEEPS_LISTED) ? list.get((int) i) : list.remove(0);
            // list_add to the local list: released in reverse order of dequeue
            out.add(0, pfn);
            numPages -= VIRTIO_BALLOON_PAGES_PER_PAGE;
        }
        for (long pfn : out) {
            if (!bugs.has(BalloonBug.BALLOON_DEFLATE_KEEPS_MANAGED)) {
                adjustManagedPageCount(pfn, 1);
            }
            pages.freePagesPfn(pfn, 0, cpu);
        }
        return Result.of(out.size());
    }

    /**
     * The migration of the balloon page at {@code index} (0 the newest) as {@code alloc_contig_range}
     * drives it ({@code __alloc_contig_migrate_range}: {@code alloc_migration_target}, then
     * {@code virtballoon_migratepage}): a new page from GFP_USER | __GFP_MOVABLE |
     * __GFP_RETRY_MAYFAIL, with __GFP_HIGHMEM when the page is in HighMem or Movable, so it may lie
     * in another zone; the managed counts move between the two zones; the new page joins the
     * balloon at the head and the old one is freed. Returns 0 (MIGRATEPAGE_SUCCESS), or -ENOMEM
     * when no target page can be had (nothing changes); -EINVAL for an index past the balloon.
     */
    public Result migratePage(long index, int cpu) {
        changes++;
        if (index < 0 || index >= list.size()) {
            return new Result.Refused("-EINVAL", "no balloon page at index " + index + " (the balloon holds " + list.size() + ")");
        }
        long old = list.get((int) index);
        ZoneType from = zoneOf(old);
        long gfp = MIGRATE_GFP | (from == ZoneType.HIGHMEM || from == ZoneType.MOVABLE ? Gfp.HIGHMEM : 0);
        long fresh = pages.allocPagesPfn(gfp, 0, cpu);
        if (fresh < 0) {
            return new Result.Refused("-ENOMEM", "no page to migrate the balloon page to");
        }
        list.remove((int) index);
        if (zoneOf(fresh) != from && !bugs.has(BalloonBug.BALLOON_MIGRATE_KEEPS_MANAGED)) {
            adjustManagedPageCount(old, 1);
            adjustManagedPageCount(fresh, -1);
        }
        list.add(0, fresh);
        pages.freePagesPfn(old, 0, cpu);
        return Result.of(0);
    }

    /** The zone of {@code pfn} ({@code page_zone}). */
    ZoneType zoneOf(long pfn) {
        return ZoneType.values()[pages.zoneIndex(pfn)];
    }

    private void adjustManagedPageCount(long pfn, long delta) {
        zones.adjustManagedPageCount(zoneOf(pfn), delta);
    }
}
