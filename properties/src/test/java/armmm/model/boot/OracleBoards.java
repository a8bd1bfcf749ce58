package armmm.model.boot;

import armmm.model.board.Bank;
import armmm.model.board.Board;
import armmm.model.board.ReservedMemory;
import armmm.model.memblock.Region;
import armmm.properties.OracleFiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The 11 captured boots (test resources oracle/kernel/): their boards and the files they left. */
final class OracleBoards {
    private OracleBoards() {
    }

    /** Board name to the model's description of it (from each folder's qemu-args.txt and cmdline.txt). */
    static Map<String, Board> all() {
        Map<String, Board> m = new LinkedHashMap<>();
        m.put("armmp-256M", Board.virt(256L << 20));
        m.put("armmp-512M", Board.virt(512L << 20));
        m.put("armmp-1024M", Board.virt(1024L << 20));
        m.put("armmp-2048M", Board.virt(2048L << 20));
        m.put("armmp-3072M", Board.virt(3072L << 20));
        m.put("armmp-1024M-vmalloc128M", Board.virt(1024L << 20).withArgs("vmalloc=128M"));
        m.put("armmp-2048M-mem700M", Board.virt(2048L << 20).withArgs("mem=700M"));
        m.put("armmp-1024M-resv88M", Board.of(List.of(new Bank(0x4000_0000L, 1024L << 20)),
                List.of(new ReservedMemory(0x5000_0000L, 88L << 20, ReservedMemory.Kind.NO_MAP)), "", 1));
        m.put("armmp-1024M-smp2", Board.virt(1024L << 20).withCpus(2));
        m.put("armmp-1024M-cma64M", Board.virt(1024L << 20).withArgs("cma=64M"));
        m.put("armmp-1024M-memblockdebug", Board.virt(1024L << 20).withArgs("memblock=debug"));
        return m;
    }

    static String read(String board, String file) {
        return OracleFiles.read(board, file);
    }

    private static final Pattern RANGE = Pattern.compile("^\\s*\\d+: 0x([0-9a-f]+)\\.\\.0x([0-9a-f]+)\\s*$");

    /** A debugfs memblock dump ({@code   0: 0x40000000..0x7fffffff}) as regions with flags 0. */
    static List<Region> dump(String board, String file) {
        List<Region> out = new ArrayList<>();
        for (String line : read(board, file).split("\n")) {
            Matcher mt = RANGE.matcher(line);
            if (mt.matches()) {
                long base = Long.parseLong(mt.group(1), 16);
                long last = Long.parseLong(mt.group(2), 16);
                out.add(new Region(base, last - base + 1, 0));
            }
        }
        return out;
    }

    /** A /proc/meminfo value in kB. */
    static long meminfo(String board, String key) {
        for (String line : read(board, "meminfo.txt").split("\n")) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException(key + " not in meminfo of " + board);
    }

    private static final Pattern DMA = Pattern.compile("\\s+DMA\\s+\\[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\\]");

    /** One past the DMA zone, read off dmesg's "Zone ranges": the lowmem limit on virt. */
    static long lowmemLimit(String board) {
        Matcher mt = DMA.matcher(read(board, "dmesg.txt"));
        if (!mt.find()) {
            throw new IllegalStateException("no DMA zone range in dmesg of " + board);
        }
        return Long.parseLong(mt.group(2), 16) + 1;
    }

    /** A dmesg line's number, e.g. "Dentry cache hash table entries: (\\d+)". */
    static long dmesgNumber(String board, String regex) {
        Matcher mt = Pattern.compile(regex).matcher(read(board, "dmesg.txt"));
        if (!mt.find()) {
            throw new IllegalStateException(regex + " not in dmesg of " + board);
        }
        return Long.parseLong(mt.group(1));
    }
}
