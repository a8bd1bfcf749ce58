package armmm.model.report;

import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * memblock in the kernel's two text formats: the {@code memblock=debug} boot dump
 * ({@code __memblock_dump_all}, mm/memblock.c) and the debugfs files
 * {@code /sys/kernel/debug/memblock/memory} and {@code .../reserved} ({@code memblock_debug_show}).
 */
public final class MemblockReport {
    private MemblockReport() {
    }

    /** Both arrays, each under a heading, in the debugfs format. */
    public static String debugfs(Memblock mb) {
        return "memory:\n" + regions(mb.memory()) + "reserved:\n" + regions(mb.reserved());
    }

    /**
     * One array, {@code "   0: 0x40000000..0x7fffffff"} per region, each line ending in a newline.
     * The dummy region of an empty array is left out here (the kernel would print it as
     * {@code 0x00000000..0xffffffff}); {@link #debugfsMemory} keeps it.
     */
    public static String regions(List<Region> regions) {
        StringBuilder s = new StringBuilder();
        int i = 0;
        for (Region r : regions) {
            if (r.size() == 0) {
                continue;
            }
            s.append(String.format("%4d: %s..%s%n", i++, pa(r.base()), pa(r.end() - 1)));
        }
        return s.toString();
    }

    /**
     * The lines {@code __memblock_dump_all} prints, without the {@code printk} timestamp: the
     * header, the total sizes, then each array with its {@code cnt} and regions.
     */
    public static List<String> dumpAll(Memblock m) {
        List<String> out = new ArrayList<>();
        out.add("MEMBLOCK configuration:");
        out.add(String.format(" memory size = %s reserved size = %s", pa(m.memoryTotalSize()), pa(m.reservedTotalSize())));
        dump(out, "memory", m.memory());
        dump(out, "reserved", m.reserved());
        return out;
    }

    private static void dump(List<String> out, String name, List<Region> regions) {
        out.add(String.format(" %s.cnt  = 0x%x", name, regions.size()));
        for (int i = 0; i < regions.size(); i++) {
            Region r = regions.get(i);
            out.add(String.format(" %s[0x%x]\t[%s-%s], %s bytes flags: 0x%x",
                    name, i, pa(r.base()), pa(r.base() + r.size() - 1), pa(r.size()), r.flags()));
        }
    }

    /** The debugfs file of {@code memblock.memory}, exactly as {@code memblock_debug_show} prints it. */
    public static List<String> debugfsMemory(Memblock m) {
        return debugfsLines(m.memory());
    }

    /** The debugfs file of {@code memblock.reserved}, exactly as {@code memblock_debug_show} prints it. */
    public static List<String> debugfsReserved(Memblock m) {
        return debugfsLines(m.reserved());
    }

    private static List<String> debugfsLines(List<Region> regions) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < regions.size(); i++) {
            Region r = regions.get(i);
            out.add(String.format("%4d: %s..%s", i, pa(r.base()), pa(r.base() + r.size() - 1)));
        }
        return out;
    }

    /** {@code %pa} of a 32-bit phys_addr_t: {@code 0x} and eight hex digits, wrapping like the C value. */
    static String pa(long v) {
        return String.format("0x%08x", v & 0xffff_ffffL);
    }
}
