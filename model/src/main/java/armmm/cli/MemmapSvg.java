package armmm.cli;

import armmm.model.boot.BootedSystem;
import armmm.model.core.Xml;
import armmm.model.kernel.Kernel;
import armmm.model.layout.Layout;
import armmm.model.memblock.Region;
import armmm.model.vmalloc.Vmalloc;
import armmm.model.vmalloc.VmapArea;
import armmm.model.zone.CmaArea;
import armmm.model.zone.ZoneConfig;
import armmm.model.zone.ZoneSetup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code boot --print memmap-svg}: the memory map of a booted board as one SVG picture, the one
 * the seed articles draw by hand. Left, physical memory: {@code memblock.memory} and
 * {@code memblock.reserved} (mm/memblock.c) as boot left them, the zones (their
 * {@code zone_start_pfn} and {@code spanned_pages}, mm/page_alloc.c), the CMA areas
 * (mm/cma.c) and the lowmem/highmem split at {@code arm_lowmem_limit} (arch/arm/mm/mmu.c). Right,
 * the virtual layout of arch/arm/include/asm/memory.h and {@code mem_init}'s block: modules,
 * pkmap, lowmem, vmalloc with its busy {@code vmap_area}s (mm/vmalloc.c), fixmap and the vectors
 * page. Each drawn area is a {@code rect} with a {@code class} (what it is), {@code data-start}
 * and {@code data-end} (its bounds, hex) and a {@code title}; tiny areas are drawn at least
 * {@value #MIN_HEIGHT} pixels high so that they can be seen, their data keeping the true bounds.
 */
public final class MemmapSvg {
    /** The name {@code --print} takes. */
    public static final String NAME = "memmap-svg";
    private static final int WIDTH = 1080;
    private static final int TOP = 60;
    private static final int HEIGHT = 720;
    private static final int MIN_HEIGHT = 3;
    private static final long PAGE = Layout.PAGE_SIZE;

    private MemmapSvg() {
    }

    /** The picture of {@code kernel}'s memory map; a bare kernel (no board) has none. */
    public static String render(Kernel kernel) {
        BootedSystem b = kernel.booted().orElseThrow(() -> new IllegalArgumentException("memmap-svg needs a booted board"));
        StringBuilder s = new StringBuilder();
        int total = TOP + HEIGHT + 40;
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"memmap\" width=\"").append(WIDTH).append("\" height=\"").append(total)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(total).append("\" font-family=\"monospace\" font-size=\"11\">\n");
        s.append("<title>armmm memory map: ").append(esc(kernel.boardLine().orElse("board"))).append("</title>\n");
        s.append("<rect class=\"background\" x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(total)
                .append("\" fill=\"#ffffff\"/>\n");
        physical(s, b, kernel.zones().orElse(null));
        virtual(s, b.layout(), kernel.state(Vmalloc.class));
        s.append("</svg>\n");
        return s.toString();
    }

    /**
     * A piecewise linear map of addresses onto the drawing's height: breakpoints {@code at[i]}
     * drawn at {@code px[i]}. Physical memory is one linear piece; the virtual layout gives each
     * area a band by the logarithm of its size, or a 4 KiB vectors page and a 768 MiB lowmem
     * could not both be seen.
     */
    private record Scale(long[] at, double[] px) {
        static Scale linear(long lo, long hi) {
            return new Scale(new long[] {lo, hi}, new double[] {TOP, TOP + HEIGHT});
        }

        static Scale logBands(List<Long> bounds) {
            long[] at = bounds.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
            double[] w = new double[at.length];
            double sum = 0;
            for (int i = 1; i < at.length; i++) {
                w[i] = 2 + Math.log((double) (at[i] - at[i - 1]) / PAGE + 1) / Math.log(2);
                sum += w[i];
            }
            double[] px = new double[at.length];
            px[0] = TOP;
            for (int i = 1; i < at.length; i++) {
                px[i] = px[i - 1] + w[i] * HEIGHT / sum;
            }
            return new Scale(at, px);
        }

        double y(long a) {
            int n = at.length;
            if (a <= at[0]) {
                return px[0];
            }
            for (int i = 1; i < n; i++) {
                if (a <= at[i]) {
                    return px[i - 1] + (double) (a - at[i - 1]) * (px[i] - px[i - 1]) / (at[i] - at[i - 1]);
                }
            }
            return px[n - 1];
        }
    }

    private static void physical(StringBuilder s, BootedSystem b, ZoneSetup zones) {
        long lo = b.memory().stream().mapToLong(Region::base).min().orElse(0);
        long hi = b.memory().stream().mapToLong(Region::end).max().orElse(lo + PAGE);
        Scale sc = Scale.linear(lo, hi);
        s.append("<g id=\"physical\">\n");
        text(s, 20, 20, "physical memory " + hex(lo) + "-" + hex(hi) + " (" + (hi - lo >> 20) + " MiB)", "heading");
        text(s, 20, 36, "memblock.memory | reserved | zones | CMA", "legend");
        for (Region r : b.memory()) {
            rect(s, "memory", 110, 80, sc, r.base(), r.end(), r.flags() == 0 ? "#cfe8cf" : "#9e9e9e",
                    "memblock.memory " + hex(r.base()) + "-" + hex(r.end()) + (r.flags() == 0 ? "" : " flags " + r.flags()));
        }
        for (Region r : b.reserved()) {
            rect(s, "reserved", 200, 80, sc, r.base(), r.end(), "#e57373",
                    "memblock.reserved " + hex(r.base()) + "-" + hex(r.end()) + " (" + kib(r.size()) + ")");
        }
        if (zones != null) {
            for (ZoneConfig z : zones.zones()) {
                if (z.isEmpty()) {
                    continue;
                }
                long start = z.startPfn() * PAGE;
                long end = z.endPfn() * PAGE;
                rect(s, "zone", 290, 80, sc, start, end, zoneColour(z.type().kernelName()),
                        "zone " + z.type().kernelName() + " pfn " + z.startPfn() + "+" + z.spannedPages() + ", managed " + z.managedPages());
                text(s, 296, (int) Math.round(sc.y(start)) + 14, z.type().kernelName(), "zone-label");
            }
        }
        for (CmaArea c : b.cmaAreas()) {
            rect(s, "cma", 380, 60, sc, c.base(), c.base() + c.size(), "#ffb74d",
                    "CMA " + c.name() + " " + hex(c.base()) + "-" + hex(c.base() + c.size()) + " (" + (c.size() >> 20) + " MiB)");
        }
        long split = Math.min(Math.max(b.lowmemLimit(), lo), hi);
        double y = sc.y(split);
        s.append(String.format(Locale.ROOT, "<line class=\"lowmem-split\" data-at=\"%s\" x1=\"100\" x2=\"450\" y1=\"%.1f\" y2=\"%.1f\" "
                + "stroke=\"#1565c0\" stroke-width=\"2\" stroke-dasharray=\"6 3\"><title>arm_lowmem_limit %s: lowmem above, highmem below</title></line>\n",
                hex(split), y, y, hex(split)));
        text(s, 452, (int) Math.round(y) - 4, "lowmem", "split-label");
        text(s, 452, (int) Math.round(y) + 12, "highmem", "split-label");
        ticks(s, sc, 100, lo, hi);
        s.append("</g>\n");
    }

    private static void virtual(StringBuilder s, Layout l, Vmalloc vmalloc) {
        long lo = Math.min(l.modulesVaddr(), l.pageOffset());
        long hi = 0x1_0000_0000L;
        s.append("<g id=\"virtual\">\n");
        text(s, 520, 20, "kernel virtual layout " + hex(lo) + "-" + hex(hi - 1), "heading");
        text(s, 520, 36, "modules | pkmap | lowmem | vmalloc | fixmap | vectors", "legend");
        List<Object[]> areas = new ArrayList<>();
        areas.add(new Object[] {"modules", l.modulesVaddr(), l.modulesEnd(), "#b39ddb"});
        areas.add(new Object[] {"pkmap", l.pkmapBase(), l.pkmapEnd(), "#80cbc4"});
        areas.add(new Object[] {"lowmem", l.pageOffset(), l.highMemory(), "#cfe8cf"});
        areas.add(new Object[] {"vmalloc", l.vmallocStart(), l.vmallocEnd(), "#fff59d"});
        areas.add(new Object[] {"fixmap", Layout.FIXADDR_START, Layout.FIXADDR_END, "#f48fb1"});
        areas.add(new Object[] {"vectors", Layout.VECTORS_BASE, Layout.VECTORS_BASE + PAGE, "#90a4ae"});
        List<Long> bounds = new ArrayList<>(List.of(lo, hi));
        for (Object[] a : areas) {
            bounds.add((Long) a[1]);
            bounds.add((Long) a[2]);
        }
        Scale sc = Scale.logBands(bounds);
        for (Object[] a : areas) {
            long start = (Long) a[1];
            long end = (Long) a[2];
            rect(s, "varea " + a[0], 640, 110, sc, start, end, (String) a[3], a[0] + " " + hex(start) + "-" + hex(end) + " (" + kib(end - start) + ")");
            text(s, 760, (int) Math.round((sc.y(start) + sc.y(end)) / 2) + 4, a[0] + " " + hex(start) + "-" + hex(end), "varea-label");
        }
        if (vmalloc != null) {
            List<VmapArea> busy = new ArrayList<>(vmalloc.areas().busyAreas());
            busy.sort(Comparator.comparingLong(VmapArea::vaStart));
            for (VmapArea va : busy) {
                String who = va.vm() == null ? "vmap_area" : va.vm().caller();
                rect(s, "vmap-area", 600, 34, sc, va.vaStart(), va.vaEnd(), "#f9a825",
                        "vmap_area " + hex(va.vaStart()) + "-" + hex(va.vaEnd()) + " " + who);
            }
        }
        for (long a : sc.at()) {
            tick(s, sc, 630, a);
        }
        s.append("</g>\n");
    }

    private static void ticks(StringBuilder s, Scale sc, int x, long lo, long hi) {
        long step = 1L << 20;
        while ((hi - lo) / step > 8) {
            step <<= 1;
        }
        for (long a = (lo + step - 1) / step * step; a <= hi; a += step) {
            tick(s, sc, x, a);
        }
    }

    private static void tick(StringBuilder s, Scale sc, int x, long a) {
        double y = sc.y(a);
        s.append(String.format(Locale.ROOT, "<line class=\"tick\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#555\"/>\n", x - 6, x, y, y));
        text(s, x - 92, (int) Math.round(y) + 4, hex(a), "tick-label");
    }

    private static void rect(StringBuilder s, String cls, int x, int w, Scale sc, long start, long end, String fill, String title) {
        double y0 = sc.y(start);
        double h = Math.max(MIN_HEIGHT, sc.y(end) - y0);
        s.append(String.format(Locale.ROOT, "<rect class=\"%s\" data-start=\"%s\" data-end=\"%s\" x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" "
                + "fill=\"%s\" stroke=\"#333\" stroke-width=\"0.5\"><title>%s</title></rect>\n", cls, hex(start), hex(end), x, y0, w, h, fill, esc(title)));
    }

    private static void text(StringBuilder s, int x, int y, String t, String cls) {
        s.append("<text class=\"").append(cls).append("\" x=\"").append(x).append("\" y=\"").append(y).append("\">").append(esc(t)).append("</text>\n");
    }

    private static String zoneColour(String zone) {
        return switch (zone) {
            case "DMA" -> "#aed581";
            case "Normal" -> "#81c784";
            case "HighMem" -> "#64b5f6";
            default -> "#ce93d8";
        };
    }

    private static String hex(long a) {
        return String.format(Locale.ROOT, "0x%08x", a);
    }

    private static String kib(long bytes) {
        return bytes >= 1L << 20 && bytes % (1L << 20) == 0 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    /** XML text and attribute escaping: callers' names and board lines may hold any character. */
    static String esc(String t) {
        return Xml.escape(t);
    }
}
