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
 * spec/asid.md; every later value is the model's. Each line's {@code cpu N} says where its run
 * happened, and the replay switches there, so a capture from several CPUs replays the same way
 * (checked on a two-CPU input worked out by hand from arch/arm/mm/context.c).
 */
class AsidConformanceTest {
    private static final String FOLDER = "probe-asid-smp1";
    /** Pgds the capture does not show (the shell's, the fork children's); any distinct 16 KiB frames. */
    private static final long SHELL_PGD = 0x4f000000L;
    private static final long CHILD_PGD = 0x4f004000L;
    /** Pgds of the mms other CPUs run when the capture starts (not shown either): one per CPU from here. */
    private static final long OTHER_PGD = 0x4f100000L;

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

        int cpu() {
            return dec("cpu");
        }
    }

    /**
     * A capture: its process lines and what it says of the state before the first of them: per
     * CPU {@code cpu K active_asids X reserved_asids Y} (the probe's state dump format), the
     * shell's {@code shell context.id X}, and {@code asid_map W0 .. W7}; each optional (spec/asid.md).
     */
    record CaptureFile(List<Capture> runs, Map<Integer, long[]> cpuStates, Long shellId, BitSet map) {
        static CaptureFile parse(String text) {
            List<Capture> runs = new ArrayList<>();
            Map<Integer, long[]> cpus = new HashMap<>();
            Long shell = null;
            BitSet map = null;
            for (String line : text.lines().toList()) {
                String[] w = line.trim().split("\\s+");
                if (line.startsWith("pid ")) {
                    runs.add(Capture.parse(line));
                } else if (!runs.isEmpty() || line.isBlank() || line.startsWith("#")) {
                    continue;
                } else if (w[0].equals("cpu") && w.length == 6 && w[2].equals("active_asids") && w[4].equals("reserved_asids")) {
                    cpus.put(Integer.parseInt(w[1]), new long[] {Long.parseLong(w[3], 16), Long.parseLong(w[5], 16)});
                } else if (w[0].equals("shell") && w.length == 3 && w[1].equals("context.id")) {
                    shell = Long.parseLong(w[2], 16);
                } else if (w[0].equals("asid_map") && w.length == 9) {
                    map = new BitSet();
                    for (int i = 0; i < 8; i++) {
                        long word = Long.parseLong(w[i + 1], 16);
                        for (int b = 0; b < 32; b++) {
                            if ((word >>> b & 1) != 0) {
                                map.set(i * 32 + b);
                            }
                        }
                    }
                } else {
                    throw new AssertionError("not a capture line: " + line);
                }
            }
            return new CaptureFile(runs, cpus, shell, map);
        }

        /** The CPUs the capture names: one more than the highest. */
        int nrCpus() {
            int max = 0;
            for (Capture c : runs) {
                max = Math.max(max, c.cpu());
            }
            for (int k : cpuStates.keySet()) {
                max = Math.max(max, k);
            }
            return max + 1;
        }
    }

    private static List<Capture> captures(String file) {
        return CaptureFile.parse(OracleFiles.read(FOLDER, file)).runs();
    }

    private static String resource(String path) {
        try (var in = AsidConformanceTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The state the capture starts from: the generation of the first line; the map its
     * {@code asid_map} line gives, else ASIDs 1..weight (generation 1 hands them out in order and
     * never frees one); {@code cur_idx} the first probe's ASID, the last handed out; the first
     * line's CPU runs that probe; every other CPU its {@code cpu K} line: an mm of id
     * {@code active_asids}, or after a rollover of id {@code reserved_asids} with
     * {@code active_asids} 0, or none.
     */
    private static AsidAllocator startFrom(CaptureFile f) {
        Capture first = f.runs().get(0);
        AsidAllocator a = new AsidAllocator(AsidConfig.armmp(f.nrCpus()));
        BitSet map = f.map();
        if (map == null) {
            assertThat(first.hex("cur_gen")).as("ASIDs 1..weight hold only in generation 1; give asid_map").isEqualTo(1);
            map = new BitSet();
            map.set(1, first.dec("asid_map_weight") + 1);
        }
        a.restore(first.hex("cur_gen") << AsidConfig.ASID_BITS, map, first.dec("asid"));
        for (Capture c : f.runs()) {
            assertThat(c.cpu() == first.cpu() || f.cpuStates().containsKey(c.cpu()))
                    .as("the capture has no starting state of cpu %d", c.cpu()).isTrue();
        }
        long[] own = f.cpuStates().get(first.cpu());
        if (own != null) {
            assertThat(own[0]).as("cpu %d's active_asids in its state line and its first process", first.cpu())
                    .isEqualTo(first.hex("active_asids"));
        }
        MmContext probe = a.adoptMm(first.hex("TTBR0") & ~0x3fffL, first.hex("context.id"));
        a.restoreCpu(first.cpu(), probe, first.hex("active_asids"), own == null ? 0 : own[1]);
        for (Map.Entry<Integer, long[]> e : f.cpuStates().entrySet()) {
            int k = e.getKey();
            long active = e.getValue()[0];
            long reserved = e.getValue()[1];
            if (k != first.cpu() && (active != 0 || reserved != 0)) {
                MmContext mm = a.adoptMm(OTHER_PGD + 0x4000L * k, active != 0 ? active : reserved);
                a.restoreCpu(k, mm, active, reserved);
            }
        }
        return a;
    }

    /**
     * The replay of a capture: one run per line on the line's CPU (the shell switched in, a fork
     * child switched in, the previous probe gone, the new probe switched in, the child gone). An
     * mm that has gone while another CPU still runs it (its {@code active_mm}) is released once
     * no CPU does.
     */
    static final class Replay {
        final AsidAllocator a;
        final MmContext shell;
        MmContext probe;
        private final List<MmContext> gone = new ArrayList<>();

        Replay(AsidAllocator a, MmContext shell, MmContext probe) {
            this.a = a;
            this.shell = shell;
            this.probe = probe;
        }

        private void switchTo(int cpu, MmContext mm) {
            assertThat(a.switchMm(cpu, mm)).isTrue();
            gone.removeIf(a::releaseMm);
        }

        private void release(MmContext mm) {
            if (!a.releaseMm(mm)) {
                gone.add(mm);
            }
        }

        /** One run on {@code cpu} whose probe's pgd is {@code probePgd}. */
        void run(int cpu, long probePgd) {
            if (shell != null) {
                switchTo(cpu, shell);
            }
            MmContext child = a.createMm(CHILD_PGD);
            switchTo(cpu, child);
            release(probe);
            probe = a.createMm(probePgd);
            switchTo(cpu, probe);
            assertThat(a.releaseMm(child)).isTrue();
        }

        String observed(Capture c) {
            CpuAsidState cpu = a.cpu(c.cpu());
            return String.format("pid %s cpu %d context.id %x gen %x active_asids %x CONTEXTIDR %08x TTBR0 %08x"
                    + " asid_map_weight %d", c.fields().get("pid"), c.cpu(), probe.contextId(),
                    a.asidGeneration() >> AsidConfig.ASID_BITS, cpu.active(), cpu.contextidr(), cpu.ttbr0(),
                    a.asidMapWeight());
        }
    }

    private static String captured(Capture c) {
        return String.format("pid %s cpu %d context.id %x gen %x active_asids %x CONTEXTIDR %08x TTBR0 %08x"
                + " asid_map_weight %d", c.fields().get("pid"), c.cpu(), c.hex("context.id"), c.hex("cur_gen"),
                c.hex("active_asids"), c.hex("CONTEXTIDR"), c.hex("TTBR0"), c.dec("asid_map_weight"));
    }

    /**
     * Replays every line after the first and gives the model's lines and the capture's; the
     * invariants must hold after each run.
     */
    private static Replay replay(CaptureFile f, List<String> model, List<String> kernel) {
        AsidAllocator a = startFrom(f);
        long generation = f.runs().get(0).hex("cur_gen") << AsidConfig.ASID_BITS;
        MmContext probe = a.cpu(f.runs().get(0).cpu()).running();
        MmContext shell = a.adoptMm(SHELL_PGD, f.shellId() != null ? f.shellId() : generation | shellAsid(f.runs()));
        Replay r = new Replay(a, shell, probe);
        for (Capture c : f.runs().subList(1, f.runs().size())) {
            r.run(c.cpu(), c.hex("TTBR0") & ~0x3fffL);
            model.add(r.observed(c));
            kernel.add(captured(c));
            assertThat(AsidChecks.all(a)).as("after pid %s", c.fields().get("pid")).isEmpty();
        }
        return r;
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
        CaptureFile f = CaptureFile.parse(OracleFiles.read(FOLDER, "asid_runs.txt"));
        assertThat(f.runs()).hasSize(600);
        assertThat(f.nrCpus()).isEqualTo(1);
        List<String> model = new ArrayList<>();
        List<String> kernel = new ArrayList<>();
        Replay r = replay(f, model, kernel);
        assertThat(model).containsExactlyElementsOf(kernel);
        assertThat(r.a.rollovers()).isEqualTo(4);
        assertThat(r.a.asidGeneration() >> AsidConfig.ASID_BITS).isEqualTo(5);
    }

    /**
     * Two CPUs, the input written by hand from arch/arm/mm/context.c (the derivation is in the
     * file's comments, not the model's output): runs alternate between the CPUs, the shell takes
     * the fast path with another CPU's ASID live, a rollover in a fork child's switch on CPU 1
     * reserves CPU 0's probe and CPU 1's shell, and the shell's next switch, on CPU 0, keeps its
     * number through {@code check_update_reserved_asid}, which moves CPU 1's reserved copy to the
     * new generation.
     */
    @Test
    void aTwoCpuCaptureReplaysWithEachRunOnItsCpu() {
        CaptureFile f = CaptureFile.parse(resource("/asid/smp2-by-hand.txt"));
        assertThat(f.nrCpus()).isEqualTo(2);
        assertThat(f.runs()).extracting(Capture::cpu).containsExactly(0, 1, 0, 1, 0, 1);
        List<String> model = new ArrayList<>();
        List<String> kernel = new ArrayList<>();
        Replay r = replay(f, model, kernel);
        assertThat(model).containsExactlyElementsOf(kernel);
        assertThat(r.a.rollovers()).isEqualTo(1);
        // the end state worked out in the file: reserved copies and the shell's id
        assertThat(r.a.cpu(0).reserved()).isEqualTo(0x1ffL);
        assertThat(r.a.cpu(1).reserved()).isEqualTo(0x2f5L);
        assertThat(r.shell.contextId()).isEqualTo(0x2f5L);
    }

    @Test
    void aCaptureMustGiveEveryCpusStartingState() {
        String text = resource("/asid/smp2-by-hand.txt").replaceAll("(?m)^cpu 1 .*$", "");
        CaptureFile f = CaptureFile.parse(text);
        assertThat(f.nrCpus()).isEqualTo(2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> startFrom(f)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("no starting state of cpu 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"probe-mmu-1024M", "slub-smp1", "probe-vm-1024M", "probe-highmem-1024M", "slub-debug-FZPU"})
    void theNextProcessAfterEachSingleProbeLeavesTheKernelsMap(String board) {
        CaptureFile file = CaptureFile.parse(OracleFiles.read(FOLDER, board + "-probe_asid.txt"));
        Map<String, String> after = new HashMap<>();
        OracleFiles.read(FOLDER, board + "-probe_asidstate.txt").lines().forEach(l -> {
            String[] w = l.trim().split("\\s+", 2);
            after.put(w[0], w[1]);
        });
        AsidAllocator a = startFrom(file);
        new Replay(a, null, a.cpu(0).running()).run(0, CHILD_PGD + 0x4000);
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
