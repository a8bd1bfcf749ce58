package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The edges of memblock's limit functions, queries, observables and slab-time array doubling,
 * each expected value worked by hand from mm/memblock.c (6.1): {@code __find_max_addr},
 * {@code memblock_enforce_memory_limit}, {@code memblock_cap_memory_range},
 * {@code memblock_mem_limit_remove_map}, {@code memblock_search}, {@code memblock_is_region_memory},
 * {@code memblock_overlaps_region}, {@code memblock_double_array} and the fields of
 * {@code struct memblock_type} (include/linux/memblock.h).
 */
class MemblockLimitsAndQueriesTest {
    private static final long BASE = 0x4000_0000L;
    private static final long SZ_4K = 0x1000;
    private static final long SZ_1M = 0x10_0000;

    private final Kernel kernel = Kernel.bare();
    private final Memblock mb = kernel.memblock();

    @AfterEach
    void everyInvariantStillHolds() {
        assertThat(kernel.check()).isEmpty();
    }

    /** Two banks [BASE, +4M) and [BASE + 8M, +4M), with reservations in, between and above them. */
    private void twoBanks() {
        mb.add(BASE, 4 * SZ_1M);
        mb.add(BASE + 8 * SZ_1M, 4 * SZ_1M);
        mb.reserve(BASE + SZ_1M, SZ_4K);
        mb.reserve(BASE + 5 * SZ_1M, SZ_4K);
        mb.reserve(BASE + 9 * SZ_1M, SZ_4K);
        mb.reserve(BASE + 11 * SZ_1M, SZ_4K);
    }

    @Test
    void aMemoryLimitCountsBytesAcrossTheBanksAndCutsBothArraysThere() {
        twoBanks();
        // __find_max_addr(6M): the first bank gives 4M, 2M more into the second: BASE + 10M
        assertThat(mb.enforceMemoryLimit(6 * SZ_1M)).isEqualTo(Result.VOID);
        assertThat(mb.memory()).containsExactly(new Region(BASE, 4 * SZ_1M, 0), new Region(BASE + 8 * SZ_1M, 2 * SZ_1M, 0));
        assertThat(mb.reserved()).containsExactly(new Region(BASE + SZ_1M, SZ_4K, 0), new Region(BASE + 5 * SZ_1M, SZ_4K, 0),
                new Region(BASE + 9 * SZ_1M, SZ_4K, 0));
        assertThat(mb.physMemSize()).isEqualTo(6 * SZ_1M);
        assertThat(mb.reservedSize()).isEqualTo(3 * SZ_4K);
    }

    @Test
    void aLimitOfExactlyTheFirstBankEndsAtThatBanksEndNotAtTheNextBase() {
        twoBanks();
        // limit <= r->size: max_addr = r->base + limit = BASE + 4M, so the reservation at 5M goes too
        mb.enforceMemoryLimit(4 * SZ_1M);
        assertThat(mb.memory()).containsExactly(new Region(BASE, 4 * SZ_1M, 0));
        assertThat(mb.reserved()).containsExactly(new Region(BASE + SZ_1M, SZ_4K, 0));
    }

    @Test
    void aLimitOfZeroOrOfAllMemoryOrMoreChangesNothing() {
        twoBanks();
        List<Region> memory = mb.memory();
        List<Region> reserved = mb.reserved();
        assertThat(mb.enforceMemoryLimit(0)).isEqualTo(Result.VOID);
        // 8M is all memory: the loop ends in the last bank with max_addr = its end, BASE + 12M
        assertThat(mb.enforceMemoryLimit(8 * SZ_1M)).isEqualTo(Result.VOID);
        assertThat(mb.memory()).isEqualTo(memory);
        assertThat(mb.reserved()).isEqualTo(reserved);
        // above it: PHYS_ADDR_MAX, nothing to do
        assertThat(mb.enforceMemoryLimit(8 * SZ_1M + 1)).isEqualTo(Result.VOID);
        assertThat(mb.memLimitRemoveMap(0)).isEqualTo(Result.VOID);
        assertThat(mb.memLimitRemoveMap(8 * SZ_1M + 1)).isEqualTo(Result.VOID);
        // the limit is a phys_addr_t: 2^32 + 4M is 4M
        mb.enforceMemoryLimit((1L << 32) + 4 * SZ_1M);
        assertThat(mb.memory()).containsExactly(new Region(BASE, 4 * SZ_1M, 0));
    }

    @Test
    void memLimitRemoveMapKeepsNomapMemoryAboveTheLimit() {
        mb.add(BASE, 8 * SZ_1M);
        mb.markNomap(BASE + 6 * SZ_1M, SZ_1M);
        mb.reserve(BASE + SZ_1M, SZ_4K);
        mb.reserve(BASE + 7 * SZ_1M, SZ_4K);
        // __find_max_addr(4M) = BASE + 4M; memblock_cap_memory_range(0, BASE + 4M)
        assertThat(mb.memLimitRemoveMap(4 * SZ_1M)).isEqualTo(Result.VOID);
        assertThat(mb.memory()).containsExactly(new Region(BASE, 4 * SZ_1M, 0),
                new Region(BASE + 6 * SZ_1M, SZ_1M, Memblock.NOMAP));
        assertThat(mb.reserved()).containsExactly(new Region(BASE + SZ_1M, SZ_4K, 0));
    }

    @Test
    void capMemoryRangeDropsMappedMemoryAndReservationsOnBothSides() {
        twoBanks();
        mb.markNomap(BASE, SZ_1M);
        assertThat(mb.capMemoryRange(BASE + 2 * SZ_1M, 8 * SZ_1M)).isEqualTo(Result.VOID);
        // [BASE + 2M, BASE + 10M) kept, the NOMAP MiB below it stays, the rest of both banks goes
        assertThat(mb.memory()).containsExactly(new Region(BASE, SZ_1M, Memblock.NOMAP),
                new Region(BASE + 2 * SZ_1M, 2 * SZ_1M, 0), new Region(BASE + 8 * SZ_1M, 2 * SZ_1M, 0));
        assertThat(mb.reserved()).containsExactly(new Region(BASE + 5 * SZ_1M, SZ_4K, 0), new Region(BASE + 9 * SZ_1M, SZ_4K, 0));
        assertThat(mb.capMemoryRange(BASE, 0)).isEqualTo(Result.VOID);
        assertThat(mb.memoryCnt()).isEqualTo(3);
    }

    @Test
    void capMemoryRangeBeforeAnyMemoryOnlyWarns() {
        mb.reserve(BASE, SZ_4K);
        assertThat(mb.capMemoryRange(BASE, SZ_1M)).isEqualTo(Result.refused("memblock_cap_memory_range: No memory registered yet"));
        assertThat(mb.reserved()).containsExactly(new Region(BASE, SZ_4K, 0));
    }

    @Test
    void aFullMemoryArrayMakesTheLimitFunctionsFailWithTheKernelsMessage() {
        for (int i = 0; i < 128; i++) {
            mb.add(BASE + 2L * i * SZ_1M, SZ_1M);
        }
        assertThat(mb.memoryCnt()).isEqualTo(128);
        // isolating needs two free slots: memblock_double_array fails (resizing not allowed)
        Result r = mb.capMemoryRange(BASE + SZ_1M / 2, SZ_1M);
        assertThat(r).isEqualTo(new Result.Refused("-ENOMEM", "memblock: Failed to double memory array from 128 to 256 entries !"));
        Result e = mb.enforceMemoryLimit(SZ_1M / 2);
        assertThat(((Result.Refused) e).report()).isEqualTo("memblock: Failed to double memory array from 128 to 256 entries !"
                + " (memblock_enforce_memory_limit goes on: reserved regions above it removed, memory above 0x40080000 kept)");
        assertThat(mb.memoryCnt()).isEqualTo(128);
        assertThat(mb.clearNomap(BASE + SZ_1M / 2, SZ_1M).isRefused()).isTrue();
        assertThat(mb.remove(BASE + SZ_1M / 2, SZ_1M).isRefused()).isTrue();
    }

    @Test
    void searchesFindTheFirstAndLastByteOfEveryRegionAndNothingBesides() {
        mb.add(BASE, SZ_1M);
        mb.add(BASE + 2 * SZ_1M, SZ_1M);
        mb.add(BASE + 4 * SZ_1M, SZ_1M);
        for (long b : new long[] {BASE, BASE + 2 * SZ_1M, BASE + 4 * SZ_1M}) {
            assertThat(mb.isMemory(b)).isTrue();
            assertThat(mb.isMemory(b + SZ_1M - 1)).isTrue();
            assertThat(mb.isMemory(b - 1)).isFalse();
            assertThat(mb.isMemory(b + SZ_1M)).isFalse();
        }
        assertThat(mb.isMemory(0)).isFalse();
        assertThat(mb.isMemory(0xffff_ffffL)).isFalse();
        // the argument is a phys_addr_t: 2^32 + BASE is BASE
        assertThat(mb.isMemory((1L << 32) + BASE)).isTrue();
        assertThat(mb.startOfDram()).isEqualTo(BASE);
        assertThat(mb.endOfDram()).isEqualTo(BASE + 5 * SZ_1M);
        assertThat(mb.isReserved(BASE)).isFalse();
    }

    @Test
    void regionQueriesCapTheSizeAndCompareEndsExactly() {
        mb.add(BASE, 4 * SZ_1M);
        mb.add(0xffff_0000L, 0x2_0000); // capped to end at PHYS_ADDR_MAX: [0xffff0000, 0xffffffff)
        mb.markNomap(BASE + 3 * SZ_1M, SZ_1M);
        assertThat(mb.isRegionMemory(BASE + 3 * SZ_1M, SZ_1M)).isTrue();
        assertThat(mb.isRegionMemory(BASE, 3 * SZ_1M)).isTrue();
        assertThat(mb.isRegionMemory(BASE, 3 * SZ_1M + 1)).isFalse();
        assertThat(mb.isRegionMemory(BASE - 1, 2)).isFalse();
        assertThat(mb.isRegionMemory(BASE + 4 * SZ_1M, 1)).isFalse();
        // memblock_cap_size: base + size is at most PHYS_ADDR_MAX, the end of that region
        assertThat(mb.isRegionMemory(0xffff_f000L, 0x10_0000)).isTrue();
        assertThat(mb.isMapMemory(BASE + 3 * SZ_1M - 1)).isTrue();
        assertThat(mb.isMapMemory(BASE + 3 * SZ_1M)).isFalse();
        assertThat(mb.isMapMemory(BASE + 4 * SZ_1M)).isFalse();
        mb.reserve(BASE + SZ_4K, SZ_4K);
        assertThat(mb.isRegionReserved(BASE, SZ_4K)).isFalse();
        assertThat(mb.isRegionReserved(BASE, SZ_4K + 1)).isTrue();
        assertThat(mb.isRegionReserved(BASE + 2 * SZ_4K - 1, 1)).isTrue();
        assertThat(mb.isRegionReserved(BASE + 2 * SZ_4K, SZ_1M)).isFalse();
        assertThat(mb.isRegionReserved(BASE + SZ_4K, 0)).isFalse();
        assertThat(mb.isReserved(BASE + SZ_4K)).isTrue();
        assertThat(mb.isReserved(BASE + 2 * SZ_4K - 1)).isTrue();
        assertThat(mb.isReserved(BASE + 2 * SZ_4K)).isFalse();
    }

    @Test
    void anAlignmentThatIsNotAPowerOfTwoMaySitOnAMultipleByChance() {
        mb.add(BASE, SZ_4K);
        // round_down(BASE + 4K - 0x58, 0x30) = 0x40000fa8 & ~0x2f = 0x40000f80, which 0x30 divides
        Result r = mb.allocTryNid(0x58, 0x30, 0, Memblock.ALLOC_ACCESSIBLE);
        assertThat(r).isEqualTo(Result.finding(0x4000_0f80L, "align 0x30 is not a power of two: 6.1 rounds through the mask 0x2f"
                + " and returns 0x40000f80, by chance a multiple of it"));
        // a failed allocation carries no finding
        assertThat(mb.physAllocRange(SZ_1M, 0x30, 0, 0)).isEqualTo(Result.of(0));
    }

    private OptionalLong read(String... names) {
        List<ObservablePath.Segment> segs = new ArrayList<>();
        for (String n : names) {
            int b = n.indexOf('[');
            segs.add(b < 0 ? new ObservablePath.Segment(n, null)
                    : new ObservablePath.Segment(n.substring(0, b), n.substring(b + 1, n.length() - 1)));
        }
        return mb.observe(new ObservablePath(segs));
    }

    @Test
    void observablesReadEveryFieldOfBothTypesAndNothingElse() {
        mb.add(BASE, 4 * SZ_1M);
        mb.markNomap(BASE + SZ_1M, SZ_1M);
        mb.reserve(BASE, SZ_4K);
        mb.setBottomUp(true);
        mb.setCurrentLimit(BASE + 2 * SZ_1M);
        assertThat(read("memblock", "bottom_up")).hasValue(1);
        assertThat(read("memblock", "current_limit")).hasValue(BASE + 2 * SZ_1M);
        assertThat(read("memblock", "memory", "cnt")).hasValue(3);
        assertThat(read("memblock", "memory", "total_size")).hasValue(4 * SZ_1M);
        assertThat(read("memblock", "memory", "max")).hasValue(128);
        assertThat(read("memblock", "memory", "regions")).hasValue(0);
        assertThat(read("memblock", "memory[1]", "base")).hasValue(BASE + SZ_1M);
        assertThat(read("memblock", "memory[1]", "size")).hasValue(SZ_1M);
        assertThat(read("memblock", "memory[1]", "flags")).hasValue(Memblock.NOMAP);
        assertThat(read("memblock", "memory[2]", "flags")).hasValue(0);
        assertThat(read("memblock", "reserved", "cnt")).hasValue(1);
        assertThat(read("memblock", "reserved", "total_size")).hasValue(SZ_4K);
        assertThat(read("memblock", "reserved[0]", "base")).hasValue(BASE);
        mb.setBottomUp(false);
        assertThat(read("memblock", "bottom_up")).hasValue(0);
        for (String[] nothing : new String[][] {{"memblock"}, {"memblock", "nonsense"}, {"memblock", "memory"},
                {"memblock", "memory[0]"}, {"memblock", "other", "cnt"}, {"memblock", "memory", "cnt", "more"},
                {"memblock", "memory", "cnt[0]"}, {"memblock", "memory[0]", "cnt"}, {"memblock", "memory", "base"},
                {"zone", "memory", "cnt"}, {"memblock", "bottom_up[0]"}}) {
            assertThat(read(nothing)).as(Arrays.toString(nothing)).isEmpty();
        }
    }

    @Test
    void afterSlabIsUpTheArrayDoublesIntoKmallocAndTheOldSlabArrayIsKfreed() {
        mb.add(BASE, 64 * SZ_1M);
        mb.allowResize();
        // before slab: 129 reservations double the reserved array into memblock memory at the top
        for (int i = 0; i < 129; i++) {
            mb.reserve(BASE + 2L * i * SZ_4K, SZ_4K);
        }
        long firstArray = BASE + 64 * SZ_1M - SZ_4K;
        assertThat(mb.regionsPhys(true)).isEqualTo(firstArray);
        assertThat(mb.regionsInSlab(true)).isFalse();
        assertThat(read("memblock", "reserved", "regions")).hasValue(firstArray);
        List<long[]> kzallocs = new ArrayList<>();
        List<long[]> kfrees = new ArrayList<>();
        long[] next = {0x4800_0000L};
        mb.markSlabAvailable(size -> {
            kzallocs.add(new long[] {size});
            long va = next[0];
            next[0] += 0x10_0000;
            return va;
        }, (phys, size) -> kfrees.add(new long[] {phys, size}));
        // the 257th region: kmalloc(2 * 256 * 12); the old array was memblock's, so memblock_free of its page
        for (int i = 129; i < 257; i++) {
            mb.reserve(BASE + 2L * i * SZ_4K, SZ_4K);
        }
        assertThat(mb.reservedMax()).isEqualTo(512);
        assertThat(kzallocs).extracting(a -> a[0]).containsExactly(512 * 12L);
        assertThat(mb.regionsPhys(true)).isEqualTo(0x4800_0000L);
        assertThat(mb.regionsInSlab(true)).isTrue();
        assertThat(mb.isReserved(firstArray)).isFalse();
        assertThat(mb.reservedCnt()).isEqualTo(257);
        // the 513th: kmalloc(2 * 512 * 12), and kfree of the slab array of 512 * 12 bytes
        for (int i = 257; i < 513; i++) {
            mb.reserve(BASE + 2L * i * SZ_4K, SZ_4K);
        }
        assertThat(mb.reservedMax()).isEqualTo(1024);
        assertThat(kzallocs).extracting(a -> a[0]).containsExactly(512 * 12L, 1024 * 12L);
        assertThat(kfrees).hasSize(1);
        assertThat(kfrees.get(0)).containsExactly(0x4800_0000L, 512 * 12L);
        assertThat(mb.regionsPhys(true)).isEqualTo(0x4810_0000L);
        assertThat(mb.reservedCnt()).isEqualTo(513);
    }

    @Test
    void aKmallocThatFailsLeavesTheArrayFullAndTheCallRefused() {
        mb.add(BASE, 64 * SZ_1M);
        mb.allowResize();
        mb.markSlabAvailable(size -> 0);
        for (int i = 0; i < 128; i++) {
            assertThat(mb.reserve(BASE + 2L * i * SZ_4K, SZ_4K).isRefused()).isFalse();
        }
        Result r = mb.reserve(BASE + 2L * 128 * SZ_4K, SZ_4K);
        assertThat(r).isEqualTo(new Result.Refused("-ENOMEM", "memblock: Failed to double reserved array from 128 to 256 entries !"));
        assertThat(mb.reservedMax()).isEqualTo(128);
        assertThat(mb.regionsPhys(true)).isEqualTo(-1);
    }

    @Test
    void markingNomapAndRemovingRetireThePartsOfALiveAllocationTheyTake() {
        mb.add(BASE, 4 * SZ_1M);
        long a = mb.allocTryNid(0x4000, SZ_4K, 0, Memblock.ALLOC_ACCESSIBLE).value();
        assertThat(a).isEqualTo(BASE + 4 * SZ_1M - 0x4000);
        // model bookkeeping (Allocations): the part NOMAP takes is no longer a live allocation; the rest
        // above it did not start where the allocator placed it, so its alignment is 1
        mb.markNomap(a + SZ_4K, SZ_4K);
        assertThat(mb.allocations()).containsExactly(new Allocation(a, SZ_4K, SZ_4K, Memblock.ALLOC_ANYWHERE),
                new Allocation(a + 2 * SZ_4K, 2 * SZ_4K, 1, Memblock.ALLOC_ANYWHERE));
        mb.remove(a + 3 * SZ_4K, SZ_4K);
        assertThat(mb.allocations()).containsExactly(new Allocation(a, SZ_4K, SZ_4K, Memblock.ALLOC_ANYWHERE),
                new Allocation(a + 2 * SZ_4K, SZ_4K, 1, Memblock.ALLOC_ANYWHERE));
        mb.capMemoryRange(BASE, a + SZ_4K - BASE);
        assertThat(mb.allocations()).containsExactly(new Allocation(a, SZ_4K, SZ_4K, Memblock.ALLOC_ANYWHERE));
    }

    @Test
    void freeingAnyByteOfTheDoubledArraysPageMarksItsReservationBroken() {
        mb.add(BASE, 64 * SZ_1M);
        mb.allowResize();
        for (int i = 0; i < 129; i++) {
            mb.reserve(BASE + 2L * i * SZ_4K, SZ_4K);
        }
        long array = mb.regionsPhys(true);
        assertThat(array).isEqualTo(BASE + 64 * SZ_1M - SZ_4K);
        // PAGE_ALIGN(256 * sizeof(struct memblock_region)) = 4 KiB from the array's start
        mb.physFree(array - SZ_4K, SZ_4K);
        assertThat(mb.regionsReleased(true)).as("the page below").isFalse();
        mb.physFree(array + SZ_4K, SZ_4K);
        assertThat(mb.regionsReleased(true)).as("the page above").isFalse();
        assertThat(mb.regionsReleased(false)).isFalse();
        mb.physFree(array + SZ_4K - 8, 8);
        assertThat(mb.regionsReleased(true)).as("its last bytes").isTrue();
        assertThat(mb.regionsReleased(false)).isFalse();
        assertThat(mb.regionsInSlab(true)).isFalse();
    }
}
