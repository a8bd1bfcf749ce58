package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Above {@link Memblock#CHECK_WHOLE_UP_TO} regions the per-step memblock checks look only at the
 * window {@link Memblock#checkWindow} names (and one neighbour on each side): it must cover every
 * region the calls since the last check changed, at the indices those regions have now. What
 * changes, by mm/memblock.c (6.1): {@code memblock_insert_region} moves every later region up by
 * one; {@code memblock_remove_region} moves them down, and the regions on either side of the
 * removed one become neighbours; {@code memblock_merge_regions} joins a region with the next one
 * it touches; {@code memblock_isolate_range} splits a region at the range's ends and
 * {@code memblock_setclr_flag} changes the flags of the pieces inside.
 *
 * <p>The window may be larger than what changed (the checks then look at more); these tests only
 * ask that it is not smaller. Memory: 1100 regions of 4 KiB, 8 KiB apart, from BASE, and 1 MiB at
 * BASE + 16M for the region arrays.
 */
class MemblockCheckWindowCoversChangesTest {
    private static final long BASE = 0x4000_0000L;
    private static final long SZ_4K = 0x1000;
    private static final long STRIDE = 2 * SZ_4K;

    private static Memblock spread() {
        Memblock mb = new Memblock();
        mb.allowResize();
        // 1 MiB well above them, where the doubled arrays go (top-down)
        mb.add(BASE + 0x100_0000L, 0x10_0000L);
        for (int i = 0; i < 1100; i++) {
            mb.add(BASE + i * STRIDE, SZ_4K);
        }
        assertThat(mb.memoryCnt()).isEqualTo(1101);
        mb.beginCheck(false);
        return mb;
    }

    private static long at(int i) {
        return BASE + i * STRIDE;
    }

    /** The next check's memory window covers {@code [lo, hi]}. */
    private static void covers(Memblock mb, int lo, int hi) {
        mb.beginCheck(false);
        int[] w = mb.checkWindow(false);
        assertThat(w).as("a window, not the whole array").isNotNull();
        assertThat(w[0]).as("window %s..%s", w[0], w[1]).isLessThanOrEqualTo(lo);
        assertThat(w[1]).as("window %s..%s", w[0], w[1]).isGreaterThanOrEqualTo(hi);
        assertThat(w[1] - w[0]).as("only around the change").isLessThan(64);
    }

    @Test
    void aRemovedRegionsNeighboursMeet() {
        Memblock mb = spread();
        mb.remove(at(10), SZ_4K);
        assertThat(mb.memoryCnt()).isEqualTo(1100);
        assertThat(mb.region(false, 10).base()).isEqualTo(at(11));
        covers(mb, 9, 10);
    }

    @Test
    void aRegionFillingAGapMergesThreeIntoOne() {
        Memblock mb = spread();
        mb.add(at(20) + SZ_4K, SZ_4K);
        assertThat(mb.region(false, 20)).isEqualTo(new Region(at(20), 3 * SZ_4K, 0));
        covers(mb, 20, 20);
    }

    @Test
    void aRegionInsertedThenMovedDownByARemoval() {
        Memblock mb = spread();
        mb.add(at(30) + SZ_4K + 0x400, 0x400);
        assertThat(mb.region(false, 31).base()).isEqualTo(at(30) + SZ_4K + 0x400);
        mb.remove(at(10), SZ_4K);
        assertThat(mb.region(false, 30).base()).isEqualTo(at(30) + SZ_4K + 0x400);
        covers(mb, 9, 30);
    }

    @Test
    void aChangedRegionMovedUpByAnInsertion() {
        Memblock mb = spread();
        mb.add(at(40) + SZ_4K, 0x800);
        assertThat(mb.region(false, 40)).isEqualTo(new Region(at(40), SZ_4K + 0x800, 0));
        mb.add(at(4) + SZ_4K + 0x400, 0x400);
        assertThat(mb.region(false, 41)).isEqualTo(new Region(at(40), SZ_4K + 0x800, 0));
        covers(mb, 5, 41);
    }

    @Test
    void aFlagSplitsARegionAndClearingItJoinsThePiecesAgain() {
        Memblock mb = spread();
        mb.markNomap(at(50) + 0x400, 0x800);
        assertThat(mb.region(false, 51)).isEqualTo(new Region(at(50) + 0x400, 0x800, Memblock.NOMAP));
        assertThat(mb.region(false, 52)).isEqualTo(new Region(at(50) + 0xc00, 0x400, 0));
        covers(mb, 50, 52);
        mb.clearNomap(at(50) + 0x400, 0x800);
        assertThat(mb.region(false, 50)).isEqualTo(new Region(at(50), SZ_4K, 0));
        assertThat(mb.region(false, 51)).isEqualTo(new Region(at(51), SZ_4K, 0));
        covers(mb, 50, 50);
    }
}
