package armmm.model.page;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.check.BuddyChecks;
import armmm.model.report.BuddyinfoReport;
import armmm.model.report.PagetypeinfoReport;
import armmm.model.zone.ZoneType;
import armmm.properties.OracleFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The 1 GiB oracle board booted by hand (its memblock reservations, its zones, CMA at the top)
 * gives free lists of the real boot's shape, printed in the real files' format. The real kernel
 * had allocated a few thousand pages more by the time it printed, so counts differ a little.
 */
class BootShapeTest {
    private static final Pattern RANGE = Pattern.compile("^\\s*\\d+: 0x([0-9a-f]+)\\.\\.0x([0-9a-f]+)$");

    private static String oracle(String file) {
        return OracleFiles.read("armmp-1024M", file);
    }

    private static PageAllocator boot() {
        List<long[]> reserved = new ArrayList<>();
        for (String line : oracle("memblock_reserved.txt").split("\n")) {
            Matcher m = RANGE.matcher(line);
            if (m.matches()) {
                reserved.add(new long[] {Long.parseLong(m.group(1), 16), Long.parseLong(m.group(2), 16) + 1});
            }
        }
        return TestBoards.oracle1024M(reserved.toArray(new long[0][]));
    }

    private static long[] row(String text, String prefix) {
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                String[] f = line.substring(prefix.length()).trim().split("\\s+");
                long[] v = new long[f.length];
                for (int i = 0; i < f.length; i++) {
                    v[i] = Long.parseLong(f[i]);
                }
                return v;
            }
        }
        throw new AssertionError("no line " + prefix);
    }

    @Test
    void theBootedFreeListsHaveTheRealBootsShape() {
        PageAllocator pa = boot();
        assertThat(BuddyChecks.fullScan(pa)).isEmpty();
        String model = BuddyinfoReport.render(pa);
        String real = oracle("buddyinfo.txt");
        for (String zone : new String[] {"Node 0, zone      DMA", "Node 0, zone  HighMem"}) {
            long[] m = row(model, zone);
            long[] r = row(real, zone);
            assertThat(m).hasSameSizeAs(r);
            assertThat(m[11]).as("%s order-11 blocks", zone).isBetween(r[11], r[11] + Math.max(4, r[11] / 10));
        }
        assertThat(pa.zone(ZoneType.HIGHMEM).freeListCount(11, MigrateType.CMA)).isEqualTo(2);
    }

    @Test
    void theModelsOwnBootGivesTheRealShapeOnEveryOracleBoard() {
        for (String board : new String[] {"armmp-256M", "armmp-512M", "armmp-1024M", "armmp-2048M", "armmp-3072M",
            "armmp-1024M-cma64M", "armmp-1024M-smp2", "armmp-1024M-vmalloc128M", "armmp-2048M-mem700M"}) {
            java.util.Map<String, String> params = new java.util.HashMap<>();
            params.put("ram", board.replaceAll("armmp-(\\d+M).*", "$1"));
            if (board.endsWith("cma64M")) {
                params.put("cmdline", "cma=64M");
            } else if (board.endsWith("vmalloc128M")) {
                params.put("cmdline", "vmalloc=128M");
            } else if (board.endsWith("mem700M")) {
                params.put("cmdline", "mem=700M");
            } else if (board.endsWith("smp2")) {
                params.put("cpus", "2");
            }
            armmm.model.kernel.Kernel k = armmm.scenario.Boards.boot(params, 1);
            PageAllocator pa = k.pages();
            assertThat(BuddyChecks.fullScan(pa)).as(board).isEmpty();
            assertThat(k.check()).as(board).isEmpty();
            String real = oracleOf(board, "buddyinfo.txt");
            String realTypes = oracleOf(board, "pagetypeinfo.txt");
            for (ZoneType t : new ZoneType[] {ZoneType.DMA, ZoneType.HIGHMEM}) {
                String prefix = String.format("Node 0, zone %8s", t.kernelName());
                if (!real.contains(prefix)) {
                    assertThat(pa.zone(t).config().presentPages()).as(board + " " + t).isZero();
                    continue;
                }
                long[] r = row(real, prefix);
                long[] m = row(BuddyinfoReport.render(pa), prefix);
                assertThat(m[11]).as("%s %s order-11 blocks", board, t).isBetween(r[11], r[11] + Math.max(4, r[11] / 10));
                long[] blocks = row(realTypes, prefix + " ");
                assertThat(pa.pageblockCounts(t)[MigrateType.CMA.ordinal()]).as("%s %s CMA pageblocks", board, t)
                        .isEqualTo(blocks[MigrateType.CMA.ordinal()]);
                assertThat(java.util.Arrays.stream(pa.pageblockCounts(t)).sum()).as("%s %s pageblocks", board, t)
                        .isEqualTo(java.util.Arrays.stream(blocks).sum());
            }
        }
    }

    private static String oracleOf(String board, String file) {
        return OracleFiles.read(board, file);
    }

    @Test
    void buddyinfoAndPagetypeinfoPrintInTheKernelsFormat() {
        PageAllocator pa = boot();
        String[] model = PagetypeinfoReport.render(pa).split("\n", -1);
        String[] real = oracle("pagetypeinfo.txt").split("\n", -1);
        assertThat(model).hasSameSizeAs(real);
        for (int i = 0; i < real.length; i++) {
            assertThat(model[i].length()).as("width of line %d", i).isEqualTo(real[i].length());
            assertThat(model[i].replaceAll("\\d+", "N")).as("line %d", i).isEqualTo(real[i].replaceAll("\\d+", "N"));
        }
        assertThat(model[0]).isEqualTo(real[0]);
        assertThat(model[1]).isEqualTo(real[1]);
        assertThat(model[3]).isEqualTo(real[3]);
        String[] bi = BuddyinfoReport.render(pa).split("\n");
        String[] rbi = oracle("buddyinfo.txt").split("\n");
        for (int i = 0; i < rbi.length; i++) {
            assertThat(bi[i].length()).as("buddyinfo line %d width", i).isEqualTo(rbi[i].length());
        }
    }

    @Test
    void pageblockCountsMatchTheRealBoot() {
        PageAllocator pa = boot();
        String real = oracle("pagetypeinfo.txt");
        long[] dma = row(real, "Node 0, zone      DMA ");
        long[] high = row(real, "Node 0, zone  HighMem ");
        long[] mdma = pa.pageblockCounts(ZoneType.DMA);
        long[] mhigh = pa.pageblockCounts(ZoneType.HIGHMEM);
        assertThat(java.util.Arrays.stream(mdma).sum()).isEqualTo(java.util.Arrays.stream(dma).sum());
        assertThat(java.util.Arrays.stream(mhigh).sum()).isEqualTo(java.util.Arrays.stream(high).sum());
        assertThat(mhigh[MigrateType.CMA.ordinal()]).isEqualTo(high[MigrateType.CMA.ordinal()]);
    }
}
