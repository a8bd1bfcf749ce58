package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import org.junit.jupiter.api.Test;

/**
 * Edges of mm/memblock.c (6.1) at a full region array, at empty sizes, and at the ends of a
 * doubled array's pages:
 *
 * <ul>
 *   <li>{@code memblock_remove_region} moves the regions after {@code r} down by one, also when
 *       the array is full ({@code cnt == max}, 128 for the static arrays), which only
 *       {@code memblock_trim_memory} reaches: it removes without {@code memblock_isolate_range}, whose
 *       {@code cnt + 2 > max} test doubles a full array first.
 *   <li>{@code __memblock_find_range_bottom_up} takes a candidate only when
 *       {@code cand < this_end && this_end - cand >= size}; {@code __memblock_find_range_top_down}
 *       takes {@code round_down(this_end - size, align)} when it is at least {@code this_start}. So an
 *       allocation of 0 bytes whose aligned candidate is the end of the only free range fails
 *       bottom-up and returns that end top-down.
 *   <li>{@code memblock_phys_free(base, 0)} removes nothing ({@code memblock_isolate_range} returns at
 *       once for size 0); a region array from {@code kmalloc} (slab up) is no memblock reservation, so
 *       freeing memblock ranges over it does not take it away; a memblock-allocated array owns
 *       {@code PAGE_ALIGN(max * 12)} bytes, exactly 3 pages for 1024 entries.
 * </ul>
 */
class MemblockFullArrayAndEmptyRangeTest {
    private static final long BASE = 0x4000_0000L;
    private static final long SZ_4K = 0x1000;
    private static final long SZ_16K = 0x4000;
    private static final long SZ_16M = 0x100_0000;

    @Test
    void trimMemoryDropsARegionFromAFullArray() {
        Memblock mb = new Memblock();
        for (int i = 0; i < 128; i++) {
            if (i == 64) {
                mb.add(BASE + i * 2 * SZ_4K + 0x800, 0x800);
            } else {
                mb.add(BASE + i * 2 * SZ_4K, SZ_4K);
            }
        }
        assertThat(mb.memoryCnt()).isEqualTo(128);
        assertThat(mb.memoryMax()).isEqualTo(128);
        // region 64 holds no whole page: round_up(start) == round_down(end), memblock_remove_region
        assertThat(mb.trimMemory(SZ_4K)).isEqualTo(Result.VOID);
        assertThat(mb.memoryCnt()).isEqualTo(127);
        assertThat(mb.memory().get(63)).isEqualTo(new Region(BASE + 63 * 2 * SZ_4K, SZ_4K, 0));
        assertThat(mb.memory().get(64)).isEqualTo(new Region(BASE + 65 * 2 * SZ_4K, SZ_4K, 0));
        assertThat(mb.memory().get(126)).isEqualTo(new Region(BASE + 127 * 2 * SZ_4K, SZ_4K, 0));
        assertThat(mb.memoryTotalSize()).isEqualTo(127 * SZ_4K);
    }

    @Test
    void anEmptyAllocationAtTheEndOfTheOnlyFreeRange() {
        Memblock mb = new Memblock();
        mb.add(BASE + 0x800, 0x800);
        mb.setBottomUp(true);
        // round_up(BASE + 2K, 4K) = BASE + 4K = this_end: not below it
        assertThat(mb.physAlloc(0, SZ_4K)).isEqualTo(Result.of(0));
        mb.setBottomUp(false);
        // round_down(BASE + 4K - 0, 4K) = BASE + 4K >= BASE + 2K
        assertThat(mb.physAlloc(0, SZ_4K)).isEqualTo(Result.of(BASE + SZ_4K));
        assertThat(mb.reservedCnt()).as("memblock_reserve of 0 bytes adds nothing").isEqualTo(1);
        assertThat(mb.reserved().get(0).size()).isZero();
    }

    private static Kernel reserved(long count) {
        Kernel k = Kernel.bare(Bugs.NONE);
        k.apply(new MemblockOp.Add(BASE, SZ_16M));
        k.apply(new MemblockOp.AllowResize());
        assertThat(k.apply(new MemblockOp.ReserveMany(BASE, SZ_4K, SZ_16K, count)).isRefused()).isFalse();
        return k;
    }

    @Test
    void aDoubledArrayOwnsExactlyItsPages() {
        // 513 reservations: 1024 entries, 12288 bytes, three whole pages
        Kernel k = reserved(513);
        assertThat(k.memblock().reservedMax()).isEqualTo(1024);
        long array = k.memblock().regionsPhys(true);
        // top-down: 4K at top - 4K (256 entries), 8K at top - 12K (512; the first freed after),
        // then 12K below that (1024; [top - 4K, top) is too small): top - 24K
        assertThat(array).isEqualTo(BASE + SZ_16M - 6 * SZ_4K);
        assertThat(k.memblock().isRegionReserved(array, 3 * SZ_4K)).isTrue();
        // nothing freed in it: an empty free, and the page right after it
        assertThat(k.apply(new MemblockOp.PhysFree(array + 0x100, 0)).isRefused()).isFalse();
        assertThat(k.apply(new MemblockOp.PhysFree(array + 3 * SZ_4K, SZ_4K)).isRefused()).isFalse();
        assertThat(k.memblock().regionsReleased(true)).isFalse();
        // its third page
        assertThat(k.apply(new MemblockOp.PhysFree(array + 2 * SZ_4K, 0x10)).isRefused()).isFalse();
        assertThat(k.memblock().regionsReleased(true)).isTrue();
    }

    @Test
    void aKmallocedArrayIsNoMemblockReservation() {
        Kernel k = Kernel.boot(armmm.model.board.Board.virt(256L << 20));
        assertThat(k.apply(new MemblockOp.ReserveMany(0x4400_0000L, 64, 256, 200)).isRefused()).isFalse();
        assertThat(k.memblock().regionsInSlab(true)).isTrue();
        long array = k.memblock().regionsPhys(true);
        assertThat(k.apply(new MemblockOp.PhysFree(array, SZ_4K)).isRefused()).isFalse();
        assertThat(k.memblock().regionsReleased(true)).isFalse();
    }
}
