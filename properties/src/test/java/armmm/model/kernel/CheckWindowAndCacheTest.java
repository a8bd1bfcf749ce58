package armmm.model.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Violation;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.MemblockOp;
import armmm.model.subsystem.Invariant;
import armmm.model.zone.ZoneConfig;
import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;

/**
 * What the per-step check trusts, shown with corruptions written behind the states' methods (by
 * reflection, as a stray store in the model would): one invariant's step check keeps its last
 * result while its stamp stands, and in a memblock array above {@link Memblock#CHECK_WHOLE_UP_TO}
 * regions the step check reads only the regions the last call changed, while the complete check
 * ({@code MemblockSubsystem.completeCheck}) reads them all.
 */
class CheckWindowAndCacheTest {

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    @Test
    void oneInvariantsStepCheckKeepsItsLastResultWhileItsStampStands() throws Exception {
        Kernel k = Kernel.boot(Board.virt(1024L << 20));
        Invariant reserve = Kernel.invariants().stream().filter(i -> i.id().equals("INV-ZONE-06")).findFirst().orElseThrow();
        assertThat(k.check(reserve)).isEmpty();
        ZoneConfig dma = k.zones().orElseThrow().zones().get(0);
        long[] protection = (long[]) field(dma, "lowmemReserve");
        protection[protection.length - 1] += 7;
        // the zones' stamp does not move after boot: the last result stands; run directly, it sees the change
        assertThat(k.check(reserve)).isEmpty();
        assertThat(reserve.check(k)).extracting(Violation::id).contains("INV-ZONE-06");
        assertThat(k.checkComplete()).extracting(Violation::id).contains("INV-ZONE-06");
    }

    /**
     * 1100 reserved regions (above the 1024 of whole checks): region 0 moved over region 1 behind
     * the array's back, then a reserve at the top: the step check after it reads only the new
     * region and its neighbour and finds nothing; the complete check reads all and finds the overlap
     * (INV-MEMBLOCK-01); the next step check, with nothing changed, is windowed again.
     */
    @Test
    void aLargeArraysStepCheckReadsTheChangedRegionsAndTheCompleteCheckReadsAll() throws Exception {
        Kernel k = Kernel.bare();
        k.apply(new MemblockOp.Add(0x1000_0000L, 0x4000_0000L));
        k.apply(new MemblockOp.AllowResize()); // the reserved array doubles past 128 regions
        for (int i = 0; i < 1100; i++) {
            k.apply(new MemblockOp.Reserve(0x2000_0000L + i * 0x2000L, 0x1000));
        }
        assertThat(k.check()).isEmpty();
        assertThat(k.memblock().reserved().size()).isGreaterThan(Memblock.CHECK_WHOLE_UP_TO);
        Object reserved = field(k.memblock(), "reserved");
        long[] base = (long[]) field(reserved, "base");
        int first = 0;
        while (base[first] < 0x2000_0000L) {
            first++;
        }
        base[first] = base[first + 1] - 0x800; // overlaps the next region
        k.apply(new MemblockOp.Reserve(0x3000_0000L, 0x1000));
        assertThat(k.check()).extracting(Violation::id).doesNotContain("INV-MEMBLOCK-01");
        assertThat(k.checkComplete()).extracting(Violation::id).contains("INV-MEMBLOCK-01");
        k.apply(new MemblockOp.Reserve(0x3100_0000L, 0x1000));
        assertThat(k.check()).extracting(Violation::id).doesNotContain("INV-MEMBLOCK-01");
    }
}
