package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import org.junit.jupiter.api.Test;

/**
 * What the limit functions and the flag calls of mm/memblock.c (6.1) leave behind, with the
 * model's record of live allocations and of region arrays whose pages went:
 *
 * <ul>
 *   <li>{@code memblock_enforce_memory_limit} removes memory and reserved regions from
 *       {@code __find_max_addr(limit)} up, ignoring each removal's error, so a failed one leaves its
 *       type alone and the other is still truncated; {@code memblock_cap_memory_range} removes the
 *       non-NOMAP memory outside the range and the reserved regions below and above it.
 *   <li>An allocation that lay in removed memory is no longer live; a region array whose
 *       reservation was removed ({@code memblock_phys_free}, a limit) no longer owns its pages.
 *   <li>{@code memblock_setclr_flag} isolates first; {@code memblock_isolate_range} wants room for
 *       two more regions ({@code cnt + 2 > max} doubles the array), which fails with -ENOMEM before
 *       {@code memblock_allow_resize}.
 * </ul>
 */
class MemblockLimitsBookkeepingTest {
    private static final long BASE = 0x4000_0000L;
    private static final long SZ_4K = 0x1000;
    private static final long SZ_16K = 0x4000;
    private static final long SZ_4M = 0x40_0000;
    private static final long SZ_8M = 0x80_0000;
    private static final long SZ_16M = 0x100_0000;

    /** 127 regions of 4 KiB, 8 KiB apart, from BASE: one short of a full static array for isolate. */
    private static void spread(Memblock mb, boolean reserved) {
        for (int i = 0; i < 127; i++) {
            if (reserved) {
                mb.reserve(BASE + i * 2 * SZ_4K, 0x800);
            } else {
                mb.add(BASE + i * 2 * SZ_4K, SZ_4K);
            }
        }
    }

    @Test
    void aFailedMemoryRemovalStillTruncatesReserved() {
        Memblock mb = new Memblock();
        spread(mb, false);
        mb.reserve(BASE + 110 * 2 * SZ_4K, 0x800);
        // 100 whole regions and 2 KiB of the 101st: max_addr = BASE + 100 * 8K + 2K
        Result r = mb.enforceMemoryLimit(100 * SZ_4K + 0x800);
        assertThat(r).isInstanceOf(Result.Refused.class);
        assertThat(((Result.Refused) r).reason()).isEqualTo("-ENOMEM");
        assertThat(((Result.Refused) r).report()).endsWith("(memblock_enforce_memory_limit goes on: "
                + "reserved regions above it removed, memory above 0x400c8800 kept)");
        assertThat(mb.memoryCnt()).isEqualTo(127);
        assertThat(mb.reserved()).containsExactly(new Region(0, 0, 0));
    }

    @Test
    void aFailedReservedRemovalStillTruncatesMemory() {
        Memblock mb = new Memblock();
        mb.add(BASE, SZ_16M);
        spread(mb, true);
        Result r = mb.enforceMemoryLimit(SZ_8M);
        assertThat(((Result.Refused) r).report()).endsWith("(memblock_enforce_memory_limit goes on: "
                + "memory above 0x40800000 removed, reserved regions above it kept)");
        assertThat(mb.memory()).containsExactly(new Region(BASE, SZ_8M, 0));
        assertThat(mb.reservedCnt()).isEqualTo(127);
    }

    @Test
    void bothRemovalsFailing() {
        Memblock mb = new Memblock();
        spread(mb, false);
        spread(mb, true);
        Result r = mb.enforceMemoryLimit(100 * SZ_4K + 0x800);
        assertThat(((Result.Refused) r).report()).endsWith("(memblock_enforce_memory_limit goes on: "
                + "neither memory above 0x400c8800 nor reserved regions above it removed)");
        assertThat(mb.memoryCnt()).isEqualTo(127);
        assertThat(mb.reservedCnt()).isEqualTo(127);
    }

    @Test
    void aFlagCallWithoutRoomForTwoMoreRegionsIsEnomem() {
        Memblock mb = new Memblock();
        spread(mb, false);
        Result r = mb.markNomap(BASE + 5 * 2 * SZ_4K + 0x400, 0x800);
        assertThat(r).isInstanceOf(Result.Refused.class);
        assertThat(((Result.Refused) r).reason()).isEqualTo("-ENOMEM");
        assertThat(mb.memoryCnt()).isEqualTo(127);
        assertThat(mb.memory()).allSatisfy(reg -> assertThat(reg.flags()).isZero());
    }

    @Test
    void enforcingALimitRetiresTheAllocationsAboveIt() {
        Memblock mb = new Memblock();
        mb.add(BASE, SZ_16M);
        assertThat(mb.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE + SZ_16M - SZ_4K));
        assertThat(mb.enforceMemoryLimit(SZ_8M)).isEqualTo(Result.VOID);
        assertThat(mb.memory()).containsExactly(new Region(BASE, SZ_8M, 0));
        assertThat(mb.allocations()).isEmpty();
    }

    @Test
    void cappingRetiresTheAllocationsBelowTheRange() {
        Memblock mb = new Memblock();
        mb.add(BASE, SZ_16M);
        mb.setBottomUp(true);
        assertThat(mb.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(BASE));
        assertThat(mb.capMemoryRange(BASE + SZ_8M, SZ_4M)).isEqualTo(Result.VOID);
        assertThat(mb.memory()).containsExactly(new Region(BASE + SZ_8M, SZ_4M, 0));
        assertThat(mb.allocations()).isEmpty();
        assertThat(mb.reservedCnt()).isEqualTo(1);
        assertThat(mb.reserved().get(0).size()).isZero();
    }

    /** 16 MiB at BASE, 129 reservations of 4 KiB 16 KiB apart: the reserved array doubled once. */
    private static Kernel doubled(boolean bottomUp) {
        Kernel k = Kernel.bare(Bugs.NONE);
        k.apply(new MemblockOp.Add(BASE, SZ_16M));
        k.apply(new MemblockOp.AllowResize());
        k.apply(new MemblockOp.SetBottomUp(bottomUp));
        assertThat(k.apply(new MemblockOp.ReserveMany(BASE, SZ_4K, SZ_16K, 129)).isRefused()).isFalse();
        assertThat(k.memblock().reservedMax()).isEqualTo(256);
        return k;
    }

    @Test
    void capMemoryRangeTakesTheArraysReservationAboveTheRange() {
        Kernel k = doubled(false);
        assertThat(k.memblock().regionsPhys(true)).isEqualTo(BASE + SZ_16M - SZ_4K);
        assertThat(k.apply(new MemblockOp.CapMemoryRange(BASE, SZ_8M)).isRefused()).isFalse();
        assertThat(k.memblock().regionsReleased(true)).isTrue();
    }

    @Test
    void capMemoryRangeTakesTheArraysReservationBelowTheRange() {
        Kernel k = doubled(true);
        // bottom-up from the end of the 129th reservation
        assertThat(k.memblock().regionsPhys(true)).isEqualTo(BASE + 128 * SZ_16K + SZ_4K);
        assertThat(k.apply(new MemblockOp.CapMemoryRange(BASE + SZ_8M, SZ_4M)).isRefused()).isFalse();
        assertThat(k.memblock().regionsReleased(true)).isTrue();
    }

    @Test
    void capMemoryRangeKeepsTheArrayInsideTheRange() {
        Kernel k = doubled(false);
        assertThat(k.apply(new MemblockOp.CapMemoryRange(BASE + SZ_4M, SZ_16M - SZ_4M)).isRefused()).isFalse();
        assertThat(k.memblock().isRegionReserved(BASE + SZ_16M - SZ_4K, SZ_4K)).isTrue();
        assertThat(k.memblock().regionsReleased(true)).isFalse();
    }

    @Test
    void freeingTheMemoryArraysPageReleasesIt() {
        Memblock mb = new Memblock();
        mb.allowResize();
        for (int i = 0; i < 129; i++) {
            mb.add(BASE + i * 2 * SZ_4K, SZ_4K);
        }
        assertThat(mb.memoryMax()).isEqualTo(256);
        long array = mb.regionsPhys(false);
        // top-down: the highest free page of memory before the 129th region went in
        assertThat(array).isEqualTo(BASE + 127 * 2 * SZ_4K);
        assertThat(mb.regionsReleased(false)).isFalse();
        assertThat(mb.physFree(array, SZ_4K)).isEqualTo(Result.VOID);
        assertThat(mb.regionsReleased(false)).isTrue();
        assertThat(mb.regionsReleased(true)).isFalse();
    }
}
