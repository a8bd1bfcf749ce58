package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import armmm.model.board.ReservedMemory;
import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * More of the {@code memblock=debug} replay (CONTRACTS.md section 4) on the 1 GiB virt board
 * (memory 0x40000000-0x80000000, {@code current_limit} 0x70000000): {@code memblock_phys_alloc_range}
 * takes its end as given while {@code memblock_alloc_try_nid} caps {@code max_addr} at
 * {@code current_limit} ({@code memblock_alloc_internal}, mm/memblock.c); a range line that is not an
 * allocation's own reservation first settles the pending allocation; the starting state keeps the
 * board's no-map marks; and the columns of malformed fields.
 */
class MemblockReplayEdgesTest {
    private static final Board BOARD = Board.virt(1024L << 20);
    private static final String ANY = " nid=-1 from=0x00000000 max_addr=0x00000000";
    private static final String Z17 = "0".repeat(17);

    private static MemblockReplay.Outcome replay(String... lines) {
        return MemblockReplay.replay(BOARD, "x.txt", List.of(lines));
    }

    @Test
    void physAllocRangeMayEndAboveTheLimitWhereTryNidIsCapped() {
        MemblockReplay.Outcome o = replay(
                "memblock_phys_alloc_range: 4096 bytes align=0x1000 from=0x00000000 max_addr=0x80000000 a",
                "memblock_reserve: [0x7ffff000-0x7fffffff] memblock_alloc_range_nid",
                "memblock_alloc_try_nid: 4096 bytes align=0x1000 nid=-1 from=0x00000000 max_addr=0x80000000 b",
                "memblock_reserve: [0x6ffff000-0x6fffffff] memblock_alloc_range_nid",
                "memblock_alloc_try_nid_raw: 4096 bytes align=0x1000 nid=-1 from=0x00000000 max_addr=0x80000000 c",
                "memblock_reserve: [0x6fffe000-0x6fffefff] memblock_alloc_range_nid");
        assertThat(o.mismatches()).isEmpty();
        assertThat(o.summary()).isEqualTo("3 passed, 0 failed");
    }

    @Test
    void anotherRangeLineSettlesThePendingAllocationBeforeItApplies() {
        // the kernel's allocation a failed; the next line reserves the very block the model had
        // placed: undone first, then reserved, so b goes below it
        MemblockReplay.Outcome o = replay(
                "memblock_alloc_try_nid: 4096 bytes align=0x1000" + ANY + " a",
                "memblock_reserve: [0x6ffff000-0x6fffffff] h",
                "memblock_alloc_try_nid: 4096 bytes align=0x1000" + ANY + " b",
                "memblock_reserve: [0x6fffe000-0x6fffefff] memblock_alloc_range_nid");
        assertThat(o.mismatches()).containsExactly(
                "x.txt:1: memblock_alloc_try_nid 4096 bytes align=0x1000 from=0x0 max_addr=0x0 a: model placed 0x6ffff000, kernel failed");
        assertThat(o.summary()).isEqualTo("1 passed, 1 failed");
    }

    @Test
    void anAllocatorsReservationWithNothingPendingIsAPlainReservation() {
        MemblockReplay.Outcome o = replay(
                "memblock_reserve: [0x6ffff000-0x6fffffff] memblock_alloc_range_nid+0x104/0x13c",
                "memblock_alloc_try_nid: 4096 bytes align=0x1000" + ANY + " c",
                "memblock_reserve: [0x6fffe000-0x6fffefff] memblock_alloc_range_nid");
        assertThat(o.summary()).isEqualTo("1 passed, 0 failed");
    }

    @Test
    void anAllocationLineWithoutItsColonIsMalformed() {
        assertThatThrownBy(() -> replay("memblock_alloc_try_nid")).isInstanceOf(ReplayException.class).hasMessage(
                "x.txt:1:1: expected 'memblock_alloc_try_nid: SIZE bytes align=0xA [nid=N] from=0xF max_addr=0xM CALLER'");
    }

    @Test
    void aZeroByteAllocationParses() {
        assertThatCode(() -> replay("memblock_alloc_try_nid: 0 bytes align=0x40" + ANY + " a")).doesNotThrowAnyException();
    }

    @Test
    void eachOverlongHexFieldIsReportedAtItsOwnColumn() {
        String[][] cases = {
            {"memblock_alloc_try_nid: 4096 bytes align=0x" + Z17 + ANY + " a", "x.txt:1:44: address 0x" + Z17 + " is too long"},
            {"memblock_alloc_try_nid: 4096 bytes align=0x40 nid=-1 from=0x" + Z17 + " max_addr=0x00000000 a",
                "x.txt:1:61: address 0x" + Z17 + " is too long"},
            {"<6>[    0.000000] memblock_alloc_try_nid: 4096 bytes align=0x40 nid=-1 from=0x00000000 max_addr=0x" + Z17 + " a",
                "x.txt:1:99: address 0x" + Z17 + " is too long"},
            {"memblock_reserve: [0x1-0x" + Z17 + "] a", "x.txt:1:26: address 0x" + Z17 + " is too long"},
            {"<6>[    0.000000] memblock_reserve: [0x" + Z17 + "-0x1] a", "x.txt:1:40: address 0x" + Z17 + " is too long"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> replay(c[0])).as(c[0]).isInstanceOf(ReplayException.class).hasMessage(c[1]);
        }
    }

    @Test
    void theStartingStateKeepsNoMapMarksTheDtbAndTheLowmemLimit() {
        Board board = Board.of(List.of(new Bank(0x4000_0000L, 1024L << 20)),
                List.of(new ReservedMemory(0x6f00_0000L, 16L << 20, ReservedMemory.Kind.NO_MAP)), "", 1);
        Memblock mb = MemblockReplay.initialState(board);
        assertThat(mb.memory()).containsExactly(new Region(0x4000_0000L, 0x2f00_0000L, 0),
                new Region(0x6f00_0000L, 16L << 20, Memblock.NOMAP), new Region(0x7000_0000L, 256L << 20, 0));
        // a -dtb board's tree: 35154 bytes right after the initrd's page-rounded end
        assertThat(mb.reserved()).containsExactly(new Region(0x480d_8000L, 35154, 0));
        // the no-map node ends lowmem at 0x6f000000 (adjust_lowmem_bounds' second pass)
        assertThat(mb.currentLimit()).isEqualTo(0x6f00_0000L);
    }

    @Test
    void onlyAReserveLineSettlesAnAllocationWithTheKernelsAddress() {
        // a free logged from memblock_alloc_range_nid is not the allocation's reservation: the
        // pending allocation is settled as failed first, then the free applies
        MemblockReplay.Outcome o = replay(
                "memblock_alloc_try_nid: 4096 bytes align=0x1000" + ANY + " a",
                "memblock_phys_free: [0x6ffff000-0x6fffffff] memblock_alloc_range_nid");
        assertThat(o.summary()).isEqualTo("0 passed, 1 failed");
    }
}
