package armmm.model.report;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Gfp;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.page.BuddyZone;
import armmm.model.page.MigrateType;
import armmm.model.page.PageAllocator;
import armmm.model.page.PageOp;
import armmm.model.zone.ZoneSetup;
import armmm.model.zone.ZoneType;
import armmm.properties.OracleFiles;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The /proc renderers with every number worked outside the renderer: buddyinfo and pagetypeinfo
 * from a walk of the free lists and of the pageblocks (mm/vmstat.c {@code frag_show_print},
 * {@code pagetypeinfo_showfree_print}, {@code pagetypeinfo_showblockcount_print}), meminfo's free
 * lines from counters chosen here (fs/proc/meminfo.c {@code meminfo_proc_show}: HighFree is
 * {@code nr_free_highpages}, LowFree is MemFree less HighFree), zoneinfo's boost and
 * {@code node_unreclaimable} ({@code zoneinfo_show_print}: {@code kswapd_failures >=
 * MAX_RECLAIM_RETRIES}, 16, mm/internal.h).
 */
class ProcReportsTest {

    private static Kernel boot1024() {
        return Kernel.boot(Board.virt(1024L << 20));
    }

    /** {@code zone->free_area[order].nr_free}, counted by walking every migratetype's list of that order. */
    private static long blocksOnLists(PageAllocator pa, ZoneType t, int order) {
        long n = 0;
        for (MigrateType mt : MigrateType.values()) {
            n += pa.freeList(t, order, mt).length;
        }
        return n;
    }

    /** Free pages on the buddy lists of {@code t} (of migratetype {@code only}, or all when null). */
    private static long freePagesOnLists(PageAllocator pa, ZoneType t, MigrateType only) {
        long pages = 0;
        for (int o = 0; o < PageAllocator.MAX_ORDER; o++) {
            for (MigrateType mt : MigrateType.values()) {
                if (only == null || mt == only) {
                    pages += (long) pa.freeList(t, o, mt).length << o;
                }
            }
        }
        return pages;
    }

    @Test
    void buddyinfoPrintsThePopulatedZonesOnlyWithTheBlocksOnTheirLists() {
        Kernel k = boot1024();
        k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 3, 0));
        PageAllocator pa = k.pages();
        StringBuilder expected = new StringBuilder();
        // 1 GiB on virt: ZONE_DMA (all lowmem) and HighMem; Normal and Movable are empty
        for (ZoneType t : new ZoneType[] {ZoneType.DMA, ZoneType.HIGHMEM}) {
            expected.append(String.format("Node 0, zone %8s ", t.kernelName()));
            for (int o = 0; o < 12; o++) {
                expected.append(String.format("%6d ", blocksOnLists(pa, t, o)));
            }
            expected.append('\n');
        }
        assertThat(BuddyinfoReport.render(pa)).isEqualTo(expected.toString());
    }

    /** 24 MiB: all lowmem, so boot gives no HighMem zone at all, or an empty one; neither is printed. */
    @Test
    void aBoardWithoutHighmemPrintsOnlyItsDmaZone() {
        PageAllocator pa = Kernel.boot(Board.virt(24L << 20)).pages();
        assertThat(BuddyinfoReport.render(pa)).startsWith("Node 0, zone      DMA ").hasLineCount(1);
        String types = PagetypeinfoReport.render(pa);
        assertThat(types).doesNotContain("zone  HighMem").doesNotContain("zone   Normal").doesNotContain("zone  Movable");
        assertThat(types.lines().filter(l -> l.startsWith("Node    0, zone      DMA, type "))).hasSize(6);
        assertThat(types.lines().filter(l -> l.startsWith("Node 0, zone      DMA "))).hasSize(1);
    }

    @Test
    void pagetypeinfoCountsEachListAndEachPageblockOfThePopulatedZones() {
        Kernel k = boot1024();
        k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL | Gfp.RECLAIMABLE, 2, 0));
        PageAllocator pa = k.pages();
        ZoneSetup zs = k.zones().orElseThrow();
        StringBuilder e = new StringBuilder("Page block order: 11\nPages per block:  2048\n\n");
        e.append(String.format("%-43s ", "Free pages count per migrate type at order"));
        for (int o = 0; o < 12; o++) {
            e.append(String.format("%6d ", o));
        }
        e.append('\n');
        ZoneType[] populated = {ZoneType.DMA, ZoneType.HIGHMEM};
        String[] names = {"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate"};
        for (ZoneType t : populated) {
            for (int mt = 0; mt < 6; mt++) {
                e.append(String.format("Node    0, zone %8s, type %12s ", t.kernelName(), names[mt]));
                for (int o = 0; o < 12; o++) {
                    e.append(String.format("%6d ", pa.freeList(t, o, MigrateType.values()[mt]).length));
                }
                e.append('\n');
            }
        }
        e.append("\nNumber of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate \n");
        for (ZoneType t : populated) {
            long[] count = new long[6];
            long start = zs.zone(t).startPfn();
            for (long pfn = start; pfn < start + zs.zone(t).spannedPages(); pfn += 2048) {
                if (pa.hasPfn(pfn) && pa.zoneIndex(pfn) == t.ordinal()) {
                    count[pa.pageblockMigratetype(pfn).ordinal()]++;
                }
            }
            e.append(String.format("Node 0, zone %8s ", t.kernelName()));
            for (long c : count) {
                e.append(String.format("%12d ", c));
            }
            e.append('\n');
        }
        assertThat(PagetypeinfoReport.render(pa)).isEqualTo(e.toString());
    }

    /**
     * {@code zone_page_state(NR_FREE_PAGES)} after {@code refresh_vm_stats} folded every per-CPU
     * difference is the pages on the buddy lists (pages on a per-CPU list are not free in it), and
     * NR_FREE_CMA_PAGES the free pages of the CMA lists; after {@code drain_local_pages} empties
     * the per-CPU lists, one order-0 allocation refills its list with a batch and takes one page
     * ({@code __rmqueue_pcplist}: batch 63 on this board's ZONE_DMA, as its zoneinfo.txt shows), so
     * the count is 62; a CPU the board lacks has no list.
     */
    @Test
    void theLiveCountersAreTheFreeListsAndThePerCpuLists() {
        Kernel k = boot1024();
        k.apply(new PageOp.DrainLocalPages(0));
        assertThat(BuddyinfoReport.counters(k.pages()).pcpCount(ZoneType.DMA, 0)).isZero();
        assertThat(k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0)).isRefused()).isFalse();
        k.apply(new PageOp.RefreshVmStats());
        PageAllocator pa = k.pages();
        ZoneCounters c = BuddyinfoReport.counters(pa);
        for (ZoneType t : new ZoneType[] {ZoneType.DMA, ZoneType.HIGHMEM}) {
            assertThat(c.nrFree(t)).as("%s", t).isEqualTo(freePagesOnLists(pa, t, null)).isPositive();
            assertThat(BuddyinfoReport.pagesFree(pa, t)).isEqualTo(c.nrFree(t));
        }
        // 1 GiB: the default 16 MiB CMA area at the top of RAM, in HighMem, all free
        assertThat(c.nrFreeCma(ZoneType.HIGHMEM)).isEqualTo(freePagesOnLists(pa, ZoneType.HIGHMEM, MigrateType.CMA))
                .isEqualTo(4096);
        assertThat(c.nrFreeCma(ZoneType.DMA)).isZero();
        assertThat(c.pcpCount(ZoneType.DMA, 0)).isEqualTo(62);
        assertThat(c.pcpCount(ZoneType.DMA, 1)).isZero();
        assertThat(c.pcpCount(ZoneType.HIGHMEM, 0)).isZero();
        assertThat(c.nodeUnreclaimable()).isFalse();
        assertThat(c.boost(ZoneType.DMA)).isZero();
        // the zones boot gave none of, when the allocator has no such zone: all zero
        for (ZoneType t : ZoneType.values()) {
            if (pa.zone(t) == null) {
                assertThat(c.nrFree(t)).isZero();
                assertThat(c.nrFreeCma(t)).isZero();
                assertThat(c.pcpCount(t, 0)).isZero();
                assertThat(c.boost(t)).isZero();
            }
        }
    }

    /**
     * {@code boost_watermark} (mm/page_alloc.c): a fallback that steals from another migratetype
     * raises {@code watermark_boost} by a pageblock, capped at max(pageblock_nr_pages,
     * mult_frac(high, 15000, 10000)); on 56 MiB the high watermark is far below 1366, so the boost is
     * exactly 2048 until kswapd runs at the next call. zoneinfo prints it on the boost line.
     */
    @Test
    void aStealBoostsTheZoneAndZoneinfoPrintsTheBoost() {
        Kernel k = Kernel.boot(Board.virt(56L << 20));
        k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL | Gfp.RECLAIMABLE, 5, 0));
        k.apply(new PageOp.AllocPages(Gfp.IO | Gfp.FS, 5, 0));
        PageAllocator pa = k.pages();
        assertThat(pa.zone(ZoneType.DMA).config().high()).isLessThan(1366);
        ZoneCounters c = BuddyinfoReport.counters(pa);
        assertThat(c.boost(ZoneType.DMA)).isEqualTo(2048);
        String zi = ZoneinfoReport.render(k.zones().orElseThrow(), c);
        assertThat(block(zi, ZoneType.DMA)).contains("\n        boost    2048\n");
    }

    /**
     * kswapd on a full 24 MiB board: every allocation below the low watermark wakes it, each pass
     * reclaims nothing ({@code kswapd_failures++}); zoneinfo prints node_unreclaimable 0 at 15
     * failures and 1 from the 16th on, in every populated zone's block.
     */
    @Test
    void nodeUnreclaimableTurnsOneAtTheSixteenthFailedKswapdPass() {
        Kernel k = Kernel.boot(Board.virt(24L << 20));
        PageAllocator pa = k.pages();
        ZoneSetup zs = k.zones().orElseThrow();
        int calls = 0;
        while (pa.kswapdFailures() < 15 && calls++ < 20000) {
            k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0));
        }
        assertThat(pa.kswapdFailures()).isEqualTo(15);
        assertThat(BuddyinfoReport.counters(pa).nodeUnreclaimable()).isFalse();
        assertThat(ZoneinfoReport.render(zs, BuddyinfoReport.counters(pa))).contains("\n  node_unreclaimable:  0\n")
                .doesNotContain("node_unreclaimable:  1");
        while (pa.kswapdFailures() < 16 && calls++ < 20000) {
            k.apply(new PageOp.AllocPages(Gfp.GFP_KERNEL, 0, 0));
        }
        assertThat(pa.kswapdFailures()).isEqualTo(16);
        assertThat(BuddyinfoReport.counters(pa).nodeUnreclaimable()).isTrue();
        assertThat(ZoneinfoReport.render(zs, BuddyinfoReport.counters(pa))).contains("\n  node_unreclaimable:  1\n")
                .doesNotContain("node_unreclaimable:  0");
    }

    /**
     * meminfo of the 1 GiB oracle board (armmp-1024M): the totals are its meminfo.txt lines, the
     * free lines the kernel's sums of the counters given here: DMA 1000 pages free, HighMem 300 of
     * which 50 CMA, nothing elsewhere, so MemFree 5200 kB, HighFree 1200, LowFree 4000, CmaFree 200.
     */
    @Test
    void meminfoSumsTheFreeCountersIntoItsFreeLines() {
        Kernel k = boot1024();
        ZoneCounters c = new ZoneCounters() {
            @Override
            public long nrFree(ZoneType t) {
                return t == ZoneType.DMA ? 1000 : t == ZoneType.HIGHMEM ? 300 : 0;
            }

            @Override
            public long nrFreeCma(ZoneType t) {
                return t == ZoneType.HIGHMEM ? 50 : 0;
            }

            @Override
            public int pcpCount(ZoneType t, int cpu) {
                return 0;
            }
        };
        String oracle = OracleFiles.read("armmp-1024M", "meminfo.txt");
        long vmallocBytes = k.booted().orElseThrow().layout().vmallocTotal();
        String expected = String.join("\n",
                oracleLine(oracle, "MemTotal:"),
                "MemFree:            5200 kB",
                oracleLine(oracle, "HighTotal:"),
                "HighFree:           1200 kB",
                oracleLine(oracle, "LowTotal:"),
                "LowFree:            4000 kB",
                oracleLine(oracle, "VmallocTotal:"),
                oracleLine(oracle, "CmaTotal:"),
                "CmaFree:             200 kB",
                "min_free_kbytes:    3475 kB", "");
        assertThat(MeminfoReport.render(k.zones().orElseThrow(), vmallocBytes, c)).isEqualTo(expected);
    }

    /** Before the allocator runs, every managed page reads as free and every CMA page as free CMA. */
    @Test
    void beforeTheAllocatorEveryManagedPageReadsAsFree() {
        ZoneSetup zs = boot1024().zones().orElseThrow();
        ZoneCounters c = ZoneCounters.allManagedFree(zs);
        // armmp-1024M's zoneinfo.txt: DMA managed 189461 (the model's boot gives the kernel's), HighMem 65536, cma 4096
        assertThat(c.nrFree(ZoneType.DMA)).isEqualTo(zs.zone(ZoneType.DMA).managedPages());
        assertThat(c.nrFree(ZoneType.HIGHMEM)).isEqualTo(65536);
        assertThat(c.nrFreeCma(ZoneType.HIGHMEM)).isEqualTo(4096);
        assertThat(c.nrFreeCma(ZoneType.DMA)).isZero();
        assertThat(c.pcpCount(ZoneType.DMA, 0)).isZero();
        assertThat(c.nodeUnreclaimable()).isFalse();
        assertThat(c.boost(ZoneType.HIGHMEM)).isZero();
    }

    private static String oracleLine(String text, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + ".*$").matcher(text);
        assertThat(m.find()).as(label).isTrue();
        return m.group();
    }

    private static String block(String zoneinfo, ZoneType t) {
        int from = zoneinfo.indexOf(String.format("Node 0, zone %8s", t.kernelName()));
        int to = zoneinfo.indexOf("Node 0, zone", from + 1);
        return zoneinfo.substring(from, to < 0 ? zoneinfo.length() : to);
    }
}
