package armmm.model.report;

import armmm.model.memblock.Memblock;
import armmm.model.memblock.Region;
import java.util.List;

/** memblock in the debugfs format of /sys/kernel/debug/memblock/{memory,reserved} (mm/memblock.c). */
public final class MemblockReport {
    private MemblockReport() {
    }

    /** Both arrays, each under a heading, in the debugfs format. */
    public static String debugfs(Memblock mb) {
        return "memory:\n" + regions(mb.memory()) + "reserved:\n" + regions(mb.reserved());
    }

    /** One array, {@code "   0: 0x40000000..0x7fffffff"} per region. */
    public static String regions(List<Region> regions) {
        StringBuilder s = new StringBuilder();
        int i = 0;
        for (Region r : regions) {
            if (r.size() == 0) {
                continue;
            }
            s.append(String.format("%4d: 0x%08x..0x%08x%n", i++, r.base(), r.end() - 1));
        }
        return s.toString();
    }
}
