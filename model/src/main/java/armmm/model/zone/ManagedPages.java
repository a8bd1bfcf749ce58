package armmm.model.zone;

import armmm.model.core.Bugs;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How many pages each zone manages, at the three moments that matter:
 * <ol>
 * <li>after {@code memblock_free_all} (mm/memblock.c: every whole free lowmem page below
 * {@code max_low_pfn}) and {@code free_highpages} (arch/arm/mm/init.c: every whole free page
 * above it), both walking {@code for_each_free_mem_range} with MEMBLOCK_NONE, so NOMAP memory and
 * every reserved byte stay out;</li>
 * <li>when {@code init_per_zone_wmark_min} runs (postcore_initcall): plus the CMA pageblocks
 * {@code cma_activate_area} gave back at core_initcall (mm/cma.c);</li>
 * <li>as /proc/zoneinfo shows it: plus the initrd and the init sections freed later by
 * {@code free_reserved_area}.</li>
 * </ol>
 *
 * @param atFreeAll     managed per zone after {@code memblock_free_all} and {@code free_highpages}
 * @param cma           {@code zone->cma_pages} per zone
 * @param atWatermarks  managed per zone when the watermarks are computed
 * @param afterBoot     managed per zone after the late frees
 * @param totalCmaPages {@code totalcma_pages}: the pages of the CMA areas that activated
 */
public record ManagedPages(PerZone atFreeAll, PerZone cma, PerZone atWatermarks, PerZone afterBoot, long totalCmaPages) {

    private static final int NZ = ZoneType.values().length;

    /** Counts the managed pages of the zones {@code spans} for the boot {@code in}. */
    public static ManagedPages compute(ZoneInputs in, ZoneSpans spans) {
        return compute(in, spans, Bugs.NONE);
    }

    /** Counts the managed pages, running the {@link ZoneBug}s in {@code bugs}. */
    public static ManagedPages compute(ZoneInputs in, ZoneSpans spans, Bugs bugs) {
        long[] freeAll = new long[NZ];
        for (long[] r : freePfnRanges(in.memory(), in.reserved())) {
            // memblock_free_all stops at max_low_pfn; free_highpages starts there
            addChunks(spans, freeAll, r[0], Math.min(r[1], in.maxLowPfn()), in.maxOrderNrPages());
            addPages(spans, freeAll, Math.max(r[0], in.maxLowPfn()), r[1]);
        }
        long[] cma = new long[NZ];
        long[] atWmark = freeAll.clone();
        long totalCma = 0;
        for (CmaArea area : in.cma()) {
            long pages = area.endPfn() - area.startPfn();
            ZoneType z = spans.zoneOf(area.startPfn());
            if (z == null || z != spans.zoneOf(area.endPfn() - 1)) {
                // cma_activate_area refuses an area across zones: its pages go to the buddy
                // allocator as ordinary ones and leave totalcma_pages
                addPages(spans, atWmark, area.startPfn(), area.endPfn());
                continue;
            }
            totalCma += pages;
            if (!bugs.has(ZoneBug.ZONE_CMA_NOT_MANAGED)) {
                // init_cma_reserved_pageblock: managed and cma_pages grow by whole pageblocks
                cma[z.ordinal()] += pages;
                atWmark[z.ordinal()] += pages;
            }
        }
        long[] after = atWmark.clone();
        for (LateFree f : in.lateFrees()) {
            addPages(spans, after, f.startPfn(), f.endPfn());
        }
        return new ManagedPages(PerZone.of(freeAll), PerZone.of(cma), PerZone.of(atWmark), PerZone.of(after), totalCma);
    }

    /**
     * These counts with {@code totalcma_pages} {@code pages}: before {@code cma_init_reserved_areas}
     * it holds every area {@code cma_init_reserved_mem} accepted at setup_arch (mm/cma.c), including
     * one across zones, which only {@code cma_activate_area} takes back out.
     */
    public ManagedPages withTotalCmaPages(long pages) {
        return new ManagedPages(atFreeAll, cma, atWatermarks, afterBoot, pages);
    }

    /**
     * {@code for_each_free_mem_range(..., MEMBLOCK_NONE, ...)}: the parts of mapped memory outside
     * every reserved region, as whole pages (PFN_UP of the start, PFN_DOWN of the end).
     */
    public static List<long[]> freePfnRanges(List<Region> memory, List<Region> reserved) {
        List<Region> res = new ArrayList<>(reserved);
        res.sort(Comparator.comparingLong(Region::base));
        List<long[]> out = new ArrayList<>();
        for (Region m : memory) {
            if ((m.flags() & Memblock.NOMAP) != 0) {
                continue;
            }
            long cursor = m.base();
            for (Region r : res) {
                if (r.end() <= cursor || r.base() >= m.end()) {
                    continue;
                }
                addWholePages(out, cursor, Math.min(r.base(), m.end()));
                cursor = Math.max(cursor, r.end());
            }
            addWholePages(out, cursor, m.end());
        }
        return out;
    }

    private static void addWholePages(List<long[]> out, long start, long end) {
        long s = (start + ZoneSetup.PAGE_SIZE - 1) >>> ZoneSetup.PAGE_SHIFT;
        long e = end >>> ZoneSetup.PAGE_SHIFT;
        if (s < e) {
            out.add(new long[] {s, e});
        }
    }

    /** Adds pfns [start, end) to the zones that span them. */
    /**
     * {@code __free_pages_memory} (mm/memblock.c) over lowmem range [start, end): the largest
     * naturally aligned blocks of at most MAX_ORDER_NR_PAGES, each counted by
     * {@code __free_pages_core} into the managed pages of the zone of its FIRST page. The blocks
     * follow alignment, not zone ends: where a zone ends off a MAX_ORDER_NR_PAGES boundary (every
     * ZONE_DMA a machine's {@code dma_zone_size} caps, one page short of it), the block holding the
     * end counts pages of the next zone as the lower zone's, as 6.1 does.
     */
    private static void addChunks(ZoneSpans spans, long[] perZone, long start, long end, long maxOrderNrPages) {
        long pfn = start;
        while (pfn < end) {
            long n = pfn == 0 ? maxOrderNrPages : Math.min(maxOrderNrPages, Long.lowestOneBit(pfn));
            while (pfn + n > end) {
                n >>= 1;
            }
            ZoneType z = spans.zoneOf(pfn);
            if (z != null) {
                perZone[z.ordinal()] += n;
            }
            pfn += n;
        }
    }

    private static void addPages(ZoneSpans spans, long[] perZone, long start, long end) {
        long[] zs = spans.startPfn().toArray();
        long[] sp = spans.spanned().toArray();
        for (ZoneType z : ZoneType.values()) {
            int i = z.ordinal();
            if (sp[i] == 0) {
                continue;
            }
            long zEnd = zs[i] + sp[i];
            // Movable is carved out of movable_zone, whose span already stops at zone_movable_pfn
            perZone[i] += Math.max(0, Math.min(end, zEnd) - Math.max(start, zs[i]));
        }
    }
}
