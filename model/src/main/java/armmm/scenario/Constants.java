package armmm.scenario;

import armmm.model.memblock.Memblock;
import armmm.model.core.Gfp;
import armmm.model.zone.ZoneType;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scenario language's literal values: numbers with the kernel's {@code K}/{@code M}/{@code G}
 * suffixes (memparse), {@code SZ_*} sizes (include/linux/sizes.h), booleans, zone names, memblock
 * flags and limits, and GFP masks. Only ASCII digits are digits, and a value that does not fit 64
 * bits (with its suffix) throws {@link NumberFormatException} instead of wrapping.
 */
final class Constants {
    private static final Pattern NUMBER = Pattern.compile("(0[xX][0-9a-fA-F]+|[0-9]+)([KMG])?");
    private static final Pattern SIZE = Pattern.compile("SZ_([0-9]+)([KMG])?");
    private static final Map<String, Long> NAMED = named();

    private Constants() {
    }

    private static Map<String, Long> named() {
        Map<String, Long> m = new HashMap<>();
        m.put("true", 1L);
        m.put("false", 0L);
        m.put("NULL", 0L);
        m.put("PAGE_SIZE", 4096L);
        m.put("MEMBLOCK_NONE", 0L);
        m.put("MEMBLOCK_HOTPLUG", 0x1L);
        m.put("MEMBLOCK_MIRROR", 0x2L);
        m.put("MEMBLOCK_NOMAP", (long) Memblock.NOMAP);
        m.put("MEMBLOCK_DRIVER_MANAGED", 0x8L);
        m.put("MEMBLOCK_ALLOC_ACCESSIBLE", Memblock.ALLOC_ACCESSIBLE);
        m.put("MEMBLOCK_ALLOC_ANYWHERE", Memblock.ALLOC_ANYWHERE);
        m.put("MEMBLOCK_LOW_LIMIT", 0L);
        m.put("PHYS_ADDR_MAX", Memblock.ALLOC_ANYWHERE);
        for (ZoneType z : ZoneType.values()) {
            m.put(z.kernelName(), (long) z.ordinal());
        }
        return Map.copyOf(m);
    }

    /** The value of literal {@code word}, or empty when it is not a literal. */
    static OptionalLong literal(String word) {
        Matcher num = NUMBER.matcher(word);
        if (num.matches()) {
            String digits = num.group(1);
            long v = digits.startsWith("0x") || digits.startsWith("0X")
                    ? Long.parseUnsignedLong(digits.substring(2), 16)
                    : Long.parseUnsignedLong(digits);
            return OptionalLong.of(scaled(v, shift(num.group(2))));
        }
        Matcher size = SIZE.matcher(word);
        if (size.matches()) {
            return OptionalLong.of(scaled(Long.parseUnsignedLong(size.group(1)), shift(size.group(2))));
        }
        Long named = NAMED.get(word);
        if (named != null) {
            return OptionalLong.of(named);
        }
        if (word.contains("GFP")) {
            return Gfp.parse(word);
        }
        if (word.startsWith("SLAB_")) {
            // slab_flags_t names joined by |, as kmem_cache_create takes them
            try {
                return OptionalLong.of(armmm.model.slub.SlabFlags.parse(word) & 0xFFFF_FFFFL);
            } catch (IllegalArgumentException e) {
                return OptionalLong.empty();
            }
        }
        if (word.startsWith("PROT_") || word.startsWith("MAP_") || word.equals("RLIM_INFINITY")) {
            return armmm.model.mm.MmFlagNames.parse(word);
        }
        return OptionalLong.empty();
    }

    /** {@code v << shift}; a value that does not fit 64 bits is out of range, not wrapped. */
    private static long scaled(long v, int shift) {
        if (shift > 0 && Long.compareUnsigned(v, -1L >>> shift) > 0) {
            throw new NumberFormatException("does not fit 64 bits");
        }
        return v << shift;
    }

    private static int shift(String suffix) {
        if (suffix == null) {
            return 0;
        }
        return switch (suffix) {
            case "K" -> 10;
            case "M" -> 20;
            default -> 30;
        };
    }
}
