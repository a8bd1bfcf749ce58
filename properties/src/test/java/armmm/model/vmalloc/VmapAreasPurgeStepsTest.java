package armmm.model.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code __purge_vmap_area_lazy} in the two halves a purge begun as steps takes
 * ({@link VmapAreas#beginPurge}, {@link VmapAreas#endPurge}, mm/vmalloc.c 6.1): what the areas
 * taken are meanwhile, and what waits for {@code vmap_purge_lock}.
 */
class VmapAreasPurgeStepsTest {
    private static final long MIB = 1 << 20;
    private static final long BASE = 0xf0000000L;
    private final ShadowPtes ptes = new ShadowPtes(BASE, BASE + 256 * MIB, 0x40000, 0x80000);

    private VmapAreas areas() {
        VmapAreas a = new VmapAreas(ptes, 1, Set.of());
        a.init(List.of());
        return a;
    }

    @Test
    void takenAreasStayLazilyFreedOutsideTheFreeTreeUntilTheSecondHalf() {
        VmapAreas a = areas();
        VmapArea x = a.alloc(16 * MIB, 4096, BASE, BASE + 256 * MIB);
        a.freeNoflush(x);
        long[] span = a.beginPurge();
        assertThat(span).containsExactly(x.vaStart(), x.vaEnd());
        assertThat(a.purgeLockHeld()).isTrue();
        assertThat(a.purgeRanges()).as("still lazily freed").hasSize(1);
        assertThat(a.vmapLazyNr()).isEqualTo(4096);
        assertThat(a.freeOverlaps(x.vaStart(), x.vaEnd())).isFalse();
        assertThat(a.alloc(16 * MIB, 4096, BASE, BASE + 256 * MIB).vaStart()).as("not handed out").isNotEqualTo(x.vaStart());
        a.endPurge();
        assertThat(a.purgeLockHeld()).isFalse();
        assertThat(a.vmapLazyNr()).isZero();
        assertThat(a.freeOverlaps(x.vaStart(), x.vaEnd())).isTrue();
        assertThat(a.beginPurge()).as("nothing lazily freed: nothing taken").isNull();
    }

    @Test
    void theDrainPastLazyMaxPagesWaitsForThePurgeLockAndRunsWhenItIsReleased() {
        VmapAreas a = areas();
        VmapArea[] v = new VmapArea[5];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.alloc(16 * MIB, 4096, BASE, BASE + 256 * MIB);
        }
        a.freeNoflush(v[0]);
        a.beginPurge();
        // 4096 taken plus 3 x 4096 freed meanwhile: past lazy_max_pages (8192 with one CPU)
        a.freeNoflush(v[1]);
        a.freeNoflush(v[2]);
        a.freeNoflush(v[3]);
        assertThat(a.vmapLazyNr()).isEqualTo(16384);
        assertThat(a.purges()).isZero();
        a.endPurge();
        // the taken area freed, then the drain purged the 12288 pages freed meanwhile
        assertThat(a.purges()).isEqualTo(2);
        assertThat(a.vmapLazyNr()).isZero();
    }

    @Test
    void anAllocationThatWouldPurgeAndRetryFailsWhileThePurgeLockIsHeld() {
        VmapAreas a = areas();
        long end = BASE + 32 * MIB;
        VmapArea x = a.alloc(16 * MIB, 4096, BASE, end);
        VmapArea y = a.alloc(16 * MIB, 4096, BASE, end);
        a.freeNoflush(x);
        a.beginPurge();
        a.freeNoflush(y);
        // y waits on the new purge list; the retry's purge_vmap_area_lazy would wait for the lock
        assertThat(a.alloc(16 * MIB, 4096, BASE, end)).isNull();
        assertThat(a.vmapLazyNr()).isEqualTo(8192);
        a.endPurge();
        assertThat(a.alloc(16 * MIB, 4096, BASE, end).vaStart()).isEqualTo(x.vaStart());
    }
}
