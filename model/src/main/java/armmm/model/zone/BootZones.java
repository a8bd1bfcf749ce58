package armmm.model.zone;

import armmm.model.board.Board;
import armmm.model.board.BuildConfig;
import armmm.model.boot.BootedSystem;
import armmm.model.memblock.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * The zone inputs of a booted system: the memblock state just before {@code memblock_free_all},
 * the limits {@code find_limits} read, the CMA areas, and what {@code free_initrd_mem} and
 * {@code free_initmem} return later.
 */
public final class BootZones {
    private BootZones() {
    }

    /** The zones {@code boot} leads to. */
    public static ZoneSetup setUp(BootedSystem boot) {
        return ZoneSetup.compute(inputs(boot));
    }

    /** The inputs of zone setup for {@code boot}, with this build's sysctl defaults. */
    public static ZoneInputs inputs(BootedSystem boot) {
        Board board = boot.board();
        BuildConfig build = board.build();
        List<CmaArea> cma = boot.cmaAreas().stream().map(a -> new CmaArea(a.base(), a.size())).toList();
        List<LateFree> late = new ArrayList<>();
        if (boot.initrdEnd() > boot.initrdStart()) {
            late.add(LateFree.ofBytes("initrd", boot.initrdStart(), boot.initrdEnd()));
        }
        late.add(LateFree.ofBytes("initmem", boot.initBeginPhys(), boot.initEndPhys()));
        // arm_dma_pfn_limit only matters through max_zone_pfn[ZONE_DMA] = min(it, max_low_pfn)
        long dmaLimit = boot.maxZonePfn().get(ZoneType.DMA.ordinal());
        return new ZoneInputs(boot.memory(), boot.reserved(), boot.maxLowPfn(), boot.maxPfn(), dmaLimit,
                movablecorePages(board, boot.memory()), cma, board.cpus(), ZoneInputs.DEFAULT_WATERMARK_SCALE_FACTOR,
                ZoneInputs.DEFAULT_LOWMEM_RESERVE_RATIO, late, build.maxOrderNrPages());
    }

    /**
     * {@code required_movablecore} in pages: {@code movablecore=SIZE} is memparse'd and shifted
     * ({@code cmdline_parse_core}); {@code movablecore=N%} is totalpages x 100 x N / 10000
     * ({@code find_zone_movable_pfns_for_nodes}).
     */
    static long movablecorePages(Board board, List<Region> memory) {
        if (board.cmdline().movablecorePercent() > 0) {
            long total = 0;
            for (long[] r : ZoneSpans.pfnRanges(memory)) {
                total += r[1] - r[0];
            }
            return total * 100 * board.cmdline().movablecorePercent() / 10000;
        }
        return Math.max(0, board.cmdline().movablecore()) >>> ZoneSetup.PAGE_SHIFT;
    }
}
