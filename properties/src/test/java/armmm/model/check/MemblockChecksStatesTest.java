package armmm.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.core.Violation;
import armmm.model.memblock.Allocation;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.MemblockHandBuilt;
import armmm.model.memblock.Region;
import armmm.model.subsystem.Invariant;
import armmm.model.subsystem.KernelState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each check of {@link MemblockChecks} on a memblock whose arrays or live allocations were set by
 * hand ({@link MemblockHandBuilt}) to break exactly one of its conditions, and on the neighbouring
 * state mm/memblock.c allows: touching regions of different flags, touching NOMAP pieces of memory
 * ({@code memblock_cap_memory_range}), the single dummy {0, 0, 0} of an empty array, a region
 * ending at PHYS_ADDR_MAX ({@code memblock_cap_size}), an allocation that ends on its limit or
 * touches a NOMAP region or another allocation, and a doubled array whose
 * {@code PAGE_ALIGN(max * sizeof(struct memblock_region))} bytes (12 a region) are reserved.
 */
class MemblockChecksStatesTest {
    private static final int NOMAP = Memblock.NOMAP;
    private static final int HOTPLUG = Memblock.HOTPLUG;

    private static KernelState kernel(Memblock m) {
        return new KernelState() {
            @Override
            public <S> S state(Class<S> type) {
                return type == Memblock.class ? type.cast(m) : null;
            }

            @Override
            public Bugs bugs() {
                return Bugs.NONE;
            }
        };
    }

    private static Region r(long base, long size) {
        return new Region(base, size, 0);
    }

    private static Region r(long base, long size, int flags) {
        return new Region(base, size, flags);
    }

    /** A memblock with these arrays (empty: the dummy), checked whole. */
    private static Memblock memblock(List<Region> memory, List<Region> reserved) {
        Memblock m = new Memblock();
        MemblockHandBuilt.setRegions(m, false, memory.toArray(Region[]::new));
        MemblockHandBuilt.setRegions(m, true, reserved.toArray(Region[]::new));
        m.beginCheck(true);
        return m;
    }

    private static List<Violation> check(Invariant inv, Memblock m) {
        List<Violation> v = inv.check(kernel(m));
        assertThat(v).allSatisfy(x -> assertThat(x.id()).isEqualTo(inv.id()));
        return v;
    }

    private static List<String> reasons(Invariant inv, Memblock m) {
        return check(inv, m).stream().map(Violation::reason).toList();
    }

    private static List<String> details(Invariant inv, Memblock m) {
        return check(inv, m).stream().map(Violation::details).toList();
    }

    /** Every memblock invariant's violations, as "id reason". */
    private static List<String> all(Memblock m) {
        List<String> out = new ArrayList<>();
        for (Invariant inv : MemblockChecks.ALL) {
            check(inv, m).forEach(v -> out.add(v.id() + " " + v.reason()));
        }
        return out;
    }

    @Test
    void anEmptyMemblockAndASoundOneBreakNothing() {
        Memblock fresh = new Memblock();
        assertThat(all(fresh)).isEmpty();
        Memblock m = memblock(List.of(r(0x4000_0000L, 0x1000_0000L, HOTPLUG), r(0x5000_0000L, 0x800_0000L, NOMAP),
                r(0x5800_0000L, 0x2800_0000L)), List.of(r(0x4000_0000L, 0x10_0000L), r(0x4800_0000L, 0x2000)));
        MemblockHandBuilt.record(m, new Allocation(0x4800_0000L, 0x2000, 0x1000, 0x6000_0000L));
        assertThat(all(m)).isEmpty();
        assertThat(MemblockChecks.ALL.stream().map(Invariant::id)).containsExactly("INV-MEMBLOCK-01", "INV-MEMBLOCK-02",
                "INV-MEMBLOCK-03", "INV-MEMBLOCK-04", "INV-MEMBLOCK-05", "INV-MEMBLOCK-06", "INV-MEMBLOCK-07",
                "INV-MEMBLOCK-08", "INV-MEMBLOCK-09", "INV-MEMBLOCK-10", "INV-MEMBLOCK-11", "INV-MEMBLOCK-12");
        // a kernel without memblock: not applicable, nothing found
        KernelState none = kernel(null);
        for (Invariant inv : MemblockChecks.ALL) {
            assertThat(inv.appliesTo(none)).isFalse();
            assertThat(inv.check(none)).isEmpty();
            assertThat(inv.appliesTo(kernel(m))).isTrue();
        }
    }

    /**
     * INV-MEMBLOCK-01 (memblock_add_range inserts in order, memblock_merge_regions' BUG_ON on an
     * overlap): an overlap and a pair out of order are caught in either array, with the indices;
     * two regions that touch are not an overlap.
     */
    @Test
    void overlappingOrUnorderedRegionsBreakInv01ButTouchingOnesDoNot() {
        Memblock overlap = memblock(List.of(r(0x1000, 0x2000), r(0x2000, 0x2000, HOTPLUG)), List.of());
        assertThat(reasons(MemblockChecks.SORTED, overlap)).containsExactly("regions overlap or out of order");
        assertThat(details(MemblockChecks.SORTED, overlap)).containsExactly(
                "memblock.memory[0] [0x00001000-0x00002fff] flags 0x0 and [1] [0x00002000-0x00003fff] flags 0x1");
        Memblock unordered = memblock(List.of(), List.of(r(0x1000, 0x1000), r(0x8000, 0x1000), r(0x4000, 0x1000)));
        assertThat(details(MemblockChecks.SORTED, unordered)).containsExactly(
                "memblock.reserved[1] [0x00008000-0x00008fff] flags 0x0 and [2] [0x00004000-0x00004fff] flags 0x0");
        Memblock touching = memblock(List.of(r(0x1000, 0x1000), r(0x2000, 0x1000, HOTPLUG)),
                List.of(r(0x1000, 0x1000, HOTPLUG), r(0x2000, 0x1000)));
        assertThat(all(touching)).isEmpty();
    }

    /**
     * INV-MEMBLOCK-02 (memblock_merge_regions merges neighbours that touch with equal flags):
     * unmerged neighbours of equal flags break it in either array, NOMAP pieces of reserved too;
     * NOMAP pieces of memory are what memblock_cap_memory_range leaves, allowed; a byte of gap,
     * or different flags, separate two regions.
     */
    @Test
    void unmergedNeighboursBreakInv02ExceptNomapPiecesOfMemory() {
        Memblock memory = memblock(List.of(r(0x1000, 0x1000), r(0x2000, 0x1000), r(0x8000, 0x1000)), List.of());
        assertThat(reasons(MemblockChecks.MERGED, memory)).containsExactly("adjacent regions not merged");
        assertThat(details(MemblockChecks.MERGED, memory)).containsExactly(
                "memblock.memory[0] [0x00001000-0x00001fff] flags 0x0 and [1] [0x00002000-0x00002fff] flags 0x0");
        Memblock reserved = memblock(List.of(), List.of(r(0x1000, 0x1000), r(0x4000, 0x1000, NOMAP), r(0x5000, 0x1000, NOMAP)));
        assertThat(details(MemblockChecks.MERGED, reserved)).containsExactly(
                "memblock.reserved[1] [0x00004000-0x00004fff] flags 0x4 and [2] [0x00005000-0x00005fff] flags 0x4");
        Memblock capped = memblock(List.of(r(0x4000, 0x1000, NOMAP), r(0x5000, 0x1000, NOMAP)), List.of());
        assertThat(all(capped)).isEmpty();
        Memblock gap = memblock(List.of(r(0x1000, 0xfff), r(0x2000, 0x1000)), List.of(r(0x1000, 0x1000), r(0x2001, 0x1000)));
        assertThat(all(gap)).isEmpty();
        Memblock flags = memblock(List.of(r(0x1000, 0x1000, NOMAP), r(0x2000, 0x1000)), List.of());
        assertThat(all(flags)).isEmpty();
    }

    /**
     * A zero-sized region next to a region that touches it is INV-MEMBLOCK-04's stray entry, not an
     * unmerged pair (memblock_merge_regions would merge it away; the dummy is the only empty one).
     */
    @Test
    void anEmptyRegionTouchingANeighbourIsAStrayNotAnUnmergedPair() {
        Memblock before = memblock(List.of(r(0x1000, 0), r(0x1000, 0x1000)), List.of());
        assertThat(all(before)).containsExactly("INV-MEMBLOCK-04 stray empty region");
        Memblock after = memblock(List.of(r(0x1000, 0x1000), r(0x2000, 0)), List.of());
        assertThat(all(after)).containsExactly("INV-MEMBLOCK-04 stray empty region");
        assertThat(details(MemblockChecks.DUMMY, after)).containsExactly("memblock.memory[1] [0x00002000-0x00001fff] flags 0x0 with cnt 2");
    }

    /**
     * INV-MEMBLOCK-03: total_size is the sum of the sizes; for memory, plus what
     * memblock_trim_memory cut off in place (6.1 leaves total_size as it was).
     */
    @Test
    void totalSizeIsTheSumOfTheSizesPlusWhatTrimCutOff() {
        Memblock m = memblock(List.of(r(0x1000, 0x1000), r(0x4000, 0x2000)), List.of(r(0x1000, 0x800)));
        assertThat(check(MemblockChecks.TOTAL_SIZE, m)).isEmpty();
        MemblockHandBuilt.setTotalSize(m, false, 0x4000);
        assertThat(details(MemblockChecks.TOTAL_SIZE, m)).containsExactly(
                "memblock.memory: regions sum to 0x3000, total_size says 0x4000");
        MemblockHandBuilt.setTrimmedBytes(m, false, 0x1000);
        assertThat(check(MemblockChecks.TOTAL_SIZE, m)).isEmpty();
        MemblockHandBuilt.setTotalSize(m, true, 0x7ff);
        assertThat(reasons(MemblockChecks.TOTAL_SIZE, m)).containsExactly("total_size out of step");
        assertThat(details(MemblockChecks.TOTAL_SIZE, m)).containsExactly(
                "memblock.reserved: regions sum to 0x800, total_size says 0x7ff");
        MemblockHandBuilt.setTrimmedBytes(m, true, 0x1);
        assertThat(details(MemblockChecks.TOTAL_SIZE, m)).containsExactly(
                "memblock.reserved: regions sum to 0x800, total_size says 0x7fe");
    }

    /**
     * INV-MEMBLOCK-04: 1 <= cnt <= max (memblock_remove_region keeps the dummy, memblock_add_range
     * doubles before it passes max), and the only empty region is the dummy {0, 0, 0} of an empty
     * array.
     */
    @Test
    void cntStaysWithinOneAndMaxAndTheOnlyEmptyRegionIsTheDummy() {
        Memblock m = memblock(List.of(r(0x1000, 0x1000)), List.of());
        MemblockHandBuilt.setCnt(m, false, 0);
        assertThat(reasons(MemblockChecks.DUMMY, m)).containsExactly("cnt out of range");
        assertThat(details(MemblockChecks.DUMMY, m)).containsExactly("memblock.memory.cnt is 0, expected 1..128");
        // a full array: cnt == max is allowed, one more is not
        Region[] full = new Region[128];
        for (int i = 0; i < full.length; i++) {
            full[i] = r(0x1000L + 0x2000L * i, 0x1000);
        }
        Memblock f = memblock(List.of(), List.of(full));
        assertThat(check(MemblockChecks.DUMMY, f)).isEmpty();
        MemblockHandBuilt.setCnt(f, true, 129);
        assertThat(details(MemblockChecks.DUMMY, f)).containsExactly("memblock.reserved.cnt is 129, expected 1..128");
        // the dummy must be {0, 0, 0}
        assertThat(all(memblock(List.of(r(0x1000, 0)), List.of()))).containsExactly("INV-MEMBLOCK-04 stray empty region");
        assertThat(all(memblock(List.of(), List.of(r(0, 0, NOMAP))))).containsExactly("INV-MEMBLOCK-04 stray empty region");
        assertThat(all(memblock(List.of(r(0, 0)), List.of(r(0, 0))))).isEmpty();
        // an empty region beside a real one, in the second place
        Memblock two = memblock(List.of(), List.of(r(0, 0x1000), r(0x3000, 0)));
        assertThat(details(MemblockChecks.DUMMY, two)).containsExactly(
                "memblock.reserved[1] [0x00003000-0x00002fff] flags 0x0 with cnt 2");
    }

    /** INV-MEMBLOCK-05 (memblock_cap_size: size = min(size, PHYS_ADDR_MAX - base)): a region ends at 0xffffffff at most. */
    @Test
    void regionsEndAtPhysAddrMaxAtMost() {
        assertThat(all(memblock(List.of(r(0xffff_f000L, 0xfff)), List.of(r(0xffff_f000L, 0xfff))))).isEmpty();
        Memblock past = memblock(List.of(r(0x1000, 0x1000), r(0xffff_f000L, 0x1000)), List.of(r(0xffff_f000L, 0x1000)));
        assertThat(reasons(MemblockChecks.IN_PHYS_SPACE, past)).containsExactly("region beyond PHYS_ADDR_MAX",
                "region beyond PHYS_ADDR_MAX");
        assertThat(details(MemblockChecks.IN_PHYS_SPACE, past)).containsExactly(
                "memblock.memory[1] [0xfffff000-0xffffffff] flags 0x0", "memblock.reserved[0] [0xfffff000-0xffffffff] flags 0x0");
    }

    /**
     * The allocations of INV-MEMBLOCK-06, 08 (covered by memory, by reserved): a block inside one
     * region, across two that touch, at the very start and end of the array and of its third
     * region is covered; a block across a gap, before the first region, past the last or one byte
     * past a region is not.
     */
    @Test
    void allocationsMustLieInMemoryAndInReserved() {
        List<Region> five = List.of(r(0x1000_0000L, 0x100_0000L), r(0x1100_0000L, 0x100_0000L, HOTPLUG),
                r(0x1400_0000L, 0x100_0000L), r(0x1600_0000L, 0x100_0000L), r(0x1800_0000L, 0x100_0000L));
        long[][] covered = {{0x1000_0000L, 0x1000}, {0x10ff_f000L, 0x2000}, {0x1400_0000L, 0x100_0000L},
            {0x14ff_f000L, 0x1000}, {0x18ff_f000L, 0x1000}, {0x1600_0000L, 0x1000}};
        long[][] outside = {{0x0fff_f000L, 0x2000}, {0x11ff_f000L, 0x2000}, {0x14ff_f000L, 0x1001},
            {0x1900_0000L, 0x1000}, {0x18ff_f000L, 0x1001}, {0x0800_0000L, 0x1000}, {0x1300_0000L, 0x1000}};
        for (long[] a : covered) {
            Memblock m = memblock(five, five);
            MemblockHandBuilt.record(m, new Allocation(a[0], a[1], 0x1000, Memblock.ALLOC_ANYWHERE));
            assertThat(all(m)).as("%#x+%#x", a[0], a[1]).isEmpty();
        }
        for (long[] a : outside) {
            Memblock inMemory = memblock(five, List.of(r(0x0800_0000L, 0x1800_0000L)));
            MemblockHandBuilt.record(inMemory, new Allocation(a[0], a[1], 0x1000, Memblock.ALLOC_ANYWHERE));
            assertThat(all(inMemory)).as("%#x+%#x", a[0], a[1]).containsExactly("INV-MEMBLOCK-06 allocation outside memory");
            Memblock inReserved = memblock(List.of(r(0x0800_0000L, 0x1800_0000L)), five);
            MemblockHandBuilt.record(inReserved, new Allocation(a[0], a[1], 0x1000, Memblock.ALLOC_ANYWHERE));
            assertThat(all(inReserved)).as("%#x+%#x", a[0], a[1]).containsExactly("INV-MEMBLOCK-08 allocation not reserved");
        }
        Memblock m = memblock(List.of(r(0x1000_0000L, 0x1000)), List.of(r(0x1000_0000L, 0x1000)));
        MemblockHandBuilt.record(m, new Allocation(0x1000_0800L, 0x1000, 0x800, 0x2000_0000L));
        assertThat(details(MemblockChecks.ALLOC_IN_MEMORY, m))
                .containsExactly("allocation [0x10000800-0x100017ff] align 0x800 limit 0x20000000");
        assertThat(details(MemblockChecks.ALLOC_RESERVED, m))
                .containsExactly("allocation [0x10000800-0x100017ff] align 0x800 limit 0x20000000");
    }

    /**
     * INV-MEMBLOCK-07 (should_skip_region skips NOMAP memory): an allocation may end where a NOMAP
     * region starts or start where it ends; a byte inside is a violation, reported once however
     * many NOMAP regions it meets.
     */
    @Test
    void allocationsAvoidNomapMemory() {
        List<Region> memory = List.of(r(0x1000_0000L, 0x100_0000L), r(0x1100_0000L, 0x1000, NOMAP),
                r(0x1100_1000L, 0x1000), r(0x1100_2000L, 0x1000, NOMAP), r(0x1100_3000L, 0x100_0000L));
        List<Region> reserved = List.of(r(0x1000_0000L, 0x300_0000L));
        Memblock touching = memblock(memory, reserved);
        MemblockHandBuilt.record(touching, new Allocation(0x10ff_f000L, 0x1000, 0x1000, Memblock.ALLOC_ANYWHERE));
        MemblockHandBuilt.record(touching, new Allocation(0x1100_1000L, 0x1000, 0x1000, Memblock.ALLOC_ANYWHERE));
        MemblockHandBuilt.record(touching, new Allocation(0x1100_3000L, 0x1000, 0x1000, Memblock.ALLOC_ANYWHERE));
        assertThat(check(MemblockChecks.ALLOC_NOT_NOMAP, touching)).isEmpty();
        Memblock into = memblock(memory, reserved);
        MemblockHandBuilt.record(into, new Allocation(0x10ff_f000L, 0x1001, 0x1000, Memblock.ALLOC_ANYWHERE));
        MemblockHandBuilt.record(into, new Allocation(0x1100_1000L, 0x1000, 0x1000, Memblock.ALLOC_ANYWHERE));
        MemblockHandBuilt.record(into, new Allocation(0x1100_2fffL, 0x2, 0x1, Memblock.ALLOC_ANYWHERE));
        assertThat(details(MemblockChecks.ALLOC_NOT_NOMAP, into)).containsExactly(
                "allocation [0x10fff000-0x11000000] align 0x1000 limit 0xffffffff overlaps [0x11000000-0x11000fff] flags 0x4",
                "allocation [0x11002fff-0x11003000] align 0x1 limit 0xffffffff overlaps [0x11002000-0x11002fff] flags 0x4");
        Memblock both = memblock(memory, reserved);
        MemblockHandBuilt.record(both, new Allocation(0x1100_0000L, 0x3000, 0x1000, Memblock.ALLOC_ANYWHERE));
        assertThat(reasons(MemblockChecks.ALLOC_NOT_NOMAP, both)).containsExactly("allocation in NOMAP memory");
        // no NOMAP memory, or no allocation: nothing to find
        Memblock plain = memblock(List.of(r(0x1000_0000L, 0x300_0000L)), reserved);
        MemblockHandBuilt.record(plain, new Allocation(0x1100_0000L, 0x3000, 0x1000, Memblock.ALLOC_ANYWHERE));
        assertThat(all(plain)).isEmpty();
        assertThat(all(memblock(memory, reserved))).isEmpty();
    }

    /**
     * INV-MEMBLOCK-09: a power-of-two alignment is a promise (round_down with align - 1 as the
     * mask); 6.1 promises nothing for another alignment, which is not judged.
     */
    @Test
    void allocationsStartOnTheirPowerOfTwoAlignment() {
        List<Region> memory = List.of(r(0x1000_0000L, 0x100_0000L));
        Memblock m = memblock(memory, memory);
        MemblockHandBuilt.record(m, new Allocation(0x1000_1000L, 0x1000, 0x1000, Memblock.ALLOC_ANYWHERE));
        MemblockHandBuilt.record(m, new Allocation(0x1000_3000L, 0x1000, 0x3000, Memblock.ALLOC_ANYWHERE));
        MemblockHandBuilt.record(m, new Allocation(0x1000_5001L, 0x1, 0x1, Memblock.ALLOC_ANYWHERE));
        assertThat(all(m)).isEmpty();
        MemblockHandBuilt.record(m, new Allocation(0x1000_8800L, 0x800, 0x1000, Memblock.ALLOC_ANYWHERE));
        MemblockHandBuilt.record(m, new Allocation(0x1000_a000L, 0x40, 0x4000, Memblock.ALLOC_ANYWHERE));
        assertThat(details(MemblockChecks.ALLOC_ALIGNED, m)).containsExactly(
                "allocation [0x10008800-0x10008fff] align 0x1000 limit 0xffffffff",
                "allocation [0x1000a000-0x1000a03f] align 0x4000 limit 0xffffffff");
        assertThat(reasons(MemblockChecks.ALLOC_ALIGNED, m)).containsOnly("allocation misaligned");
    }

    /** INV-MEMBLOCK-10 (memblock_find_in_range_node searches below end): an allocation may end on its limit, not past it. */
    @Test
    void allocationsEndAtTheirLimitAtMost() {
        List<Region> memory = List.of(r(0x1000_0000L, 0x100_0000L));
        Memblock m = memblock(memory, memory);
        MemblockHandBuilt.record(m, new Allocation(0x1000_0000L, 0x1000, 0x1000, 0x1000_1000L));
        assertThat(all(m)).isEmpty();
        MemblockHandBuilt.record(m, new Allocation(0x1000_2000L, 0x1000, 0x1000, 0x1000_2fffL));
        assertThat(reasons(MemblockChecks.ALLOC_BELOW_LIMIT, m)).containsExactly("allocation above its limit");
        assertThat(details(MemblockChecks.ALLOC_BELOW_LIMIT, m))
                .containsExactly("allocation [0x10002000-0x10002fff] align 0x1000 limit 0x10002fff");
    }

    /**
     * INV-MEMBLOCK-11 (free ranges exclude memblock.reserved): allocations that touch are disjoint;
     * an overlap is caught, and so is each block inside a larger one that follows a smaller one
     * (the check keeps the allocation reaching furthest, the first of two with the same end).
     */
    @Test
    void allocationsAreDisjoint() {
        List<Region> memory = List.of(r(0x1000_0000L, 0x100_0000L));
        Memblock touching = memblock(memory, memory);
        MemblockHandBuilt.record(touching, new Allocation(0x1000_0000L, 0x1000, 0x1000, Memblock.ALLOC_ANYWHERE));
        MemblockHandBuilt.record(touching, new Allocation(0x1000_1000L, 0x1000, 0x1000, Memblock.ALLOC_ANYWHERE));
        assertThat(all(touching)).isEmpty();
        Memblock nested = memblock(memory, memory);
        MemblockHandBuilt.record(nested, new Allocation(0x1000_0000L, 0x4000, 0x1000, Memblock.ALLOC_ANYWHERE));
        MemblockHandBuilt.record(nested, new Allocation(0x1000_1000L, 0x1000, 0x1000, Memblock.ALLOC_ANYWHERE));
        MemblockHandBuilt.record(nested, new Allocation(0x1000_2000L, 0x1000, 0x1000, Memblock.ALLOC_ANYWHERE));
        MemblockHandBuilt.record(nested, new Allocation(0x1000_4000L, 0x1000, 0x1000, Memblock.ALLOC_ANYWHERE));
        assertThat(reasons(MemblockChecks.ALLOC_DISJOINT, nested)).containsExactly("allocations overlap", "allocations overlap");
        assertThat(details(MemblockChecks.ALLOC_DISJOINT, nested)).containsExactly(
                "allocation [0x10000000-0x10003fff] align 0x1000 limit 0xffffffff and "
                        + "allocation [0x10001000-0x10001fff] align 0x1000 limit 0xffffffff",
                "allocation [0x10000000-0x10003fff] align 0x1000 limit 0xffffffff and "
                        + "allocation [0x10002000-0x10002fff] align 0x1000 limit 0xffffffff");
        // a later block reaching further becomes the one the next is compared with
        Memblock further = memblock(memory, memory);
        MemblockHandBuilt.record(further, new Allocation(0x1000_0000L, 0x1000, 0x1000, Memblock.ALLOC_ANYWHERE));
        MemblockHandBuilt.record(further, new Allocation(0x1000_1000L, 0x2000, 0x1000, Memblock.ALLOC_ANYWHERE));
        MemblockHandBuilt.record(further, new Allocation(0x1000_2000L, 0x800, 0x800, Memblock.ALLOC_ANYWHERE));
        assertThat(details(MemblockChecks.ALLOC_DISJOINT, further)).containsExactly(
                "allocation [0x10001000-0x10002fff] align 0x1000 limit 0xffffffff and "
                        + "allocation [0x10002000-0x100027ff] align 0x800 limit 0xffffffff");
        Memblock sameEnd = memblock(memory, memory);
        MemblockHandBuilt.record(sameEnd, new Allocation(0x1000_0000L, 0x2000, 0x1000, 0x1000_2000L));
        MemblockHandBuilt.record(sameEnd, new Allocation(0x1000_1000L, 0x1000, 0x1000, 0x1000_3000L));
        MemblockHandBuilt.record(sameEnd, new Allocation(0x1000_1800L, 0x800, 0x800, 0x1000_4000L));
        assertThat(details(MemblockChecks.ALLOC_DISJOINT, sameEnd)).containsExactly(
                "allocation [0x10000000-0x10001fff] align 0x1000 limit 0x10002000 and "
                        + "allocation [0x10001000-0x10001fff] align 0x1000 limit 0x10003000",
                "allocation [0x10000000-0x10001fff] align 0x1000 limit 0x10002000 and "
                        + "allocation [0x10001800-0x10001fff] align 0x800 limit 0x10004000");
    }

    /**
     * INV-MEMBLOCK-12 (memblock_double_array: the new array is PAGE_ALIGN(new_size) bytes taken
     * page-aligned from memblock and reserved): 341 regions of 12 bytes (4092) own one page, 342
     * (4104) two; a start off a page is caught; the static array, one from kmalloc, and one whose
     * pages a call took back are not judged.
     */
    @Test
    void aDoubledArrayOwnsWholeReservedPages() {
        List<Region> memory = List.of(r(0x1000_0000L, 0x100_0000L));
        Memblock m = memblock(memory, List.of(r(0x1000_0000L, 0x1000)));
        MemblockHandBuilt.setMax(m, false, 341);
        MemblockHandBuilt.setArray(m, false, 0x1000_0000L, false, false);
        assertThat(all(m)).isEmpty();
        MemblockHandBuilt.setMax(m, false, 342);
        assertThat(reasons(MemblockChecks.ARRAY_PAGES, m)).containsExactly("region array pages not reserved");
        assertThat(details(MemblockChecks.ARRAY_PAGES, m)).containsExactly(
                "memblock.memory.regions [0x10000000-0x10001fff] (max 342) not wholly in memblock.reserved");
        MemblockHandBuilt.setArray(m, false, 0x1000_0000L, false, true);
        assertThat(check(MemblockChecks.ARRAY_PAGES, m)).isEmpty();
        MemblockHandBuilt.setArray(m, false, 0x1000_0000L, true, false);
        assertThat(check(MemblockChecks.ARRAY_PAGES, m)).isEmpty();
        MemblockHandBuilt.setArray(m, false, -1, false, false);
        assertThat(check(MemblockChecks.ARRAY_PAGES, m)).isEmpty();

        // an array at physical 0 is judged like any other
        Memblock zero = memblock(List.of(r(0, 0x100_0000L)), List.of(r(0, 0x1000)));
        MemblockHandBuilt.setArray(zero, false, 0, false, false);
        assertThat(check(MemblockChecks.ARRAY_PAGES, zero)).isEmpty();
        MemblockHandBuilt.setMax(zero, false, 342);
        assertThat(details(MemblockChecks.ARRAY_PAGES, zero)).containsExactly(
                "memblock.memory.regions [0x00000000-0x00001fff] (max 342) not wholly in memblock.reserved");

        // the reserved array, off a page by 0x800 (its two pages reserved around it)
        Memblock r = memblock(memory, List.of(r(0x1000_0000L, 0x3000)));
        MemblockHandBuilt.setMax(r, true, 256);
        MemblockHandBuilt.setArray(r, true, 0x1000_0800L, false, false);
        assertThat(reasons(MemblockChecks.ARRAY_PAGES, r)).containsExactly("region array not page-aligned");
        assertThat(details(MemblockChecks.ARRAY_PAGES, r))
                .containsExactly("memblock.reserved.regions at 0x10000800 (max 256, 3072 bytes)");
        MemblockHandBuilt.setArray(r, true, 0x1000_1000L, false, false);
        assertThat(check(MemblockChecks.ARRAY_PAGES, r)).isEmpty();
        MemblockHandBuilt.setArray(r, true, 0x1000_3000L, false, false);
        assertThat(details(MemblockChecks.ARRAY_PAGES, r)).containsExactly(
                "memblock.reserved.regions [0x10003000-0x10003fff] (max 256) not wholly in memblock.reserved");
    }

    /**
     * Above 1024 regions a per-step check looks only at the changed regions and one neighbour on
     * each side ({@link Memblock#checkWindow}); the sum waits for the complete check. 1100 regions
     * 8 KiB apart, with region 501 moved onto region 500: the pair is seen by a window that holds
     * 500 or 501, not by one that starts at 502 or ends at 499, nor by an empty one.
     */
    @Test
    void aLargeArrayIsCheckedInTheChangedWindowAndWholeAtTheEnd() {
        Region[] regions = new Region[1100];
        for (int i = 0; i < regions.length; i++) {
            regions[i] = r(0x100_0000L + 0x2000L * i, 0x1000);
        }
        regions[501] = r(regions[500].base() + 0x800, 0x1000);
        regions[700] = r(regions[700].base(), 0);
        regions[1099] = r(0xffff_f000L, 0x1000);
        Memblock m = new Memblock();
        MemblockHandBuilt.setRegions(m, false, regions);
        MemblockHandBuilt.setTotalSize(m, false, 0);
        String overlap = "memblock.memory[500] [0x013e8000-0x013e8fff] flags 0x0 and [501] [0x013e8800-0x013e97ff] flags 0x0";
        for (int[] w : new int[][] {{500, 500}, {501, 501}, {400, 600}}) {
            MemblockHandBuilt.setChanged(m, false, w[0], w[1]);
            m.beginCheck(false);
            assertThat(m.checkWindow(false)).containsExactly(w[0], w[1]);
            assertThat(details(MemblockChecks.SORTED, m)).as("window %d..%d", w[0], w[1]).containsExactly(overlap);
            assertThat(check(MemblockChecks.TOTAL_SIZE, m)).isEmpty();
        }
        for (int[] w : new int[][] {{502, 502}, {499, 499}, {0, 0}, {1098, 1098}}) {
            MemblockHandBuilt.setChanged(m, false, w[0], w[1]);
            m.beginCheck(false);
            assertThat(check(MemblockChecks.SORTED, m)).as("window %d..%d", w[0], w[1]).isEmpty();
        }
        // the last region (its end past PHYS_ADDR_MAX) is seen from a window ending at the array's end
        MemblockHandBuilt.setChanged(m, false, 1099, Integer.MAX_VALUE);
        m.beginCheck(false);
        assertThat(m.checkWindow(false)).containsExactly(1099, 1099);
        assertThat(details(MemblockChecks.IN_PHYS_SPACE, m)).containsExactly("memblock.memory[1099] [0xfffff000-0xffffffff] flags 0x0");
        // the empty region 700 only through its window
        MemblockHandBuilt.setChanged(m, false, 699, 699);
        m.beginCheck(false);
        assertThat(details(MemblockChecks.DUMMY, m)).containsExactly("memblock.memory[700] [0x01578000-0x01577fff] flags 0x0 with cnt 1100");
        // nothing changed: an empty window
        MemblockHandBuilt.setChanged(m, false, Integer.MAX_VALUE, -1);
        m.beginCheck(false);
        assertThat(all(m)).isEmpty();
        // reserved's sum waits too while reserved is checked in a window
        Memblock large = new Memblock();
        Region[] many = new Region[1100];
        for (int i = 0; i < many.length; i++) {
            many[i] = r(0x100_0000L + 0x2000L * i, 0x1000);
        }
        MemblockHandBuilt.setRegions(large, true, many);
        MemblockHandBuilt.setTotalSize(large, true, 0x1000);
        MemblockHandBuilt.setChanged(large, true, 5, 5);
        large.beginCheck(false);
        assertThat(check(MemblockChecks.TOTAL_SIZE, large)).isEmpty();
        large.beginCheck(true);
        assertThat(details(MemblockChecks.TOTAL_SIZE, large)).containsExactly(
                "memblock.reserved: regions sum to 0x44c000, total_size says 0x1000");
        // the complete check sees everything, the sum included
        m.beginCheck(true);
        assertThat(all(m)).containsExactly("INV-MEMBLOCK-01 regions overlap or out of order",
                "INV-MEMBLOCK-03 total_size out of step", "INV-MEMBLOCK-04 stray empty region",
                "INV-MEMBLOCK-05 region beyond PHYS_ADDR_MAX");
    }
}
