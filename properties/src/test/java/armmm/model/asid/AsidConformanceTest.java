package armmm.model.asid;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.properties.OracleFiles;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The allocator against the real kernel: the {@code armmm_probe} captures of
 * {@code mm->context.id}, CONTEXTIDR, TTBR0, {@code asid_generation}, {@code active_asids} and the
 * weight of {@code asid_map} for successive processes, across four rollovers of the 8-bit ASID
 * space. The starting state and the workload between two captured processes are derived in
 * spec/asid.md; every later value is the model's.
 */
class AsidConformanceTest {
    private static final String FOLDER = "probe-asid-smp1";
    /** Pgds the capture does not show (the shell's, the fork children's); any distinct 16 KiB frames. */
    private static final long SHELL_PGD = 0x4f000000L;
    private static final long CHILD_PGD = 0x4f004000L;

    /** One captured line: "pid N cpu C context.id X ..." as a key-value map. */
    record Capture(Map<String, String> fields) {
        static Capture parse(String line) {
            String[] words = line.trim().split("\\s+");
            Map<String, String> f = new HashMap<>();
            for (int i = 0; i + 1 < words.length; i += 2) {
                f.put(words[i], words[i + 1]);
            }
            return new Capture(f);
        }

        long hex(String key) {
            return Long.parseLong(fields.get(key), 16);
        }

        int dec(String key) {
            return Integer.parseInt(fields.get(key));
        }
    }

    private static List<Capture> captures(String file) {
        List<Capture> out = new ArrayList<>();
        OracleFiles.read(FOLDER, file).lines().filter(l -> l.startsWith("pid ")).forEach(l -> out.add(Capture.parse(l)));
        return out;
    }

    /** The state the first captured process shows: generation, a map of ASIDs 1..weight, cur_idx, CPU 0. */
    private static AsidAllocator startFrom(Capture first) {
        AsidAllocator a = new AsidAllocator(AsidConfig.armmp(1));
        BitSet map = new BitSet();
        map.set(1, first.dec("asid_map_weight") + 1);
        a.restore(first.hex("cur_gen") << AsidConfig.ASID_BITS, map, first.dec("asid"));
        MmContext probe = a.adoptMm(first.hex("TTBR0") & ~0x3fffL, first.hex("context.id"));
        a.restoreCpu(0, probe, first.hex("active_asids"), 0);
        return a;
    }

    /** One captured run: the shell runs, forks a child, the child execs the probe; the old mms go. */
    private static MmContext run(AsidAllocator a, MmContext shell, long probePgd, MmContext previous) {
        if (shell != null) {
            assertThat(a.switchMm(0, shell)).isTrue();
        }
        MmContext child = a.createMm(CHILD_PGD);
        assertThat(a.switchMm(0, child)).isTrue();
        assertThat(a.releaseMm(previous)).isTrue();
        MmContext probe = a.createMm(probePgd);
        assertThat(a.switchMm(0, probe)).isTrue();
        assertThat(a.releaseMm(child)).isTrue();
        return probe;
    }

    private static String observed(AsidAllocator a, MmContext probe) {
        CpuAsidState cpu = a.cpu(0);
        return String.format("context.id %x gen %x active_asids %x CONTEXTIDR %08x TTBR0 %08x asid_map_weight %d",
                probe.contextId(), a.asidGeneration() >> AsidConfig.ASID_BITS, cpu.active(), cpu.contextidr(),
                cpu.ttbr0(), a.asidMapWeight());
    }

    private static String captured(Capture c) {
        return String.format("context.id %x gen %x active_asids %x CONTEXTIDR %08x TTBR0 %08x asid_map_weight %d",
                c.hex("context.id"), c.hex("cur_gen"), c.hex("active_asids"), c.hex("CONTEXTIDR"), c.hex("TTBR0"),
                c.dec("asid_map_weight"));
    }

    /**
     * The shell's ASID number, read off the capture: from generation 3 on, the shell keeps its
     * number as the rollover's reserved ASID, so the one place in a generation where the probe's
     * ASID jumps by 3 instead of 2 (the fork child took the next number, the shell the one after)
     * names it.
     */
    private static int shellAsid(List<Capture> runs) {
        for (int i = 1; i < runs.size(); i++) {
            Capture prev = runs.get(i - 1);
            Capture c = runs.get(i);
            if (c.hex("cur_gen") >= 3 && c.hex("cur_gen") == prev.hex("cur_gen") && c.dec("asid") == prev.dec("asid") + 3) {
                return prev.dec("asid") + 2;
            }
        }
        throw new AssertionError("no skipped ASID in the capture");
    }

    @Test
    void theShellsAsidIsTheSameSkipInEveryLaterGeneration() {
        List<Capture> runs = captures("asid_runs.txt");
        int shell = shellAsid(runs);
        assertThat(shell).isEqualTo(26);
        for (int i = 1; i < runs.size(); i++) {
            Capture prev = runs.get(i - 1);
            Capture c = runs.get(i);
            if (c.hex("cur_gen") >= 2 && c.hex("cur_gen") == prev.hex("cur_gen") && c.dec("asid") == prev.dec("asid") + 3) {
                // the jump passes over the shell's number: prev+1 and prev+2 are the fork child and the shell
                assertThat(shell).as("pid %s", c.fields().get("pid")).isBetween(prev.dec("asid") + 1, prev.dec("asid") + 2);
            }
        }
    }

    @Test
    void sixHundredProcessesAcrossFourRolloversGetTheKernelsIdsAndGenerations() {
        List<Capture> runs = captures("asid_runs.txt");
        assertThat(runs).hasSize(600);
        AsidAllocator a = startFrom(runs.get(0));
        long generation = runs.get(0).hex("cur_gen") << AsidConfig.ASID_BITS;
        MmContext shell = a.adoptMm(SHELL_PGD, generation | shellAsid(runs));
        MmContext probe = a.cpu(0).running();
        List<String> model = new ArrayList<>();
        List<String> kernel = new ArrayList<>();
        for (Capture c : runs.subList(1, runs.size())) {
            probe = run(a, shell, c.hex("TTBR0") & ~0x3fffL, probe);
            model.add("pid " + c.fields().get("pid") + " " + observed(a, probe));
            kernel.add("pid " + c.fields().get("pid") + " " + captured(c));
            assertThat(AsidChecks.all(a)).isEmpty();
        }
        assertThat(model).containsExactlyElementsOf(kernel);
        assertThat(a.rollovers()).isEqualTo(4);
        assertThat(a.asidGeneration() >> AsidConfig.ASID_BITS).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"probe-mmu-1024M", "slub-smp1", "probe-vm-1024M", "probe-highmem-1024M", "slub-debug-FZPU"})
    void theNextProcessAfterEachSingleProbeLeavesTheKernelsMap(String board) {
        Capture first = captures(board + "-probe_asid.txt").get(0);
        Map<String, String> after = new HashMap<>();
        OracleFiles.read(FOLDER, board + "-probe_asidstate.txt").lines().forEach(l -> {
            String[] w = l.trim().split("\\s+", 2);
            after.put(w[0], w[1]);
        });
        AsidAllocator a = startFrom(first);
        run(a, null, CHILD_PGD + 0x4000, a.cpu(0).running());
        StringBuilder words = new StringBuilder();
        BitSet map = a.asidMap();
        for (int w = 0; w < 8; w++) {
            long word = 0;
            for (int b = 0; b < 32; b++) {
                word |= map.get(w * 32 + b) ? 1L << b : 0;
            }
            words.append(w == 0 ? "" : " ").append(String.format("%08x", word));
        }
        assertThat(words.toString()).isEqualTo(after.get("asid_map"));
        assertThat(String.valueOf(a.asidMapWeight())).isEqualTo(after.get("asid_map_weight"));
        assertThat(String.format("0 active_asids %x reserved_asids %x", a.cpu(0).active(), a.cpu(0).reserved()))
                .isEqualTo(after.get("cpu"));
        assertThat(String.format("%x (generation %d)", a.asidGeneration(), a.asidGeneration() >> 8))
                .isEqualTo(after.get("asid_generation"));
    }
}
