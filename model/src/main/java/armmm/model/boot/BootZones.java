package armmm.model.boot;

import armmm.model.zone.CmaArea;
import armmm.model.zone.ZoneInputs;
import armmm.model.zone.ZoneSetup;
import armmm.model.zone.ManagedPages;
import armmm.model.zone.LateFree;
import armmm.model.zone.UnusedMemmap;
import armmm.model.zone.ZoneSpans;
import armmm.model.zone.ZoneStage;
import armmm.model.zone.ZoneType;
import armmm.model.board.Board;
import armmm.model.board.BuildConfig;
import armmm.model.memblock.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * The zone inputs of a booted system: the memblock state just before {@code memblock_free_all}
 * (with {@code free_unused_memmap} applied, the first thing it does),
 * the limits {@code find_limits} read, the CMA areas, and what {@code free_initrd_mem} and
 * {@code free_initmem} return later.
 */
public final class BootZones {
    private BootZones() {
    }

    /**
     * The zones {@code boot} leads to.
     *
     * @throws BootException when a CMA area covers memory the kernel is using (see {@link #checkCmaAreas})
     */
    public static ZoneSetup setUp(BootedSystem boot) {
        return setUp(boot, armmm.model.core.Bugs.NONE);
    }

    /** {@link #setUp(BootedSystem)} running the zone bugs in {@code bugs}. */
    public static ZoneSetup setUp(BootedSystem boot, armmm.model.core.Bugs bugs) {
        checkCmaAreas(boot);
        ZoneInputs in = inputs(boot);
        checkStillReserved(boot, in);
        return ZoneSetup.compute(in, bugs);
    }

    /**
     * The zones of a kernel booting stage by stage, as {@code stage} (before the last) leaves them:
     * computed, with the zone bugs of {@code bugs}, from the inputs the kernel has by then. No late
     * frees yet (the initrd and the init sections are freed in {@code kernel_init}), and no CMA
     * area's pages before {@code cma_init_reserved_areas} activates them
     * ({@link ZoneStage#CMA_ACTIVATED}): until then they stay reserved in memblock, so
     * {@code memblock_free_all} counts none of them, while {@code totalcma_pages} holds them all
     * since {@code cma_init_reserved_mem}. Before {@code init_per_zone_wmark_min}
     * ({@link ZoneStage#WATERMARKS}) min_free_kbytes, the watermarks and the protection are what the
     * kernel has then ({@link ZoneSetup#beforeInitPerZoneWmarkMin}). The same board checks as
     * {@link #setUp(BootedSystem, armmm.model.core.Bugs)} run first: a board it refuses is refused
     * here, at free_area_init.
     *
     * @throws BootException as {@link #setUp(BootedSystem)}
     * @throws IllegalArgumentException for {@link ZoneStage#BOOTED}, which is {@link #setUp(BootedSystem, armmm.model.core.Bugs)}'s
     */
    public static ZoneSetup setUpBefore(BootedSystem boot, armmm.model.core.Bugs bugs, ZoneStage stage) {
        if (stage == ZoneStage.BOOTED) {
            throw new IllegalArgumentException("the zones of a booted kernel are setUp's");
        }
        checkCmaAreas(boot);
        ZoneInputs in = inputs(boot);
        checkStillReserved(boot, in);
        ZoneInputs early = new ZoneInputs(in.memory(), in.reserved(), in.maxLowPfn(), in.maxPfn(), in.dmaPfnLimit(),
                in.movablecorePages(), stage.reached(ZoneStage.CMA_ACTIVATED) ? in.cma() : List.of(), in.cpus(),
                in.watermarkScaleFactor(), in.lowmemReserveRatio(), List.of(), in.maxOrderNrPages());
        ZoneSetup s = ZoneSetup.compute(early, bugs);
        if (!stage.reached(ZoneStage.CMA_ACTIVATED)) {
            // cma_init_reserved_mem counted each accepted area in totalcma_pages at setup_arch
            long reserved = in.cma().stream().mapToLong(a -> a.endPfn() - a.startPfn()).sum();
            s = s.withManaged(s.managed().withTotalCmaPages(reserved));
        }
        return stage.reached(ZoneStage.WATERMARKS) ? s : s.beforeInitPerZoneWmarkMin();
    }

    /**
     * Refuses a board on which the kernel image, {@code swapper_pg_dir} (the live first-level table),
     * an accepted CMA area, the initrd or the init sections are no longer
     * reserved when {@code memblock_free_all} runs: a {@code reusable} reserved-memory node that
     * {@code rmem_cma_setup} rejects is released with {@code memblock_phys_free}
     * ({@code fdt_init_reserved_mem}, drivers/of/of_reserved_mem.c), taking whatever else it
     * covered with it. Those pages would reach the buddy allocator while in use, and
     * {@code free_initrd_mem}/{@code free_initmem} would free them a second time.
     */
    static void checkStillReserved(BootedSystem boot, ZoneInputs in) {
        Board board = boot.board();
        long kernelStart = board.physOffset() + board.build().kernelStartOffset();
        List<LateFree> inUse = new ArrayList<>(in.lateFrees());
        // the image's last page is in use up to _end: PFN_UP, as memblock_free_all's free ranges start at PFN_UP
        inUse.add(LateFree.ofBytes("the kernel image", kernelStart, kernelStart + board.build().kernelSize()));
        long pgd = board.physOffset() + board.build().swapperPgDirOffset();
        inUse.add(LateFree.ofBytes("swapper_pg_dir", pgd, pgd + BuildConfig.PG_DIR_SIZE));
        // an accepted CMA area stays reserved until cma_activate_area (core_initcall, after memblock_free_all)
        for (CmaArea c : boot.cmaAreas()) {
            inUse.add(LateFree.ofBytes("CMA area " + c.name(), c.base(), c.end()));
        }
        for (long[] free : ManagedPages.freePfnRanges(in.memory(), in.reserved())) {
            for (LateFree u : inUse) {
                if (free[0] < u.endPfn() && u.startPfn() < free[1]) {
                    throw new BootException("--reserve", String.format(
                            "%s (pfns %#x-%#x) is not reserved at memblock_free_all: a reserved-memory node released it",
                            u.what(), u.startPfn(), u.endPfn() - 1));
                }
            }
        }
    }

    /**
     * Refuses a board whose CMA area (a {@code reusable} reserved-memory node, which
     * {@code early_init_dt_reserve_memory} reserves without looking at what it overlaps) covers
     * the kernel image, {@code swapper_pg_dir}, the initrd or an early allocation: {@code cma_activate_area} would hand
     * those pages to the buddy allocator while they are in use, and {@code free_initrd_mem} or
     * {@code free_initmem} would then free some of them a second time (a "Bad page state" report).
     * The real kernel does not survive such a board; the model stops at boot with a message.
     * So it does for an area that reaches past RAM into a gap between banks or above the last one
     * ({@code rmem_cma_setup} and {@code cma_init_reserved_mem} check only alignment and that the
     * range is reserved, kernel/dma/contiguous.c and mm/cma.c), and for two areas that overlap (the
     * reserved-memory code only reports it, and both areas' pages would be freed).
     */
    static void checkCmaAreas(BootedSystem boot) {
        Board board = boot.board();
        long kernelStart = board.physOffset() + board.build().kernelStartOffset();
        List<EarlyAllocation> inUse = new ArrayList<>();
        inUse.add(new EarlyAllocation("the kernel image", board.build().kernelSize(), 0, 0, 0, null, kernelStart));
        // arm_mm_memblock_reserve: swapper_pg_dir, 16 KiB below the kernel's text (TEXT_OFFSET), in use
        // as the MMU's first-level table from head.S on
        inUse.add(new EarlyAllocation("swapper_pg_dir", BuildConfig.PG_DIR_SIZE, 0, 0, 0, null,
                board.physOffset() + board.build().swapperPgDirOffset()));
        if (boot.initrdEnd() > boot.initrdStart()) {
            inUse.add(new EarlyAllocation("the initrd", boot.initrdEnd() - boot.initrdStart(), 0, 0, 0, null,
                    boot.initrdStart()));
        }
        inUse.addAll(boot.allocations());
        List<CmaArea> areas = boot.cmaAreas();
        for (int i = 0; i < areas.size(); i++) {
            for (int j = 0; j < i; j++) {
                CmaArea a = areas.get(j);
                CmaArea c = areas.get(i);
                if (a.base() < c.end() && c.base() < a.end()) {
                    // __rmem_check_for_overlap (drivers/of/of_reserved_mem.c) only prints OVERLAP DETECTED!
                    throw new BootException("--reserve", String.format(
                            "CMA area %s at %#x+%#x overlaps CMA area %s at %#x+%#x: 6.1 only reports the overlap "
                                    + "and cma_activate_area would free their common pages twice",
                            c.name(), c.base(), c.size(), a.name(), a.base(), a.size()));
                }
            }
        }
        for (CmaArea c : areas) {
            long hole = firstNotMemory(boot.memory(), c.base(), c.end());
            if (hole >= 0) {
                throw new BootException("--reserve", String.format(
                        "CMA area %s at %#x+%#x reaches %#x, which is not RAM: 6.1's cma_activate_area would hand "
                                + "those page frames to the buddy allocator (pfn_valid only WARNs; past the pageblock "
                                + "the struct pages were already freed by free_unused_memmap): the model's finding, "
                                + "the board is refused", c.name(), c.base(), c.size(), hole));
            }
            for (EarlyAllocation u : inUse) {
                boolean itself = u.address() == c.base() && u.size() == c.size();
                if (!itself && u.address() != 0 && u.address() < c.end() && c.base() < u.end()) {
                    throw new BootException("--reserve", String.format(
                            "CMA area %s at %#x+%#x covers %s at %#x+%#x; cma_activate_area would free pages in use",
                            c.name(), c.base(), c.size(), u.caller(), u.address(), u.size()));
                }
            }
        }
    }

    /** The first address of [start, end) outside every region of {@code memory} (sorted, merged), or -1. */
    static long firstNotMemory(List<Region> memory, long start, long end) {
        long at = start;
        for (Region r : memory) {
            if (r.base() <= at && at < r.base() + r.size()) {
                at = r.base() + r.size();
            }
            if (at >= end) {
                return -1;
            }
        }
        return at;
    }

    /** The inputs of zone setup for {@code boot}, with this build's sysctl defaults. */
    public static ZoneInputs inputs(BootedSystem boot) {
        Board board = boot.board();
        BuildConfig build = board.build();
        List<CmaArea> cma = boot.cmaAreas();
        List<LateFree> late = new ArrayList<>();
        if (boot.initrdEnd() > boot.initrdStart()) {
            late.add(LateFree.ofBytes("initrd", boot.initrdStart(), boot.initrdEnd()));
        }
        late.add(LateFree.ofBytes("initmem", boot.initBeginPhys(), boot.initEndPhys()));
        // arm_dma_pfn_limit only matters through max_zone_pfn[ZONE_DMA] = min(it, max_low_pfn)
        long dmaLimit = boot.maxZonePfn().get(ZoneType.DMA.ordinal());
        // free_unused_memmap runs inside memblock_free_all, before the free ranges are walked
        long archPfnOffset = boot.layout().archPfnOffset();
        List<Region> reserved = UnusedMemmap.free(boot.memory(), boot.reserved(), 1L << build.pageblockOrder(),
                pfn -> boot.layout().linearPhys(boot.layout().memMap() + (pfn - archPfnOffset) * build.structPageSize()));
        return new ZoneInputs(boot.memory(), reserved, boot.maxLowPfn(), boot.maxPfn(), dmaLimit,
                movablecorePages(board, boot.memory()), cma, board.cpus(), ZoneInputs.DEFAULT_WATERMARK_SCALE_FACTOR,
                ZoneInputs.DEFAULT_LOWMEM_RESERVE_RATIO, late, build.maxOrderNrPages());
    }

    /**
     * {@code required_movablecore} in pages: {@code movablecore=SIZE} is memparse'd and shifted
     * ({@code cmdline_parse_core}); {@code movablecore=N%} is totalpages x 100 x N / 10000
     * ({@code find_zone_movable_pfns_for_nodes}), computed in a 32-bit {@code unsigned long} as
     * on ARM: the product wraps on boards above about 1.6 GiB, a 6.1 bug the model keeps.
     */
    static long movablecorePages(Board board, List<Region> memory) {
        if (board.cmdline().movablecorePercent() > 0) {
            long total = 0;
            for (long[] r : ZoneSpans.pfnRanges(memory)) {
                total += r[1] - r[0];
            }
            // unsigned long is 32 bits on ARM: totalpages * 100 * N wraps above 4 GiB of product
            // (more than 1.6 GiB of RAM at 100%), and 6.1 divides what is left
            return ((total * 100 * board.cmdline().movablecorePercent()) & 0xFFFF_FFFFL) / 10000;
        }
        return Math.max(0, board.cmdline().movablecore()) >>> ZoneSetup.PAGE_SHIFT;
    }
}
