package armmm.model.memblock;

import static armmm.pbt.Gens.weighted;

import armmm.model.kernel.Kernel;
import armmm.model.memblock.MemblockOp;
import armmm.model.subsystem.Op;
import armmm.model.core.Result;
import armmm.pbt.ChainSpec;
import armmm.pbt.Failure;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.properties.KernelChains;
import armmm.properties.World;
import java.util.ArrayList;
import java.util.List;

/**
 * Chains of memblock calls on an empty memblock, as the kernel's own memblock test suite starts:
 * mostly sensible arguments in a 64 MiB window at 0x40000000 (page-aligned bases, power-of-two
 * sizes), sometimes odd ones (unaligned, size 0, near the top of the 32-bit space), and frees that
 * usually pick a live allocation but sometimes a range that was never allocated.
 */
final class MemblockChains {
    private static final long BASE = 0x4000_0000L;
    private static final long WINDOW = 64L << 20;

    private MemblockChains() {
    }

    /** The memblock chain: every memblock call with weights like a boot's mix, every invariant checked. */
    static ChainSpec.Builder<World, Op> spec() {
        return spec(id -> true);
    }

    /** The memblock chain, checking the invariants {@code checked} accepts. */
    static ChainSpec.Builder<World, Op> spec(java.util.function.Predicate<String> checked) {
        return spec(checked, KernelChains.edgeBugs());
    }

    /** The memblock chain on kernels with {@code bugs} planted, checking the invariants {@code checked} accepts. */
    static ChainSpec.Builder<World, Op> spec(java.util.function.Predicate<String> checked, armmm.model.core.Bugs bugs) {
        return KernelChains.builder(c -> Kernel.bare(bugs), checked)
                .action("memblock_add", 15, k -> Gens.combine(addr(), size(), MemblockOp.Add::new))
                .action("memblock_reserve", 15, k -> Gens.combine(addr(), size(), MemblockOp.Reserve::new))
                // many disjoint reservations in one step, so that a chain takes the reserved array
                // past INIT_MEMBLOCK_REGIONS (memblock_double_array) and still shrinks to a few steps
                .action("memblock_reserve_many", 3, k -> reserveMany())
                .action("memblock_remove", 5, k -> Gens.combine(addr(), size(), MemblockOp.Remove::new))
                .action("memblock_phys_free", 10, MemblockChains::physFree)
                .action("memblock_mark_nomap", 5, k -> Gens.combine(addr(), size(), MemblockOp.MarkNomap::new))
                .action("memblock_clear_nomap", 3, k -> Gens.combine(addr(), size(), MemblockOp.ClearNomap::new))
                .action("memblock_alloc", 27, k -> Gens.combine(smallSize(), align(), MemblockOp.Alloc::new))
                .action("memblock_phys_alloc_range", 8, k -> c -> {
                    long start = addr().generate(c);
                    boolean accessible = Gens.booleans(0.25).generate(c);
                    return new MemblockOp.PhysAllocRange(smallSize().generate(c), align().generate(c), start,
                            accessible ? 0 : start + (16L << 20));
                })
                .action("memblock_alloc_try_nid", 3, k -> c -> {
                    long min = addr().generate(c);
                    boolean anyMax = Gens.booleans().generate(c);
                    return new MemblockOp.AllocTryNid(smallSize().generate(c), align().generate(c), min,
                            anyMax ? 0 : min + (8L << 20));
                })
                .action("memblock_set_bottom_up", 2, k -> Gens.booleans().map(MemblockOp.SetBottomUp::new))
                .action("memblock_allow_resize", 1, k -> Gens.constant(new MemblockOp.AllowResize()))
                .action("memblock_set_current_limit", 3, k -> Gens.frequency(
                        weighted(1, Gens.constant(Memblock.ALLOC_ANYWHERE)), weighted(2, addr()))
                        .map(MemblockOp.SetCurrentLimit::new))
                // 6.1's round_up wraps to 0 for a region in the last aligned block below 4 GiB
                // (see MemblockTest): a kernel quirk the invariants flag, so trim only below it.
                .action("memblock_trim_memory", 1, w -> w.kernel().memblock().endOfDram() <= 0xf000_0000L,
                        k -> Gens.ints(10, 19).map(shift -> new MemblockOp.TrimMemory(1L << shift)))
                .action("memblock_add_high", 2, k -> Gens.combine(Gens.longs(0, (1 << 20) - 1), size(),
                        (below, size) -> new MemblockOp.Add(0xffff_ffffL - below, size)))
                .action("memblock_add_node", 2, k -> Gens.combine(addr(), size(), Gens.oneOf(0L, (long) Memblock.HOTPLUG),
                        (base, size, flags) -> new MemblockOp.AddNode(base, size, 0, flags)))
                .action("memblock_mark_hotplug", 1, k -> Gens.combine(addr(), size(), MemblockOp.MarkHotplug::new))
                .action("memblock_clear_hotplug", 1, k -> Gens.combine(addr(), size(), MemblockOp.ClearHotplug::new))
                .action("memblock_alloc_raw", 3, k -> Gens.combine(smallSize(), align(), MemblockOp.AllocRaw::new))
                .action("memblock_alloc_low", 2, k -> Gens.combine(smallSize(), align(), MemblockOp.AllocLow::new))
                .action("memblock_alloc_from", 2, k -> Gens.combine(smallSize(), align(), addr(), MemblockOp.AllocFrom::new))
                .action("memblock_alloc_try_nid_raw", 2, k -> Gens.combine(smallSize(), align(), addr(),
                        (size, align, min) -> new MemblockOp.AllocTryNidRaw(size, align, min, 0)))
                .action("memblock_phys_alloc", 2, k -> Gens.combine(smallSize(), align(), MemblockOp.PhysAlloc::new))
                .action("memblock_free", 3, w -> !w.kernel().memblock().allocations().isEmpty(),
                        w -> Gens.oneOf(new ArrayList<>(w.kernel().memblock().allocations()))
                                .map(a -> new MemblockOp.Free(w.kernel().physToVirt(a.base()), a.size())))
                .action("memblock_enforce_memory_limit", 1, k -> Gens.longs(1, WINDOW).map(MemblockOp.EnforceMemoryLimit::new))
                // they leave the NOMAP pieces they isolate unmerged, as 6.1 does: INV-MEMBLOCK-02 allows that
                .action("memblock_cap_memory_range", 1, k -> Gens.combine(addr(), size(), MemblockOp.CapMemoryRange::new))
                .action("memblock_mem_limit_remove_map", 1, k -> Gens.longs(1, WINDOW).map(MemblockOp.MemLimitRemoveMap::new))
                .action("memblock_reset", 1, k -> Gens.constant(new MemblockOp.Reset()))
                .action("memblock_is_reserved", 2, k -> addr().map(MemblockOp.IsReserved::new))
                .action("memblock_is_memory", 2, k -> addr().map(MemblockOp.IsMemory::new))
                .action("memblock_is_map_memory", 1, k -> addr().map(MemblockOp.IsMapMemory::new))
                .action("memblock_is_region_reserved", 1, k -> Gens.combine(addr(), size(), MemblockOp.IsRegionReserved::new))
                .action("memblock_is_region_memory", 1, k -> Gens.combine(addr(), size(), MemblockOp.IsRegionMemory::new))
                .action("memblock_start_of_DRAM", 1, k -> Gens.constant(new MemblockOp.StartOfDram()))
                .action("memblock_end_of_DRAM", 1, k -> Gens.constant(new MemblockOp.EndOfDram()))
                .action("memblock_phys_mem_size", 1, k -> Gens.constant(new MemblockOp.PhysMemSize()))
                .action("memblock_reserved_size", 1, k -> Gens.constant(new MemblockOp.ReservedSize()))
                .postcondition(MemblockChains::queriesAgreeWithTheArrays)
                .tries(100)
                .steps(60);
    }

    /**
     * The query calls answer what the arrays say: an address is reserved when a reserved region
     * holds it, memory when a memory region does (mapped when that region is not NOMAP), and the
     * sizes and DRAM bounds are the arrays' totals and ends.
     */
    private static List<Failure> queriesAgreeWithTheArrays(World w, Op op, Object outcome) {
        Memblock mb = w.kernel().memblock();
        long got = ((Result) outcome).value();
        Long expected = null;
        if (op instanceof MemblockOp.IsReserved q) {
            expected = holds(mb.reserved(), q.addr(), false) ? 1L : 0L;
        } else if (op instanceof MemblockOp.IsMemory q) {
            expected = holds(mb.memory(), q.addr(), false) ? 1L : 0L;
        } else if (op instanceof MemblockOp.IsMapMemory q) {
            expected = holds(mb.memory(), q.addr(), true) ? 1L : 0L;
        } else if (op instanceof MemblockOp.PhysMemSize) {
            expected = mb.memoryTotalSize();
        } else if (op instanceof MemblockOp.ReservedSize) {
            expected = mb.reservedTotalSize();
        } else if (op instanceof MemblockOp.StartOfDram) {
            expected = mb.memory().get(0).base();
        } else if (op instanceof MemblockOp.EndOfDram) {
            Region last = mb.memory().get(mb.memory().size() - 1);
            expected = last.end();
        }
        if (expected == null || expected == got) {
            return List.of();
        }
        return List.of(new Failure("query-agrees", "a memblock query disagrees with the arrays",
                op + " returned " + Long.toHexString(got) + ", the arrays say " + Long.toHexString(expected)));
    }

    private static boolean holds(List<Region> regions, long addr, boolean mappedOnly) {
        for (Region r : regions) {
            if (r.base() <= addr && addr < r.end() && r.size() > 0) {
                return !mappedOnly || (r.flags() & Memblock.NOMAP) == 0;
            }
        }
        return false;
    }

    /**
     * The small scope: calls over three pages at 0x40000000 (bases 0..2 pages in, sizes 1 or 2
     * pages) and one-page allocations, so that exhaustive mode can enumerate every short chain.
     */
    static ChainSpec.Builder<World, Op> tinyScope() {
        armmm.model.core.Bugs bugs = KernelChains.edgeBugs();
        return KernelChains.builder(c -> Kernel.bare(bugs))
                .action("memblock_add", 1, k -> tiny(MemblockOp.Add::new))
                .action("memblock_reserve", 1, k -> tiny(MemblockOp.Reserve::new))
                .action("memblock_remove", 1, k -> tiny(MemblockOp.Remove::new))
                .action("memblock_phys_free", 1, k -> tiny(MemblockOp.PhysFree::new))
                .action("memblock_mark_nomap", 1, k -> tiny(MemblockOp.MarkNomap::new))
                .action("memblock_alloc", 1, k -> Gens.constant(new MemblockOp.Alloc(4096, 4096)));
    }

    private static Gen<Op> tiny(java.util.function.BiFunction<Long, Long, Op> call) {
        return Gens.combine(Gens.uniformInts(0, 2), Gens.uniformInts(1, 2),
                (page, pages) -> call.apply(BASE + page * 4096L, pages * 4096L));
    }

    private static Gen<Op> physFree(World w) {
        List<Allocation> live = new ArrayList<>(w.kernel().memblock().allocations());
        Gen<Op> wild = Gens.combine(addr(), size(), MemblockOp.PhysFree::new);
        if (live.isEmpty()) {
            return wild;
        }
        Gen<Op> whole = Gens.oneOf(live).map(a -> new MemblockOp.PhysFree(a.base(), a.size()));
        Gen<Op> half = Gens.oneOf(live).map(a -> new MemblockOp.PhysFree(a.base(), Math.max(1, a.size() / 2)));
        return Gens.frequency(weighted(2, whole), weighted(1, half), weighted(1, wild));
    }

    /**
     * {@code memblock_reserve_many}: ranges of 64 bytes to 64 KiB, each two to four times its size
     * from the last (so none touch and none merge), a few or enough to overflow 128 regions.
     */
    private static Gen<Op> reserveMany() {
        return c -> {
            long base = addr().generate(c);
            long size = 1L << Gens.ints(6, 16).generate(c);
            long stride = size * Gens.ints(2, 4).generate(c);
            long count = Gens.frequency(weighted(1, Gens.longs(1, 64)), weighted(2, Gens.longs(100, 300))).generate(c);
            return new MemblockOp.ReserveMany(base, size, stride, count);
        };
    }

    /** An address in the window: page-aligned four times in five. */
    static Gen<Long> addr() {
        return Gens.combine(Gens.longs(0, WINDOW - 1), Gens.booleans(0.2),
                (off, odd) -> odd ? BASE + off : (BASE + off) & ~0xfffL);
    }

    /** A size: 0 sometimes, a power of two from 1 KiB to 8 MiB, sometimes plus an odd tail. */
    static Gen<Long> size() {
        return Gens.frequency(
                weighted(1, Gens.constant(0L)),
                weighted(16, Gens.ints(10, 23).map(s -> 1L << s)),
                weighted(3, Gens.combine(Gens.ints(10, 23), Gens.longs(1, 4095), (s, tail) -> (1L << s) + tail)));
    }

    private static Gen<Long> smallSize() {
        return Gens.frequency(weighted(1, Gens.longs(1, 200)), weighted(5, Gens.ints(6, 17).map(s -> 1L << s)));
    }

    private static Gen<Long> align() {
        return Gens.frequency(weighted(1, Gens.constant(0L)), weighted(9, Gens.ints(0, 15).map(s -> 1L << s)));
    }
}
