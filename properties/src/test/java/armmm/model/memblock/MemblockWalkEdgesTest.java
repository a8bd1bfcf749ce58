package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import org.junit.jupiter.api.Test;

/**
 * The edges of memblock's walks that the other unit tests leave alone, each expected value worked
 * by hand from mm/memblock.c (6.1): {@code __next_mem_range}/{@code __next_mem_range_rev} where a
 * reserved region ends exactly at a memory region's end or starts exactly at its base (a gap that
 * only touches a region yields no range), {@code memblock_trim_memory} with live allocations on
 * both trimmed ends and in a region it drops whole, the bound of {@code memblock_reserve_many}
 * (the model's scenario call, 2^16 reservations) and the index guard of a region read.
 */
class MemblockWalkEdgesTest {
    private static final long BASE = 0x4000_0000L;
    private static final long SZ_4K = 0x1000;

    private static long[] pair(long a, long b) {
        return new long[] {a, b};
    }

    /**
     * Memory [BASE, +16K) and [BASE + 32K, +16K); reserved [BASE + 12K, +4K), ending where the
     * first bank ends, and [BASE + 32K, +4K), starting where the second begins. The gaps of reserved
     * are [0, BASE + 12K), [BASE + 16K, BASE + 32K) and [BASE + 36K, PHYS_ADDR_MAX): the middle one
     * touches both banks and lies in neither ({@code r_start >= m_end} ends the first bank's walk,
     * {@code m_start < r_end} is false for the second), so the free ranges are [BASE, +12K) and
     * [BASE + 36K, BASE + 48K), in both directions; the top-down walk stops at the middle gap for
     * the second bank ({@code r_end <= m_start}) and passes it by for the first ({@code m_end > r_start}).
     */
    @Test
    void aGapThatOnlyTouchesABankYieldsNoRange() {
        Memblock mb = new Memblock();
        mb.add(BASE, 4 * SZ_4K);
        mb.add(BASE + 8 * SZ_4K, 4 * SZ_4K);
        mb.reserve(BASE + 3 * SZ_4K, SZ_4K);
        mb.reserve(BASE + 8 * SZ_4K, SZ_4K);
        assertThat(mb.freeRanges(false)).containsExactly(pair(BASE, BASE + 3 * SZ_4K),
                pair(BASE + 9 * SZ_4K, BASE + 12 * SZ_4K));
        assertThat(mb.freeRanges(true)).containsExactly(pair(BASE + 9 * SZ_4K, BASE + 12 * SZ_4K),
                pair(BASE, BASE + 3 * SZ_4K));
        // the allocator sees the same: top-down the top of the second bank, bottom-up the first bank's base
        assertThat(mb.physAlloc(3 * SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + 9 * SZ_4K));
        mb.setBottomUp(true);
        assertThat(mb.physAlloc(3 * SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE));
        assertThat(mb.freeRanges(false)).isEmpty();
        assertThat(mb.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(0));
    }

    /**
     * A memory bank that ends exactly where a reservation begins, and a next bank the gap after
     * that reservation covers whole: [BASE, +16K) and [BASE + 32K, +16K) with [BASE + 16K, +4K)
     * reserved. Free: [BASE, +16K) and [BASE + 32K, +16K) whole.
     */
    @Test
    void aReservationRightAfterABankLeavesBothBanksFree() {
        Memblock mb = new Memblock();
        mb.add(BASE, 4 * SZ_4K);
        mb.add(BASE + 8 * SZ_4K, 4 * SZ_4K);
        mb.reserve(BASE + 4 * SZ_4K, SZ_4K);
        assertThat(mb.freeRanges(false)).containsExactly(pair(BASE, BASE + 4 * SZ_4K),
                pair(BASE + 8 * SZ_4K, BASE + 12 * SZ_4K));
        assertThat(mb.freeRanges(true)).containsExactly(pair(BASE + 8 * SZ_4K, BASE + 12 * SZ_4K),
                pair(BASE, BASE + 4 * SZ_4K));
    }

    /**
     * memblock_trim_memory(4K) of [BASE + 2K, BASE + 66K) and [BASE + 128K, +2K): the first becomes
     * [BASE + 4K, BASE + 64K) in place (total_size not lowered: 4K trimmed), the second has no whole
     * page and goes (memblock_remove_region lowers total_size by 2K). The live allocations lose what
     * went: bottom-up [BASE + 2K, +4K) keeps [BASE + 4K, +2K) (its rest no longer where the
     * allocator placed it: alignment 1), top-down [BASE + 62K, +4K) keeps [BASE + 62K, +2K), and
     * [BASE + 128K, +1K) goes whole.
     */
    @Test
    void trimMemoryRetiresTheTrimmedPartsOfLiveAllocations() {
        Memblock mb = new Memblock();
        mb.add(BASE + 0x800, 0x10000);
        mb.add(BASE + 0x20000, 0x800);
        mb.setBottomUp(true);
        assertThat(mb.physAlloc(SZ_4K, 0x800)).isEqualTo(Result.of(BASE + 0x800));
        assertThat(mb.physAllocRange(0x400, 0x400, BASE + 0x20000, BASE + 0x20800)).isEqualTo(Result.of(BASE + 0x20000));
        mb.setBottomUp(false);
        // [BASE + 0x20400, +1K) is too small; the first bank's top: round_down(BASE + 0x10800 - 4K, 2K)
        assertThat(mb.physAlloc(SZ_4K, 0x800)).isEqualTo(Result.of(BASE + 0xf800));
        assertThat(mb.allocations()).hasSize(3);

        assertThat(mb.trimMemory(SZ_4K)).isEqualTo(Result.VOID);
        assertThat(mb.memory()).containsExactly(new Region(BASE + SZ_4K, 0xf000, 0));
        assertThat(mb.memoryTotalSize()).isEqualTo(0x10000);
        assertThat(mb.memoryTrimmedBytes()).isEqualTo(SZ_4K);
        assertThat(mb.allocations()).containsExactly(new Allocation(BASE + SZ_4K, 0x800, 1, 0xffff_ffffL),
                new Allocation(BASE + 0xf800, 0x800, 0x800, 0xffff_ffffL));
        // reserved keeps what was reserved: trimming memory does not touch it
        assertThat(mb.reserved()).containsExactly(new Region(BASE + 0x800, SZ_4K, 0),
                new Region(BASE + 0xf800, SZ_4K, 0), new Region(BASE + 0x20000, 0x400, 0));
        // an aligned array is left alone
        assertThat(mb.trimMemory(SZ_4K)).isEqualTo(Result.VOID);
        assertThat(mb.memoryTrimmedBytes()).isEqualTo(SZ_4K);
    }

    /**
     * {@code memblock_reserve_many BASE SIZE STRIDE COUNT} takes at most 2^16 reservations: 65536
     * touching 16-byte ones merge into [BASE, +1M); one more is refused before any is made.
     */
    @Test
    void reserveManyTakesAtMostTwoToTheSixteen() {
        Kernel k = Kernel.bare();
        assertThat(k.apply(new MemblockOp.ReserveMany(BASE, 0x10, 0x10, 65537)).toString())
                .contains("COUNT 65537 above 65536");
        assertThat(k.memblock().reserved()).containsExactly(new Region(0, 0, 0));
        assertThat(k.apply(new MemblockOp.ReserveMany(BASE, 0x10, 0x10, 65536))).isEqualTo(Result.VOID);
        assertThat(k.memblock().reserved()).containsExactly(new Region(BASE, 0x10_0000, 0));
        assertThat(k.apply(new MemblockOp.ReserveMany(BASE, 0x10, 0x10, -1L)).toString())
                .contains("COUNT 18446744073709551615 above 65536");
    }

    /** A region read by index: 0 to cnt - 1 of the array asked for; -1 and cnt are out of range. */
    @Test
    void aRegionReadOutsideTheArrayIsRefused() {
        Memblock mb = new Memblock();
        mb.add(BASE, SZ_4K);
        mb.add(BASE + 2 * SZ_4K, SZ_4K);
        mb.reserve(BASE, 0x100);
        assertThat(mb.region(false, 1)).isEqualTo(new Region(BASE + 2 * SZ_4K, SZ_4K, 0));
        assertThat(mb.region(true, 0)).isEqualTo(new Region(BASE, 0x100, 0));
        assertThatThrownBy(() -> mb.region(false, 2)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("memblock.memory[2], cnt is 2");
        assertThatThrownBy(() -> mb.region(true, 1)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("memblock.reserved[1], cnt is 1");
        assertThatThrownBy(() -> mb.region(false, -1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
