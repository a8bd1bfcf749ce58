package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Gfp;
import armmm.model.page.MigrateType;
import armmm.model.zone.ZoneType;
import org.junit.jupiter.api.Test;

/**
 * The checks' own restatement of the GFP rules against include/linux/gfp.h ({@code GFP_ZONE_TABLE},
 * {@code GFP_ZONE_BAD}, {@code gfp_migratetype}) and mm/page_alloc.c ({@code gfp_to_alloc_flags},
 * {@code __zone_watermark_ok}'s lowered min) of this build: ZONE_DMA and HIGHMEM, no ZONE_DMA32.
 */
class GfpRulesTest {

    @Test
    void gfpZoneFollowsTheZoneTableAndRefusesTheBadCombinations() {
        assertThat(GfpRules.highestZone(0)).isEqualTo(ZoneType.NORMAL.ordinal());
        assertThat(GfpRules.highestZone(Gfp.GFP_KERNEL)).isEqualTo(ZoneType.NORMAL.ordinal());
        assertThat(GfpRules.highestZone(Gfp.DMA)).isEqualTo(ZoneType.DMA.ordinal());
        assertThat(GfpRules.highestZone(Gfp.DMA | Gfp.MOVABLE)).isEqualTo(ZoneType.DMA.ordinal());
        assertThat(GfpRules.highestZone(Gfp.HIGHMEM)).isEqualTo(ZoneType.HIGHMEM.ordinal());
        assertThat(GfpRules.highestZone(Gfp.HIGHMEM | Gfp.MOVABLE)).isEqualTo(ZoneType.MOVABLE.ordinal());
        assertThat(GfpRules.highestZone(Gfp.MOVABLE)).isEqualTo(ZoneType.NORMAL.ordinal());
        // OPT_ZONE_DMA32 is ZONE_NORMAL without CONFIG_ZONE_DMA32
        assertThat(GfpRules.highestZone(Gfp.DMA32)).isEqualTo(ZoneType.NORMAL.ordinal());
        assertThat(GfpRules.highestZone(Gfp.DMA32 | Gfp.MOVABLE)).isEqualTo(ZoneType.NORMAL.ordinal());
        for (long bad : new long[] {Gfp.DMA | Gfp.HIGHMEM, Gfp.DMA | Gfp.DMA32, Gfp.DMA32 | Gfp.HIGHMEM,
            Gfp.DMA | Gfp.DMA32 | Gfp.HIGHMEM, Gfp.MOVABLE | Gfp.HIGHMEM | Gfp.DMA}) {
            assertThat(GfpRules.highestZone(bad)).as("GFP_ZONE_BAD %x", bad).isEqualTo(-1);
            assertThat(GfpRules.highestZone(bad | Gfp.MOVABLE)).as("GFP_ZONE_BAD %x", bad | Gfp.MOVABLE).isEqualTo(-1);
        }
    }

    @Test
    void gfpMigratetypeAndMobilityGroupingDisabled() {
        assertThat(GfpRules.migratetype(Gfp.GFP_KERNEL, false)).isEqualTo(MigrateType.UNMOVABLE);
        assertThat(GfpRules.migratetype(Gfp.GFP_HIGHUSER_MOVABLE, false)).isEqualTo(MigrateType.MOVABLE);
        assertThat(GfpRules.migratetype(Gfp.GFP_KERNEL | Gfp.RECLAIMABLE, false)).isEqualTo(MigrateType.RECLAIMABLE);
        assertThat(GfpRules.migratetype(Gfp.GFP_HIGHUSER_MOVABLE, true)).isEqualTo(MigrateType.UNMOVABLE);
        assertThat(GfpRules.migratetype(Gfp.GFP_KERNEL | Gfp.RECLAIMABLE, true)).isEqualTo(MigrateType.UNMOVABLE);
    }

    @Test
    void theSlowPassOfEachMaskAndItsLoweredMin() {
        // GFP_ATOMIC: ALLOC_MIN_RESERVE (__GFP_HIGH) and ALLOC_NON_BLOCK; ALLOC_HIGHATOMIC above order 0
        GfpRules.Pass atomic0 = GfpRules.slowPass(Gfp.GFP_ATOMIC, 0, false);
        assertThat(atomic0).isEqualTo(new GfpRules.Pass(true, true, false, false, false));
        assertThat(GfpRules.slowPass(Gfp.GFP_ATOMIC, 1, false).highatomic()).isTrue();
        assertThat(atomic0.reserves()).isTrue();
        // min 1000: -500, then -125
        assertThat(atomic0.min(1000)).isEqualTo(375);
        assertThat(atomic0.min(1001)).isEqualTo(1001 - 500 - 125);
        // GFP_NOWAIT: ALLOC_NON_BLOCK only, which lowers nothing without ALLOC_MIN_RESERVE
        GfpRules.Pass nowait = GfpRules.slowPass(Gfp.GFP_NOWAIT, 2, false);
        assertThat(nowait).isEqualTo(new GfpRules.Pass(false, true, false, false, false));
        assertThat(nowait.reserves()).isTrue();
        assertThat(nowait.min(1000)).isEqualTo(1000);
        // __GFP_HIGH with direct reclaim: half of min
        GfpRules.Pass high = GfpRules.slowPass(Gfp.GFP_KERNEL | Gfp.HIGH, 3, false);
        assertThat(high).isEqualTo(new GfpRules.Pass(true, false, false, false, false));
        assertThat(high.min(1001)).isEqualTo(501);
        // GFP_KERNEL: nothing
        GfpRules.Pass kernel = GfpRules.slowPass(Gfp.GFP_KERNEL, 0, false);
        assertThat(kernel.reserves()).isFalse();
        assertThat(kernel.min(1000)).isEqualTo(1000);
        // __GFP_NOMEMALLOC: no ALLOC_NON_BLOCK even without direct reclaim, and no memalloc pass
        GfpRules.Pass nomem = GfpRules.slowPass(Gfp.GFP_ATOMIC | Gfp.NOMEMALLOC | Gfp.MEMALLOC, 1, false);
        assertThat(nomem).isEqualTo(new GfpRules.Pass(true, false, false, false, false));
        assertThat(GfpRules.slowPass(Gfp.GFP_KERNEL | Gfp.MEMALLOC, 0, false).noWatermarks()).isTrue();
        // ALLOC_CMA for Movable requests only, and none while mobility grouping is off
        assertThat(GfpRules.slowPass(Gfp.GFP_HIGHUSER_MOVABLE, 0, false).cma()).isTrue();
        assertThat(GfpRules.slowPass(Gfp.GFP_HIGHUSER_MOVABLE, 0, true).cma()).isFalse();
        assertThat(GfpRules.slowPass(Gfp.GFP_KERNEL, 0, false).cma()).isFalse();
    }
}
