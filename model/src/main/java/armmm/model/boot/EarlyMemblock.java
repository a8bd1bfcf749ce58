package armmm.model.boot;

import armmm.model.board.BuildConfig;
import armmm.model.core.Result;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The model's memblock as early boot drives it: every allocation, reservation and free is also
 * recorded, as an {@link EarlyAllocation} and as the line {@code memblock=debug} prints
 * (mm/memblock.c {@code memblock_dbg}).
 */
final class EarlyMemblock {
    static final long PAGE = BuildConfig.PAGE_SIZE;
    private final Memblock mb;
    private final List<EarlyAllocation> allocations = new ArrayList<>();
    private final List<String> debugLog = new ArrayList<>();
    private final String ramOption;

    /** An empty memblock; a failed allocation is blamed on {@code ramOption} (too little RAM). */
    EarlyMemblock(String ramOption, armmm.model.core.Bugs bugs) {
        this.ramOption = ramOption;
        this.mb = new Memblock(bugs);
    }

    /** The memblock itself, for the calls that do not log (add, remove, mark_nomap, limits). */
    Memblock memblock() {
        return mb;
    }

    /** Every allocation so far, in order. */
    List<EarlyAllocation> allocations() {
        return allocations;
    }

    /** The memblock=debug lines so far. */
    List<String> debugLog() {
        return debugLog;
    }

    /** Places one allocation that the kernel cannot do without. */
    long alloc(String caller, long size, long align, long min, long max, EarlyAllocation.Kind kind) {
        long addr = place(caller, size, align, min, max, kind);
        if (addr == 0 && kind != EarlyAllocation.Kind.PHYS_RANGE) {
            // every caller here panics on failure
            throw new BootException(ramOption, String.format("%s: Failed to allocate %d bytes align=%#x", caller, size, align));
        }
        return addr;
    }

    /** Places one allocation with the model's memblock and records it; returns the physical address or 0. */
    long place(String caller, long size, long align, long min, long max, EarlyAllocation.Kind kind) {
        Result r = switch (kind) {
            case PHYS_RANGE -> mb.physAllocRange(size, align, min, max);
            case TRY_NID_RAW -> mb.allocTryNidRaw(size, align, min, max);
            case TRY_NID -> mb.allocTryNid(size, align, min, max);
        };
        long addr = r.isRefused() ? 0 : r.value();
        allocations.add(new EarlyAllocation(caller, size, align, min, max, kind, addr));
        if (kind != EarlyAllocation.Kind.PHYS_RANGE) {
            int nid = caller.equals("free_area_init") || caller.equals("setup_usemap") ? 0 : -1;
            debugLog.add(String.format(Locale.ROOT, "%s: %d bytes align=0x%x nid=%d from=0x%08x max_addr=0x%08x %s",
                    kind == EarlyAllocation.Kind.TRY_NID_RAW ? "memblock_alloc_try_nid_raw" : "memblock_alloc_try_nid",
                    size, align, nid, min, max, symbol(caller)));
        }
        if (addr != 0) {
            debugLog.add(rangeLine("memblock_reserve", addr, size, "memblock_alloc_range_nid"));
        }
        return addr;
    }

    /** The symbol the kernel's log shows for {@code caller}: the 6.1 build inlines some callers. */
    static String symbol(String caller) {
        return caller.equals("request_standard_resources") ? "setup_arch" : caller;
    }

    /** {@code memblock_reserve}, logged as memblock=debug logs it. */
    Result reserve(long base, long size, String caller) {
        debugLog.add(rangeLine("memblock_reserve", base, size, caller));
        return mb.reserve(base, size);
    }

    /** {@code memblock_phys_free}, logged. */
    void physFree(long base, long size, String caller) {
        debugLog.add(rangeLine("memblock_phys_free", base, size, caller));
        mb.physFree(base, size);
    }

    /** A logged range call, {@code fn: [0xSTART-0xEND] caller}. */
    static String rangeLine(String fn, long base, long size, String caller) {
        return String.format(Locale.ROOT, "%s: [0x%08x-0x%08x] %s", fn, base, (base + size - 1) & 0xffff_ffffL, caller);
    }

    /** memblock.memory without the no-map regions ({@code for_each_mem_range}). */
    List<Region> mappedMemory() {
        List<Region> out = new ArrayList<>();
        for (Region r : mb.memory()) {
            if ((r.flags() & Memblock.NOMAP) == 0) {
                out.add(r);
            }
        }
        return out;
    }

    /** {@code memblock_start_of_DRAM}. */
    long startOfDram() {
        List<Region> m = mb.memory();
        return m.isEmpty() ? 0 : m.get(0).base();
    }

    /** {@code memblock_end_of_DRAM}. */
    long endOfDram() {
        List<Region> m = mb.memory();
        return m.isEmpty() ? 0 : m.get(m.size() - 1).end();
    }

    /** {@code memblock_is_region_memory}: the range lies within one memory region. */
    boolean isRegionMemory(long base, long size) {
        for (Region r : mb.memory()) {
            if (r.base() <= base && base < r.end()) {
                return base + size <= r.end();
            }
        }
        return false;
    }

    /** {@code memblock_overlaps_region}. */
    static boolean overlaps(List<Region> regions, long base, long size) {
        for (Region r : regions) {
            if (r.base() < base + size && base < r.end()) {
                return true;
            }
        }
        return false;
    }

    /** {@code PAGE_ALIGN}. */
    static long pageAlign(long x) {
        return roundUp(x, PAGE);
    }

    /** Rounds {@code x} up to a power-of-two {@code a}. */
    static long roundUp(long x, long a) {
        return (x + a - 1) & -a;
    }
}
