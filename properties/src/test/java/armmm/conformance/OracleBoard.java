package armmm.conformance;

import armmm.model.zone.ZoneType;
import armmm.properties.OracleFiles;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real boot of the oracle kernel, read from the test resources
 * ({@code oracle/kernel/<board>/}, copied from shared/oracle/kernel): how it was booted
 * (qemu-args.txt, cmdline.txt, dtb-used.dts) and what it reported (zoneinfo.txt, meminfo.txt,
 * min_free_kbytes.txt, the memblock debugfs dumps, dmesg.txt).
 */
final class OracleBoard {
    /** The eleven boards of the oracle. */
    static final List<String> BOARDS = List.of("armmp-256M", "armmp-512M", "armmp-1024M", "armmp-2048M",
            "armmp-3072M", "armmp-1024M-vmalloc128M", "armmp-2048M-mem700M", "armmp-1024M-resv88M",
            "armmp-1024M-smp2", "armmp-1024M-cma64M", "armmp-1024M-memblockdebug");

    /** What /proc/zoneinfo showed for one zone. */
    record OracleZone(long free, long min, long low, long high, long spanned, long present, long managed, long cma,
                      long[] protection, Long startPfn, List<long[]> pcpHighBatch, Integer threshold) {
    }

    /** A region of a memblock debugfs dump: [base, end] inclusive, as the dump prints it. */
    record DumpRegion(long base, long lastByte) {
        long size() {
            return lastByte - base + 1;
        }
    }

    final String name;
    final long ramBytes;
    final int cpus;
    final boolean ownDtb;
    final String cmdline;
    final Map<ZoneType, OracleZone> zones;
    final Map<String, Long> meminfoKb;
    final long minFreeKbytes;
    final int watermarkScaleFactor;
    final int[] lowmemReserveRatio;
    final List<DumpRegion> memory;
    final List<DumpRegion> reserved;
    final List<DumpRegion> nomap;
    final String dmesg;

    private OracleBoard(String name) {
        this.name = name;
        String qemu = read("qemu-args.txt");
        this.ramBytes = Long.parseLong(find(qemu, " -m (\\d+)")) << 20;
        this.cpus = Integer.parseInt(find(qemu, " -smp (\\d+)"));
        this.ownDtb = qemu.contains(" -dtb ");
        this.cmdline = read("cmdline.txt").trim();
        this.zones = parseZoneinfo(read("zoneinfo.txt"));
        this.meminfoKb = parseMeminfo(read("meminfo.txt"));
        this.minFreeKbytes = Long.parseLong(read("min_free_kbytes.txt").trim());
        this.watermarkScaleFactor = Integer.parseInt(read("watermark_scale_factor.txt").trim());
        String[] ratio = read("lowmem_reserve_ratio.txt").trim().split("\\s+");
        this.lowmemReserveRatio = new int[ratio.length];
        for (int i = 0; i < ratio.length; i++) {
            lowmemReserveRatio[i] = Integer.parseInt(ratio[i]);
        }
        this.memory = parseDump(read("memblock_memory.txt"));
        this.reserved = parseDump(read("memblock_reserved.txt"));
        this.nomap = ownDtb ? parseNomap(read("dtb-used.dts")) : List.of();
        this.dmesg = read("dmesg.txt");
    }

    /** Reads board {@code name} from the classpath. */
    static OracleBoard load(String name) {
        return new OracleBoard(name);
    }

    /** A {@code key=value} of the kernel command line, or null. */
    String param(String key) {
        for (String word : cmdline.split("\\s+")) {
            if (word.startsWith(key + "=")) {
                return word.substring(key.length() + 1);
            }
        }
        return null;
    }

    /** A number dmesg printed, first group of {@code regex}, or -1. */
    long dmesgNumber(String regex) {
        Matcher m = Pattern.compile(regex).matcher(dmesg);
        return m.find() ? Long.decode(m.group(1)) : -1;
    }

    /** Every match of {@code regex} in dmesg, as its groups. */
    List<String[]> dmesgAll(String regex) {
        List<String[]> out = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(dmesg);
        while (m.find()) {
            String[] g = new String[m.groupCount()];
            for (int i = 0; i < g.length; i++) {
                g[i] = m.group(i + 1);
            }
            out.add(g);
        }
        return out;
    }

    private String read(String file) {
        return OracleFiles.read(name, file);
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no match for " + regex);
        }
        return m.group(1);
    }

    static Map<ZoneType, OracleZone> parseZoneinfo(String text) {
        Map<ZoneType, OracleZone> out = new EnumMap<>(ZoneType.class);
        String[] blocks = text.split("(?m)^(?=Node 0, zone)");
        for (String b : blocks) {
            if (!b.startsWith("Node 0, zone")) {
                continue;
            }
            ZoneType t = ZoneType.byKernelName(b.substring("Node 0, zone".length()).trim().split("\\s+")[0]);
            Matcher p = Pattern.compile("protection: \\(([^)]*)\\)").matcher(b);
            p.find();
            String[] ps = p.group(1).split(",\\s*");
            long[] prot = new long[ps.length];
            for (int i = 0; i < ps.length; i++) {
                prot[i] = Long.parseLong(ps[i].trim());
            }
            List<long[]> pcp = new ArrayList<>();
            Matcher hb = Pattern.compile("high:\\s+(\\d+)\\s+batch:\\s+(\\d+)").matcher(b);
            while (hb.find()) {
                pcp.add(new long[] {Long.parseLong(hb.group(1)), Long.parseLong(hb.group(2))});
            }
            Matcher start = Pattern.compile("start_pfn:\\s+(\\d+)").matcher(b);
            Matcher thr = Pattern.compile("vm stats threshold: (\\d+)").matcher(b);
            out.put(t, new OracleZone(field(b, "pages free"), field(b, "min"), field(b, "low"), field(b, "high"),
                    field(b, "spanned"), field(b, "present"), field(b, "managed"), field(b, "cma"), prot,
                    start.find() ? Long.valueOf(start.group(1)) : null, pcp,
                    thr.find() ? Integer.valueOf(thr.group(1)) : null));
        }
        return out;
    }

    private static long field(String block, String name) {
        Matcher m = Pattern.compile("(?m)^\\s+" + Pattern.quote(name) + "\\s+(\\d+)$").matcher(block);
        if (!m.find()) {
            throw new IllegalStateException("zoneinfo has no " + name);
        }
        return Long.parseLong(m.group(1));
    }

    static Map<String, Long> parseMeminfo(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = Pattern.compile("^([^:]+):\\s+(\\d+)").matcher(line);
            if (m.find()) {
                out.put(m.group(1), Long.parseLong(m.group(2)));
            }
        }
        return out;
    }

    private static List<DumpRegion> parseDump(String text) {
        List<DumpRegion> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*\\d+: (0x[0-9a-f]+)\\.\\.(0x[0-9a-f]+)").matcher(text);
        while (m.find()) {
            out.add(new DumpRegion(Long.decode(m.group(1)), Long.decode(m.group(2))));
        }
        return out;
    }

    /** The {@code no-map} nodes of /reserved-memory in the board's own device tree. */
    private static List<DumpRegion> parseNomap(String dts) {
        List<DumpRegion> out = new ArrayList<>();
        int rm = dts.indexOf("reserved-memory {");
        if (rm < 0) {
            return out;
        }
        Matcher m = Pattern.compile("reg = <0x0+ (0x[0-9a-f]+) 0x0+ (0x[0-9a-f]+)>;\\s*no-map;").matcher(dts.substring(rm));
        while (m.find()) {
            long base = Long.decode(m.group(1));
            out.add(new DumpRegion(base, base + Long.decode(m.group(2)) - 1));
        }
        return out;
    }
}
