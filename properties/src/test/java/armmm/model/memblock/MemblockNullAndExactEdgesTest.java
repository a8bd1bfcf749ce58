package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.core.Bugs;
import armmm.model.core.Result;
import armmm.model.kernel.Kernel;
import org.junit.jupiter.api.Test;

/**
 * Edges of mm/memblock.c (6.1) where a value is exactly 0 or exactly a region's size:
 *
 * <ul>
 *   <li>{@code memblock_free(ptr, size)} does nothing for a NULL {@code ptr} ({@code if (ptr)}).
 *   <li>{@code __find_max_addr(limit)}: the first region with {@code limit <= r->size} gives
 *       {@code r->base + limit}; a limit of exactly the first region's size is that region's end, so
 *       {@code memblock_enforce_memory_limit} removes a reservation in the hole after it.
 *   <li>{@code memblock_phys_free(base, 0)} frees nothing, and freeing an allocation that ends where
 *       another begins leaves the other as it was: the record of live allocations follows.
 *   <li>Only {@code memblock.reserved}'s array moves into slab when reserved doubles after slab is up.
 *   <li>A region read out of range names the array and its count.
 * </ul>
 */
class MemblockNullAndExactEdgesTest {
    private static final long BASE = 0x4000_0000L;
    private static final long SZ_4K = 0x1000;
    private static final long SZ_4M = 0x40_0000L;

    @Test
    void memblockFreeOfNullDoesNothing() {
        Kernel k = Kernel.bare(Bugs.NONE);
        k.apply(new MemblockOp.Add(0, SZ_4M));
        k.apply(new MemblockOp.Reserve(0, 2 * SZ_4K));
        assertThat(k.apply(new MemblockOp.Free(0, SZ_4K))).isEqualTo(Result.VOID);
        assertThat(k.memblock().reserved()).containsExactly(new Region(0, 2 * SZ_4K, 0));
    }

    @Test
    void aLimitOfExactlyTheFirstRegionEndsThere() {
        Memblock mb = new Memblock();
        mb.add(BASE, SZ_4M);
        mb.add(BASE + 2 * SZ_4M, SZ_4M);
        mb.reserve(BASE + SZ_4M + SZ_4K, SZ_4K);
        assertThat(mb.enforceMemoryLimit(SZ_4M)).isEqualTo(Result.VOID);
        assertThat(mb.memory()).containsExactly(new Region(BASE, SZ_4M, 0));
        assertThat(mb.reserved()).containsExactly(new Region(0, 0, 0));
    }

    @Test
    void freesThatMissAnAllocationLeaveItsRecordAlone() {
        Memblock mb = new Memblock();
        mb.add(BASE, SZ_4M);
        long top = BASE + SZ_4M;
        assertThat(mb.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(top - SZ_4K));
        assertThat(mb.physAlloc(SZ_4K, SZ_4K)).isEqualTo(Result.of(top - 2 * SZ_4K));
        assertThat(mb.physFree(top - SZ_4K + 0x800, 0)).isEqualTo(Result.VOID);
        assertThat(mb.physFree(top - 2 * SZ_4K, SZ_4K)).isEqualTo(Result.VOID);
        assertThat(mb.allocations()).containsExactly(new Allocation(top - SZ_4K, SZ_4K, SZ_4K, 0xffff_ffffL));
        assertThat(mb.reserved()).containsExactly(new Region(top - SZ_4K, SZ_4K, 0));
    }

    @Test
    void onlyTheReservedArrayMovesIntoSlab() {
        Kernel k = Kernel.boot(armmm.model.board.Board.virt(256L << 20));
        assertThat(k.apply(new MemblockOp.ReserveMany(0x4400_0000L, 64, 256, 200)).isRefused()).isFalse();
        assertThat(k.memblock().regionsInSlab(true)).isTrue();
        assertThat(k.memblock().regionsInSlab(false)).isFalse();
    }

    @Test
    void aRegionReadOutOfRangeNamesTheArray() {
        Memblock mb = new Memblock();
        mb.add(BASE, SZ_4M);
        assertThatThrownBy(() -> mb.region(true, -1)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("memblock.reserved[-1], cnt is 1");
        assertThatThrownBy(() -> mb.region(false, 1)).hasMessage("memblock.memory[1], cnt is 1");
    }
}
