package armmm.model.balloon;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.zone.ZoneType;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Balloon migrations and exhaustion, worked from drivers/virtio/virtio_balloon.c and mm:
 * {@code alloc_migration_target} adds __GFP_HIGHMEM for a page in a highmem zone
 * ({@code is_highmem_idx}: HighMem, and Movable lying in HighMem), and {@code gfp_zone} gives a
 * movable request with __GFP_HIGHMEM ZONE_MOVABLE as its highest zone, without it ZONE_NORMAL (so
 * lowmem only); {@code virtballoon_migratepage} moves one managed page between the zones when the
 * new page lies in another ({@code adjust_managed_page_count} -1 and +1); {@code fill_balloon} stops
 * at the first failed allocation ("Out of puff!") and enqueues only the pages it got;
 * {@code alloc_migration_target} failing makes the migration -ENOMEM with nothing moved.
 */
class BalloonMigrationTest {
    private static long value(Result r) {
        return ((Result.Value) r).value();
    }

    private static long managed(Kernel k, ZoneType t) {
        return k.zones().orElseThrow().zone(t).managedPages();
    }

    private static ZoneType zoneOf(Kernel k, long pfn) {
        return k.state(Balloon.class).zoneOf(pfn);
    }

    /** A HighMem page, and a Movable one, migrate within their zone while it has room. */
    @Test
    void aHighmemPageMigratesWithinItsZone() {
        for (String args : new String[] {"", "movablecore=64M"}) {
            Kernel k = Kernel.boot(Board.virt(1L << 30).withArgs(args));
            value(k.apply(new BalloonOp.Inflate(1, 0)));
            long old = k.state(Balloon.class).pfns().get(0);
            ZoneType from = zoneOf(k, old);
            assertThat(from).as(args).isEqualTo(args.isEmpty() ? ZoneType.HIGHMEM : ZoneType.MOVABLE);
            long dma = managed(k, ZoneType.DMA);
            long stamp = k.state(Balloon.class).stamp();
            assertThat(value(k.apply(new BalloonOp.Migrate(0, 0)))).isZero();
            assertThat(k.state(Balloon.class).stamp()).isEqualTo(stamp + 1);
            long fresh = k.state(Balloon.class).pfns().get(0);
            assertThat(fresh).isNotEqualTo(old);
            assertThat(zoneOf(k, fresh)).as(args).isEqualTo(from);
            assertThat(managed(k, ZoneType.DMA)).isEqualTo(dma);
            assertThat(k.check()).isEmpty();
        }
    }

    /**
     * A 1 GiB board's HighMem filled by the balloon until its pages come from DMA: then a HighMem
     * page's migration target comes from DMA too, and one managed page moves from DMA to HighMem.
     * Filling on, the balloon runs out of puff: fewer pages than asked, none of them bogus; a
     * migration then finds no target: -ENOMEM, nothing changed.
     */
    @Test
    void acrossZonesTheManagedCountsMoveAndAtTheEndNothingIsLeft() {
        Kernel k = Kernel.boot(Board.virt(800L << 20));
        Balloon b = k.state(Balloon.class);
        assertThat(b.stamp()).isZero();
        while (b.pfns().isEmpty() || zoneOf(k, b.pfns().get(0)) != ZoneType.DMA) {
            assertThat(value(k.apply(new BalloonOp.Inflate(256, 0)))).isPositive();
        }
        List<Long> pfns = b.pfns();
        int index = 0;
        while (zoneOf(k, pfns.get(index)) != ZoneType.HIGHMEM) {
            index++;
        }
        long dma = managed(k, ZoneType.DMA);
        long high = managed(k, ZoneType.HIGHMEM);
        assertThat(value(k.apply(new BalloonOp.Migrate(index, 0)))).isZero();
        assertThat(zoneOf(k, b.pfns().get(0))).isEqualTo(ZoneType.DMA);
        assertThat(managed(k, ZoneType.DMA)).isEqualTo(dma - 1);
        assertThat(managed(k, ZoneType.HIGHMEM)).isEqualTo(high + 1);
        assertThat(k.check()).isEmpty();
        long got = 256;
        while (got == 256) {
            got = value(k.apply(new BalloonOp.Inflate(256, 0)));
        }
        assertThat(got).isLessThan(256);
        assertThat(b.pfns()).allMatch(p -> p > 0);
        assertThat(new HashSet<>(b.pfns())).hasSize(b.pfns().size());
        assertThat(b.numPages()).isEqualTo(b.pfns().size());
        List<Long> before = b.pfns();
        Result r = k.apply(new BalloonOp.Migrate(0, 0));
        assertThat(r).isEqualTo(new Result.Refused("-ENOMEM", "no page to migrate the balloon page to"));
        assertThat(b.pfns()).isEqualTo(before);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void theNewestPageMigratesToo() {
        Kernel k = Kernel.boot(Board.virt(64L << 20));
        value(k.apply(new BalloonOp.Inflate(1, 0)));
        long old = k.state(Balloon.class).pfns().get(0);
        assertThat(value(k.apply(new BalloonOp.Migrate(0, 0)))).isZero();
        assertThat(k.state(Balloon.class).pfns()).hasSize(1).doesNotContain(old);
    }
}
