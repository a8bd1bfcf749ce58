package armmm.model.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import armmm.model.board.Board;
import armmm.pbt.Gen;
import armmm.pbt.Gens;
import armmm.pbt.PropertyRunner;
import armmm.pbt.PropertyTest;
import armmm.pbt.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Replaying the kernel's own memblock=debug log, and the model's boot against the same log. */
class MemblockReplayTest {
    private static final String BOARD = "armmp-1024M-memblockdebug";
    private static final Board DEBUG_BOARD = Board.virt(1024L << 20).withArgs("memblock=debug");

    private static List<String> log() {
        return List.of(OracleBoards.read(BOARD, "dmesg.txt").split("\n"));
    }

    @Test
    void everyAllocationOfTheRealBootLandsWhereTheKernelPutIt() {
        MemblockReplay.Outcome o = MemblockReplay.replay(DEBUG_BOARD, "dmesg.txt", log());
        assertThat(o.mismatches()).isEmpty();
        long allocLines = log().stream().filter(l -> l.contains("] memblock_alloc_try_nid")).count();
        assertThat(o.passed()).isEqualTo(allocLines).isGreaterThan(30);
        assertThat(o.summary()).isEqualTo(allocLines + " passed, 0 failed");
    }

    @Test
    void aDifferentBoardMisplacesAllocationsAndTheReplayGoesOn() {
        MemblockReplay.Outcome o = MemblockReplay.replay(Board.virt(1024L << 20).withArgs("vmalloc=128M"), "dmesg.txt", log());
        assertThat(o.failed()).isGreaterThan(0);
        assertThat(o.mismatches().get(0)).startsWith("dmesg.txt:").contains("model placed 0x76ffe000, kernel 0x6fffe000");
        assertThat(o.passed() + o.failed()).isEqualTo(log().stream().filter(l -> l.contains("] memblock_alloc_try_nid")).count());
    }

    @Test
    void aMalformedAllocationLineIsBadInputWithItsPosition() {
        List<String> lines = List.of("[    0.000000] memblock_alloc_try_nid: lots of bytes");
        assertThatThrownBy(() -> MemblockReplay.replay(DEBUG_BOARD, "x.txt", lines))
                .isInstanceOf(ReplayException.class).hasMessageStartingWith("x.txt:1:16: expected");
    }

    @Test
    void aFailedKernelAllocationIsComparedWithTheModelsZero() {
        List<String> lines = List.of("memblock_alloc_try_nid: 2147483648 bytes align=0x40 nid=-1 from=0x00000000 max_addr=0x00000000 x+0x0/0x0",
                "Kernel panic");
        MemblockReplay.Outcome o = MemblockReplay.replay(DEBUG_BOARD, "x.txt", lines);
        assertThat(o.summary()).isEqualTo("1 passed, 0 failed");
    }

    @Test
    void theModelsMemblockDebugLogIsTheKernelsLineForLine() {
        List<String> kernel = new ArrayList<>();
        for (String line : log()) {
            String text = line.replaceFirst("^\\[\\s*\\d+\\.\\d+\\] ", "");
            if (text.startsWith("memblock_")) {
                kernel.add(text.replaceFirst("\\+0x[0-9a-f]+/0x[0-9a-f]+$", ""));
            }
        }
        assertThat(Boot.boot(DEBUG_BOARD).debugLog()).containsExactlyElementsOf(kernel);
    }

    @PropertyTest
    void theModelsOwnLogReplaysWithoutMismatchOnGeneratedBoards(PropertyRunner runner) {
        AtomicInteger boards = new AtomicInteger();
        AtomicInteger replayed = new AtomicInteger();
        runner.forAll(replayBoards()).tries(60).checkThrowing(b -> {
            boards.incrementAndGet();
            BootedSystem booted;
            try {
                booted = Boot.boot(b);
            } catch (BootException e) {
                Stats.label("boot refused");
                return;
            }
            if (booted.memblockLimit() != booted.lowmemLimit()) {
                Stats.label("map_lowmem under a lower memblock limit");
                return; // map_lowmem ran under a lower limit that the log does not show
            }
            Stats.label(b.cmdline().text().contains("vmalloc=") ? "replayed, vmalloc and cma given" : "replayed, default command line");
            MemblockReplay.Outcome o = MemblockReplay.replay(b, "model.log", booted.debugLog());
            assertThat(o.mismatches()).as("%s", b).isEmpty();
            replayed.incrementAndGet();
        });
        // more than half of the boards (30 of 60 by default) must actually replay, or the property says little
        assertThat(replayed.get() * 2).as("%d of %d boards replayed", replayed.get(), boards.get())
                .isGreaterThan(boards.get());
    }

    /** Virt boards of 64 MiB to about 3 GiB, half with {@code vmalloc=} and {@code cma=}, one to four CPUs. */
    private static Gen<Board> replayBoards() {
        return c -> {
            long mib = Gens.ints(64, 3063).generate(c);
            String args = Gens.booleans().generate(c)
                    ? "vmalloc=" + Gens.ints(16, 615).generate(c) + "M cma=" + Gens.ints(0, 127).generate(c) + "M"
                    : "";
            return Board.virt(mib << 20).withArgs(args).withCpus(Gens.ints(1, 4).generate(c));
        };
    }

    private static final Pattern ALLOC = Pattern.compile(
            "(memblock_alloc_try_nid(?:_raw)?): (\\d+) bytes align=0x([0-9a-f]+) .*? (\\w+)\\+0x.*\\n.*memblock_reserve: \\[0x([0-9a-f]+)-");

    @Test
    void bootMakesTheKernelsEarlyAllocationsInTheKernelsOrderAtTheKernelsAddresses() {
        List<String> expected = new ArrayList<>();
        Matcher m = ALLOC.matcher(OracleBoards.read(BOARD, "dmesg.txt"));
        while (m.find()) {
            expected.add(m.group(2) + " align=" + Long.parseLong(m.group(3), 16) + " at 0x" + m.group(5));
        }
        List<String> actual = new ArrayList<>();
        for (EarlyAllocation a : Boot.boot(DEBUG_BOARD).allocations()) {
            if (a.kind() != EarlyAllocation.Kind.PHYS_RANGE) {
                actual.add(a.size() + " align=" + a.align() + " at 0x" + Long.toHexString(a.address()));
            }
        }
        assertThat(actual).containsExactlyElementsOf(expected);
    }
}
