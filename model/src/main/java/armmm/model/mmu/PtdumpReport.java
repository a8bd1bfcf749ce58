package armmm.model.mmu;

import armmm.model.layout.Layout;

/**
 * {@code print pagetables [VA [VA_END]]}: init_mm's kernel half the way ARM's ptdump
 * (arch/arm/mm/dump.c, {@code /sys/kernel/debug/kernel_page_tables}) shows it: area markers, then
 * one line per run of entries at the same level with the same attributes: range, size, level
 * ({@code SECT} for a first-level section, {@code PTE} for a small page), {@code ro}/{@code RW},
 * {@code x}/{@code NX}, {@code USR} for user-accessible, {@code nG}, and the domain.
 */
public final class PtdumpReport {
    private PtdumpReport() {
    }

    /** The whole kernel half, from MODULES_VADDR (0xbf000000) to the top. */
    public static String render(KernelPageTables t, Layout l) {
        return render(t, l, l.modulesVaddr(), 0x1_0000_0000L);
    }

    /** The entries in [start, end), page aligned. */
    public static String render(KernelPageTables t, Layout l, long start, long end) {
        long[][] markers = {
            {l.modulesVaddr(), 0}, {l.pkmapBase(), 1}, {l.pageOffset(), 2}, {l.vmallocStart(), 3},
            {l.vmallocEnd(), 4}, {Layout.FIXADDR_START, 5}, {Layout.VECTORS_BASE, 6},
        };
        String[] names = {"Modules", "Persistent kmaps", "Kernel Mapping", "vmalloc() Area", "vmalloc() End",
            "Fixmap Area", "Vectors"};
        StringBuilder sb = new StringBuilder();
        long runStart = -1;
        String runAttr = null;
        int marker = 0;
        long va = start & -4096L;
        while (va < end) {
            while (marker < markers.length && markers[marker][0] <= va) {
                if (runAttr != null) {
                    line(sb, runStart, va, runAttr);
                    runAttr = null;
                }
                if (markers[marker][0] >= (start & -4096L)) {
                    sb.append("---[ ").append(names[(int) markers[marker][1]]).append(" ]---\n");
                }
                marker++;
            }
            int l1 = t.l1((int) (va >>> 20));
            long step;
            String attr;
            if ((l1 & 3) == 2) {
                step = 0x100000 - (va & 0xfffff);
                attr = sectionAttr(l1);
            } else if ((l1 & 3) == 1) {
                step = 4096;
                int hw = t.hwPte(va);
                attr = (hw & 2) == 0 ? null : pageAttr(hw, (l1 >>> 5) & 0xf);
            } else {
                step = 0x100000 - (va & 0xfffff);
                attr = null;
            }
            long next = Math.min(va + step, end);
            if (marker < markers.length && markers[marker][0] < next) {
                next = markers[marker][0];
            }
            if (attr == null || !attr.equals(runAttr)) {
                if (runAttr != null) {
                    line(sb, runStart, va, runAttr);
                }
                runStart = va;
                runAttr = attr;
            }
            va = next;
        }
        if (runAttr != null) {
            line(sb, runStart, Math.min(va, end), runAttr);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, long from, long to, String attr) {
        long size = to - from;
        String s = size >= (1 << 20) && size % (1 << 20) == 0 ? (size >> 20) + "M" : (size >> 10) + "K";
        sb.append(String.format("0x%08x-0x%08x %8s %s%n", from, to, s, attr));
    }

    private static String sectionAttr(int d) {
        boolean apx = (d & (1 << 15)) != 0;
        int ap = (d >>> 10) & 3;
        return attr("SECT", apx, ap, (d & (1 << 4)) != 0, (d & (1 << 17)) != 0, (d >>> 5) & 0xf);
    }

    private static String pageAttr(int d, int domain) {
        boolean apx = (d & (1 << 9)) != 0;
        int ap = (d >>> 4) & 3;
        return attr("PTE ", apx, ap, (d & 1) != 0, (d & (1 << 11)) != 0, domain);
    }

    private static String attr(String level, boolean apx, int ap, boolean xn, boolean ng, int domain) {
        String rw = apx || ap == 0 ? "ro" : "RW";
        String user = ap >= 2 ? " USR" : "    ";
        return String.format("%s %s %s%s%s domain %d", level, rw, xn ? "NX" : "x ", user, ng ? " nG" : "   ", domain);
    }
}
