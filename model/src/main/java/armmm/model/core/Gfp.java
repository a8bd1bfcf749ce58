package armmm.model.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * GFP flags with the bit values of this build ({@code ___GFP_*}, include/linux/gfp_types.h, Linux
 * 6.1 without KASAN and without LOCKDEP, so {@code __GFP_SKIP_*} and {@code __GFP_NOLOCKDEP} are 0),
 * their composite masks, and the two lookups include/linux/gfp.h makes from a mask:
 * {@code gfp_zone} and {@code gfp_migratetype}.
 */
public final class Gfp {
    /** {@code __GFP_DMA}. */
    public static final long DMA = 0x01;
    /** {@code __GFP_HIGHMEM}. */
    public static final long HIGHMEM = 0x02;
    /** {@code __GFP_DMA32}. */
    public static final long DMA32 = 0x04;
    /** {@code __GFP_MOVABLE}. */
    public static final long MOVABLE = 0x08;
    /** {@code __GFP_RECLAIMABLE}. */
    public static final long RECLAIMABLE = 0x10;
    /** {@code __GFP_HIGH}: may use part of the min reserve ({@code ALLOC_MIN_RESERVE}). */
    public static final long HIGH = 0x20;
    /** {@code __GFP_IO}. */
    public static final long IO = 0x40;
    /** {@code __GFP_FS}. */
    public static final long FS = 0x80;
    /** {@code __GFP_ZERO}. */
    public static final long ZERO = 0x100;
    /** {@code __GFP_ATOMIC}. */
    public static final long ATOMIC = 0x200;
    /** {@code __GFP_DIRECT_RECLAIM}. */
    public static final long DIRECT_RECLAIM = 0x400;
    /** {@code __GFP_KSWAPD_RECLAIM}. */
    public static final long KSWAPD_RECLAIM = 0x800;
    /** {@code __GFP_WRITE}. */
    public static final long WRITE = 0x1000;
    /** {@code __GFP_NOWARN}. */
    public static final long NOWARN = 0x2000;
    /** {@code __GFP_RETRY_MAYFAIL}. */
    public static final long RETRY_MAYFAIL = 0x4000;
    /** {@code __GFP_NOFAIL}. */
    public static final long NOFAIL = 0x8000;
    /** {@code __GFP_NORETRY}. */
    public static final long NORETRY = 0x10000;
    /** {@code __GFP_MEMALLOC}. */
    public static final long MEMALLOC = 0x20000;
    /** {@code __GFP_COMP}. */
    public static final long COMP = 0x40000;
    /** {@code __GFP_NOMEMALLOC}. */
    public static final long NOMEMALLOC = 0x80000;
    /** {@code __GFP_HARDWALL}. */
    public static final long HARDWALL = 0x100000;
    /** {@code __GFP_THISNODE}. */
    public static final long THISNODE = 0x200000;
    /** {@code __GFP_ACCOUNT}. */
    public static final long ACCOUNT = 0x400000;
    /** {@code __GFP_ZEROTAGS}. */
    public static final long ZEROTAGS = 0x800000;
    /** {@code __GFP_BITS_MASK}: 27 bits without LOCKDEP. */
    public static final long BITS_MASK = (1L << 27) - 1;

    /** {@code __GFP_RECLAIM}. */
    public static final long RECLAIM = DIRECT_RECLAIM | KSWAPD_RECLAIM;
    /** {@code GFP_ATOMIC}. */
    public static final long GFP_ATOMIC = HIGH | ATOMIC | KSWAPD_RECLAIM;
    /** {@code GFP_KERNEL}. */
    public static final long GFP_KERNEL = RECLAIM | IO | FS;
    /** {@code GFP_KERNEL_ACCOUNT}. */
    public static final long GFP_KERNEL_ACCOUNT = GFP_KERNEL | ACCOUNT;
    /** {@code GFP_NOWAIT}. */
    public static final long GFP_NOWAIT = KSWAPD_RECLAIM;
    /** {@code GFP_NOIO}. */
    public static final long GFP_NOIO = RECLAIM;
    /** {@code GFP_NOFS}. */
    public static final long GFP_NOFS = RECLAIM | IO;
    /** {@code GFP_USER}. */
    public static final long GFP_USER = RECLAIM | IO | FS | HARDWALL;
    /** {@code GFP_DMA}. */
    public static final long GFP_DMA = DMA;
    /** {@code GFP_HIGHUSER}. */
    public static final long GFP_HIGHUSER = GFP_USER | HIGHMEM;
    /** {@code GFP_HIGHUSER_MOVABLE} (the KASAN skip bits are 0 in this build). */
    public static final long GFP_HIGHUSER_MOVABLE = GFP_HIGHUSER | MOVABLE;
    /** {@code GFP_TRANSHUGE_LIGHT}. */
    public static final long GFP_TRANSHUGE_LIGHT = (GFP_HIGHUSER_MOVABLE | COMP | NOMEMALLOC | NOWARN) & ~RECLAIM;
    /** {@code GFP_TRANSHUGE}. */
    public static final long GFP_TRANSHUGE = GFP_TRANSHUGE_LIGHT | DIRECT_RECLAIM;
    /** {@code GFP_ZONEMASK}. */
    public static final long ZONEMASK = DMA | HIGHMEM | DMA32 | MOVABLE;

    /** Composite names first, widest first, so that {@link #format} prefers them. */
    private static final Map<String, Long> COMPOSITES = linked(
            "GFP_TRANSHUGE", GFP_TRANSHUGE, "GFP_TRANSHUGE_LIGHT", GFP_TRANSHUGE_LIGHT,
            "GFP_HIGHUSER_MOVABLE", GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER", GFP_HIGHUSER, "GFP_USER", GFP_USER,
            "GFP_KERNEL_ACCOUNT", GFP_KERNEL_ACCOUNT, "GFP_KERNEL", GFP_KERNEL, "GFP_ATOMIC", GFP_ATOMIC,
            "GFP_NOFS", GFP_NOFS, "GFP_NOIO", GFP_NOIO, "GFP_NOWAIT", GFP_NOWAIT, "GFP_DMA", GFP_DMA);

    /** The single-bit flags, lowest bit first, plus {@code __GFP_RECLAIM} for parsing. */
    private static final Map<String, Long> BITS = linked(
            "__GFP_DMA", DMA, "__GFP_HIGHMEM", HIGHMEM, "__GFP_DMA32", DMA32, "__GFP_MOVABLE", MOVABLE,
            "__GFP_RECLAIMABLE", RECLAIMABLE, "__GFP_HIGH", HIGH, "__GFP_IO", IO, "__GFP_FS", FS,
            "__GFP_ZERO", ZERO, "__GFP_ATOMIC", ATOMIC, "__GFP_DIRECT_RECLAIM", DIRECT_RECLAIM,
            "__GFP_KSWAPD_RECLAIM", KSWAPD_RECLAIM, "__GFP_WRITE", WRITE, "__GFP_NOWARN", NOWARN,
            "__GFP_RETRY_MAYFAIL", RETRY_MAYFAIL, "__GFP_NOFAIL", NOFAIL, "__GFP_NORETRY", NORETRY,
            "__GFP_MEMALLOC", MEMALLOC, "__GFP_COMP", COMP, "__GFP_NOMEMALLOC", NOMEMALLOC,
            "__GFP_HARDWALL", HARDWALL, "__GFP_THISNODE", THISNODE, "__GFP_ACCOUNT", ACCOUNT,
            "__GFP_ZEROTAGS", ZEROTAGS);

    private Gfp() {
    }

    private static Map<String, Long> linked(Object... pairs) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Long) pairs[i + 1]);
        }
        return m;
    }

    /**
     * The mask as names joined by {@code |}: the widest composite contained in it first (at most
     * one), then the remaining single flags lowest bit first; unknown bits in hex; {@code 0} for 0.
     */
    public static String format(long mask) {
        if (mask == 0) {
            return "0";
        }
        List<String> names = new ArrayList<>();
        long rest = mask;
        for (Map.Entry<String, Long> c : COMPOSITES.entrySet()) {
            if ((rest & c.getValue()) == c.getValue()) {
                names.add(c.getKey());
                rest &= ~c.getValue();
                break;
            }
        }
        for (Map.Entry<String, Long> b : BITS.entrySet()) {
            if ((rest & b.getValue()) != 0) {
                names.add(b.getKey());
                rest &= ~b.getValue();
            }
        }
        if (rest != 0) {
            names.add("0x" + Long.toHexString(rest));
        }
        return String.join("|", names);
    }

    /**
     * Reads a mask written as names and numbers joined by {@code |} (spaces allowed around it),
     * such as {@code GFP_KERNEL|__GFP_ZERO}; empty when a part is neither.
     */
    public static OptionalLong parse(String text) {
        if (text == null || text.isBlank()) {
            return OptionalLong.empty();
        }
        long mask = 0;
        for (String part : text.split("\\|")) {
            String p = part.trim();
            Long v = COMPOSITES.get(p);
            if (v == null) {
                v = BITS.get(p);
            }
            if (v == null && p.equals("__GFP_RECLAIM")) {
                v = RECLAIM;
            }
            if (v == null) {
                v = parseNumber(p);
            }
            if (v == null) {
                return OptionalLong.empty();
            }
            mask |= v;
        }
        return OptionalLong.of(mask);
    }

    private static Long parseNumber(String p) {
        try {
            String s = p.toLowerCase(Locale.ROOT);
            return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
