package armmm.model.memblock;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.check.MemblockChecks;
import armmm.model.core.Bugs;
import armmm.model.core.ObservablePath;
import armmm.model.core.Result;
import armmm.model.core.Violation;
import armmm.model.kernel.Kernel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code memblock_double_array} (mm/memblock.c) and INV-MEMBLOCK-12: a doubled region array owns
 * whole reserved pages, as 29f6738609e4 made it, and the seeded bug that undoes that commit.
 */
class MemblockDoubleArrayTest {
    private static final long BASE = 0x4000_0000L;
    private static final long SZ_4K = 0x1000;
    private static final long SZ_16K = 0x4000;
    private static final long SZ_16M = 0x100_0000;

    /** 16 MiB of memory at BASE, resizing allowed, {@code count} 4 KiB reservations 16 KiB apart. */
    private static Kernel reserved(Bugs bugs, long count) {
        Kernel k = Kernel.bare(bugs);
        k.apply(new MemblockOp.Add(BASE, SZ_16M));
        k.apply(new MemblockOp.AllowResize());
        assertThat(k.apply(new MemblockOp.ReserveMany(BASE, SZ_4K, SZ_16K, count)).isRefused()).isFalse();
        return k;
    }

    private static ObservablePath path(String type) {
        return new ObservablePath(List.of(new ObservablePath.Segment("memblock", null),
                new ObservablePath.Segment(type, null), new ObservablePath.Segment("regions", null)));
    }

    private static List<String> reasons(Kernel k) {
        return k.check(MemblockChecks.ARRAY_PAGES).stream().map(Violation::reason).toList();
    }

    @Test
    void theStaticArrayHoldsOneHundredAndTwentyEightRegions() {
        Kernel k = reserved(Bugs.NONE, 128);
        Memblock mb = k.memblock();
        assertThat(mb.reservedCnt()).isEqualTo(128);
        assertThat(mb.reservedMax()).isEqualTo(128);
        assertThat(mb.regionsPhys(true)).isEqualTo(-1);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void theHundredAndTwentyNinthRegionMovesTheArrayToAWholeReservedPage() {
        Kernel k = reserved(Bugs.NONE, 129);
        Memblock mb = k.memblock();
        // 256 entries of 12 bytes, 3072 bytes, in one page taken top-down from memory
        assertThat(mb.reservedMax()).isEqualTo(256);
        assertThat(mb.regionsPhys(true)).isEqualTo(BASE + SZ_16M - SZ_4K);
        assertThat(mb.reserved().get(129)).isEqualTo(new Region(BASE + SZ_16M - SZ_4K, SZ_4K, 0));
        assertThat(mb.regionsPhys(false)).isEqualTo(-1);
        assertThat(k.check()).isEmpty();
    }

    @Test
    void theSecondDoublingFreesTheFirstArraysPage() {
        Kernel k = reserved(Bugs.NONE, 257);
        Memblock mb = k.memblock();
        // 512 entries, 6144 bytes: two pages right below the first array's page, which went back
        assertThat(mb.reservedMax()).isEqualTo(512);
        assertThat(mb.regionsPhys(true)).isEqualTo(BASE + SZ_16M - 3 * SZ_4K);
        assertThat(mb.isReserved(BASE + SZ_16M - SZ_4K)).isFalse();
        assertThat(mb.isRegionReserved(BASE + SZ_16M - 3 * SZ_4K, 2 * SZ_4K)).isTrue();
        assertThat(k.check()).isEmpty();
    }

    @Test
    void withTheFixUndoneTheArrayTakesOnlyItsBytesAtFourByteAlignment() {
        Kernel k = reserved(Bugs.of(MemblockBug.MEMBLOCK_ARRAY_NOT_PAGE_ALIGNED), 129);
        Memblock mb = k.memblock();
        assertThat(mb.regionsPhys(true)).isEqualTo(BASE + SZ_16M - 3072);
        assertThat(mb.reserved().get(129)).isEqualTo(new Region(BASE + SZ_16M - 3072, 3072, 0));
        assertThat(reasons(k)).containsExactly("region array not page-aligned", "region array pages not reserved");
    }

    @Test
    void withTheFixUndoneBottomUpTheArrayIsAlignedByChanceButItsPageIsNotReserved() {
        Kernel k = Kernel.bare(Bugs.of(MemblockBug.MEMBLOCK_ARRAY_NOT_PAGE_ALIGNED));
        k.apply(new MemblockOp.Add(BASE, SZ_16M));
        k.apply(new MemblockOp.AllowResize());
        k.apply(new MemblockOp.SetBottomUp(true));
        k.apply(new MemblockOp.ReserveMany(BASE + SZ_4K, SZ_4K, SZ_16K, 129));
        // bottom-up from the end of the range being reserved (the 129th, at BASE + 4K + 128 * 16K,
        // 4 KiB long): page-aligned, yet only 3072 bytes reserved
        assertThat(k.memblock().regionsPhys(true)).isEqualTo(BASE + SZ_4K + 128 * SZ_16K + SZ_4K);
        assertThat(reasons(k)).containsExactly("region array pages not reserved");
    }

    @Test
    void aCallerFreeingTheArraysPageIsNotedAndTheAlignmentStillChecked() {
        Kernel k = reserved(Bugs.NONE, 129);
        long array = k.memblock().regionsPhys(true);
        assertThat(k.apply(new MemblockOp.PhysFree(array + 0x800, 0x100)).isRefused()).isFalse();
        assertThat(k.memblock().regionsReleased(true)).isTrue();
        assertThat(k.check()).isEmpty();
        // the next move gives the array a fresh reservation, checked again
        k.apply(new MemblockOp.ReserveMany(BASE + 129 * SZ_16K, SZ_4K, SZ_16K, 128));
        assertThat(k.memblock().reservedMax()).isEqualTo(512);
        assertThat(k.memblock().regionsReleased(true)).isFalse();
        assertThat(k.check()).isEmpty();
    }

    @Test
    void aMemoryLimitBelowTheArrayTakesItsReservationAway() {
        Kernel k = reserved(Bugs.NONE, 129);
        k.apply(new MemblockOp.EnforceMemoryLimit(SZ_16M / 2));
        assertThat(k.memblock().regionsReleased(true)).isTrue();
        assertThat(k.check()).isEmpty();
    }

    @Test
    void theObservableIsThePhysicalAddressOfTheArrayAndZeroWhileStatic() {
        Kernel k = reserved(Bugs.NONE, 129);
        assertThat(k.memblock().observe(path("reserved"))).hasValue(BASE + SZ_16M - SZ_4K);
        assertThat(k.memblock().observe(path("memory"))).hasValue(0);
    }

    @Test
    void afterBootTheNewArrayIsKmallocedAndTheNextDoublingKfreesIt() {
        Kernel k = Kernel.boot(armmm.model.board.Board.virt(256L << 20));
        armmm.model.page.PageAllocator pa = k.state(armmm.model.page.PageAllocator.class);
        long reservedBefore = k.memblock().reservedTotalSize();
        // slab is up: kmalloc(256 * 12), a page block from the page allocator, not memblock's
        assertThat(k.apply(new MemblockOp.ReserveMany(0x4400_0000L, 64, 256, 200)).isRefused()).isFalse();
        long first = k.memblock().regionsPhys(true);
        assertThat(k.memblock().regionsInSlab(true)).isTrue();
        assertThat(pa.refcount(first >>> 12)).isEqualTo(1);
        assertThat(k.memblock().isReserved(first)).isFalse();
        assertThat(k.memblock().reservedTotalSize()).isEqualTo(reservedBefore + 200 * 64);
        // 512 entries: a new block, and the first goes back with kfree
        assertThat(k.apply(new MemblockOp.ReserveMany(0x4500_0000L, 64, 256, 100)).isRefused()).isFalse();
        long second = k.memblock().regionsPhys(true);
        assertThat(k.memblock().reservedMax()).isEqualTo(512);
        assertThat(second).isNotEqualTo(first);
        assertThat(pa.refcount(second >>> 12)).isEqualTo(1);
        assertThat(pa.refcount(first >>> 12)).isZero();
        assertThat(k.checkComplete()).isEmpty();
    }

    @Test
    void reserveManyStopsAtTheFirstRefusalAndRefusesAHugeCount() {
        Kernel k = Kernel.bare();
        Result full = k.apply(new MemblockOp.ReserveMany(BASE, SZ_4K, SZ_16K, 200));
        assertThat(full.isRefused()).isTrue();
        assertThat(((Result.Refused) full).report()).isEqualTo("memblock: Failed to double reserved array from 128 "
                + "to 256 entries ! (memblock_reserve_many stops after 128 of 200 reservations)");
        assertThat(k.memblock().reservedCnt()).isEqualTo(128);
        Result huge = k.apply(new MemblockOp.ReserveMany(BASE, SZ_4K, SZ_16K, MemblockOp.ReserveMany.MAX_COUNT + 1));
        assertThat(huge.isRefused()).isTrue();
        assertThat(k.memblock().reservedCnt()).isEqualTo(128);
        assertThat(k.check()).isEmpty();
    }
}
