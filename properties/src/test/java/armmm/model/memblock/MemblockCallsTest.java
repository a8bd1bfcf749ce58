package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.LinearMap;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import armmm.model.subsystem.Arg;
import armmm.model.subsystem.HandleNames;
import armmm.model.subsystem.Op;
import armmm.model.subsystem.OpSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The memblock calls as scenario lines ({@link MemblockOp}): each call's name and arguments in the
 * kernel's argument order (mm/memblock.c, include/linux/memblock.h), the scenario spelling that
 * builds it back, and what each one does to a bare kernel's memblock, worked from the kernel
 * function it names.
 */
class MemblockCallsTest {
    private static final long BASE = 0x4000_0000L;
    private static final long SZ_4K = 0x1000;
    private static final long SZ_1M = 0x10_0000;
    /** ARM's {@code PAGE_OFFSET} (VMSPLIT_3G) and this test's {@code PHYS_OFFSET}: {@code __va(p) = p - PHYS_OFFSET + PAGE_OFFSET}. */
    private static final long PAGE_OFFSET = 0xc000_0000L;

    /** arch/arm/include/asm/memory.h's {@code __virt_to_phys}/{@code __phys_to_virt} with PHYS_OFFSET at BASE. */
    private static final LinearMap ARM_LINEAR = new LinearMap() {
        @Override
        public long linearVirt(long phys) {
            return phys - BASE + PAGE_OFFSET;
        }

        @Override
        public long linearPhys(long virt) {
            return virt - PAGE_OFFSET + BASE;
        }
    };

    private final Kernel kernel = Kernel.bare();
    private final Memblock mb = kernel.memblock();

    /** One of every call, with distinct argument values so that a swapped or lost argument shows. */
    private static List<MemblockOp> everyCall() {
        return List.of(new MemblockOp.Add(BASE, SZ_1M), new MemblockOp.Reserve(BASE + 1, 2),
                new MemblockOp.ReserveMany(BASE + 3, 4, 5, 6), new MemblockOp.Remove(BASE + 7, 8),
                new MemblockOp.Free(BASE + 9, 10), new MemblockOp.PhysFree(BASE + 11, 12),
                new MemblockOp.MarkNomap(BASE + 13, 14), new MemblockOp.ClearNomap(BASE + 15, 16),
                new MemblockOp.SetBottomUp(true), new MemblockOp.SetCurrentLimit(BASE + 17),
                new MemblockOp.TrimMemory(SZ_4K), new MemblockOp.Alloc(18, 19), new MemblockOp.AllocRaw(20, 21),
                new MemblockOp.AllocFrom(22, 23, BASE + 24), new MemblockOp.AllocLow(25, 26),
                new MemblockOp.AllocTryNid(27, 28, BASE + 29, BASE + 30),
                new MemblockOp.AllocTryNidRaw(31, 32, BASE + 33, BASE + 34),
                new MemblockOp.PhysAllocRange(35, 36, BASE + 37, BASE + 38), new MemblockOp.PhysAlloc(39, 40),
                new MemblockOp.AddNode(BASE + 41, 42, 3, Memblock.HOTPLUG), new MemblockOp.MarkHotplug(BASE + 43, 44),
                new MemblockOp.ClearHotplug(BASE + 45, 46), new MemblockOp.AllowResize(), new MemblockOp.Reset(),
                new MemblockOp.EnforceMemoryLimit(47), new MemblockOp.CapMemoryRange(BASE + 48, 49),
                new MemblockOp.MemLimitRemoveMap(50), new MemblockOp.IsRegionReserved(BASE + 51, 52),
                new MemblockOp.IsRegionMemory(BASE + 53, 54), new MemblockOp.IsReserved(BASE + 55),
                new MemblockOp.IsMemory(BASE + 56), new MemblockOp.IsMapMemory(BASE + 57),
                new MemblockOp.StartOfDram(), new MemblockOp.EndOfDram(), new MemblockOp.PhysMemSize(),
                new MemblockOp.ReservedSize());
    }

    @Test
    void everyCallIsBuiltBackFromItsSpellingAndArguments() {
        List<String> names = new ArrayList<>();
        for (MemblockOp op : everyCall()) {
            OpSpec spec = MemblockOp.SPECS.stream().filter(s -> s.name().equals(op.name())).findFirst().orElseThrow();
            long[] values = op.args().stream().mapToLong(Arg::value).toArray();
            assertThat(op.args()).extracting(Arg::kind).as(op.name()).containsExactlyElementsOf(spec.args());
            Op rebuilt = spec.factory().make(values, 0);
            assertThat(rebuilt).as(op.name()).isEqualTo(op);
            assertThat(rebuilt.toString()).isEqualTo(op.toString());
            assertThat(op.toString()).as(op.name()).isEqualTo(op.render(HandleNames.NONE)).startsWith(op.name());
            names.add(op.name());
        }
        assertThat(MemblockOp.SPECS.stream().map(OpSpec::name).collect(Collectors.toList()))
                .containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void callsPrintAsScenarioLinesInKernelArgumentOrder() {
        assertThat(new MemblockOp.Add(BASE, SZ_1M)).hasToString("memblock_add 0x40000000 SZ_1M");
        assertThat(new MemblockOp.Reserve(BASE, 0x1800)).hasToString("memblock_reserve 0x40000000 0x1800");
        assertThat(new MemblockOp.ReserveMany(BASE, SZ_4K, 2 * SZ_4K, 129))
                .hasToString("memblock_reserve_many 0x40000000 SZ_4K SZ_8K 129");
        assertThat(new MemblockOp.AllocTryNid(SZ_4K, 64, BASE, Memblock.ALLOC_ACCESSIBLE))
                .hasToString("memblock_alloc_try_nid SZ_4K 64 0x40000000 0x0");
        assertThat(new MemblockOp.PhysAllocRange(SZ_1M, SZ_4K, 0, BASE))
                .hasToString("memblock_phys_alloc_range SZ_1M SZ_4K 0x0 0x40000000");
        assertThat(new MemblockOp.AddNode(BASE, SZ_1M, 0, Memblock.HOTPLUG)).hasToString("memblock_add_node 0x40000000 SZ_1M 0 0x1");
        assertThat(new MemblockOp.SetBottomUp(true)).hasToString("memblock_set_bottom_up 1");
        assertThat(new MemblockOp.SetBottomUp(false)).hasToString("memblock_set_bottom_up 0");
        assertThat(new MemblockOp.StartOfDram()).hasToString("memblock_start_of_DRAM");
        assertThat(new MemblockOp.Alloc(8, 8).resultStem()).isEqualTo("a");
        assertThat(new MemblockOp.PhysAlloc(8, 8).resultStem()).isEqualTo("a");
    }

    @Test
    void theQueryCallsAnswerOneOrZeroAndTheSizesInBytes() {
        apply(new MemblockOp.Add(BASE, 4 * SZ_1M));
        apply(new MemblockOp.Add(BASE + 8 * SZ_1M, 2 * SZ_1M));
        apply(new MemblockOp.Reserve(BASE + SZ_1M, SZ_4K));
        apply(new MemblockOp.MarkNomap(BASE + 8 * SZ_1M, SZ_1M));
        assertThat(apply(new MemblockOp.StartOfDram())).isEqualTo(Result.of(BASE));
        assertThat(apply(new MemblockOp.EndOfDram())).isEqualTo(Result.of(BASE + 10 * SZ_1M));
        assertThat(apply(new MemblockOp.PhysMemSize())).isEqualTo(Result.of(6 * SZ_1M));
        assertThat(apply(new MemblockOp.ReservedSize())).isEqualTo(Result.of(SZ_4K));
        assertThat(apply(new MemblockOp.IsReserved(BASE + SZ_1M + SZ_4K - 1))).isEqualTo(Result.of(1));
        assertThat(apply(new MemblockOp.IsReserved(BASE + SZ_1M + SZ_4K))).isEqualTo(Result.of(0));
        assertThat(apply(new MemblockOp.IsMemory(BASE + 4 * SZ_1M - 1))).isEqualTo(Result.of(1));
        assertThat(apply(new MemblockOp.IsMemory(BASE + 4 * SZ_1M))).isEqualTo(Result.of(0));
        assertThat(apply(new MemblockOp.IsMapMemory(BASE + 8 * SZ_1M))).isEqualTo(Result.of(0));
        assertThat(apply(new MemblockOp.IsMapMemory(BASE + 9 * SZ_1M))).isEqualTo(Result.of(1));
        assertThat(apply(new MemblockOp.IsRegionReserved(BASE, SZ_1M + 1))).isEqualTo(Result.of(1));
        assertThat(apply(new MemblockOp.IsRegionReserved(BASE, SZ_1M))).isEqualTo(Result.of(0));
        assertThat(apply(new MemblockOp.IsRegionMemory(BASE, 4 * SZ_1M))).isEqualTo(Result.of(1));
        assertThat(apply(new MemblockOp.IsRegionMemory(BASE, 4 * SZ_1M + 1))).isEqualTo(Result.of(0));
    }

    @Test
    void theChangingCallsDoWhatTheirKernelFunctionsDo() {
        apply(new MemblockOp.AddNode(BASE, 8 * SZ_1M, 0, Memblock.HOTPLUG));
        assertThat(mb.memory()).containsExactly(new Region(BASE, 8 * SZ_1M, Memblock.HOTPLUG));
        apply(new MemblockOp.ClearHotplug(BASE, 4 * SZ_1M));
        assertThat(mb.memory()).containsExactly(new Region(BASE, 4 * SZ_1M, 0),
                new Region(BASE + 4 * SZ_1M, 4 * SZ_1M, Memblock.HOTPLUG));
        apply(new MemblockOp.MarkHotplug(BASE, 4 * SZ_1M));
        assertThat(mb.memory()).containsExactly(new Region(BASE, 8 * SZ_1M, Memblock.HOTPLUG));
        assertThat(apply(new MemblockOp.ClearHotplug(BASE, 8 * SZ_1M))).isEqualTo(Result.VOID);
        apply(new MemblockOp.MarkNomap(BASE + 7 * SZ_1M, SZ_1M));
        apply(new MemblockOp.ClearNomap(BASE + 7 * SZ_1M, SZ_1M));
        assertThat(mb.memory()).containsExactly(new Region(BASE, 8 * SZ_1M, 0));
        apply(new MemblockOp.Remove(BASE + 6 * SZ_1M, 2 * SZ_1M));
        assertThat(mb.memory()).containsExactly(new Region(BASE, 6 * SZ_1M, 0));
        assertThat(apply(new MemblockOp.SetBottomUp(true))).isEqualTo(Result.VOID);
        assertThat(mb.bottomUp()).isTrue();
        apply(new MemblockOp.SetCurrentLimit(BASE + 4 * SZ_1M));
        assertThat(mb.currentLimit()).isEqualTo(BASE + 4 * SZ_1M);
        // bottom-up from the lowest free byte at or above min_addr (never the first page: above 4 KiB anyway)
        assertThat(apply(new MemblockOp.AllocFrom(SZ_4K, SZ_4K, BASE + SZ_1M))).isEqualTo(Result.of(BASE + SZ_1M));
        assertThat(apply(new MemblockOp.Alloc(SZ_4K, SZ_4K))).isEqualTo(Result.of(BASE));
        assertThat(apply(new MemblockOp.AllocRaw(SZ_4K, SZ_4K))).isEqualTo(Result.of(BASE + SZ_4K));
        assertThat(apply(new MemblockOp.AllocLow(SZ_4K, SZ_4K))).isEqualTo(Result.of(BASE + 2 * SZ_4K));
        // max_addr above current_limit is clamped to it: [min_addr, limit) holds one page
        assertThat(apply(new MemblockOp.AllocTryNid(SZ_4K, SZ_4K, BASE + 4 * SZ_1M - SZ_4K, BASE + 5 * SZ_1M)))
                .isEqualTo(Result.of(BASE + 4 * SZ_1M - SZ_4K));
        assertThat(apply(new MemblockOp.AllocTryNidRaw(SZ_4K, SZ_4K, BASE + 5 * SZ_1M, 0)))
                .isEqualTo(Result.of(BASE + 3 * SZ_4K));
        // memblock_phys_alloc_range is not clamped to current_limit
        assertThat(apply(new MemblockOp.PhysAllocRange(SZ_4K, SZ_4K, BASE + 5 * SZ_1M, BASE + 6 * SZ_1M)))
                .isEqualTo(Result.of(BASE + 5 * SZ_1M));
        assertThat(apply(new MemblockOp.PhysAlloc(SZ_4K, SZ_4K))).isEqualTo(Result.of(BASE + 4 * SZ_4K));
        assertThat(mb.reserved()).containsExactly(new Region(BASE, 5 * SZ_4K, 0), new Region(BASE + SZ_1M, SZ_4K, 0),
                new Region(BASE + 4 * SZ_1M - SZ_4K, SZ_4K, 0), new Region(BASE + 5 * SZ_1M, SZ_4K, 0));
        apply(new MemblockOp.PhysFree(BASE + 5 * SZ_1M, SZ_4K));
        apply(new MemblockOp.Free(BASE + SZ_1M, SZ_4K));
        assertThat(mb.reservedSize()).isEqualTo(6 * SZ_4K);
        assertThat(apply(new MemblockOp.TrimMemory(4 * SZ_1M))).isEqualTo(Result.VOID);
        assertThat(mb.memory()).containsExactly(new Region(BASE, 4 * SZ_1M, 0));
        assertThat(apply(new MemblockOp.AllowResize())).isEqualTo(Result.VOID);
        assertThat(mb.canResize()).isTrue();
        assertThat(apply(new MemblockOp.Reset())).isEqualTo(Result.VOID);
        assertThat(mb.memory()).containsExactly(new Region(0, 0, 0));
        assertThat(mb.canResize()).isFalse();
        assertThat(mb.bottomUp()).isFalse();
        assertThat(mb.currentLimit()).isEqualTo(Memblock.ALLOC_ANYWHERE);
    }

    @Test
    void theLimitCallsGoThroughToMemblock() {
        apply(new MemblockOp.Add(BASE, 8 * SZ_1M));
        assertThat(apply(new MemblockOp.EnforceMemoryLimit(6 * SZ_1M))).isEqualTo(Result.VOID);
        assertThat(mb.memory()).containsExactly(new Region(BASE, 6 * SZ_1M, 0));
        assertThat(apply(new MemblockOp.MemLimitRemoveMap(4 * SZ_1M))).isEqualTo(Result.VOID);
        assertThat(mb.memory()).containsExactly(new Region(BASE, 4 * SZ_1M, 0));
        assertThat(apply(new MemblockOp.CapMemoryRange(BASE + SZ_1M, SZ_1M))).isEqualTo(Result.VOID);
        assertThat(mb.memory()).containsExactly(new Region(BASE + SZ_1M, SZ_1M, 0));
    }

    @Test
    void reserveManyReservesCountRangesAStrideApartAndStopsAtTheFirstRefusal() {
        apply(new MemblockOp.Add(BASE, 64 * SZ_1M));
        assertThat(apply(new MemblockOp.ReserveMany(BASE, SZ_4K, 2 * SZ_4K, 3))).isEqualTo(Result.VOID);
        assertThat(mb.reserved()).containsExactly(new Region(BASE, SZ_4K, 0), new Region(BASE + 2 * SZ_4K, SZ_4K, 0),
                new Region(BASE + 4 * SZ_4K, SZ_4K, 0));
        // INIT_MEMBLOCK_REGIONS is 128 and resizing is not allowed: the 126th new one fails
        Result full = apply(new MemblockOp.ReserveMany(BASE + SZ_1M, SZ_4K, 2 * SZ_4K, 200));
        assertThat(full).isEqualTo(new Result.Refused("-ENOMEM",
                "memblock: Failed to double reserved array from 128 to 256 entries ! (memblock_reserve_many stops after 125 of 200 reservations)"));
        assertThat(mb.reservedCnt()).isEqualTo(128);
        Result tooMany = apply(new MemblockOp.ReserveMany(BASE, SZ_4K, SZ_4K, MemblockOp.ReserveMany.MAX_COUNT + 1));
        assertThat(tooMany).isEqualTo(Result.refused("memblock_reserve_many: COUNT 65537 above 65536"));
        assertThat(apply(new MemblockOp.ReserveMany(BASE, SZ_4K, SZ_4K, -1)))
                .isEqualTo(Result.refused("memblock_reserve_many: COUNT 18446744073709551615 above 65536"));
        assertThat(mb.reservedCnt()).isEqualTo(128);
    }

    @Test
    void theVirtualAllocatorsReturnTheLinearMapAddressAndFreeTakesOneBack() {
        mb.useLinearMap(ARM_LINEAR);
        apply(new MemblockOp.Add(BASE, 4 * SZ_1M));
        // top-down: the last page below 4 MiB, at its linear-map address
        assertThat(apply(new MemblockOp.Alloc(SZ_4K, SZ_4K))).isEqualTo(Result.of(PAGE_OFFSET + 4 * SZ_1M - SZ_4K));
        // memblock_phys_alloc returns the physical address
        assertThat(apply(new MemblockOp.PhysAlloc(SZ_4K, SZ_4K))).isEqualTo(Result.of(BASE + 4 * SZ_1M - 2 * SZ_4K));
        // memblock_free takes a virtual address (6.1): __pa(ptr) goes back
        assertThat(apply(new MemblockOp.Free(PAGE_OFFSET + 4 * SZ_1M - SZ_4K, SZ_4K))).isEqualTo(Result.VOID);
        assertThat(mb.reserved()).containsExactly(new Region(BASE + 4 * SZ_1M - 2 * SZ_4K, SZ_4K, 0));
        // memblock_free(NULL, size) does nothing, even with a size
        assertThat(apply(new MemblockOp.Free(0, 4 * SZ_1M))).isEqualTo(Result.VOID);
        assertThat(mb.reservedSize()).isEqualTo(SZ_4K);
        // a failed allocation is NULL, not __va(0)
        assertThat(apply(new MemblockOp.Alloc(8 * SZ_1M, SZ_4K))).isEqualTo(Result.of(0));
        // a non-power-of-two alignment: the model's finding rides along with the virtual address;
        // the freed top page is free again, so round_down(end - 8, 0x30) through the mask 0x2f
        Result odd = apply(new MemblockOp.Alloc(8, 0x30));
        assertThat(odd).isInstanceOf(Result.Warned.class);
        long phys = (BASE + 4 * SZ_1M - 8) & ~0x2fL;
        assertThat(odd.value()).isEqualTo(phys - BASE + PAGE_OFFSET);
        assertThat(((Result.Warned) odd).origin()).isEqualTo(Result.Origin.MODEL);
    }

    @Test
    void afterSlabIsUpTheAllocatorsWarnOnceAndReturnKzallocNode() {
        apply(new MemblockOp.Add(BASE, 4 * SZ_1M));
        List<Long> asked = new ArrayList<>();
        mb.markSlabAvailable(size -> {
            asked.add(size);
            return PAGE_OFFSET + 0x10_0000L + size;
        });
        assertThat(mb.slabAvailable()).isTrue();
        Result first = apply(new MemblockOp.Alloc(100, 8));
        assertThat(first).isEqualTo(new Result.Warned(PAGE_OFFSET + 0x10_0000L + 100, "WARN_ON_ONCE(slab_is_available())",
                Result.Origin.KERNEL));
        assertThat(apply(new MemblockOp.AllocRaw(200, 8))).isEqualTo(Result.of(PAGE_OFFSET + 0x10_0000L + 200));
        assertThat(apply(new MemblockOp.AllocFrom(300, 8, BASE))).isEqualTo(Result.of(PAGE_OFFSET + 0x10_0000L + 300));
        assertThat(apply(new MemblockOp.AllocLow(400, 8))).isEqualTo(Result.of(PAGE_OFFSET + 0x10_0000L + 400));
        assertThat(apply(new MemblockOp.AllocTryNid(500, 8, 0, 0))).isEqualTo(Result.of(PAGE_OFFSET + 0x10_0000L + 500));
        assertThat(apply(new MemblockOp.AllocTryNidRaw(600, 8, 0, 0))).isEqualTo(Result.of(PAGE_OFFSET + 0x10_0000L + 600));
        assertThat(asked).containsExactly(100L, 200L, 300L, 400L, 500L, 600L);
        // none of them touched memblock; the physical allocators still do
        assertThat(mb.reservedSize()).isZero();
        assertThat(apply(new MemblockOp.PhysAlloc(SZ_4K, SZ_4K))).isEqualTo(Result.of(BASE + 4 * SZ_1M - SZ_4K));
    }

    private Result apply(Op op) {
        return op.applyTo(kernel);
    }
}
