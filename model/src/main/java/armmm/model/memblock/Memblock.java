package armmm.model.memblock;

import armmm.model.kernel.ObservablePath;
import armmm.model.kernel.Result;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code struct memblock} (mm/memblock.c): the early allocator's {@code memory} and
 * {@code reserved} arrays, {@code bottom_up} and {@code current_limit}.
 * phys_addr_t is 32 bits (non-LPAE ARM): addresses run to 0xffffffff.
 */
public final class Memblock {
    /** One past the last physical byte a 32-bit phys_addr_t reaches. */
    public static final long PHYS_LIMIT = 1L << 32;
    /** {@code PHYS_ADDR_MAX} and {@code MEMBLOCK_ALLOC_ANYWHERE} on non-LPAE ARM. */
    public static final long ALLOC_ANYWHERE = 0xffff_ffffL;
    /** {@code MEMBLOCK_ALLOC_ACCESSIBLE}: the current limit. */
    public static final long ALLOC_ACCESSIBLE = 0;
    /** {@code MEMBLOCK_NOMAP}. */
    public static final int NOMAP = 0x4;

    // CONTRACT ONLY: the memblock helper replaces every body below with mm/memblock.c semantics.

    public Result add(long base, long size) { throw new UnsupportedOperationException(); }
    public Result reserve(long base, long size) { throw new UnsupportedOperationException(); }
    public Result remove(long base, long size) { throw new UnsupportedOperationException(); }
    public Result physFree(long base, long size) { throw new UnsupportedOperationException(); }
    public Result markNomap(long base, long size) { throw new UnsupportedOperationException(); }
    public Result clearNomap(long base, long size) { throw new UnsupportedOperationException(); }
    public Result setBottomUp(boolean enable) { throw new UnsupportedOperationException(); }
    public Result setCurrentLimit(long limit) { throw new UnsupportedOperationException(); }
    public Result trimMemory(long align) { throw new UnsupportedOperationException(); }
    /** memblock_alloc_try_nid: physical address of the allocation, 0 on failure. */
    public Result allocTryNid(long size, long align, long minAddr, long maxAddr) { throw new UnsupportedOperationException(); }
    public Result physAllocRange(long size, long align, long start, long end) { throw new UnsupportedOperationException(); }
    /** The regions of memblock.memory, in order. */
    public List<Region> memory() { throw new UnsupportedOperationException(); }
    /** The regions of memblock.reserved, in order. */
    public List<Region> reserved() { throw new UnsupportedOperationException(); }
    public boolean bottomUp() { throw new UnsupportedOperationException(); }
    public long currentLimit() { throw new UnsupportedOperationException(); }
    public OptionalLong observe(ObservablePath path) { throw new UnsupportedOperationException(); }
}
