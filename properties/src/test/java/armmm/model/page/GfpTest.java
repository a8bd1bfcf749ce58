package armmm.model.page;

import armmm.model.core.Gfp;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.zone.ZoneType;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** GFP masks carry 6.1's bit values, print with their composite names first and read back. */
class GfpTest {

    @Test
    void compositeMasksHaveTheKernelsValues() {
        // the values trace_mm_page_alloc prints for this build (gfp_types.h, no KASAN, no LOCKDEP)
        assertThat(Gfp.GFP_KERNEL).isEqualTo(0xcc0);
        assertThat(Gfp.GFP_ATOMIC).isEqualTo(0xa20);
        assertThat(Gfp.GFP_NOWAIT).isEqualTo(0x800);
        assertThat(Gfp.GFP_HIGHUSER).isEqualTo(0x100cc2);
        assertThat(Gfp.GFP_HIGHUSER_MOVABLE).isEqualTo(0x100cca);
        assertThat(Gfp.GFP_DMA).isEqualTo(0x1);
        assertThat(Gfp.ZERO | Gfp.COMP | Gfp.NOWARN).isEqualTo(0x42100);
    }

    @Test
    void formatPutsTheWidestCompositeFirst() {
        assertThat(Gfp.format(Gfp.GFP_KERNEL | Gfp.ZERO)).isEqualTo("GFP_KERNEL|__GFP_ZERO");
        assertThat(Gfp.format(Gfp.GFP_HIGHUSER_MOVABLE)).isEqualTo("GFP_HIGHUSER_MOVABLE");
        assertThat(Gfp.format(Gfp.GFP_ATOMIC | Gfp.COMP | Gfp.NOWARN)).isEqualTo("GFP_ATOMIC|__GFP_NOWARN|__GFP_COMP");
        assertThat(Gfp.format(Gfp.HIGH)).isEqualTo("__GFP_HIGH");
        assertThat(Gfp.format(0)).isEqualTo("0");
        assertThat(Gfp.format(1L << 30)).isEqualTo("0x40000000");
    }

    @Test
    void parseReadsBackWhatFormatPrints() {
        Random r = new Random(5);
        for (int i = 0; i < 2000; i++) {
            long mask = r.nextLong() & Gfp.BITS_MASK & (r.nextBoolean() ? 0xffffff : 0xfff);
            assertThat(Gfp.parse(Gfp.format(mask))).as(Gfp.format(mask)).hasValue(mask);
        }
        assertThat(Gfp.parse("GFP_KERNEL | __GFP_ZERO")).hasValue(0xdc0);
        assertThat(Gfp.parse("__GFP_RECLAIM")).hasValue(0xc00);
        assertThat(Gfp.parse("GFP_KERNEL|0x100")).hasValue(0xdc0);
        assertThat(Gfp.parse("GFP_BOGUS")).isEmpty();
    }

    @Test
    void gfpZoneFollowsTheZoneTable() {
        assertThat(GfpZone.gfpZone(Gfp.GFP_KERNEL)).isEqualTo(ZoneType.NORMAL);
        assertThat(GfpZone.gfpZone(Gfp.GFP_DMA)).isEqualTo(ZoneType.DMA);
        assertThat(GfpZone.gfpZone(Gfp.GFP_HIGHUSER)).isEqualTo(ZoneType.HIGHMEM);
        assertThat(GfpZone.gfpZone(Gfp.GFP_HIGHUSER_MOVABLE)).isEqualTo(ZoneType.MOVABLE);
        assertThat(GfpZone.gfpZone(Gfp.MOVABLE)).isEqualTo(ZoneType.NORMAL);
        assertThat(GfpZone.gfpZone(Gfp.MOVABLE | Gfp.DMA)).isEqualTo(ZoneType.DMA);
        assertThat(GfpZone.gfpZone(Gfp.DMA | Gfp.HIGHMEM)).isNull();
        assertThat(GfpZone.gfpMigratetype(Gfp.GFP_KERNEL)).isEqualTo(MigrateType.UNMOVABLE);
        assertThat(GfpZone.gfpMigratetype(Gfp.GFP_HIGHUSER_MOVABLE)).isEqualTo(MigrateType.MOVABLE);
        assertThat(GfpZone.gfpMigratetype(Gfp.GFP_KERNEL | Gfp.RECLAIMABLE)).isEqualTo(MigrateType.RECLAIMABLE);
    }
}
