package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Gfp;
import armmm.model.kernel.Kernel;
import armmm.model.zone.ZoneType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The allocation trace the GFP invariants read ({@link AllocTrace}): the zones as each allocation
 * found them, recorded as plain numbers and read back as {@link ZoneSnapshot}s, its highest
 * non-empty orders kept by the free-list primitives' bitmasks. Each expected value here is read
 * from the zones' public counters just before the allocation, by scanning every list.
 */
class AllocTraceTest {
    private static final long[] MASKS = {Gfp.GFP_KERNEL, Gfp.GFP_HIGHUSER_MOVABLE, Gfp.GFP_ATOMIC, Gfp.GFP_HIGHUSER,
        Gfp.GFP_KERNEL | Gfp.RECLAIMABLE};

    @Test
    void everyAllocationsTraceShowsTheZonesAsTheyWereBeforeIt() {
        for (String cmdline : new String[] {"", "cma=64M"}) {
            Kernel k = Kernel.boot(Board.virt(256L << 20).withArgs(cmdline));
            PageAllocator pa = k.pages();
            Random r = new Random(11);
            List<long[]> held = new ArrayList<>();
            int checked = 0;
            for (int step = 0; step < 3000; step++) {
                pa.beginStep();
                if (!held.isEmpty() && r.nextInt(3) == 0) {
                    long[] b = held.remove(r.nextInt(held.size()));
                    pa.freePagesPfn(b[0], (int) b[1], 0);
                    assertThat(pa.lastAlloc()).as("a call that allocated nothing has no trace").isNull();
                    continue;
                }
                long gfp = MASKS[r.nextInt(MASKS.length)];
                int ord = r.nextInt(4) == 0 ? r.nextInt(PageAllocator.MAX_ORDER) : r.nextInt(2);
                int mt = GfpZone.gfpMigratetype(gfp).ordinal();
                ZoneSnapshot[] expected = new ZoneSnapshot[ZoneType.values().length];
                for (ZoneType t : ZoneType.values()) {
                    BuddyZone z = pa.zone(t);
                    if (z != null && z.config().managedPages() > 0) {
                        expected[t.ordinal()] = expected(z, ord, mt);
                    }
                }
                long pfn = pa.allocPagesPfn(gfp, ord, 0);
                if (pfn >= 0) {
                    held.add(new long[] {pfn, ord});
                }
                AllocTrace trace = pa.lastAlloc();
                assertThat(trace.pfn()).isEqualTo(pfn);
                assertThat(trace.gfp()).isEqualTo(gfp);
                assertThat(trace.order()).isEqualTo(ord);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(trace.before(i)).as("zone %d before allocation %d", i, step).isEqualTo(expected[i]);
                }
                checked++;
            }
            assertThat(checked).isGreaterThan(1500);
        }
    }

    /** Zone {@code z} read through its public counters, the highest orders by a scan of every list. */
    private static ZoneSnapshot expected(BuddyZone z, int ord, int mt) {
        int maxFree = -1;
        int maxCma = -1;
        for (int o = 0; o < PageAllocator.MAX_ORDER; o++) {
            for (MigrateType t : MigrateType.values()) {
                if (z.freeListCount(o, t) > 0 && t.ordinal() < MigrateType.PCPTYPES) {
                    maxFree = o;
                }
                if (z.freeListCount(o, t) > 0 && t == MigrateType.CMA) {
                    maxCma = o;
                }
            }
        }
        boolean pcpHas = ord <= PageAllocator.COSTLY_ORDER
                && z.pcp(0).listLength(ord * MigrateType.PCPTYPES + mt) > 0;
        return new ZoneSnapshot(z.freePages(), z.freeCmaPages(), z.vmstat().read(ZoneVmstat.NR_FREE_PAGES),
                z.vmstat().read(ZoneVmstat.NR_FREE_CMA_PAGES), z.nrReservedHighatomic(), pcpHas, maxFree, maxCma,
                z.watermarkBoost());
    }
}
