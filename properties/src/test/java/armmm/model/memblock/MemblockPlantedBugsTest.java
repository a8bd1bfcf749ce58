package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.core.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each planted memblock bug ({@link MemblockBug}) acting on a bare memblock, one small call
 * sequence each, against the same sequence without it: the bug changes exactly what its
 * catalogue entry says, and the correct value is mm/memblock.c's (6.1). Every expected value is
 * worked by hand from the function named in the test: {@code memblock_add_range},
 * {@code memblock_merge_regions}, {@code memblock_remove_region}, {@code memblock_cap_size},
 * {@code __next_mem_range}, {@code should_skip_region}, {@code memblock_alloc_range_nid},
 * {@code __memblock_find_range_top_down}/{@code _bottom_up}, {@code memblock_find_in_range_node}
 * and {@code memblock_double_array}. The invariants that catch the bugs are not run here (the
 * seeded-bug hunts do that); this pins the defect itself.
 */
class MemblockPlantedBugsTest {
    private static final long BASE = 0x4000_0000L;
    private static final long SZ_4K = 0x1000;

    private static Memblock with(MemblockBug bug) {
        return new Memblock(Bugs.of(bug));
    }

    private static long[] pair(long a, long b) {
        return new long[] {a, b};
    }

    /**
     * memblock_add_range walks the existing regions and inserts only the holes before each
     * ({@code base = min(rend, end)}); 8f7a66051b75 undone keeps {@code base} at the start, so
     * [BASE, +16K) over [BASE + 4K, +4K) inserts the hole [BASE, +4K) and then the whole range again.
     */
    @Test
    void addOverlapInsertsTheWholeRangeOverTheExistingRegion() {
        Memblock good = new Memblock();
        good.add(BASE + SZ_4K, SZ_4K);
        good.add(BASE, 4 * SZ_4K);
        assertThat(good.memory()).containsExactly(new Region(BASE, 4 * SZ_4K, 0));
        assertThat(good.physMemSize()).isEqualTo(4 * SZ_4K);

        Memblock bad = with(MemblockBug.MEMBLOCK_ADD_OVERLAP);
        bad.add(BASE + SZ_4K, SZ_4K);
        bad.add(BASE, 4 * SZ_4K);
        // [BASE, +4K) [BASE + 4K, +4K) [BASE, +16K): the first two touch and merge, the third overlaps
        assertThat(bad.memory()).containsExactly(new Region(BASE, 2 * SZ_4K, 0), new Region(BASE, 4 * SZ_4K, 0));
        assertThat(bad.physMemSize()).isEqualTo(6 * SZ_4K);
    }

    /** memblock_merge_regions joins neighbours that touch with the same flags; planted, it joins none. */
    @Test
    void noMergeLeavesTouchingNeighboursApart() {
        Memblock good = new Memblock();
        Memblock bad = with(MemblockBug.MEMBLOCK_NO_MERGE);
        for (Memblock mb : List.of(good, bad)) {
            mb.add(BASE, SZ_4K);
            mb.add(BASE + SZ_4K, SZ_4K);
            mb.reserve(BASE + 2 * SZ_4K, SZ_4K);
            mb.reserve(BASE + 3 * SZ_4K, SZ_4K);
        }
        assertThat(good.memory()).containsExactly(new Region(BASE, 2 * SZ_4K, 0));
        assertThat(good.reserved()).containsExactly(new Region(BASE + 2 * SZ_4K, 2 * SZ_4K, 0));
        assertThat(bad.memory()).containsExactly(new Region(BASE, SZ_4K, 0), new Region(BASE + SZ_4K, SZ_4K, 0));
        assertThat(bad.reservedCnt()).isEqualTo(2);
    }

    /**
     * memblock_remove_range isolates [BASE, +4K) of [BASE, +8K) (total_size unchanged by the split)
     * and memblock_remove_region lowers total_size by the piece; planted, total_size stays 8K.
     */
    @Test
    void staleTotalKeepsTheRemovedBytes() {
        Memblock good = new Memblock();
        Memblock bad = with(MemblockBug.MEMBLOCK_STALE_TOTAL);
        for (Memblock mb : List.of(good, bad)) {
            mb.add(BASE, 2 * SZ_4K);
            mb.remove(BASE, SZ_4K);
            assertThat(mb.memory()).containsExactly(new Region(BASE + SZ_4K, SZ_4K, 0));
        }
        assertThat(good.memoryTotalSize()).isEqualTo(SZ_4K);
        assertThat(bad.memoryTotalSize()).isEqualTo(2 * SZ_4K);
    }

    /**
     * memblock_add_range into an empty array overwrites the dummy region {0, 0} in place; planted,
     * the walk inserts after the dummy, which stays: cnt 2.
     */
    @Test
    void dummyKeptStaysBesideTheFirstRegion() {
        Memblock good = new Memblock();
        Memblock bad = with(MemblockBug.MEMBLOCK_DUMMY_KEPT);
        good.add(BASE, SZ_4K);
        bad.add(BASE, SZ_4K);
        assertThat(good.memory()).containsExactly(new Region(BASE, SZ_4K, 0));
        assertThat(bad.memory()).containsExactly(new Region(0, 0, 0), new Region(BASE, SZ_4K, 0));
        assertThat(bad.physMemSize()).isEqualTo(SZ_4K);
        assertThat(bad.startOfDram()).isZero();
    }

    /** memblock_cap_size: [0xfffff000, +8K) ends past PHYS_ADDR_MAX, so it keeps 0xffffffff - 0xfffff000 = 0xfff bytes. */
    @Test
    void noCapKeepsARangeThatOverflowsPhysAddrT() {
        Memblock good = new Memblock();
        Memblock bad = with(MemblockBug.MEMBLOCK_NO_CAP);
        good.add(0xffff_f000L, 2 * SZ_4K);
        bad.add(0xffff_f000L, 2 * SZ_4K);
        assertThat(good.memory()).containsExactly(new Region(0xffff_f000L, 0xfff, 0));
        assertThat(bad.memory()).containsExactly(new Region(0xffff_f000L, 2 * SZ_4K, 0));
    }

    /**
     * __next_mem_range over memory [BASE, +16K) and reserved [BASE + 4K, +4K): the gaps of reserved
     * are [0, BASE + 4K) and [BASE + 8K, PHYS_ADDR_MAX), each clipped to the memory region
     * ({@code min(m_end, r_end)}); planted, the second runs to PHYS_ADDR_MAX.
     */
    @Test
    void freeRangePastMemoryIsNotClippedToItsRegion() {
        Memblock good = new Memblock();
        Memblock bad = with(MemblockBug.MEMBLOCK_FREE_RANGE_PAST_MEMORY);
        for (Memblock mb : List.of(good, bad)) {
            mb.add(BASE, 4 * SZ_4K);
            mb.reserve(BASE + SZ_4K, SZ_4K);
        }
        assertThat(good.freeRanges(false)).containsExactly(pair(BASE, BASE + SZ_4K), pair(BASE + 2 * SZ_4K, BASE + 4 * SZ_4K));
        assertThat(good.freeRanges(true)).containsExactly(pair(BASE + 2 * SZ_4K, BASE + 4 * SZ_4K), pair(BASE, BASE + SZ_4K));
        assertThat(bad.freeRanges(false)).containsExactly(pair(BASE, BASE + SZ_4K), pair(BASE + 2 * SZ_4K, 0xffff_ffffL));
        assertThat(bad.freeRanges(true)).containsExactly(pair(BASE + 2 * SZ_4K, 0xffff_ffffL), pair(BASE, BASE + SZ_4K));
    }

    /**
     * should_skip_region skips NOMAP memory: top-down, a page from [BASE, +64K) whose upper half is
     * NOMAP comes from the top of the lower half, BASE + 28K; planted, from the top, BASE + 60K.
     */
    @Test
    void allocIntoNomapTakesTheNomapTop() {
        Memblock good = new Memblock();
        Memblock bad = with(MemblockBug.MEMBLOCK_ALLOC_INTO_NOMAP);
        for (Memblock mb : List.of(good, bad)) {
            mb.add(BASE, 16 * SZ_4K);
            mb.markNomap(BASE + 8 * SZ_4K, 8 * SZ_4K);
        }
        assertThat(good.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + 7 * SZ_4K));
        assertThat(bad.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + 15 * SZ_4K));
        assertThat(good.freeRanges(false)).containsExactly(pair(BASE, BASE + 7 * SZ_4K));
    }

    /** memblock_alloc_range_nid reserves the block it found (memblock_reserve); planted, reserved stays empty. */
    @Test
    void allocUnreservedLeavesTheBlockFree() {
        Memblock good = new Memblock();
        Memblock bad = with(MemblockBug.MEMBLOCK_ALLOC_UNRESERVED);
        for (Memblock mb : List.of(good, bad)) {
            mb.add(BASE, 16 * SZ_4K);
            assertThat(mb.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + 15 * SZ_4K));
        }
        assertThat(good.reserved()).containsExactly(new Region(BASE + 15 * SZ_4K, SZ_4K, 0));
        assertThat(bad.reserved()).containsExactly(new Region(0, 0, 0));
        // the same block again: the buggy kernel hands it out twice
        assertThat(good.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + 14 * SZ_4K));
        assertThat(bad.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + 15 * SZ_4K));
    }

    /**
     * The find functions round the candidate: top-down {@code round_down(this_end - size, align)},
     * bottom-up {@code round_up(this_start, align)}. With [BASE + 0xff00, +0x100) reserved, top-down
     * 4K at 4K alignment is round_down(BASE + 0xef00) = BASE + 0xe000; with [BASE, +0x1100) reserved,
     * bottom-up is round_up(BASE + 0x1100) = BASE + 0x2000. Planted: BASE + 0xef00 and BASE + 0x1100.
     */
    @Test
    void allocMisalignedSkipsTheRounding() {
        Memblock good = new Memblock();
        Memblock bad = with(MemblockBug.MEMBLOCK_ALLOC_MISALIGNED);
        for (Memblock mb : List.of(good, bad)) {
            mb.add(BASE, 16 * SZ_4K);
            mb.reserve(BASE + 0xff00, 0x100);
            mb.reserve(BASE, 0x1100);
        }
        assertThat(good.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + 0xe000));
        assertThat(bad.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + 0xef00));
        good.setBottomUp(true);
        bad.setBottomUp(true);
        assertThat(good.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + 0x2000));
        assertThat(bad.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + 0x1100));
    }

    /**
     * MEMBLOCK_ALLOC_ACCESSIBLE means current_limit (memblock_find_in_range_node), and
     * memblock_alloc_internal clamps max_addr to it: with the limit at BASE + 32K, both allocations
     * come from below it (BASE + 28K, then BASE + 24K); planted, from the top of memory.
     */
    @Test
    void allocIgnoresLimitTakesTheTopOfMemory() {
        Memblock good = new Memblock();
        Memblock bad = with(MemblockBug.MEMBLOCK_ALLOC_IGNORES_LIMIT);
        for (Memblock mb : List.of(good, bad)) {
            mb.add(BASE, 16 * SZ_4K);
            mb.setCurrentLimit(BASE + 8 * SZ_4K);
        }
        assertThat(good.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + 7 * SZ_4K));
        assertThat(good.allocTryNid(SZ_4K, SZ_4K, 0, Memblock.ALLOC_ANYWHERE)).isEqualTo(Result.of(BASE + 6 * SZ_4K));
        assertThat(bad.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + 15 * SZ_4K));
        assertThat(bad.allocTryNid(SZ_4K, SZ_4K, 0, Memblock.ALLOC_ANYWHERE)).isEqualTo(Result.of(BASE + 14 * SZ_4K));
    }

    /**
     * The free-range walk takes memory minus reserved: with the top page reserved, top-down gives
     * the page below it and bottom-up the page above a reserved bottom page; planted (reserved
     * ignored), the reserved pages themselves.
     */
    @Test
    void allocOverReservedHandsOutReservedPages() {
        Memblock good = new Memblock();
        Memblock bad = with(MemblockBug.MEMBLOCK_ALLOC_OVER_RESERVED);
        for (Memblock mb : List.of(good, bad)) {
            mb.add(BASE, 16 * SZ_4K);
            mb.reserve(BASE + 15 * SZ_4K, SZ_4K);
            mb.reserve(BASE, SZ_4K);
        }
        assertThat(good.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + 14 * SZ_4K));
        assertThat(bad.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + 15 * SZ_4K));
        good.setBottomUp(true);
        bad.setBottomUp(true);
        assertThat(good.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + SZ_4K));
        assertThat(bad.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE));
        assertThat(bad.freeRanges(false)).containsExactly(pair(BASE, BASE + 16 * SZ_4K));
    }

    /**
     * memblock_double_array of reserved at its 129th region: the new array of 256 x 12 = 3072 bytes
     * takes PAGE_ALIGN(3072) = 4K at PAGE_SIZE alignment (29f6738609e4), top-down, from the top of
     * memory: BASE + 16M - 4K, reserved as a whole page. Planted: 3072 bytes at sizeof(phys_addr_t)
     * alignment, BASE + 16M - 3072.
     */
    @Test
    void arrayNotPageAlignedTakesOnlyTheArraysBytes() {
        long sz16m = 0x100_0000L;
        Memblock good = new Memblock();
        Memblock bad = with(MemblockBug.MEMBLOCK_ARRAY_NOT_PAGE_ALIGNED);
        for (Memblock mb : List.of(good, bad)) {
            mb.add(BASE, sz16m);
            mb.allowResize();
            for (int i = 0; i <= 128; i++) {
                assertThat(mb.reserve(BASE + i * 2 * SZ_4K, SZ_4K)).isEqualTo(Result.VOID);
            }
            assertThat(mb.reservedMax()).isEqualTo(256);
        }
        assertThat(good.regionsPhys(true)).isEqualTo(BASE + sz16m - SZ_4K);
        assertThat(good.reserved()).endsWith(new Region(BASE + sz16m - SZ_4K, SZ_4K, 0));
        assertThat(good.reservedCnt()).isEqualTo(130);
        assertThat(bad.regionsPhys(true)).isEqualTo(BASE + sz16m - 3072);
        assertThat(bad.reserved()).endsWith(new Region(BASE + sz16m - 3072, 3072, 0));
    }
}
