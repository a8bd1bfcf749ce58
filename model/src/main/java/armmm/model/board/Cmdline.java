package armmm.model.board;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel command line and what its early parameters ask for, read as the kernel's
 * {@code early_param} handlers read them: {@code mem=} ({@code early_mem},
 * arch/arm/kernel/setup.c), {@code vmalloc=} ({@code early_vmalloc}, arch/arm/mm/mmu.c),
 * {@code cma=} ({@code early_cma}, kernel/dma/contiguous.c), {@code movablecore=}
 * ({@code cmdline_parse_movablecore}, mm/page_alloc.c) and {@code memblock=debug}
 * ({@code early_memblock}, mm/memblock.c). Values are read with {@code memparse}; clamps that
 * depend on the build ({@code early_vmalloc}'s) are applied at boot.
 *
 * @param text          the whole command line as the kernel sees it
 * @param mem           each {@code mem=SIZE[@START]}, in order (each adds a bank after the first wipes RAM)
 * @param vmalloc       the {@code vmalloc=} size asked for, or -1 (the last one wins)
 * @param cma           the {@code cma=} request, or null
 * @param movablecore   {@code movablecore=} in bytes, or -1
 * @param movablecorePercent {@code movablecore=N%}, or -1
 * @param memblockDebug {@code memblock=debug}
 */
public record Cmdline(String text, List<MemArg> mem, long vmalloc, CmaArg cma, long movablecore,
                      long movablecorePercent, boolean memblockDebug) {

    /** One {@code mem=SIZE[@START]}; start -1 means PHYS_OFFSET. */
    public record MemArg(long size, long start) {
    }

    /**
     * {@code cma=SIZE[@BASE[-LIMIT]]} as {@code early_cma} (kernel/dma/contiguous.c) leaves size_cmdline,
     * base_cmdline and limit_cmdline: base and limit 0 without '@'; with a base but no '-', the limit
     * is base + size (a fixed area).
     */
    public record CmaArg(long size, long base, long limit) {
    }

    public Cmdline {
        mem = List.copyOf(mem);
    }

    /** The empty command line. */
    public static Cmdline empty() {
        return parse("");
    }

    /** Parses {@code text} as the kernel's early parameters would; unknown parameters are kept in the text only. */
    public static Cmdline parse(String text) {
        List<MemArg> mem = new ArrayList<>();
        long vmalloc = -1;
        CmaArg cma = null;
        long movable = -1;
        long movablePercent = -1;
        boolean debug = false;
        for (String token : text.trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = token.substring(0, eq);
            String val = token.substring(eq + 1);
            switch (key) {
                case "mem" -> {
                    Memparse.Parsed size = Memparse.prefix(val, 0);
                    long start = -1;
                    if (size.end() < val.length() && val.charAt(size.end()) == '@') {
                        start = Memparse.prefix(val, size.end() + 1).value();
                    }
                    mem.add(new MemArg(size.value(), start));
                }
                case "vmalloc" -> vmalloc = Memparse.prefix(val, 0).value();
                case "cma" -> {
                    Memparse.Parsed size = Memparse.prefix(val, 0);
                    long base = 0;
                    long limit = 0;
                    int at = size.end();
                    if (at < val.length() && val.charAt(at) == '@') {
                        Memparse.Parsed b = Memparse.prefix(val, at + 1);
                        base = b.value();
                        if (b.end() < val.length() && val.charAt(b.end()) == '-') {
                            limit = Memparse.prefix(val, b.end() + 1).value();
                        } else {
                            // early_cma: a base without '-LIMIT' sets limit_cmdline = base + size, which
                            // dma_contiguous_reserve reads as a fixed area at exactly that base
                            limit = base + size.value();
                        }
                    }
                    cma = new CmaArg(size.value(), base, limit);
                }
                case "movablecore" -> {
                    if (val.endsWith("%")) {
                        Memparse.Parsed pct = Memparse.prefix(val, 0);
                        if (pct.overflow() || Long.compareUnsigned(pct.value(), 100) > 0) {
                            // cmdline_parse_core WARNs on a percentage above 100 and goes on with a
                            // value that makes no sense; the model refuses it instead
                            throw new BoardException("--cmdline", "movablecore=" + val + ": expected at most 100%");
                        }
                        movablePercent = pct.value();
                        movable = -1;
                    } else {
                        movable = Memparse.prefix(val, 0).value();
                        movablePercent = -1;
                    }
                }
                case "memblock" -> debug = debug || val.equals("debug");
                default -> {
                }
            }
        }
        return new Cmdline(text.trim(), mem, vmalloc, cma, movable, movablePercent, debug);
    }

    /** {@code strlen(boot_command_line)}. */
    public int length() {
        return text.length();
    }
}
