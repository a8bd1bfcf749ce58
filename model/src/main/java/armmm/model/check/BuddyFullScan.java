package armmm.model.check;

import armmm.model.page.BuddyZone;
import armmm.model.page.MigrateType;
import armmm.model.page.PageAllocator;
import armmm.model.zone.ZoneConfig;
import armmm.model.core.Violation;
import armmm.model.zone.ZoneType;
import java.util.ArrayList;
import java.util.List;

/**
 * Every buddy, page and free-list invariant recomputed from the kernel-visible state alone: each
 * {@code free_area[order].free_list[mt]} and each per-CPU list walked through its links
 * ({@code page->lru}), then every struct page of every zone visited. It trusts none of the
 * counters the allocator keeps beside its lists ({@code nr_free}, {@code NR_FREE_PAGES},
 * {@code pcp->count}, the pages per state) and none of its helpers: it is what the incremental
 * per-step checks rely on, run at the end of every chain and every scenario.
 */
final class BuddyFullScan {
    /** Frame states found by the walk. */
    private static final byte FREE_HEAD = 1;
    private static final byte FREE_INNER = 2;
    private static final byte PCP = 3;
    private static final byte PCP_INNER = 4;
    private static final int MAX_REPORTED = 20;

    private final PageAllocator pa;
    private final List<Violation> out = new ArrayList<>();
    private final byte[] state;
    /**
     * Per zone: pages its lists and allocations hold outside its span, and pages of its span held
     * by another zone's. Only where a zone ends off a MAX_ORDER_NR_PAGES boundary (see
     * {@link BuddyChecks#bootSpill}); conservation is checked with them once every zone is walked.
     */
    private final long[] heldOutside = new long[ZoneType.values().length];
    private final long[] heldByOther = new long[ZoneType.values().length];
    private final long[][] tally = new long[ZoneType.values().length][];
    /**
     * Per frame, the number of the list walk that last met it as an entry: an entry met again in
     * the same walk is a loop, reported once and ended there (a walk numbered from 1).
     */
    private final int[] metInWalk;
    private int walk;

    private BuddyFullScan(PageAllocator pa) {
        this.pa = pa;
        this.state = new byte[pa.frameCount()];
        this.metInWalk = new int[pa.frameCount()];
    }

    /** The violations of a full scan of {@code pa}. */
    static List<Violation> scan(PageAllocator pa) {
        BuddyFullScan s = new BuddyFullScan(pa);
        for (ZoneType t : ZoneType.values()) {
            BuddyZone z = pa.zone(t);
            if (z != null && !z.config().isEmpty()) {
                s.zone(t, z);
            }
        }
        s.conservation();
        return s.out;
    }

    private void add(String id, String reason, String details) {
        if (out.size() < MAX_REPORTED) {
            out.add(new Violation(id, reason, details + " (full scan)"));
        }
    }

    private static String pfn(long pfn) {
        return String.format("pfn:%05x", pfn);
    }

    /** Whether list entry {@code p} was met before in the current walk: the list loops back to it. */
    private boolean metAgain(long p) {
        return pa.hasPfn(p) && metInWalk[frame(p)] == walk;
    }

    /**
     * The entry after {@code p} in the current walk, {@code p} marked met; -1 when {@code p} has no
     * struct page to hold a link (the entry is reported as outside its zone, and the walk ends).
     */
    private long follow(long p) {
        if (!pa.hasPfn(p)) {
            return -1;
        }
        metInWalk[frame(p)] = walk;
        return pa.nextOnList(p);
    }

    private int frame(long pfn) {
        return (int) (pfn - pa.basePfn());
    }

    private void zone(ZoneType t, BuddyZone z) {
        ZoneConfig c = z.config();
        String name = "zone " + t.kernelName();
        long freePages = 0;
        long freeCma = 0;
        long[] blocks = new long[PageAllocator.MAX_ORDER];
        for (int o = 0; o < PageAllocator.MAX_ORDER; o++) {
            for (MigrateType mt : MigrateType.values()) {
                long n = 0;
                walk++;
                String list = name + " free_area[" + o + "]." + mt.kernelName();
                for (long p = pa.freeListHead(t, o, mt); p >= 0; p = follow(p)) {
                    if (metAgain(p)) {
                        // added again while still listed: the entry overlaps itself, and the list is a cycle
                        freeBlock(t, c, p, o, mt);
                        add("INV-BUDDY-02", "free list does not end", list + ": " + pfn(p) + " comes again");
                        break;
                    }
                    if (freeBlock(t, c, p, o, mt)) {
                        n++;
                    }
                }
                blocks[o] += n;
                freePages += n << o;
                if (mt == MigrateType.CMA) {
                    freeCma += n << o;
                }
            }
            if (blocks[o] != z.nrFree(o)) {
                add("INV-BUDDY-02", "nr_free does not match the free lists", name + " order " + o + ": nr_free "
                        + z.nrFree(o) + ", blocks found walking the lists " + blocks[o]);
            }
        }
        if (freePages != z.freePages() || freeCma != z.freeCmaPages()) {
            add("INV-BUDDY-01", "NR_FREE_PAGES wrong", name + ": NR_FREE_PAGES " + z.freePages() + ", NR_FREE_CMA_PAGES "
                    + z.freeCmaPages() + "; pages on the walked lists " + freePages + ", of them CMA " + freeCma);
        }
        long pcpPages = pcpLists(t, z);
        long[] counts = frames(t, c);
        long allocated = counts[0];
        long reserved = counts[1];
        tally[t.ordinal()] = new long[] {freePages, pcpPages, allocated, reserved};
        mergeable(t, c);
    }

    /**
     * INV-BUDDY-01 per zone: what its lists and allocations hold, less what lies outside its span,
     * plus what of its span another zone holds, plus its PG_reserved frames, is its span.
     */
    private void conservation() {
        for (ZoneType t : ZoneType.values()) {
            long[] v = tally[t.ordinal()];
            if (v == null) {
                continue;
            }
            ZoneConfig c = pa.zone(t).config();
            long sum = v[0] + v[1] + v[2] + v[3] - heldOutside[t.ordinal()] + heldByOther[t.ordinal()];
            if (sum != c.spannedPages()) {
                add("INV-BUDDY-01", "pages not conserved", String.format("zone %s: free %d + pcp %d + allocated %d"
                        + " + reserved %d - held beyond its span %d + held by another zone %d = %d, spanned %d",
                        t.kernelName(), v[0], v[1], v[2], v[3], heldOutside[t.ordinal()], heldByOther[t.ordinal()], sum,
                        c.spannedPages()));
            }
        }
    }

    /**
     * Counts the pages of block [p, p + n) held by zone {@code t}'s lists or allocations that lie
     * outside its span; false when any does and 6.1 cannot have put it there: a zone whose end is
     * MAX_ORDER_NR_PAGES aligned, or a page beyond the MAX_ORDER_NR_PAGES block holding the end.
     */
    private boolean heldInside(ZoneType t, ZoneConfig c, long p, long n) {
        if (p >= c.startPfn() && p + n <= c.endPfn()) {
            return true;
        }
        long chunk = 1L << (PageAllocator.MAX_ORDER - 1);
        long chunkStart = (c.endPfn() - 1) & -chunk;
        if (!BuddyChecks.bootSpill(pa, c.endPfn()) || p < chunkStart || p + n > chunkStart + chunk) {
            return false;
        }
        for (long q = Math.max(p, c.endPfn()); q < p + n; q++) {
            if (!pa.hasPfn(q) || pa.zoneIndex(q) < 0) {
                return false;
            }
            heldOutside[t.ordinal()]++;
            heldByOther[pa.zoneIndex(q)]++;
        }
        return true;
    }

    /** One block found on a free list: its struct page and the frames it covers. */
    private boolean freeBlock(ZoneType t, ZoneConfig c, long p, int o, MigrateType mt) {
        long n = 1L << o;
        String where = pfn(p) + " on free_area[" + o + "].free_list[" + mt.kernelName() + "] of " + t.kernelName();
        if (!pa.hasPfn(p) || !heldInside(t, c, p, n)) {
            add("INV-BUDDY-03", "free block outside its zone", where);
            return false;
        }
        if (!pa.isBuddy(p) || pa.order(p) != o) {
            add("INV-BUDDY-03", "listed block is not a free block of that order", where + ": PageBuddy " + pa.isBuddy(p)
                    + ", order " + pa.order(p));
        }
        if ((p & (n - 1)) != 0) {
            add("INV-BUDDY-03", "free block misaligned", where);
        }
        if (!BuddyChecks.freeRefcount(pa, p)) {
            add("INV-PAGE-01", "nonzero _refcount", where + " refcount " + pa.refcount(p));
        }
        MigrateType block = pa.pageblockMigratetype(p);
        for (MigrateType special : new MigrateType[] {MigrateType.CMA, MigrateType.ISOLATE}) {
            if ((mt == special) != (block == special)) {
                add("INV-BUDDY-04", "free page on the wrong migratetype list", where + ", pageblock " + block.kernelName());
            }
        }
        for (long q = p; q < p + n; q++) {
            int f = frame(q);
            if (state[f] != 0) {
                add("INV-BUDDY-03", "free block overlaps another list entry", where + " contains " + pfn(q));
                return false;
            }
            state[f] = q == p ? FREE_HEAD : FREE_INNER;
            if (q > p && (pa.isBuddy(q) || !BuddyChecks.freeRefcount(pa, q) || pa.isReserved(q) || pa.isTail(q))) {
                add("INV-BUDDY-03", "free block overlaps a page in use", where + " contains " + pfn(q) + " (refcount "
                        + pa.refcount(q) + ", PageBuddy " + pa.isBuddy(q) + ", PG_reserved " + pa.isReserved(q)
                        + ", PageTail " + pa.isTail(q) + ")");
            }
        }
        return true;
    }

    /** Walks every CPU's lists: the pages they hold, checked against {@code pcp->count}. */
    private long pcpLists(ZoneType t, BuddyZone z) {
        long total = 0;
        for (int cpu = 0; cpu < pa.nrCpus(); cpu++) {
            long listed = 0;
            for (int pindex = 0; pindex < PageAllocator.NR_PCP_LISTS; pindex++) {
                int o = pindex / MigrateType.PCPTYPES;
                walk++;
                for (long p = pa.pcpListHead(t, cpu, pindex); p >= 0; p = follow(p)) {
                    if (metAgain(p)) {
                        // added again while still listed: on the list twice, and the list is a cycle
                        pcpBlock(t, p, o, cpu);
                        add("INV-BUDDY-06", "per-CPU list does not end", "zone " + t.kernelName() + " cpu " + cpu + ": "
                                + pfn(p) + " comes again");
                        break;
                    }
                    listed += 1L << o;
                    pcpBlock(t, p, o, cpu);
                }
            }
            if (listed != z.pcp(cpu).count()) {
                add("INV-BUDDY-06", "pcp count does not match its lists", "zone " + t.kernelName() + " cpu " + cpu
                        + ": count " + z.pcp(cpu).count() + ", pages found walking the lists " + listed);
            }
            total += listed;
        }
        return total;
    }

    private void pcpBlock(ZoneType t, long p, int o, int cpu) {
        String where = pfn(p) + " on cpu " + cpu + "'s order-" + o + " list of " + t.kernelName();
        if (PageCall.zoneOfPfn(pa, p) != t.ordinal() && !heldInside(t, pa.zone(t).config(), p, 1L << o)) {
            add("INV-BUDDY-03", "per-CPU page outside its zone", where);
            return;
        }
        if (!BuddyChecks.freeRefcount(pa, p) || pa.isBuddy(p)) {
            add("INV-PAGE-02", "per-CPU page in use", where + ": refcount " + pa.refcount(p) + ", PageBuddy " + pa.isBuddy(p));
        }
        for (long q = p; q < p + (1L << o) && pa.hasPfn(q); q++) {
            int f = frame(q);
            if (state[f] != 0) {
                add("INV-PAGE-02", "page on two lists", where + " contains " + pfn(q));
                return;
            }
            state[f] = q == p ? PCP : PCP_INNER;
            if (q > p && (!BuddyChecks.freeRefcount(pa, q) || pa.isTail(q) || pa.isReserved(q))) {
                add("INV-PAGE-02", "per-CPU block overlaps a page in use", where + " contains " + pfn(q));
            }
        }
    }

    /**
     * Visits every frame of the zone: a PageBuddy frame was found on a list; an allocation's
     * head (a reference, no PG_reserved) covers its order; a tail belongs to a compound head
     * that covers it. Returns {allocated pages, PG_reserved frames}.
     */
    private long[] frames(ZoneType t, ZoneConfig c) {
        long allocated = 0;
        long reserved = 0;
        for (long p = c.startPfn(); p < c.endPfn(); p++) {
            int f = frame(p);
            byte s = state[f];
            if (pa.isBuddy(p) && s != FREE_HEAD) {
                add("INV-BUDDY-03", "free block not on its list", pfn(p) + " order " + pa.order(p)
                        + " is PageBuddy but on no free list of " + t.kernelName());
            }
            if (pa.isReserved(p)) {
                reserved++;
                if (s != 0) {
                    add("INV-PAGE-02", "page both free and in use", pfn(p) + " is PG_reserved and on a list");
                }
                continue;
            }
            if (pa.isTail(p)) {
                int o = pa.order(p);
                long head = p & -(1L << o);
                if (o == 0 || !pa.hasPfn(head) || (pa.pageFlags(head) & (1L << PageAllocator.PG_HEAD)) == 0
                        || pa.order(head) != o || pa.refcount(head) < 1 && !pa.isLeaked(head)) {
                    add("INV-PAGE-02", "tail page without its compound head", pfn(p) + " is PageTail of order " + o
                            + ", head " + pfn(head) + " is not a live compound page of that order");
                }
            }
            if (s != 0) {
                continue;
            }
            if (pa.refcount(p) > 0 || pa.isLeaked(p)) {
                long n = 1L << pa.order(p);
                allocated += n;
                if (p + n > c.endPfn() && !heldInside(t, c, p, n)) {
                    add("INV-PAGE-02", "allocation outside its zone", pfn(p) + " order " + pa.order(p) + " runs past "
                            + t.kernelName() + "'s end " + pfn(c.endPfn()));
                }
                for (long q = p + 1; q < p + n && q < c.endPfn(); q++) {
                    if (state[frame(q)] != 0 || pa.refcount(q) > 0 || pa.isReserved(q) || pa.isBuddy(q)) {
                        add("INV-PAGE-02", "allocations overlap", pfn(p) + " order " + pa.order(p) + " contains " + pfn(q));
                        break;
                    }
                }
                p += n - 1;
            }
        }
        return new long[] {allocated, reserved};
    }

    /** No two free buddies of one order that the kernel would have merged. */
    private void mergeable(ZoneType t, ZoneConfig c) {
        for (long p = c.startPfn(); p < c.endPfn(); p++) {
            if (state[frame(p)] != FREE_HEAD) {
                continue;
            }
            int o = pa.order(p);
            if (o >= PageAllocator.MAX_ORDER - 1) {
                continue;
            }
            long buddy = p ^ (1L << o);
            if (buddy < p || buddy < c.startPfn() || buddy + (1L << o) > c.endPfn() || state[frame(buddy)] != FREE_HEAD
                    || pa.order(buddy) != o) {
                continue;
            }
            if (o >= PageAllocator.PAGEBLOCK_ORDER) {
                MigrateType a = pa.pageblockMigratetype(p);
                MigrateType b = pa.pageblockMigratetype(buddy);
                if (a != b && (!a.isMergeable() || !b.isMergeable())) {
                    continue;
                }
            }
            add("INV-BUDDY-05", "buddy not merged", pfn(p) + " and " + pfn(buddy) + " are both free at order " + o);
        }
    }
}
