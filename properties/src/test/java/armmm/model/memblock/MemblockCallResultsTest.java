package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import org.junit.jupiter.api.Test;

/**
 * What the flag calls, {@code memblock_add_node}, a failed allocation and the test suite's reset
 * return and leave, worked by hand from mm/memblock.c (6.1) and
 * tools/testing/memblock/tests/common.c: {@code memblock_setclr_flag} sets or clears one flag in
 * the regions inside the range and returns 0; {@code memblock_add_node} adds with its flags and
 * returns 0; {@code memblock_remove} takes only its own range away (the live-allocation record
 * keeps what lies elsewhere); an allocation that finds nothing returns 0 whatever the alignment;
 * {@code reset_memblock_regions}/{@code reset_memblock_attributes} empty both arrays and restore
 * the defaults. Also {@code memblock_addrs_overlap} on {@link Region}, the result stem of every
 * allocation call, and the per-step check window of an array above
 * {@link Memblock#CHECK_WHOLE_UP_TO} regions (the indices the call changed).
 */
class MemblockCallResultsTest {
    private static final long BASE = 0x4000_0000L;
    private static final long SZ_4K = 0x1000;

    @Test
    void flagCallsAndAddNodeReturnZeroAndChangeOnlyTheirRange() {
        Kernel k = Kernel.bare();
        Memblock mb = k.memblock();
        assertThat(k.apply(new MemblockOp.AddNode(BASE, 4 * SZ_4K, 0, Memblock.HOTPLUG))).isEqualTo(Result.VOID);
        assertThat(mb.addNode(BASE + 4 * SZ_4K, 4 * SZ_4K, 0)).isEqualTo(Result.VOID);
        assertThat(mb.memory()).containsExactly(new Region(BASE, 4 * SZ_4K, Memblock.HOTPLUG),
                new Region(BASE + 4 * SZ_4K, 4 * SZ_4K, 0));
        assertThat(k.apply(new MemblockOp.MarkHotplug(BASE + 5 * SZ_4K, SZ_4K))).isEqualTo(Result.VOID);
        assertThat(mb.markHotplug(BASE + 6 * SZ_4K, SZ_4K)).isEqualTo(Result.VOID);
        assertThat(mb.memory()).containsExactly(new Region(BASE, 4 * SZ_4K, Memblock.HOTPLUG),
                new Region(BASE + 4 * SZ_4K, SZ_4K, 0), new Region(BASE + 5 * SZ_4K, 2 * SZ_4K, Memblock.HOTPLUG),
                new Region(BASE + 7 * SZ_4K, SZ_4K, 0));
        assertThat(mb.markNomap(BASE + SZ_4K, SZ_4K)).isEqualTo(Result.VOID);
        assertThat(k.apply(new MemblockOp.ClearNomap(BASE + SZ_4K, SZ_4K))).isEqualTo(Result.VOID);
        assertThat(mb.clearNomap(BASE, SZ_4K)).isEqualTo(Result.VOID);
        assertThat(mb.clearHotplug(BASE + 2 * SZ_4K, 2 * SZ_4K)).isEqualTo(Result.VOID);
        // NOMAP set and cleared again: [BASE, +8K) HOTPLUG merges back whole
        assertThat(mb.memory()).containsExactly(new Region(BASE, 2 * SZ_4K, Memblock.HOTPLUG),
                new Region(BASE + 2 * SZ_4K, 3 * SZ_4K, 0), new Region(BASE + 5 * SZ_4K, 2 * SZ_4K, Memblock.HOTPLUG),
                new Region(BASE + 7 * SZ_4K, SZ_4K, 0));
        assertThat(k.check()).isEmpty();
    }

    @Test
    void removeKeepsTheAllocationsElsewhereAndAFailedAllocationIsZero() {
        Memblock mb = new Memblock();
        // nothing to allocate from: 0, also at an alignment that is no power of two (no finding on 0)
        assertThat(mb.physAlloc(SZ_4K, 0x3000)).isEqualTo(Result.of(0));
        assertThat(mb.allocTryNid(SZ_4K, 0x3000, 0, Memblock.ALLOC_ANYWHERE)).isEqualTo(Result.of(0));
        mb.add(BASE, 16 * SZ_4K);
        assertThat(mb.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + 15 * SZ_4K));
        assertThat(mb.remove(BASE, SZ_4K)).isEqualTo(Result.VOID);
        assertThat(mb.allocations()).containsExactly(new Allocation(BASE + 15 * SZ_4K, SZ_4K, SZ_4K, 0xffff_ffffL));
        assertThat(mb.physFree(BASE, SZ_4K)).isEqualTo(Result.VOID);
        assertThat(mb.allocations()).hasSize(1);
        assertThat(mb.reservedTrimmedBytes()).isZero();
    }

    @Test
    void resetEmptiesBothArraysAndRestoresTheAttributes() {
        Kernel k = Kernel.bare();
        Memblock mb = k.memblock();
        mb.add(BASE, 16 * SZ_4K);
        mb.setBottomUp(true);
        mb.setCurrentLimit(BASE + 8 * SZ_4K);
        mb.allowResize();
        assertThat(mb.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE));
        long before = mb.changeCount();
        assertThat(mb.reset()).isEqualTo(Result.VOID);
        assertThat(mb.changeCount()).isGreaterThan(before);
        assertThat(mb.memory()).containsExactly(new Region(0, 0, 0));
        assertThat(mb.reserved()).containsExactly(new Region(0, 0, 0));
        assertThat(mb.allocations()).isEmpty();
        assertThat(mb.bottomUp()).isFalse();
        assertThat(mb.currentLimit()).isEqualTo(Memblock.ALLOC_ANYWHERE);
        assertThat(mb.canResize()).isFalse();
        assertThat(mb.physMemSize()).isZero();
        assertThat(k.check()).isEmpty();
    }

    /** memblock_addrs_overlap: [b, b + s) and the region share a byte; touching at either end is not overlapping. */
    @Test
    void regionsOverlapOnlyWhenTheyShareAByte() {
        Region r = new Region(BASE, 2 * SZ_4K, 0);
        assertThat(r.overlaps(BASE - SZ_4K, SZ_4K)).isFalse();
        assertThat(r.overlaps(BASE - SZ_4K, SZ_4K + 1)).isTrue();
        assertThat(r.overlaps(BASE + 2 * SZ_4K - 1, SZ_4K)).isTrue();
        assertThat(r.overlaps(BASE + 2 * SZ_4K, SZ_4K)).isFalse();
        // the formula's answer for an empty range strictly inside: base1 < base2 + 0 and base2 < end1
        assertThat(r.overlaps(BASE + SZ_4K, 0)).isTrue();
        assertThat(r.overlaps(BASE, 0)).isFalse();
        assertThat(r.end()).isEqualTo(BASE + 2 * SZ_4K);
    }

    /** Every allocation call hands back an address the scenario names {@code $a...}. */
    @Test
    void everyAllocationCallsResultIsNamedA() {
        assertThat(new MemblockOp.Alloc(SZ_4K, 0).resultStem()).isEqualTo("a");
        assertThat(new MemblockOp.AllocRaw(SZ_4K, 0).resultStem()).isEqualTo("a");
        assertThat(new MemblockOp.AllocFrom(SZ_4K, 0, 0).resultStem()).isEqualTo("a");
        assertThat(new MemblockOp.AllocLow(SZ_4K, 0).resultStem()).isEqualTo("a");
        assertThat(new MemblockOp.AllocTryNid(SZ_4K, 0, 0, 0).resultStem()).isEqualTo("a");
        assertThat(new MemblockOp.AllocTryNidRaw(SZ_4K, 0, 0, 0).resultStem()).isEqualTo("a");
        assertThat(new MemblockOp.PhysAllocRange(SZ_4K, 0, 0, 0).resultStem()).isEqualTo("a");
        assertThat(new MemblockOp.PhysAlloc(SZ_4K, 0).resultStem()).isEqualTo("a");
    }

    /**
     * Above 1024 regions the per-step checks look only at what a call changed: a reservation
     * inserted between reserved regions 5 and 6 (none of which it touches) is index 6, and the
     * window is {6, 6}; memory (one region) and a complete check are checked whole (null).
     */
    @Test
    void aLargeArraysCheckWindowIsWhatTheCallChanged() {
        Memblock mb = new Memblock();
        mb.add(BASE, 0x400_0000L);
        mb.allowResize();
        for (int i = 0; i < 1100; i++) {
            mb.reserve(BASE + i * 2 * SZ_4K, SZ_4K);
        }
        assertThat(mb.reservedCnt()).isGreaterThan(Memblock.CHECK_WHOLE_UP_TO);
        mb.beginCheck(false);
        assertThat(mb.reserve(BASE + 11 * SZ_4K + 0x800, 0x100)).isEqualTo(Result.VOID);
        assertThat(mb.region(true, 6)).isEqualTo(new Region(BASE + 11 * SZ_4K + 0x800, 0x100, 0));
        mb.beginCheck(false);
        assertThat(mb.checkWindow(true)).containsExactly(6, 6);
        assertThat(mb.checkWindow(false)).isNull();
        // nothing changed since: an empty window (lo > hi)
        mb.beginCheck(false);
        int[] none = mb.checkWindow(true);
        assertThat(none[0]).isGreaterThan(none[1]);
        mb.beginCheck(true);
        assertThat(mb.checkWindow(true)).isNull();
    }

    /**
     * memblock_double_array reserved PAGE_ALIGN(256 x 12) = 4 KiB for the reserved array at the top
     * of 16 MiB: freeing an empty range inside it, or a byte on either side of it, leaves the
     * array's reservation whole; freeing its last byte does not (model bookkeeping of which
     * memblock_phys_free took the array's own pages).
     */
    @Test
    void onlyAFreeThatMeetsTheArraysPageReleasesIt() {
        long sz16m = 0x100_0000L;
        Memblock mb = new Memblock();
        mb.add(BASE, sz16m);
        mb.allowResize();
        for (int i = 0; i <= 128; i++) {
            mb.reserve(BASE + i * 2 * SZ_4K, SZ_4K);
        }
        long array = BASE + sz16m - SZ_4K;
        assertThat(mb.regionsPhys(true)).isEqualTo(array);
        assertThat(mb.regionsPhys(false)).isEqualTo(-1);
        mb.physFree(array + 0x800, 0);
        mb.physFree(array - 1, 1);
        mb.physFree(array + SZ_4K, 1);
        assertThat(mb.regionsReleased(true)).isFalse();
        assertThat(mb.regionsReleased(false)).isFalse();
        mb.physFree(array + SZ_4K - 1, 1);
        assertThat(mb.regionsReleased(true)).isTrue();
        assertThat(mb.regionsReleased(false)).isFalse();
    }
}
