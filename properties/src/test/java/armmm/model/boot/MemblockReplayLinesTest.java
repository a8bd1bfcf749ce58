package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Board;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The replay's handling of each kind of {@code memblock=debug} line (mm/memblock.c
 * {@code memblock_dbg} formats: {@code "%s: [%pa-%pa] %pS"} for the range calls,
 * {@code "%s: %llu bytes align=0x%llx nid=%d from=%pa max_addr=%pa %pS"} for the allocations)
 * on a 1 GiB virt board: memory 0x40000000-0x80000000, {@code current_limit} =
 * {@code arm_lowmem_limit} 0x70000000 (VMALLOC_END 0xff800000 - 240 MiB - 8 MiB, linear), so
 * memblock's top-down search puts a first 4 KiB allocation at 0x6ffff000. Each expected placement
 * below is the highest free, aligned range under the limit after the lines before it.
 */
class MemblockReplayLinesTest {
    private static final Board BOARD = Board.virt(1024L << 20);
    private static final String P = "<6>[    0.000000] ";

    private static MemblockReplay.Outcome replay(String... lines) {
        return MemblockReplay.replay(BOARD, "x.txt", List.of(lines));
    }

    private static String alloc(String call, long size, long align, String range, String caller) {
        return call + ": " + size + " bytes align=0x" + Long.toHexString(align) + range + " " + caller;
    }

    private static final String ANY = " nid=-1 from=0x00000000 max_addr=0x00000000";

    @Test
    void eachCallKindMovesTheModelsMemblockAsTheKernelsDid() {
        MemblockReplay.Outcome o = replay(
                P + alloc("memblock_alloc_try_nid", 4096, 0x1000, ANY, "early_alloc+0x1c/0x64"),
                P + "memblock_reserve: [0x6fffe000-0x6fffefff] memblock_alloc_range_nid+0x104/0x13c",
                // after the mismatch the model's own block is free again and the kernel's reserved
                alloc("memblock_alloc_try_nid_raw", 4096, 0x1000, ANY, "a"),
                "memblock_reserve: [0x6ffff000-0x6fffffff] memblock_alloc_range_nid",
                "[    0.000000] memblock_dbg: not a call",
                "memblock_remove: [0x60000000-0x6fffffff] b",
                alloc("memblock_alloc_try_nid", 4096, 0x1000, ANY, "c"),
                "memblock_reserve: [0x5ffff000-0x5fffffff] memblock_alloc_range_nid",
                "memblock_add: [0x60000000-0x6fffffff] d",
                alloc("memblock_alloc_try_nid", 4096, 0x1000, ANY, "e"),
                "memblock_reserve: [0x6fffd000-0x6fffdfff] memblock_alloc_range_nid",
                "memblock_phys_free: [0x6fffe000-0x6fffefff] f",
                alloc("memblock_alloc_try_nid", 4096, 0x1000, ANY, "g"),
                "memblock_reserve: [0x6fffe000-0x6fffefff] memblock_alloc_range_nid",
                "memblock_free: [0x6fffe000-0x6fffefff] f2",
                "memblock_reserve: [0x6fffe000-0x6fffefff] h",
                alloc("memblock_alloc_try_nid", 4096, 0x1000, ANY, "i"),
                "memblock_reserve: [0x6fffc000-0x6fffcfff] memblock_alloc_range_nid",
                // the kernel reserved 8 KiB where the model placed 4 KiB
                alloc("memblock_alloc_try_nid", 4096, 0x1000, ANY, "j"),
                "memblock_reserve: [0x6fffb000-0x6fffcfff] memblock_alloc_range_nid",
                alloc("memblock_phys_alloc_range", 8192, 0x2000, " from=0x40000000 max_addr=0x50000000", "k"),
                "Kernel panic - not syncing",
                "memblock_foo: not one of the calls");
        assertThat(o.mismatches()).containsExactly(
                "x.txt:1: memblock_alloc_try_nid 4096 bytes align=0x1000 from=0x0 max_addr=0x0 early_alloc+0x1c/0x64:"
                        + " model placed 0x6ffff000, kernel 0x6fffe000",
                "x.txt:19: memblock_alloc_try_nid 4096 bytes align=0x1000 from=0x0 max_addr=0x0 j:"
                        + " model placed 0x6fffb000, kernel 0x6fffb000",
                "x.txt:21: memblock_phys_alloc_range 8192 bytes align=0x2000 from=0x40000000 max_addr=0x50000000 k:"
                        + " model placed 0x4fffe000, kernel failed");
        assertThat(o.passed()).isEqualTo(5);
        assertThat(o.summary()).isEqualTo("5 passed, 3 failed");
    }

    @Test
    void aPlacementTheKernelDidNotMakeIsUndoneBeforeTheNextLine() {
        MemblockReplay.Outcome o = replay(
                alloc("memblock_alloc_try_nid", 4096, 0x1000, ANY, "a"),
                alloc("memblock_alloc_try_nid", 4096, 0x1000, ANY, "b"),
                "memblock_reserve: [0x6ffff000-0x6fffffff] memblock_alloc_range_nid");
        assertThat(o.mismatches()).containsExactly(
                "x.txt:1: memblock_alloc_try_nid 4096 bytes align=0x1000 from=0x0 max_addr=0x0 a: model placed 0x6ffff000, kernel failed");
        assertThat(o.summary()).isEqualTo("1 passed, 1 failed");
    }

    @Test
    void malformedLinesAreOneLineErrorsAtTheirColumn() {
        String[][] cases = {
            {P + "memblock_reserve: oops", "x.txt:1:37: expected '[0xSTART-0xEND] CALLER' after 'memblock_reserve:'"},
            {"memblock_phys_free: [0x1000]", "x.txt:1:21: expected '[0xSTART-0xEND] CALLER' after 'memblock_phys_free:'"},
            {"memblock_reserve: [0x2000-0x0fff] a", "x.txt:1:29: end 0xfff before start 0x2000"},
            {"memblock_reserve: [0x00000000000000000-0x1] a", "x.txt:1:22: address 0x00000000000000000 is too long"},
            {alloc("memblock_alloc_try_nid", Long.MIN_VALUE, 0x40, ANY, "a").replace("-9223372036854775808", "9223372036854775808"),
                "x.txt:1:25: size 9223372036854775808 bytes is out of range"},
            {"memblock_alloc_try_nid: 18446744073709551616 bytes align=0x40" + ANY + " a",
                "x.txt:1:25: size 18446744073709551616 bytes is out of range"},
            {"memblock_phys_alloc_range: 4096 bytes", "x.txt:1:1: expected 'memblock_phys_alloc_range: SIZE bytes align=0xA [nid=N] from=0xF max_addr=0xM CALLER'"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> replay(c[0])).as(c[0]).isInstanceOf(ReplayException.class).hasMessage(c[1]);
        }
        // sixteen hex digits and an empty range (end = start - 1) are accepted
        assertThat(replay("memblock_reserve: [0x0000000040000000-0x0000000040000fff] a",
                "memblock_reserve: [0x40002000-0x40001fff] b").summary()).isEqualTo("0 passed, 0 failed");
    }
}
