package armmm.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.core.Bugs;
import armmm.model.zone.ZoneBug;
import armmm.model.check.ZoneChecks;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneInputs;
import armmm.model.zone.ZoneSetup;
import armmm.model.zone.ZoneType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The model against the real kernel: for each of the eleven oracle boots, the model boots the same
 * board ({@link ModelBoot}: the model's own early boot, memblock and layout) and its zones,
 * watermarks, protection, per-CPU list sizes, meminfo totals and layout facts are compared with what
 * the kernel reported; every zone invariant must hold on the result. Geometry and the highmem
 * figures must be exact; the lowmem figures, which depend on every early allocation, within 0.5%;
 * the highmem low/high watermarks within 1%. Writes the whole table to {@code target/conformance.md}.
 */
class ZoneConformanceTest {
    private static final double EXACT = 0;
    private static final double HALF_PERCENT = 0.005;
    private static final double ONE_PERCENT = 0.01;
    private static final List<Agreement> TABLE = new ArrayList<>();

    @TestFactory
    Stream<DynamicTest> everyOracleBoardAgreesWithTheModel() {
        return OracleBoard.BOARDS.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            OracleBoard b = OracleBoard.load(name);
            BootFacts model = ModelBoot.boot(b);
            assertThat(ZoneChecks.check(model.zones())).as("zone invariants on " + name).isEmpty();
            List<Agreement> rows = compare(b, model);
            synchronized (TABLE) {
                TABLE.addAll(rows);
            }
            assertThat(rows.stream().filter(r -> !r.agrees()).map(Agreement::row).toList())
                    .as("fields where the model disagrees with the kernel on " + name).isEmpty();
        }));
    }

    @TestFactory
    Stream<DynamicTest> theKernelsOwnMemblockDumpsReproduceEveryFieldExactly() {
        // no tolerance at all when the inputs are the kernel's own reserved regions
        return OracleBoard.BOARDS.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            OracleBoard b = OracleBoard.load(name);
            assertThat(compare(b, OracleDumpBoot.boot(b)).stream().filter(r -> r.difference() != 0)
                    .map(Agreement::row).toList()).isEmpty();
        }));
    }

    @Test
    void theModelsSysctlDefaultsAreTheKernels() {
        for (String name : OracleBoard.BOARDS) {
            OracleBoard b = OracleBoard.load(name);
            assertThat(b.watermarkScaleFactor).as(name).isEqualTo(ZoneInputs.DEFAULT_WATERMARK_SCALE_FACTOR);
            assertThat(b.lowmemReserveRatio).as(name).containsExactly(ZoneInputs.DEFAULT_LOWMEM_RESERVE_RATIO);
        }
    }

    @Test
    void aPlantedZoneBugMakesTheComparisonFail() {
        OracleBoard plain = OracleBoard.load("armmp-1024M");
        assertThat(compare(plain, ModelBoot.boot(plain, Bugs.of(ZoneBug.ZONE_CMA_NOT_MANAGED))).stream()
                .filter(r -> !r.agrees()).map(Agreement::field)).contains("HighMem managed", "HighMem cma", "HighTotal kB");
        OracleBoard resv = OracleBoard.load("armmp-1024M-resv88M");
        assertThat(compare(resv, ModelBoot.boot(resv, Bugs.of(ZoneBug.ZONE_NOMAP_ABSENT))).stream()
                .filter(r -> !r.agrees()).map(Agreement::field)).contains("DMA present");
    }

    static List<Agreement> compare(OracleBoard b, BootFacts m) {
        List<Agreement> rows = new ArrayList<>();
        ZoneSetup s = m.zones();
        for (ZoneType t : ZoneType.values()) {
            OracleBoard.OracleZone k = b.zones.get(t);
            ZoneConfig z = s.zone(t);
            String n = t.kernelName() + " ";
            if (k.startPfn() != null) {
                rows.add(new Agreement(b.name, n + "start_pfn", k.startPfn(), z.startPfn(), EXACT));
            }
            rows.add(new Agreement(b.name, n + "spanned", k.spanned(), z.spannedPages(), EXACT));
            rows.add(new Agreement(b.name, n + "present", k.present(), z.presentPages(), EXACT));
            boolean lowmem = t == ZoneType.DMA || t == ZoneType.NORMAL;
            double wmTol = lowmem ? HALF_PERCENT : ONE_PERCENT;
            rows.add(new Agreement(b.name, n + "managed", k.managed(), z.managedPages(), lowmem ? HALF_PERCENT : EXACT));
            rows.add(new Agreement(b.name, n + "min", k.min(), z.min(), lowmem ? HALF_PERCENT : EXACT));
            rows.add(new Agreement(b.name, n + "low", k.low(), z.low(), wmTol));
            rows.add(new Agreement(b.name, n + "high", k.high(), z.high(), wmTol));
            rows.add(new Agreement(b.name, n + "cma", k.cma(), s.cmaPages(t), EXACT));
            long[] prot = z.lowmemReserve();
            for (int j = 0; j < prot.length; j++) {
                rows.add(new Agreement(b.name, n + "protection[" + j + "]", k.protection()[j], prot[j], EXACT));
            }
            if (!k.pcpHighBatch().isEmpty()) {
                rows.add(new Agreement(b.name, n + "pcp high", k.pcpHighBatch().get(0)[0], z.pcpHigh(), wmTol));
                rows.add(new Agreement(b.name, n + "pcp batch", k.pcpHighBatch().get(0)[1], z.pcpBatch(), EXACT));
                rows.add(new Agreement(b.name, n + "vm stats threshold", k.threshold(), s.statThreshold().get(t),
                        EXACT));
            }
        }
        Map<String, Long> mi = b.meminfoKb;
        long kbPerPage = ZoneSetup.PAGE_SIZE >> 10;
        rows.add(new Agreement(b.name, "MemTotal kB", mi.get("MemTotal"), s.totalramPages() * kbPerPage, HALF_PERCENT));
        rows.add(new Agreement(b.name, "HighTotal kB", mi.get("HighTotal"), s.totalhighPages() * kbPerPage, EXACT));
        rows.add(new Agreement(b.name, "LowTotal kB", mi.get("LowTotal"),
                (s.totalramPages() - s.totalhighPages()) * kbPerPage, HALF_PERCENT));
        rows.add(new Agreement(b.name, "CmaTotal kB", mi.get("CmaTotal"), s.managed().totalCmaPages() * kbPerPage, EXACT));
        // mem_init's "Memory: N K/M K available (..., H K highmem)": the pages memblock_free_all and
        // free_highpages handed over, before CMA and the late frees
        long[] freeAll = s.managed().atFreeAll().toArray();
        long highFreeAll = 0;
        for (ZoneType t : ZoneType.values()) {
            highFreeAll += s.spans().isHighmem(t) ? freeAll[t.ordinal()] : 0;
        }
        rows.add(new Agreement(b.name, "dmesg Memory: available kB", b.dmesgNumber("Memory: (\\d+)K/"),
                Arrays.stream(freeAll).sum() * kbPerPage, HALF_PERCENT));
        rows.add(new Agreement(b.name, "dmesg Memory: highmem kB", b.dmesgNumber("(\\d+)K highmem\\)"),
                highFreeAll * kbPerPage, EXACT));
        rows.add(new Agreement(b.name, "min_free_kbytes", b.minFreeKbytes, s.minFreeKbytes(), HALF_PERCENT));
        // the kernel's layout facts, read off its zoneinfo and meminfo: lowmem is ZONE_DMA (Normal is
        // empty on this board), high_memory is its __va, VMALLOC_START is VMALLOC_END - VmallocTotal
        OracleBoard.OracleZone dma = b.zones.get(ZoneType.DMA);
        long kernelLimit = (dma.startPfn() + dma.spanned()) << ZoneSetup.PAGE_SHIFT;
        rows.add(new Agreement(b.name, "lowmem limit", kernelLimit, m.lowmemLimit(), EXACT));
        rows.add(new Agreement(b.name, "high_memory", kernelLimit - OracleDumpBoot.PHYS_OFFSET + OracleDumpBoot.PAGE_OFFSET,
                m.highMemory(), EXACT));
        rows.add(new Agreement(b.name, "VMALLOC_START", OracleDumpBoot.VMALLOC_END - (mi.get("VmallocTotal") << 10),
                m.vmallocStart(), EXACT));
        rows.add(new Agreement(b.name, "VmallocTotal kB", mi.get("VmallocTotal"), (m.vmallocEnd() - m.vmallocStart()) >> 10,
                EXACT));
        return rows;
    }

    @AfterAll
    static void writeTheAgreementTable() throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("| board | field | kernel | model | model - kernel | tolerance | agrees |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        List<Agreement> sorted = new ArrayList<>(TABLE);
        sorted.sort((x, y) -> Integer.compare(OracleBoard.BOARDS.indexOf(x.board()), OracleBoard.BOARDS.indexOf(y.board())));
        long failed = 0;
        for (Agreement a : sorted) {
            out.append(a.row()).append('\n');
            failed += a.agrees() ? 0 : 1;
        }
        out.append('\n').append(sorted.size() - failed).append(" agree, ").append(failed).append(" disagree\n");
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("conformance.md"), out.toString(), StandardCharsets.UTF_8);
        Files.writeString(target.resolve("conformance-summary.md"), summary(sorted), StandardCharsets.UTF_8);
    }

    /** The README's table: one row per board, the key fields as "kernel" or "kernel / model (diff)". */
    static String summary(List<Agreement> rows) {
        List<String> fields = List.of("DMA spanned", "DMA present", "DMA managed", "DMA min", "DMA low", "DMA high",
                "HighMem spanned", "HighMem managed", "HighMem min", "HighMem low", "HighMem high", "DMA protection[2]",
                "MemTotal kB", "LowTotal kB", "min_free_kbytes", "VmallocTotal kB", "CmaTotal kB");
        StringBuilder out = new StringBuilder("| board | " + String.join(" | ", fields) + " |\n|---|");
        out.append("---|".repeat(fields.size())).append('\n');
        for (String board : OracleBoard.BOARDS) {
            out.append("| ").append(board).append(" |");
            for (String f : fields) {
                String cell = rows.stream().filter(r -> r.board().equals(board) && r.field().equals(f)).findFirst()
                        .map(r -> r.difference() == 0 ? Long.toString(r.kernel())
                                : r.kernel() + " / " + r.model() + " (" + (r.difference() > 0 ? "+" : "") + r.difference() + ")")
                        .orElse("-");
                out.append(' ').append(cell).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }
}
