package armmm.model.board;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.boot.Boot;
import armmm.model.boot.BootedSystem;
import armmm.model.zone.CmaArea;
import org.junit.jupiter.api.Test;

/**
 * {@code cma=SIZE@BASE} without {@code -LIMIT}: {@code early_cma} (kernel/dma/contiguous.c) sets
 * {@code limit_cmdline = base_cmdline + size_cmdline}, so {@code dma_contiguous_reserve} sees
 * {@code base + size == limit} and asks {@code cma_declare_contiguous_nid} (mm/cma.c) for a fixed
 * area at exactly BASE, within {@code min_not_zero(limit_cmdline, arm_dma_limit)}. The model once
 * left the limit 0, which made the area a top-down allocation above BASE: a surviving mutant of
 * the {@code '-'} test led to it.
 */
class EarlyCmaFixedBaseTest {
    private static final long GIB = 1L << 30;

    @Test
    void aBaseWithoutALimitIsAFixedAreaAtThatBase() {
        BootedSystem b = Boot.boot(Board.virt(GIB).withArgs("cma=32M@0x50000000"));
        assertThat(b.cmaAreas()).containsExactly(new CmaArea("reserved", 0x5000_0000L, 32L << 20));
        // any character other than '-' after the base ends it the same way
        BootedSystem plus = Boot.boot(Board.virt(GIB).withArgs("cma=32M@0x50000000+0x1000"));
        assertThat(plus.cmaAreas()).containsExactly(new CmaArea("reserved", 0x5000_0000L, 32L << 20));
    }

    /**
     * {@code cma=32M@0}: the limit is 32 MiB; base 0 turns {@code fixed} off, and the allocation
     * below 32 MiB finds no memory on a board whose RAM starts at 0x40000000: no CMA area.
     */
    @Test
    void aBaseOfZeroBoundsTheAreaBelowItsSize() {
        BootedSystem b = Boot.boot(Board.virt(GIB).withArgs("cma=32M@0"));
        assertThat(b.cmaAreas()).isEmpty();
        assertThat(b.log()).anyMatch(l -> l.contains("cma: Failed to reserve 32 MiB"));
    }
}
