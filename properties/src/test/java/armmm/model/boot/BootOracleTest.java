package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.layout.Layout;
import armmm.model.memblock.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Boots each captured board and compares with what the real kernel left. */
class BootOracleTest {

    static Stream<String> boards() {
        return OracleBoards.all().keySet().stream();
    }

    private static BootedSystem boot(String name) {
        Map<String, Board> all = OracleBoards.all();
        return Boot.boot(all.get(name));
    }

    private static List<Region> withoutFlags(List<Region> regions) {
        List<Region> out = new ArrayList<>();
        for (Region r : regions) {
            out.add(new Region(r.base(), r.size(), 0));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boards")
    void memblockMemoryIsExactlyTheKernels(String board) {
        assertThat(withoutFlags(boot(board).memory())).isEqualTo(OracleBoards.dump(board, "memblock_memory.txt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boards")
    void memblockReservedAfterEarlyBootIsExactlyTheKernelsFinalDump(String board) {
        // the debugfs dump is taken after boot; nothing after early boot changes memblock.reserved on these boards
        assertThat(withoutFlags(boot(board).reserved())).isEqualTo(OracleBoards.dump(board, "memblock_reserved.txt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boards")
    void lowmemLimitHighMemoryAndVmallocMatchTheKernel(String board) {
        BootedSystem b = boot(board);
        Layout l = b.layout();
        long limit = OracleBoards.lowmemLimit(board);
        assertThat(b.lowmemLimit()).as("arm_lowmem_limit").isEqualTo(limit);
        assertThat(l.highMemory()).as("high_memory").isEqualTo(limit - 0x4000_0000L + 0xC000_0000L);
        long vmallocTotal = OracleBoards.meminfo(board, "VmallocTotal") << 10;
        assertThat(l.vmallocTotal()).as("VmallocTotal").isEqualTo(vmallocTotal);
        assertThat(l.vmallocStart()).as("VMALLOC_START").isEqualTo(Layout.VMALLOC_END - vmallocTotal);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boards")
    void hashTablesHaveTheKernelsSizes(String board) {
        BootedSystem b = boot(board);
        assertThat(b.dentryHashEntries()).isEqualTo(OracleBoards.dmesgNumber(board, "Dentry cache hash table entries: (\\d+)"));
        assertThat(b.inodeHashEntries()).isEqualTo(OracleBoards.dmesgNumber(board, "Inode-cache hash table entries: (\\d+)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boards")
    void cmaAreaLiesWhereTheKernelReportedIt(String board) {
        BootedSystem b = boot(board);
        long mib = OracleBoards.dmesgNumber(board, "cma: Reserved (\\d+) MiB");
        String at = OracleBoards.read(board, "dmesg.txt").replaceAll("(?s).*cma: Reserved \\d+ MiB at 0x([0-9a-f]+).*", "$1");
        assertThat(b.cmaAreas()).hasSize(1);
        assertThat(b.cmaAreas().get(0).size()).isEqualTo(mib << 20);
        assertThat(b.cmaAreas().get(0).base()).isEqualTo(Long.parseLong(at, 16));
    }
}
