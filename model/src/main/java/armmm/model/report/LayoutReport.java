package armmm.model.report;

import armmm.model.layout.Layout;
import java.util.Locale;

/**
 * The "Virtual kernel memory layout:" block ARM kernels printed at boot ({@code mem_init},
 * arch/arm/mm/init.c, Linux 3.x-4.x), with this build's values; the section addresses are
 * printed as numbers, as kernels before pointer hashing did. The 6.1 build no longer prints the
 * block; its section bounds here come from the sizes of its "Memory:" line laid out from
 * {@code _stext} (init section aligned, bss ending at {@code _end}), not from a symbol table.
 */
public final class LayoutReport {
    private LayoutReport() {
    }

    /** The block, one area per line, each line ending in a newline. */
    public static String render(Layout l) {
        StringBuilder s = new StringBuilder("Virtual kernel memory layout:\n");
        kb(s, "vector  ", Layout.VECTORS_BASE, Layout.VECTORS_BASE + Layout.PAGE_SIZE);
        kb(s, "fixmap  ", Layout.FIXADDR_START, Layout.FIXADDR_END);
        mb(s, "vmalloc ", l.vmallocStart(), l.vmallocEnd());
        mb(s, "lowmem  ", l.pageOffset(), l.highMemory());
        mb(s, "pkmap   ", l.pkmapBase(), l.pkmapEnd());
        mb(s, "modules ", l.modulesVaddr(), l.modulesEnd());
        section(s, "  .text", l.kernelStart(), l.textEnd());
        section(s, "  .init", l.initBegin(), l.initEnd());
        section(s, "  .data", l.dataStart(), l.dataEnd());
        section(s, "   .bss", l.dataEnd(), l.kernelEnd());
        return s.toString();
    }

    private static void kb(StringBuilder s, String name, long b, long t) {
        s.append(String.format(Locale.ROOT, "    %s: 0x%08x - 0x%08x   (%4d kB)\n", name, b, t, (t - b) >> 10));
    }

    private static void mb(StringBuilder s, String name, long b, long t) {
        s.append(String.format(Locale.ROOT, "    %s: 0x%08x - 0x%08x   (%4d MB)\n", name, b, t, (t - b) >> 20));
    }

    /** MLK_ROUNDUP: sizes rounded up to a kB. */
    private static void section(StringBuilder s, String name, long b, long t) {
        s.append(String.format(Locale.ROOT, "    %s : 0x%08x - 0x%08x   (%4d kB)\n", name, b, t, (t - b + 1023) >> 10));
    }
}
