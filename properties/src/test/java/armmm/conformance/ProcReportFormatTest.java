package armmm.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.report.MeminfoReport;
import armmm.model.report.ZoneCounters;
import armmm.model.report.ZoneinfoReport;
import armmm.model.zone.ZoneSetup;
import armmm.model.zone.ZoneType;
import armmm.properties.OracleFiles;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The /proc reports of the model's own boot print what the kernel prints: given the kernel's own runtime counters (free
 * pages, per-CPU list counts), the model's zoneinfo is the kernel's zoneinfo.txt line for line,
 * less the vmstat item lists the model does not keep, and its meminfo lines are the kernel's.
 */
class ProcReportFormatTest {

    @TestFactory
    Stream<DynamicTest> zoneinfoIsTheKernelsLineForLine() {
        return OracleBoard.BOARDS.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            OracleBoard b = OracleBoard.load(name);
            ZoneSetup s = ModelBoot.boot(b).zones();
            String kernel = read(b, "zoneinfo.txt");
            String expected = Arrays.stream(kernel.split("\n"))
                    .filter(l -> !l.equals("  per-node stats") && !l.matches(" {6}[a-z_]+\\s+\\d+"))
                    .collect(Collectors.joining("\n", "", "\n"));
            assertThat(ZoneinfoReport.render(s, countersOf(b, kernel))).isEqualTo(expected);
        }));
    }

    @TestFactory
    Stream<DynamicTest> meminfoTotalsAreTheKernelsLines() {
        return OracleBoard.BOARDS.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            OracleBoard b = OracleBoard.load(name);
            BootFacts m = ModelBoot.boot(b);
            String kernel = read(b, "meminfo.txt");
            List<String> report = Arrays.asList(MeminfoReport.render(m.zones(), m.vmallocEnd() - m.vmallocStart(),
                    countersOf(b, read(b, "zoneinfo.txt"))).split("\n"));
            List<String> kernelLines = Arrays.stream(kernel.split("\n"))
                    .filter(l -> report.stream().anyMatch(r -> r.startsWith(l.substring(0, l.indexOf(':') + 1))))
                    .toList();
            // the free counts were read from zoneinfo, at another moment than meminfo: compare their shape only
            assertThat(withoutFreeCounts(report.subList(0, report.size() - 1))).isEqualTo(withoutFreeCounts(kernelLines));
            assertThat(report).allMatch(l -> l.matches("[A-Za-z_]+:\\s+\\d+ kB") && l.indexOf(" kB") == 24);
            assertThat(report.get(report.size() - 1)).isEqualTo(String.format("min_free_kbytes:%8d kB", b.minFreeKbytes));
        }));
    }

    private static List<String> withoutFreeCounts(List<String> lines) {
        return lines.stream().map(l -> l.matches("\\w+Free:.*") ? l.substring(0, l.indexOf(':') + 1) : l).toList();
    }

    /** The kernel's runtime counters of this boot, read off its zoneinfo. */
    private static ZoneCounters countersOf(OracleBoard b, String zoneinfo) {
        return new ZoneCounters() {
            @Override
            public long nrFree(ZoneType t) {
                return b.zones.get(t).free();
            }

            @Override
            public long nrFreeCma(ZoneType t) {
                Matcher m = Pattern.compile("nr_free_cma\\s+(\\d+)").matcher(block(zoneinfo, t));
                return m.find() ? Long.parseLong(m.group(1)) : 0;
            }

            @Override
            public int pcpCount(ZoneType t, int cpu) {
                Matcher m = Pattern.compile("cpu: " + cpu + "\\s+count: (\\d+)").matcher(block(zoneinfo, t));
                return m.find() ? Integer.parseInt(m.group(1)) : 0;
            }
        };
    }

    private static String block(String zoneinfo, ZoneType t) {
        int from = zoneinfo.indexOf(String.format("Node 0, zone %8s", t.kernelName()));
        int to = zoneinfo.indexOf("Node 0, zone", from + 1);
        return zoneinfo.substring(from, to < 0 ? zoneinfo.length() : to);
    }

    private static String read(OracleBoard b, String file) {
        return OracleFiles.read(b.name, file);
    }
}
