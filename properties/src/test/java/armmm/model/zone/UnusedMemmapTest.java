package armmm.model.zone;

import armmm.model.boot.BootZones;
import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import armmm.model.boot.Boot;
import armmm.model.boot.BootedSystem;
import armmm.model.check.ZoneChecks;
import armmm.model.memblock.Region;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code free_unused_memmap}: the struct pages of a hole between banks go back to the buddy allocator. */
class UnusedMemmapTest {
    private static final long MEM_MAP = 0x4800_0000L;

    /** A mem_map at MEM_MAP for pfns from 0x40000, 36 bytes a page. */
    private static long structPage(long pfn) {
        return MEM_MAP + (pfn - 0x40000) * 36;
    }

    @Test
    void oneBankFreesNothing() {
        List<Region> reserved = List.of(new Region(MEM_MAP, 0x90_0000L, 0));
        assertThat(UnusedMemmap.free(List.of(new Region(0x4000_0000L, 1L << 30, 0)), reserved, 2048,
                UnusedMemmapTest::structPage)).isEqualTo(reserved);
    }

    @Test
    void theStructPagesOfAHoleLeaveTheReservedMemMap() {
        // banks 0x40000000+256M and 0x60000000+256M: the hole's 65536 struct pages are 576 pages of mem_map
        List<Region> memory = List.of(new Region(0x4000_0000L, 256L << 20, 0), new Region(0x6000_0000L, 256L << 20, 0));
        List<Region> reserved = List.of(new Region(MEM_MAP, 0x60_0000L, 0));
        List<Region> after = UnusedMemmap.free(memory, reserved, 2048, UnusedMemmapTest::structPage);
        long holeFirst = structPage(0x50000);
        long holeEnd = structPage(0x60000);
        assertThat(after).containsExactly(new Region(MEM_MAP, holeFirst - MEM_MAP, 0),
                new Region(holeEnd, MEM_MAP + 0x60_0000L - holeEnd, 0));
        assertThat((holeEnd - holeFirst) >> 12).isEqualTo(576);
    }

    @Test
    void aBootedTwoBankBoardManagesTheFreedMemMap() {
        Board board = Board.of(List.of(new Bank(0x4000_0000L, 256L << 20), new Bank(0x6000_0000L, 256L << 20)), List.of(),
                "", 1);
        BootedSystem boot = Boot.boot(board);
        ZoneInputs in = BootZones.inputs(boot);
        long reservedBefore = boot.reserved().stream().mapToLong(Region::size).sum();
        long reservedAfter = in.reserved().stream().mapToLong(Region::size).sum();
        // the hole spans 0x10000 pfns of 36-byte struct pages; page rounding keeps at most one page
        assertThat((reservedBefore - reservedAfter) >> 12).isBetween(575L, 576L);
        ZoneSetup s = ZoneSetup.compute(in);
        assertThat(s.zone(ZoneType.DMA).spannedPages() - s.zone(ZoneType.DMA).presentPages()).isEqualTo(0x10000);
        assertThat(ZoneChecks.check(s)).isEmpty();
    }
}
