package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Result;
import org.junit.jupiter.api.Test;

/**
 * Where {@code memblock_double_array} (mm/memblock.c, 6.1) puts a new region array, and
 * {@code memblock_trim_memory} on a 32-bit {@code phys_addr_t} whose {@code round_up} wraps.
 *
 * <p>{@code memblock_double_array(type, new_area_start, new_area_size)}: for any type but
 * {@code memblock.reserved} the new area is forgotten ({@code new_area_start = new_area_size = 0});
 * the array ({@code PAGE_ALIGN(max * 2 * sizeof(struct memblock_region))}, 12-byte regions without
 * NUMA: 256 entries take one 4 KiB page) is looked for with {@code memblock_find_in_range} from
 * the new area's end to {@code current_limit}, then, when nothing was found and the new area is not
 * empty, from 0 to {@code min(new_area_start, current_limit)}; nothing found is the
 * {@code pr_err} "Failed to double %s array from %ld to %ld entries !" and -1, which
 * {@code memblock_add_range} turns into -ENOMEM. The static arrays hold
 * {@code INIT_MEMBLOCK_REGIONS} (128) entries.
 *
 * <p>{@code memblock_trim_memory(align)}: each memory region becomes
 * {@code [round_up(base, align), round_down(end, align))} in place, or is removed when that is
 * empty; {@code round_up} of a base above the last multiple of {@code align} wraps to 0 on a
 * 32-bit {@code phys_addr_t}, which moves the region to the bottom of the address space.
 */
class MemblockArrayPlacementAndWrapTest {
    private static final long SZ_4K = 0x1000;
    private static final long SZ_32K = 0x8000;
    private static final long SZ_16M = 0x100_0000;

    @Test
    void theMemoryArrayIsLookedForFromZeroWhateverTheNewArea() {
        Memblock mb = new Memblock();
        mb.allowResize();
        mb.setBottomUp(true);
        for (int i = 0; i < 128; i++) {
            assertThat(mb.add(0x10_0000L + i * SZ_32K, SZ_4K)).isEqualTo(Result.VOID);
        }
        assertThat(mb.memoryMax()).isEqualTo(128);
        // the 129th region, far above the others: the array goes bottom-up from 0, to the first page
        assertThat(mb.add(0x1000_0000L, SZ_16M)).isEqualTo(Result.VOID);
        assertThat(mb.memoryMax()).isEqualTo(256);
        assertThat(mb.memoryCnt()).isEqualTo(129);
        assertThat(mb.regionsPhys(false)).isEqualTo(0x10_0000L);
        assertThat(mb.reserved()).containsExactly(new Region(0x10_0000L, SZ_4K, 0));
    }

    @Test
    void theReservedArrayFallsBackBelowTheNewAreaWhenNothingIsFreeAboveIt() {
        long base = 0x4000_0000L;
        long top = base + SZ_16M;
        Memblock mb = new Memblock();
        mb.add(base, SZ_16M);
        mb.allowResize();
        // 128 reservations of 4 KiB, 16 KiB apart, the last at top - 20K; the 129th is the top page
        for (int i = 0; i < 128; i++) {
            mb.reserve(top - 5 * SZ_4K - (127 - i) * 4 * SZ_4K, SZ_4K);
        }
        assertThat(mb.reservedCnt()).isEqualTo(128);
        assertThat(mb.reserve(top - SZ_4K, SZ_4K)).isEqualTo(Result.VOID);
        // above [top - 4K, top) is no memory; below it, top-down, the highest free page is top - 8K
        assertThat(mb.reservedMax()).isEqualTo(256);
        assertThat(mb.regionsPhys(true)).isEqualTo(top - 2 * SZ_4K);
        assertThat(mb.isRegionReserved(top - 2 * SZ_4K, SZ_4K)).isTrue();
        assertThat(mb.reserved().get(mb.reservedCnt() - 1)).isEqualTo(new Region(top - 2 * SZ_4K, 2 * SZ_4K, 0));
    }

    @Test
    void noFreePageAnywhereFailsTheReservationWithTheKernelsMessage() {
        long base = 0x4000_0000L;
        Memblock mb = new Memblock();
        mb.add(base, 129 * 2 * SZ_4K);
        mb.allowResize();
        // 6 KiB reserved in every 8 KiB: 2 KiB gaps, no free page at page alignment
        for (int i = 0; i < 128; i++) {
            mb.reserve(base + i * 2 * SZ_4K, 0x1800);
        }
        Result r = mb.reserve(base + 128 * 2 * SZ_4K, 0x1800);
        assertThat(r).isInstanceOf(Result.Refused.class);
        assertThat(((Result.Refused) r).report()).contains("memblock: Failed to double reserved array from 128 to 256 entries !");
        assertThat(mb.reservedMax()).isEqualTo(128);
        assertThat(mb.reservedCnt()).isEqualTo(128);
        assertThat(mb.regionsPhys(true)).isEqualTo(-1);
        assertThat(mb.isReserved(base + 128 * 2 * SZ_4K)).isFalse();
    }

    @Test
    void trimMemoryWrapsTwoTopRegionsToTheBottomAndNamesTheFirst() {
        Memblock mb = new Memblock();
        mb.add(0x4000_0000L, 0x10_0000L);
        mb.add(0xffff_1000L, SZ_4K);
        mb.add(0xffff_8000L, 4 * SZ_4K);
        mb.setBottomUp(true);
        assertThat(mb.physAllocRange(0x400, 0x400, 0xffff_1000L, 0xffff_2000L)).isEqualTo(Result.of(0xffff_1000L));
        assertThat(mb.physAllocRange(0x400, 0x400, 0x4000_0000L, 0x4010_0000L)).isEqualTo(Result.of(0x4000_0000L));

        Result r = mb.trimMemory(0x1_0000L);
        // round_up(0xffff1000, 64K) = 0 (wrapped), round_down(0xffff2000, 64K) = 0xffff0000: [0, 0xffff0000)
        assertThat(r).isEqualTo(Result.finding(0, "round_up(0xffff1000, 0x10000) wraps at 4 GiB: 6.1 moves region "
                + "[0xffff1000-0xffff1fff] to [0x0-0xfffeffff]"));
        assertThat(mb.memory()).containsExactly(new Region(0x4000_0000L, 0x10_0000L, 0),
                new Region(0, 0xffff_0000L, 0), new Region(0, 0xffff_0000L, 0));
        assertThat(mb.memoryTotalSize()).as("total_size left alone").isEqualTo(0x10_0000L + 5 * SZ_4K);
        // the live allocation in the moved region lay in [round_down(end), end): retired; the other keeps its bound (the end it was asked below)
        assertThat(mb.allocations()).containsExactly(new Allocation(0x4000_0000L, 0x400, 0x400, 0x4010_0000L));
    }
}
